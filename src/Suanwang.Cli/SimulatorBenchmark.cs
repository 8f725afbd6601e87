using System.Collections.Immutable;
using System.Diagnostics;
using Suanwang.Core.Measurement;
using Suanwang.Core.Model;
using Suanwang.Core.Scheduling;
using Suanwang.Core.Topologies;
using Suanwang.Simulation.Engine;
using Suanwang.Simulation.Workloads;

namespace Suanwang.Cli;

/// <summary>The event machinery measured alone: a hold model on the future-event list, against .NET's PriorityQueue doing the same work.</summary>
/// <param name="QueueSize">Events kept in the list.</param>
/// <param name="Events">Events taken (each followed by one scheduled).</param>
/// <param name="EventsPerSecond">Our list.</param>
/// <param name="BaselineEventsPerSecond">PriorityQueue with (time, insertion number) priorities, same sequence.</param>
internal sealed record EngineBenchResult(int QueueSize, long Events, double EventsPerSecond, double BaselineEventsPerSecond);

/// <summary>A whole trace simulated in-process after warm-up.</summary>
/// <param name="Trace">The trace file name.</param>
/// <param name="Nodes">Nodes of the one site.</param>
/// <param name="Policy">The policy.</param>
/// <param name="Jobs">Jobs replayed.</param>
/// <param name="Seconds">Wall time of the run (best of the repetitions).</param>
/// <param name="Events">Events the run processed.</param>
/// <param name="SchedulerCalls">Times the scheduler ran.</param>
/// <param name="SchedulerSeconds">Wall time inside the scheduler.</param>
/// <param name="MeanWaitSeconds">Mean wait (a check that the run did the work).</param>
internal sealed record TraceBenchResult(string Trace, int Nodes, string Policy, int Jobs, double Seconds, long Events, long SchedulerCalls, double SchedulerSeconds, double MeanWaitSeconds);

/// <summary>Mean bounded slowdown over windows of consecutive trace jobs, each simulated from an empty machine (RLScheduler's evaluation protocol).</summary>
/// <param name="Trace">The trace file name.</param>
/// <param name="Policy">The policy.</param>
/// <param name="WindowJobs">Jobs per window.</param>
/// <param name="Windows">Windows simulated.</param>
/// <param name="MeanBoundedSlowdown">Mean over windows of each window's mean bounded slowdown (τ = 10 s).</param>
/// <param name="MinBoundedSlowdown">Smallest window mean.</param>
/// <param name="MaxBoundedSlowdown">Largest window mean.</param>
/// <param name="MeanUtilization">Mean over windows of the window's utilization (first arrival to last completion).</param>
internal sealed record WindowBenchResult(string Trace, string Policy, int WindowJobs, int Windows, double MeanBoundedSlowdown, double MinBoundedSlowdown,
    double MaxBoundedSlowdown, double MeanUtilization);

/// <summary>A trace replayed on one site: read and mapped once, measured many times.</summary>
/// <param name="Name">The trace file name.</param>
/// <param name="Nodes">Nodes of the site.</param>
/// <param name="Topology">The one-site topology.</param>
/// <param name="Jobs">The trace's jobs.</param>
/// <param name="Catalog">The device catalogue.</param>
internal sealed record TraceWorld(string Name, int Nodes, Topology Topology, ImmutableArray<SimulatedJob> Jobs, DeviceCatalog Catalog);

/// <summary>What <c>suanwang bench simulator</c> measures.</summary>
internal static class SimulatorBenchmark
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Hold model: the list starts with <paramref name="queueSize"/> events; each step takes the earliest
    /// and schedules one at now + an exponential delay (mean 1 s, precomputed so the random generator is
    /// not timed). The same steps run on PriorityQueue as the baseline.
    /// </summary>
    public static EngineBenchResult Engine(int queueSize, long events, int seed)
    {
        var random = new Random(seed);
        var delays = new long[1 << 16];
        for (var i = 0; i < delays.Length; i++)
            delays[i] = 1 + (long)(-Math.Log(1 - random.NextDouble()) * TimeSpan.TicksPerSecond);
        var initial = Enumerable.Range(0, queueSize).Select(i => delays[i % delays.Length] * 3).ToArray();

        double Ours()
        {
            var list = new FutureEventList<int>();
            foreach (var (time, i) in initial.Select((t, i) => (t, i)))
                list.Schedule(time, i);
            var watch = Stopwatch.StartNew();
            for (long k = 0; k < events; k++)
            {
                list.TryDequeue(out var now, out var item);
                list.Schedule(now + delays[k & 0xFFFF], item);
            }
            return events / watch.Elapsed.TotalSeconds;
        }

        double Baseline()
        {
            var queue = new PriorityQueue<int, (long Time, long Sequence)>();
            long sequence = 0;
            foreach (var (time, i) in initial.Select((t, i) => (t, i)))
                queue.Enqueue(i, (time, sequence++));
            var watch = Stopwatch.StartNew();
            for (long k = 0; k < events; k++)
            {
                queue.TryDequeue(out var item, out var priority);
                queue.Enqueue(item, (priority.Time + delays[k & 0xFFFF], sequence++));
            }
            return events / watch.Elapsed.TotalSeconds;
        }

        Ours();
        Baseline(); // warm-up of both
        return new EngineBenchResult(queueSize, events, Ours(), Baseline());
    }

    /// <summary>
    /// Windows of <paramref name="size"/> consecutive jobs starting every <paramref name="stride"/> jobs
    /// from job index <paramref name="size"/> (so the first window of the trace, which starts on an idle
    /// machine anyway, is left out as RLScheduler does), each replayed alone from an empty machine with
    /// arrival times shifted to start at 0.
    /// </summary>
    public static WindowBenchResult Windows(TraceWorld world, SchedulingPolicy policy, int size, int stride)
    {
        var (name, _, topology, jobs, catalog) = world;
        var results = new List<(double Slowdown, double Utilization)>();
        for (var first = size; first + size <= jobs.Length; first += stride)
        {
            var window = jobs[first..(first + size)];
            var shift = window[0].Job.SubmittedAt - Start;
            var shifted = window.Select(j => j with { Job = j.Job with { SubmittedAt = j.Job.SubmittedAt - shift } }).ToImmutableArray();
            var result = SimulationRun.Run(new SimulationInput(topology, catalog, [], shifted, [], Start, null, null), policy);
            results.Add((result.Report.BoundedSlowdownMean, result.Report.Utilization));
        }
        return new WindowBenchResult(name, policy.Name, size, results.Count, results.Average(r => r.Slowdown),
            results.Min(r => r.Slowdown), results.Max(r => r.Slowdown), results.Average(r => r.Utilization));
    }

    /// <summary>Runs of the warm-up prefix (at most; see <see cref="WarmUpSeconds"/>).</summary>
    public const int WarmUpRuns = 30;

    /// <summary>Wall time after which the warm-up stops repeating the prefix.</summary>
    public const double WarmUpSeconds = 3;

    /// <summary>
    /// Simulates a whole trace on its one site, after a warm-up; best of <paramref name="repetitions"/>.
    /// The warm-up replays the trace's first 1,000 jobs again and again (up to <see cref="WarmUpRuns"/>
    /// runs or <see cref="WarmUpSeconds"/>) and then waits until tiered compilation settles: methods
    /// called once per run (the event loop, the report) reach their final tier only after about 30
    /// calls, and a single warm-up run left most of the first measured runs in unoptimized code.
    /// </summary>
    public static TraceBenchResult Trace(TraceWorld world, SchedulingPolicy policy, int repetitions)
    {
        var (name, nodes, topology, jobs, catalog) = world;
        SimulationResult Run(ImmutableArray<SimulatedJob> some) =>
            SimulationRun.Run(new SimulationInput(topology, catalog, [], some, [], Start, null, null), policy);

        var warm = Stopwatch.StartNew();
        for (var w = 0; w < WarmUpRuns && warm.Elapsed.TotalSeconds < WarmUpSeconds; w++)
            Run(jobs[..Math.Min(1000, jobs.Length)]);
        SchedulerBenchmark.SettleTiering();
        var best = double.PositiveInfinity;
        SimulationResult? result = null;
        for (var r = 0; r < repetitions; r++)
        {
            var watch = Stopwatch.StartNew();
            var run = Run(jobs);
            if (watch.Elapsed.TotalSeconds < best)
                (best, result) = (watch.Elapsed.TotalSeconds, run);
        }
        return new TraceBenchResult(name, nodes, policy.Name, jobs.Length, best, result!.Events, result.SchedulerCalls,
            result.SchedulerSeconds, result.Report.WaitSeconds.Mean);
    }

    /// <summary>One site of <paramref name="nodes"/> one-core nodes and the trace's jobs on it, read once for every measurement of the trace.</summary>
    public static TraceWorld World(string path, int nodes, DeviceCatalog catalog)
    {
        var trace = SwfReader.Read(path);
        if (!trace.IsValid)
            throw new InvalidDataException(string.Join("; ", trace.Errors));
        var pool = new Pool("site/hpc", "site", PoolKind.Hpc, new NodeShape(1, ByteSize.FromGibibytes(4), null, null), nodes,
            new Money(100, "CNY"), 1.3, 550, AccessMode.Simulated);
        var draft = new TopologyDraft("bench", [new Core.Network.PointOfPresence("here", "here", null)], [],
            [new Site("site", SiteTier.Region, "CN", "p", "here", null, [pool])], [], Core.Network.GeoLatency.Default,
            ImmutableSortedDictionary<string, string>.Empty, []);
        var topology = Topology.Create(draft).Topology!;
        var (jobs, _) = TraceJobs.Map(trace, 0, topology.Sites[0], 1, null, Start);
        return new TraceWorld(Path.GetFileName(path), nodes, topology, jobs, catalog);
    }
}
