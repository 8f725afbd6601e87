using System.Diagnostics;
using Suanwang.Core.Measurement;
using Suanwang.Core.Scheduling;
using Suanwang.Simulation.Synthetic;

namespace Suanwang.Cli;

/// <summary>What <c>suanwang bench scheduler</c> measures on one synthetic world.</summary>
/// <param name="Options">World size.</param>
/// <param name="Seed">Seed of the world.</param>
/// <param name="Policy">Policy planned with.</param>
/// <param name="Sites">Sites generated.</param>
/// <param name="PointsOfPresence">Backbone points of presence.</param>
/// <param name="Links">Backbone links.</param>
/// <param name="Datasets">Datasets.</param>
/// <param name="RunningAllocations">Allocations already holding nodes.</param>
/// <param name="GenerateSeconds">Time to generate the world.</param>
/// <param name="SnapshotSeconds">Time to build the scheduling snapshot the measured cycle reads.</param>
/// <param name="CycleSeconds">Wall time of one cycle planning every job (the throughput figure).</param>
/// <param name="CycleCpuSeconds">Processor time of the process during that cycle (all threads: the scheduler's, the GC's and the JIT's).</param>
/// <param name="CycleGcPauseSeconds">Time the runtime paused the program for garbage collection during that cycle.</param>
/// <param name="CycleGen2Collections">Full (generation 2) collections during that cycle.</param>
/// <param name="Placed">Jobs the cycle placed.</param>
/// <param name="Waiting">Jobs held back by the queue discipline.</param>
/// <param name="Unschedulable">Jobs no pool could run.</param>
/// <param name="LatencySamples">Single-job decisions timed for the percentiles.</param>
/// <param name="P50Microseconds">Median single-job decision time.</param>
/// <param name="P99Microseconds">99th percentile single-job decision time.</param>
/// <param name="Batch">The batch round's figures, or null while it is not built.</param>
/// <param name="PeakWorkingSetMiB">Peak working set of the process (Process.PeakWorkingSet64), MiB.</param>
internal sealed record SchedulerBenchResult(
    SyntheticWorldOptions Options,
    int Seed,
    string Policy,
    int Sites,
    int PointsOfPresence,
    int Links,
    int Datasets,
    int RunningAllocations,
    double GenerateSeconds,
    double SnapshotSeconds,
    double CycleSeconds,
    double CycleCpuSeconds,
    double CycleGcPauseSeconds,
    int CycleGen2Collections,
    int Placed,
    int Waiting,
    int Unschedulable,
    int LatencySamples,
    double P50Microseconds,
    double P99Microseconds,
    BatchRoundFigures? Batch,
    double PeakWorkingSetMiB)
{
    /// <summary>Jobs decided per second of the measured cycle.</summary>
    public double DecisionsPerSecond => Options.Jobs / CycleSeconds;
}

/// <summary>The batch round's time and objective against greedy on the same jobs and pools.</summary>
/// <param name="Jobs">Jobs in the round.</param>
/// <param name="Pools">Pools in the round.</param>
/// <param name="Seconds">Wall time of the round.</param>
/// <param name="Objective">The round's objective.</param>
/// <param name="GreedyObjective">The same objective for the greedy plan.</param>
internal sealed record BatchRoundFigures(int Jobs, int Pools, double Seconds, double Objective, double GreedyObjective);

/// <summary>
/// Measures the scheduler in-process on one thread. Method (docs/performance.md, "Scheduler"):
/// <list type="number">
/// <item>Generate the world; warm up (JIT) by planning a prefix of the jobs and a few single jobs on a
/// separate snapshot, so the measured snapshot starts with cold path caches like a fresh one would;
/// then wait until tiered compilation has settled.</item>
/// <item>Throughput: build a fresh snapshot, then time one <see cref="Scheduler.Plan"/> cycle over all
/// jobs; decisions/s = jobs ÷ that wall time. Later decisions see earlier reservations, as in production.</item>
/// <item>Latency: time <see cref="Scheduler.Plan"/> on single-job lists against the same snapshot for an
/// evenly spaced sample of the jobs; each includes the per-cycle setup (calendar clone, per-pool
/// arrays), so it is what one online decision on an idle queue costs. Percentiles by nearest rank.</item>
/// </list>
/// </summary>
internal static class SchedulerBenchmark
{
    /// <summary>Jobs of the warm-up cycle: enough that the code paths a fresh snapshot's first decisions take (cache fills) reach their final tier too.</summary>
    public const int WarmUpJobs = 5000;

    /// <summary>Single-job plans run in the warm-up.</summary>
    public const int WarmUpSingles = 200;

    public static SchedulerBenchResult Run(SyntheticWorldOptions options, int seed, SchedulingPolicy policy, int samples)
    {
        var catalog = DeviceCatalog.LoadEmbedded();
        var clock = Stopwatch.StartNew();
        var world = SyntheticWorld.Generate(options, catalog, new Random(seed));
        var generateSeconds = clock.Elapsed.TotalSeconds;
        var jobs = world.Jobs;

        // Warm-up on its own snapshot: JIT and tiering, not the measured snapshot's caches.
        var warm = world.Snapshot(catalog);
        Scheduler.Plan(warm, jobs[..Math.Min(jobs.Length, WarmUpJobs)], world.Now, policy);
        for (var i = 0; i < Math.Min(jobs.Length, WarmUpSingles); i++)
            Scheduler.Plan(warm, [jobs[i * jobs.Length / Math.Min(jobs.Length, WarmUpSingles)]], world.Now, policy);
        warm = null;
        SettleTiering();
        GC.Collect();
        GC.WaitForPendingFinalizers();

        clock.Restart();
        var snapshot = world.Snapshot(catalog);
        var snapshotSeconds = clock.Elapsed.TotalSeconds;

        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var pauseBefore = GC.GetTotalPauseDuration();
        var gen2Before = GC.CollectionCount(2);
        clock.Restart();
        var plan = Scheduler.Plan(snapshot, jobs, world.Now, policy);
        var cycleSeconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        var cycleCpuSeconds = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        var cycleGcPauseSeconds = (GC.GetTotalPauseDuration() - pauseBefore).TotalSeconds;
        var cycleGen2 = GC.CollectionCount(2) - gen2Before;
        var placed = plan.Decisions.Count(d => d.Kind == DecisionKind.Placed);
        var waiting = plan.Decisions.Count(d => d.Kind == DecisionKind.Waiting);
        var unschedulable = plan.Decisions.Count(d => d.Kind == DecisionKind.Unschedulable);
        // The peak working set is read at the end, so it includes this plan; the latency samples run without it.
        var peakWithPlan = PeakWorkingSetMiB(process);
        plan = null;
        GC.Collect();

        var count = Math.Min(samples, jobs.Length);
        var latencies = new double[count];
        var single = new PendingJob[1];
        for (var i = 0; i < count; i++)
        {
            single[0] = jobs[(int)((long)i * jobs.Length / count)];
            var start = Stopwatch.GetTimestamp();
            Scheduler.Plan(snapshot, single, world.Now, policy);
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(latencies);

        var batch = RunBatchRound(snapshot, jobs, world.Now, policy);

        return new SchedulerBenchResult(
            options, seed, policy.Name, world.Topology.Sites.Length, world.Topology.Network.Nodes.Length, world.Topology.Network.Links.Length,
            world.Datasets.Length, world.Running.Length, generateSeconds, snapshotSeconds, Math.Max(cycleSeconds, 1e-9),
            cycleCpuSeconds, cycleGcPauseSeconds, cycleGen2, placed, waiting, unschedulable,
            count, NearestRank(latencies, 0.50), NearestRank(latencies, 0.99), batch,
            Math.Max(peakWithPlan, PeakWorkingSetMiB(process)));
    }

    /// <summary>
    /// Times one batch round (default options: OR-Tools min-cost flow, and CP-SAT under its deterministic
    /// time limit on instances small enough) over
    /// <paramref name="jobs"/> × every pool of <paramref name="snapshot"/>. The wall time includes the
    /// greedy cycle the round runs for comparison, so the figure is the whole round as the server would run it.
    /// </summary>
    private static BatchRoundFigures? RunBatchRound(SchedulingSnapshot snapshot, IReadOnlyList<PendingJob> jobs, DateTimeOffset now, SchedulingPolicy policy)
    {
        var watch = Stopwatch.StartNew();
        var result = BatchRound.Plan(snapshot, jobs, now, policy, BatchOptions.Default);
        watch.Stop();
        return new BatchRoundFigures(jobs.Count, snapshot.Pools.Length, watch.Elapsed.TotalSeconds, result.Objective, result.GreedyObjective);
    }

    /// <summary>
    /// Waits (at most 10 s) until the runtime has compiled no new method for 300 ms: tiered compilation
    /// recompiles the warm-up's hot methods in the background, and the measured cycle should run the
    /// final code, not share the two cores with the compiler.
    /// </summary>
    internal static void SettleTiering()
    {
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        for (var waited = 0; waited < 10_000; waited += 300)
        {
            Thread.Sleep(300);
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now == compiled)
                return;
            compiled = now;
        }
    }

    private static double PeakWorkingSetMiB(Process process)
    {
        process.Refresh();
        return process.PeakWorkingSet64 / (1024.0 * 1024.0);
    }

    /// <summary>The nearest-rank percentile of sorted values (the smallest value with at least <paramref name="fraction"/> of them at or below it).</summary>
    internal static double NearestRank(double[] sorted, double fraction)
    {
        if (sorted.Length == 0)
            return 0;
        var rank = (int)Math.Ceiling(fraction * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
