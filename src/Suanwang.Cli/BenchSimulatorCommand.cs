using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Suanwang.Core.Scheduling;

namespace Suanwang.Cli;

/// <summary><c>suanwang bench simulator</c>: the event machinery's speed, and whole traces simulated in-process.</summary>
internal static class BenchSimulatorCommand
{
    public static Command Create(CliConsole console)
    {
        var traces = new Option<string>("--traces")
        {
            Description = "Folder holding NASA-iPSC-1993-3.1-cln.swf.gz and lublin_256.swf (the project's data/traces).",
            DefaultValueFactory = _ => Path.Combine("data", "traces"),
        };
        var policy = new Option<string>("--policy")
        {
            Description = "Policy the traces are simulated under: " + string.Join(", ", SchedulingPolicy.All.Select(p => p.Name)) + ".",
            DefaultValueFactory = _ => SchedulingPolicy.FcfsEasy.Name,
        };
        var events = new Option<long>("--events") { Description = "Events in the engine microbenchmark.", DefaultValueFactory = _ => 5_000_000 };
        var repetitions = new Option<int>("--repetitions") { Description = "Runs of each trace; the best is reported.", DefaultValueFactory = _ => 3 };
        var windows = new Option<int>("--windows")
        {
            Description = "Also replay windows of this many consecutive jobs of each trace (every 256 jobs, each from an empty machine) under fcfs and fcfs-easy, and report their mean bounded slowdown (RLScheduler's protocol); 0 for none.",
            DefaultValueFactory = _ => 0,
        };
        var json = CommonOptions.Json();
        var command = new Command("simulator",
            "Measure the engine's events/s (hold model on the future-event list, against .NET's PriorityQueue) and whole traces simulated in-process after warm-up.")
        {
            traces, policy, events, repetitions, windows, json,
        };
        command.SetAction(parse => Run(console, parse.GetValue(traces)!, parse.GetValue(policy)!, parse.GetValue(events), parse.GetValue(repetitions), parse.GetValue(windows), parse.GetValue(json)));
        return command;
    }

    private static int Run(CliConsole console, string folder, string policyName, long events, int repetitions, int windowJobs, bool json)
    {
        var policy = SchedulingPolicy.ByName(policyName);
        if (policy is null)
            return console.InvalidInput($"unknown policy '{policyName}'; known policies: {string.Join(", ", SchedulingPolicy.All.Select(p => p.Name))}");
        if (events is < 1_000 or > 1_000_000_000 || repetitions is < 1 or > 100)
            return console.InvalidInput("--events must be between 1,000 and 1,000,000,000 and --repetitions between 1 and 100");
        if (windowJobs is < 0 or > 4096)
            return console.InvalidInput("--windows must be between 0 (none) and 4,096 jobs");
        (string File, int Nodes)[] wanted = [("NASA-iPSC-1993-3.1-cln.swf.gz", 128), ("lublin_256.swf", 256)];
        var missing = wanted.Where(t => !File.Exists(Path.Combine(folder, t.File))).Select(t => t.File).ToArray();
        if (missing.Length > 0)
            return console.InvalidInput($"trace {string.Join(" and ", missing)} not found in '{folder}' (give the project's data/traces with --traces)");

        var small = SimulatorBenchmark.Engine(1_000, events, 42);
        var large = SimulatorBenchmark.Engine(100_000, events, 42);
        var catalog = Core.Measurement.DeviceCatalog.LoadEmbedded();
        var worlds = wanted.Select(t => SimulatorBenchmark.World(Path.Combine(folder, t.File), t.Nodes, catalog)).ToArray();
        var runs = worlds.Select(w => SimulatorBenchmark.Trace(w, policy, repetitions)).ToArray();
        var windowed = windowJobs == 0 ? [] : worlds
            .SelectMany(w => new[] { SchedulingPolicy.Fcfs, SchedulingPolicy.FcfsEasy }.Select(p => SimulatorBenchmark.Windows(w, p, windowJobs, 256)))
            .ToArray();
        if (json)
        {
            console.WriteJson(new { Engine = new[] { small, large }, Traces = runs, Windows = windowed });
            return ExitCodes.Ok;
        }
        var engine = new Table().Title("engine: hold model, one thread").AddColumn("events in the list").AddColumn(new TableColumn("events/s").RightAligned())
            .AddColumn(new TableColumn("PriorityQueue events/s").RightAligned()).AddColumn(new TableColumn("ratio").RightAligned());
        foreach (var e in new[] { small, large })
        {
            engine.AddRow(Invariant($"{e.QueueSize:#,0}"), Invariant($"{e.EventsPerSecond:#,0}"), Invariant($"{e.BaselineEventsPerSecond:#,0}"),
                Invariant($"{e.EventsPerSecond / e.BaselineEventsPerSecond:0.00}×"));
        }
        console.Ansi.Write(engine);
        var table = new Table().Title(Invariant($"whole traces, {policy.Name}, best of {repetitions} after warm-up"))
            .AddColumn("trace").AddColumn(new TableColumn("jobs").RightAligned()).AddColumn(new TableColumn("run").RightAligned())
            .AddColumn(new TableColumn("events").RightAligned()).AddColumn(new TableColumn("scheduler calls").RightAligned())
            .AddColumn(new TableColumn("in the scheduler").RightAligned()).AddColumn(new TableColumn("mean wait").RightAligned());
        foreach (var r in runs)
        {
            table.AddRow(Invariant($"{r.Trace} ({r.Nodes} nodes)"), Invariant($"{r.Jobs:#,0}"), Invariant($"{r.Seconds * 1000:#,0} ms"), Invariant($"{r.Events:#,0}"),
                Invariant($"{r.SchedulerCalls:#,0}"), Invariant($"{r.SchedulerSeconds / r.Seconds:0%}"), Invariant($"{r.MeanWaitSeconds:#,0} s"));
        }
        console.Ansi.Write(table);
        if (windowed.Length > 0)
        {
            var windowTable = new Table().Title(Invariant($"windows of {windowJobs:#,0} consecutive jobs, each from an empty machine"))
                .AddColumn("trace").AddColumn("policy").AddColumn(new TableColumn("windows").RightAligned())
                .AddColumn(new TableColumn("bounded slowdown (mean of windows)").RightAligned()).AddColumn(new TableColumn("range").RightAligned())
                .AddColumn(new TableColumn("utilization").RightAligned());
            foreach (var w in windowed)
            {
                windowTable.AddRow(w.Trace, w.Policy, Invariant($"{w.Windows}"), Invariant($"{w.MeanBoundedSlowdown:#,0.00}"),
                    Invariant($"{w.MinBoundedSlowdown:#,0.0}–{w.MaxBoundedSlowdown:#,0.0}"), Invariant($"{w.MeanUtilization:0.0%}"));
            }
            console.Ansi.Write(windowTable);
        }
        return ExitCodes.Ok;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
