using System.Collections.Immutable;
using Suanwang.Core.Model;
using Suanwang.Core.Validation;

namespace Suanwang.Core.Scheduling;

/// <summary>One way to start a job now: the job, a pool with room for it, the nodes it takes there and what it costs.</summary>
/// <param name="Job">Index into <see cref="BatchInstance.Jobs"/>.</param>
/// <param name="Pool">Index into the snapshot's pools.</param>
/// <param name="Nodes">Nodes the job needs on that pool.</param>
/// <param name="Cost">Priority weight × seconds from now to the estimated completion there.</param>
internal readonly record struct BatchArc(int Job, int Pool, int Nodes, long Cost);

/// <summary>
/// The assignment problem of one batch round, built from the snapshot as it is at <c>now</c> (nothing
/// of this round reserved yet) with the cycle's own filter and estimate code: which pending jobs could
/// start now on which pools, at what cost, and what leaving each one out of the round would cost.
/// Feasibility is exactly the greedy cycle's (hard filters, then deadline and budget on the estimate);
/// "start now" adds that the job's nodes fit in the nodes the pool has free from now on.
/// The costs are what the cycle estimates, so the model sees the network exactly as the policy does.
/// </summary>
internal sealed class BatchInstance
{
    private BatchInstance(ImmutableArray<PendingJob> jobs, long[] leaveOutCost, int[] capacity, BatchArc[] arcs, int[] firstArc, PreparedJob[] prepared)
    {
        Prepared = prepared;
        Jobs = jobs;
        LeaveOutCost = leaveOutCost;
        Capacity = capacity;
        Arcs = arcs;
        FirstArc = firstArc;
    }

    /// <summary>Jobs taking part, by id (ordinal): valid, with known inputs, with a unique id and at least one arc.</summary>
    public ImmutableArray<PendingJob> Jobs { get; }

    /// <summary>
    /// Per job: what leaving it out of the round is expected to cost — weight × seconds to its best
    /// completion if it waits: on a pool without room now, as estimated; on a pool with room, once
    /// running work has released its nodes as well as the free ones (which the round takes), plus its
    /// own run time when running work alone cannot release enough. Capped by the penalty.
    /// </summary>
    public long[] LeaveOutCost { get; }

    /// <summary>Per job: its score scales, which binding reuses instead of bounding every pool again.</summary>
    public PreparedJob[] Prepared { get; }

    /// <summary>Per pool: nodes free throughout [now, ∞) in the snapshot.</summary>
    public int[] Capacity { get; }

    /// <summary>Arcs grouped by job; within a job by cost, then pool.</summary>
    public BatchArc[] Arcs { get; }

    /// <summary>Arcs of job j are <c>Arcs[FirstArc[j] .. FirstArc[j + 1])</c>.</summary>
    public int[] FirstArc { get; }

    /// <summary>The priority weight of a job in the objective: 1, 2, 4, 8 for low, normal, high, urgent.</summary>
    public static long Weight(JobPriority priority) => 1L << Math.Clamp((int)priority, 0, 3);

    /// <summary>Whole seconds from <paramref name="now"/> to <paramref name="completion"/>, rounded up, never negative.</summary>
    public static long Seconds(DateTimeOffset now, DateTimeOffset completion) =>
        Math.Max(0, (long)Math.Ceiling((completion - now).TotalSeconds));

    /// <summary>
    /// Builds the instance. Per job, only arcs cheaper than leaving it out are kept (no other arc can
    /// improve the objective), and of those the <paramref name="maxPoolsPerJob"/> cheapest. Pools are
    /// evaluated in order of a lower bound of their arc cost (weight × whole seconds of the shortest
    /// conceivable staging + run time + output return, ties by pool index) and the evaluation stops
    /// at the first pool whose bound exceeds both the leave-out cost found so far and, once there
    /// are that many, the <paramref name="maxPoolsPerJob"/>-th cheapest arc below it: no later pool can
    /// enter the kept arcs. The leave-out cost is the minimum over the pools evaluated.
    /// </summary>
    public static BatchInstance Build(SchedulingSnapshot snapshot, IReadOnlyList<PendingJob> pending, DateTimeOffset now,
        SchedulingPolicy policy, long penaltySeconds, int maxPoolsPerJob)
    {
        var pools = snapshot.Pools.Length;
        var capacity = new int[pools];
        for (var p = 0; p < pools; p++)
        {
            var busy = snapshot.NodeProfile(p).MaxUsage(now.UtcTicks, long.MaxValue);
            capacity[p] = (int)Math.Max(0, snapshot.Pools[p].Pool.NodeCount - busy);
        }

        var staging = new StagingPlanner(snapshot);
        // Nothing is reserved while the instance is built, so staging answers may be kept between jobs.
        var evaluator = new CandidateEvaluator(snapshot, staging, calendarsOnlyGrow: true);
        var state = new CycleState(snapshot, now);
        var search = new StartNowSearch(snapshot, evaluator, state, now, policy, capacity, penaltySeconds, maxPoolsPerJob);
        var duplicates = pending.GroupBy(j => j.Id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var jobs = ImmutableArray.CreateBuilder<PendingJob>();
        var leaveOut = new List<long>();
        var arcs = new List<BatchArc>();
        var firstArc = new List<int>();
        var prepared = new List<PreparedJob>();
        var jobArcs = new List<BatchArc>();
        foreach (var job in pending.Where(j => !duplicates.Contains(j.Id)).OrderBy(j => j.Id, StringComparer.Ordinal))
        {
            jobArcs.Clear();
            long best;
            PreparedJob? scales;
            try
            {
                (best, scales) = search.Run(job, jobs.Count, jobArcs);
            }
            catch (Exception ex) when (ex is ArgumentException or OverflowException or InvalidOperationException or KeyNotFoundException)
            {
                continue; // The greedy cycle turns it into an unschedulable decision with the reason.
            }
            jobArcs.RemoveAll(a => a.Cost >= best);
            if (jobArcs.Count == 0)
                continue;
            jobArcs.Sort((a, b) => a.Cost != b.Cost ? a.Cost.CompareTo(b.Cost) : a.Pool.CompareTo(b.Pool));
            firstArc.Add(arcs.Count);
            arcs.AddRange(jobArcs.Take(maxPoolsPerJob));
            leaveOut.Add(best);
            jobs.Add(job);
            prepared.Add(scales!);
        }
        firstArc.Add(arcs.Count);
        return new BatchInstance(jobs.ToImmutable(), [.. leaveOut], capacity, [.. arcs], [.. firstArc], [.. prepared]);
    }
}
