using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Suanwang.Core.Scheduling;
using Suanwang.Simulation.Synthetic;

namespace Suanwang.Cli;

/// <summary><c>suanwang bench scheduler</c>: measure the scheduler on a deterministic synthetic network.</summary>
internal static class BenchCommand
{
    /// <summary>Most single-job decisions timed for the latency percentiles.</summary>
    public const int MaxSamples = 100_000;

    /// <summary>Single-job decisions timed unless --samples says otherwise (fewer when there are fewer jobs).</summary>
    public const int DefaultSamples = 1000;

    public static Command Create(CliConsole console)
    {
        var bench = new Command("bench", "Measure Suanwang's hot paths in-process on synthetic worlds.");
        bench.Subcommands.Add(Scheduler(console));
        bench.Subcommands.Add(BenchSimulatorCommand.Create(console));
        bench.Subcommands.Add(BenchApiCommand.Create(console));
        bench.Subcommands.Add(BenchStagingCommand.Create(console));
        return bench;
    }

    private static Command Scheduler(CliConsole console)
    {
        var pools = new Option<int>("--pools") { Description = "Pools in the synthetic world.", Required = true };
        var nodes = new Option<int>("--nodes") { Description = "Nodes in all, split unevenly across the pools.", Required = true };
        var jobs = new Option<int>("--jobs") { Description = "Pending jobs planned in the measured cycle.", Required = true };
        var policy = new Option<string>("--policy")
        {
            Description = "Scheduling policy: " + string.Join(", ", SchedulingPolicy.All.Select(p => p.Name)) + ".",
            DefaultValueFactory = _ => SchedulingPolicy.NetworkAware.Name,
        };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic world (same seed, same world).", DefaultValueFactory = _ => 42 };
        var samples = new Option<int>("--samples")
        {
            Description = "Single-job decisions timed for the p50/p99 latency (at most the number of jobs).",
            DefaultValueFactory = _ => DefaultSamples,
        };
        var json = CommonOptions.Json();
        var command = new Command("scheduler",
            "Build a synthetic national network deterministically and measure online decisions/s, p50/p99 decision latency, the batch round and peak memory.")
        {
            pools, nodes, jobs, policy, seed, samples, json,
        };
        command.SetAction(parse => Run(console, new SyntheticWorldOptions(parse.GetValue(pools), parse.GetValue(nodes), parse.GetValue(jobs)),
            parse.GetValue(policy)!, parse.GetValue(seed), parse.GetValue(samples), parse.GetValue(json)));
        return command;
    }

    private static int Run(CliConsole console, SyntheticWorldOptions options, string policyName, int seed, int samples, bool json)
    {
        var problems = options.Validate().ToList();
        var policy = SchedulingPolicy.ByName(policyName);
        if (policy is null)
            problems.Add($"unknown policy '{policyName}'; known policies: {string.Join(", ", SchedulingPolicy.All.Select(p => p.Name))}");
        if (samples is < 1 or > MaxSamples)
            problems.Add(Invariant($"samples must be between 1 and {MaxSamples}, found {samples}"));
        if (problems.Count > 0)
            return console.InvalidInput(string.Join("; ", problems));

        var result = SchedulerBenchmark.Run(options, seed, policy!, samples);
        if (json)
        {
            console.WriteJson(new
            {
                result.Options.Pools,
                result.Options.Nodes,
                result.Options.Jobs,
                result.Seed,
                Online = new { DecisionsPerS = Math.Round(result.DecisionsPerSecond, 1), P50Us = Math.Round(result.P50Microseconds, 1), P99Us = Math.Round(result.P99Microseconds, 1) },
                Batch = new
                {
                    result.Batch?.Jobs,
                    result.Batch?.Pools,
                    result.Batch?.Seconds,
                    result.Batch?.Objective,
                    result.Batch?.GreedyObjective,
                },
                PeakMemoryMb = Math.Round(result.PeakWorkingSetMiB, 1),
            });
            return ExitCodes.Ok;
        }
        Render(console, result);
        return ExitCodes.Ok;
    }

    private static void Render(CliConsole console, SchedulerBenchResult r)
    {
        console.Ansi.MarkupLine(Invariant(
            $"[bold]scheduler benchmark[/]: policy {r.Policy}, seed {r.Seed}, one thread, in-process"));
        var world = new Table().Title("synthetic world").AddColumn("item").AddColumn(new TableColumn("count").RightAligned());
        world.AddRow("pools", Number(r.Options.Pools));
        world.AddRow("nodes", Number(r.Options.Nodes));
        world.AddRow("sites", Number(r.Sites));
        world.AddRow("points of presence / links", Invariant($"{r.PointsOfPresence} / {r.Links}"));
        world.AddRow("datasets", Number(r.Datasets));
        world.AddRow("running allocations", Number(r.RunningAllocations));
        world.AddRow("pending jobs", Number(r.Options.Jobs));
        console.Ansi.Write(world);

        var figures = new Table().Title("measured").AddColumn("measurement").AddColumn(new TableColumn("value").RightAligned()).AddColumn("how");
        figures.AddRow("online decisions/s", Invariant($"{r.DecisionsPerSecond:#,0}"), Invariant($"{r.Options.Jobs:#,0} jobs ÷ {r.CycleSeconds:0.000} s of one cycle"));
        figures.AddRow("  processor time of the cycle", Invariant($"{r.CycleCpuSeconds:0.000} s"), "all threads of the process; wall time above it means other programs took the cores");
        figures.AddRow("  GC pauses in the cycle", Invariant($"{r.CycleGcPauseSeconds:0.000} s"), Invariant($"{r.CycleGen2Collections} full collections"));
        figures.AddRow("  placed / waiting / unschedulable", Invariant($"{r.Placed:#,0} / {r.Waiting:#,0} / {r.Unschedulable:#,0}"), "");
        figures.AddRow("decision latency p50", Invariant($"{r.P50Microseconds:#,0.0} µs"), Invariant($"one-job plans on the same snapshot, {r.LatencySamples:#,0} samples"));
        figures.AddRow("decision latency p99", Invariant($"{r.P99Microseconds:#,0.0} µs"), "nearest rank");
        if (r.Batch is { } batch)
        {
            figures.AddRow("batch round", Invariant($"{batch.Seconds:0.000} s"), Invariant($"{batch.Jobs:#,0} jobs × {batch.Pools:#,0} pools"));
            figures.AddRow("batch objective / greedy", Invariant($"{batch.Objective:0.###} / {batch.GreedyObjective:0.###}"), "same jobs and pools");
        }
        else
        {
            figures.AddRow("batch round", "n/a", "batch round not built yet");
        }
        figures.AddRow("peak memory", Invariant($"{r.PeakWorkingSetMiB:#,0} MiB"), "peak working set of the process");
        figures.AddRow("setup (not in the figures)", Invariant($"{r.GenerateSeconds:0.00} s + {r.SnapshotSeconds:0.00} s"), "world generation + snapshot");
        console.Ansi.Write(figures);
    }

    private static string Number(int value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
