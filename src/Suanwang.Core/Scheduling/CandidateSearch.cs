using System.Globalization;
using Suanwang.Core.Model;

namespace Suanwang.Core.Scheduling;

/// <summary>The outcome of weighing every pool for one job.</summary>
/// <param name="Winner">The chosen pool's estimate, or null when no pool is feasible.</param>
/// <param name="PassedHardFilters">Pools that passed the hard filters.</param>
/// <param name="Scored">Pools estimated and scored (feasible after the deadline and budget filters).</param>
/// <param name="Outbound">Pools not estimated because their lower bound exceeded the winner's total.</param>
/// <param name="Assigned">True when the winner is the pool the batch round assigned.</param>
internal readonly record struct SearchOutcome(Estimate? Winner, int PassedHardFilters, int Scored, int Outbound, bool Assigned);

/// <summary>
/// The cycle's <em>filter</em> and <em>score</em> steps for one job, by branch and bound: every pool
/// is filtered; each pool that passes gets a lower bound of its total from quantities that do not
/// depend on the cycle's reservations (<see cref="CandidateEvaluator.LowerBound"/>); pools are
/// estimated in order of that bound (ties by pool index) until the next bound exceeds the best total
/// found, and the rest are reported as not scored. The winner is the one a full evaluation would
/// pick: its bound is at most its total, which is at most the best total at any time.
/// </summary>
internal sealed class CandidateSearch(SchedulingSnapshot snapshot, CandidateEvaluator evaluator, SchedulingPolicy policy)
{
    private readonly int[] _open = new int[snapshot.Pools.Length];
    private readonly double[] _heapBound = new double[snapshot.Pools.Length];
    private readonly int[] _heapPool = new int[snapshot.Pools.Length];
    private readonly PoolBound[] _bounds = new PoolBound[snapshot.Pools.Length];
    private readonly bool _bounded = Scoring.Bounded(policy);

    /// <summary>
    /// Fills <paramref name="candidates"/> (one per pool, topology order) and returns the winner.
    /// <paramref name="assignedPool"/> (≥ 0) is the batch round's choice: taken when it passes every
    /// filter, the other pools that passed the hard filters are then not scored.
    /// </summary>
    public SearchOutcome Run(PendingJob job, int userPoint, int assignedPool, Candidate[] candidates, CycleState state, DateTimeOffset now)
    {
        var pools = snapshot.Pools;
        var open = evaluator.FilterAll(job, userPoint, policy, candidates, _open);
        if (open == 0)
            return default;

        var demand = job.Demand;
        var freeNodes = policy.Chooser == Chooser.MostFreeCapacity;
        var smallestSeconds = double.PositiveInfinity;
        var smallestCost = double.PositiveInfinity;
        var smallestCarbon = double.PositiveInfinity;
        for (var k = 0; k < open; k++)
        {
            var bound = _bounds[k] = evaluator.LowerBound(job, _open[k], state, now, policy.SeesNetwork, userPoint, freeNodes);
            if (bound.Seconds > 0)
                smallestSeconds = Math.Min(smallestSeconds, bound.Seconds);
            if (bound.ComputeMinor > 0)
                smallestCost = Math.Min(smallestCost, bound.ComputeMinor);
            if (bound.CarbonKg > 0)
                smallestCarbon = Math.Min(smallestCarbon, bound.CarbonKg);
        }
        var scales = ScoreScales.For(smallestSeconds, smallestCost, smallestCarbon);

        if (assignedPool >= 0 && Array.IndexOf(_open, assignedPool, 0, open) >= 0)
        {
            var estimate = evaluator.Estimate(job, assignedPool, state, now, policy.SeesNetwork, userPoint);
            if (Scheduler.Cycle.TimeOrMoneyRejection(demand, estimate) is { } late)
            {
                candidates[assignedPool] = new Candidate(pools[assignedPool].Pool.Id, late, null);
            }
            else
            {
                for (var k = 0; k < open; k++)
                    candidates[_open[k]] = snapshot.Memo.AssignedElsewhere(_open[k]);
                candidates[assignedPool] = new Candidate(pools[assignedPool].Pool.Id, null, Scoring.Parts(estimate, policy, scales, demand, snapshot, now));
                return new SearchOutcome(estimate, open, 1, 0, true);
            }
        }

        var size = 0;
        for (var k = 0; k < open; k++)
        {
            var pool = _open[k];
            if (candidates[pool] is not null)
                continue; // the assigned pool, already rejected above
            var bound = _bounds[k];
            _heapPool[size] = pool;
            _heapBound[size++] = _bounded
                ? Scoring.Total(policy, scales, bound.Seconds, bound.CostMinor, bound.CarbonKg, 0, bound.FreeNodesNow, Scoring.Preference(demand, pools[pool]))
                : double.NegativeInfinity;
        }
        for (var k = size / 2 - 1; k >= 0; k--)
            SiftDown(k, size);

        Estimate best = default;
        var bestTotal = double.PositiveInfinity;
        var found = false;
        var scored = 0;
        while (size > 0)
        {
            var pool = _heapPool[0];
            if (found && _heapBound[0] > bestTotal)
                break;
            size--;
            _heapPool[0] = _heapPool[size];
            _heapBound[0] = _heapBound[size];
            SiftDown(0, size);

            var estimate = evaluator.Estimate(job, pool, state, now, policy.SeesNetwork, userPoint);
            if (Scheduler.Cycle.TimeOrMoneyRejection(demand, estimate) is { } late)
            {
                candidates[pool] = new Candidate(pools[pool].Pool.Id, late, null);
                continue;
            }
            var parts = Scoring.Parts(estimate, policy, scales, demand, snapshot, now);
            candidates[pool] = new Candidate(pools[pool].Pool.Id, null, parts);
            scored++;
            if (!found || Scoring.Beats(parts.Total, estimate, bestTotal, best))
            {
                best = estimate;
                bestTotal = parts.Total;
                found = true;
            }
        }
        for (var k = 0; k < size; k++)
            candidates[_heapPool[k]] = snapshot.Memo.Outbound(_heapPool[k]);
        return new SearchOutcome(found ? best : null, open, scored, size, false);
    }

    /// <summary>Why the winner won, in one line.</summary>
    public string Reason(SearchOutcome outcome)
    {
        var winner = snapshot.Pools[outcome.Winner!.Value.Pool].Pool.Id;
        if (outcome.Assigned)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"{winner} was assigned by the batch round by weighted completion time over all pending jobs; {outcome.PassedHardFilters} of {snapshot.Pools.Length} pools passed the hard filters");
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"{winner} won among {outcome.Scored} scored of {outcome.PassedHardFilters} pools that passed the hard filters (of {snapshot.Pools.Length}) by {Scoring.Describe(policy.Chooser)}; {outcome.Outbound} not scored: their lower bound exceeds the winner's total");
    }

    /// <summary>Restores the min-heap order by (bound, pool index) below <paramref name="at"/>.</summary>
    private void SiftDown(int at, int size)
    {
        var bound = _heapBound[at];
        var pool = _heapPool[at];
        while (true)
        {
            var child = 2 * at + 1;
            if (child >= size)
                break;
            if (child + 1 < size && Before(_heapBound[child + 1], _heapPool[child + 1], _heapBound[child], _heapPool[child]))
                child++;
            if (!Before(_heapBound[child], _heapPool[child], bound, pool))
                break;
            _heapBound[at] = _heapBound[child];
            _heapPool[at] = _heapPool[child];
            at = child;
        }
        _heapBound[at] = bound;
        _heapPool[at] = pool;
    }

    private static bool Before(double boundA, int poolA, double boundB, int poolB) =>
        boundA < boundB || (boundA == boundB && poolA < poolB);
}
