using Suanwang.Core.Model;
using Suanwang.Core.Validation;

namespace Suanwang.Core.Scheduling;

/// <summary>
/// One job's start-now arcs for <see cref="BatchInstance"/>, by the bounded search described on
/// <see cref="BatchInstance.Build"/>: the cycle's filters in one pass, a lower bound per pool, then
/// estimates in bound order until no unevaluated pool can enter the kept arcs or lower the leave-out cost.
/// </summary>
internal sealed class StartNowSearch(SchedulingSnapshot snapshot, CandidateEvaluator evaluator, CycleState state, DateTimeOffset now,
    SchedulingPolicy policy, int[] capacity, long penaltySeconds, int maxPoolsPerJob)
{
    private readonly int[] _open = new int[snapshot.Pools.Length];
    private readonly PoolHeap _heap = new(snapshot.Pools.Length);
    private readonly PoolBound[] _bounds = new PoolBound[snapshot.Pools.Length];
    private readonly Candidate[] _verdicts = new Candidate[snapshot.Pools.Length];
    private readonly List<(long Cost, int Pool)> _kept = [];

    /// <summary>Adds the job's start-now arcs and returns its leave-out cost and score scales; no arcs for a job the cycle would reject outright.</summary>
    public (long LeaveOut, PreparedJob? Prepared) Run(PendingJob job, int jobIndex, List<BatchArc> arcs)
    {
        var demand = job.Demand;
        var weight = BatchInstance.Weight(demand.Priority);
        var leaveOut = weight * penaltySeconds;
        if (!JobDemandValidator.Validate(demand, model => snapshot.Catalog.TryFind(model, out _)).IsEmpty
            || demand.Inputs.Any(id => snapshot.FindDataset(id) is null))
            return (leaveOut, null);
        var userPoint = evaluator.UserPointOfPresence(demand);
        if (demand.Type == JobType.Service && demand.User is { Latency: not null } && userPoint < 0)
            return (leaveOut, null);

        // Only the open pools are used here; the verdicts are made again when an assigned job is bound.
        var open = evaluator.FilterAll(job, userPoint, policy, _verdicts, _open);
        var scales = new ScaleFinder();
        _heap.Clear();
        evaluator.LowerBounds(job, _open.AsSpan(0, open), state, now, policy.SeesNetwork, userPoint, freeNodes: false, _bounds);
        for (var k = 0; k < open; k++)
        {
            scales.Add(_bounds[k]);
            _heap.Add(weight * (long)Math.Ceiling(Math.Max(0, _bounds[k].Seconds)), _open[k]);
        }
        var prepared = new PreparedJob(scales.Scales(), userPoint);
        _heap.Build();

        _kept.Clear();
        for (; _heap.Count > 0; _heap.Pop())
        {
            var (key, p) = _heap.Peek();
            if (Hopeless((long)key, p, leaveOut))
                break;
            var estimate = evaluator.Estimate(job, p, state, now, policy.SeesNetwork, userPoint);
            if (Scheduler.Cycle.TimeOrMoneyRejection(demand, estimate) is not null)
                continue;
            var cost = weight * BatchInstance.Seconds(now, estimate.Completion);
            if (estimate.Nodes > capacity[p])
            {
                leaveOut = Math.Min(leaveOut, cost);
                continue;
            }
            arcs.Add(new BatchArc(jobIndex, p, estimate.Nodes, cost));
            Keep(cost, p);
            // Left out, the job would find this pool's free nodes taken by the round and wait until
            // running work releases enough nodes; when the running work holds fewer than it needs, it
            // also waits for round work, guessed to be a job like itself.
            var limit = snapshot.Pools[p].Pool.NodeCount - capacity[p] - estimate.Nodes;
            var runtime = Math.Max(1, estimate.Runtime.Ticks);
            var start = state.Profile(p).EarliestFit(estimate.StagedAt.UtcTicks, runtime, Math.Max(0, limit)) + (limit < 0 ? runtime : 0);
            leaveOut = Math.Min(leaveOut, weight * BatchInstance.Seconds(now, estimate.Completion + TimeSpan.FromTicks(start - estimate.Start.UtcTicks)));
        }
        return (leaveOut, prepared);
    }

    /// <summary>
    /// True when a pool with lower bound <paramref name="key"/> (and every pool after it in (key, pool)
    /// order) can neither lower the leave-out cost nor give a kept arc: its key is at least the leave-out
    /// cost, or k arcs below the leave-out cost are known and (key, pool) comes after the k-th of them in
    /// the instance's (cost, pool) order.
    /// </summary>
    private bool Hopeless(long key, int pool, long leaveOut)
    {
        if (key >= leaveOut)
            return true;
        var below = 0;
        foreach (var (cost, keptPool) in _kept)
        {
            if (cost >= leaveOut)
                break;
            if (++below == maxPoolsPerJob)
                return key > cost || (key == cost && pool > keptPool);
        }
        return false;
    }

    /// <summary>Keeps arcs sorted by (cost, pool) (a job has few).</summary>
    private void Keep(long cost, int pool)
    {
        var at = _kept.BinarySearch((cost, pool));
        _kept.Insert(at < 0 ? ~at : at, (cost, pool));
    }
}
