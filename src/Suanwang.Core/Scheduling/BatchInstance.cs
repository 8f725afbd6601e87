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
    private BatchInstance(ImmutableArray<PendingJob> jobs, long[] leaveOutCost, int[] capacity, BatchArc[] arcs, int[] firstArc)
    {
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
    /// improve the objective), and of those the <paramref name="maxPoolsPerJob"/> cheapest.
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
        var evaluator = new CandidateEvaluator(snapshot, staging);
        var state = new CycleState(snapshot, now);
        var duplicates = pending.GroupBy(j => j.Id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var jobs = ImmutableArray.CreateBuilder<PendingJob>();
        var leaveOut = new List<long>();
        var arcs = new List<BatchArc>();
        var firstArc = new List<int>();
        var jobArcs = new List<BatchArc>();
        foreach (var job in pending.Where(j => !duplicates.Contains(j.Id)).OrderBy(j => j.Id, StringComparer.Ordinal))
        {
            jobArcs.Clear();
            long best;
            try
            {
                best = StartNowArcs(snapshot, evaluator, staging, state, job, jobs.Count, now, policy, capacity, penaltySeconds, jobArcs);
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
        }
        firstArc.Add(arcs.Count);
        return new BatchInstance(jobs.ToImmutable(), [.. leaveOut], capacity, [.. arcs], [.. firstArc]);
    }

    /// <summary>Adds the job's start-now arcs and returns its leave-out cost; no arcs for a job the cycle would reject outright.</summary>
    private static long StartNowArcs(SchedulingSnapshot snapshot, CandidateEvaluator evaluator, StagingPlanner staging, CycleState state,
        PendingJob job, int jobIndex, DateTimeOffset now, SchedulingPolicy policy, int[] capacity, long penaltySeconds, List<BatchArc> arcs)
    {
        var demand = job.Demand;
        var weight = Weight(demand.Priority);
        var leaveOut = weight * penaltySeconds;
        if (!JobDemandValidator.Validate(demand, model => snapshot.Catalog.TryFind(model, out _)).IsEmpty || staging.UnknownInput(demand) is not null)
            return leaveOut;
        var userPoint = evaluator.UserPointOfPresence(demand);
        if (demand.Type == JobType.Service && demand.User is { Latency: not null } && userPoint < 0)
            return leaveOut;
        for (var p = 0; p < snapshot.Pools.Length; p++)
        {
            if (evaluator.HardFilter(job, snapshot.Pools[p], userPoint, policy) is not null)
                continue;
            var estimate = evaluator.Estimate(job, p, state, now, policy.SeesNetwork, userPoint);
            if (Scheduler.Cycle.TimeOrMoneyRejection(demand, estimate) is not null)
                continue;
            var cost = weight * Seconds(now, estimate.Completion);
            if (estimate.Nodes > capacity[p])
            {
                leaveOut = Math.Min(leaveOut, cost);
                continue;
            }
            arcs.Add(new BatchArc(jobIndex, p, estimate.Nodes, cost));
            // Left out, the job would find this pool's free nodes taken by the round and wait until
            // running work releases enough nodes; when the running work holds fewer than it needs, it
            // also waits for round work, guessed to be a job like itself.
            var limit = snapshot.Pools[p].Pool.NodeCount - capacity[p] - estimate.Nodes;
            var runtime = Math.Max(1, estimate.Runtime.Ticks);
            var start = state.Profile(p).EarliestFit(estimate.StagedAt.UtcTicks, runtime, Math.Max(0, limit)) + (limit < 0 ? runtime : 0);
            leaveOut = Math.Min(leaveOut, weight * Seconds(now, estimate.Completion + TimeSpan.FromTicks(start - estimate.Start.UtcTicks)));
        }
        return leaveOut;
    }
}
