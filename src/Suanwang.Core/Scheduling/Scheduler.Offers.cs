using Suanwang.Core.Model;

namespace Suanwang.Core.Scheduling;

/// <summary>A pool that can hold a part of a job over several pools, before its offer is estimated.</summary>
/// <param name="Pool">Index of the pool in the snapshot.</param>
/// <param name="Finish">Lower bound of the ticks from now until one task could finish there (<see cref="CandidateEvaluator.OneTaskBound"/>).</param>
/// <param name="TasksPerNode">Tasks of the job one node holds.</param>
/// <param name="Capacity">Most tasks the whole pool holds (nodes × tasks per node).</param>
internal readonly record struct EligiblePool(int Pool, long Finish, int TasksPerNode, long Capacity);

public static partial class Scheduler
{
    internal sealed partial class Cycle
    {
        private Candidate?[]? _probeRejected; // scratch of Eligible: the filters' verdicts for one task (unread)
        private int[]? _probeOpen; // scratch of Eligible: the pools that pass them
        private List<(long Finish, long Capacity)>? _siteBounds; // scratch of MultiPartDecision: one site's pools

        /// <summary>
        /// The pools that can hold a part (docs/scheduler.md, "Which pools can hold a part"), in topology order:
        /// they pass every hard filter for one task (size is what parts change; one pass over the shared layers),
        /// have a node, and bill in the job's currency (the first feasible single pool's, else the first such
        /// pool's); for a gang, only pools of sites with several pools. Nothing is estimated.
        /// </summary>
        private List<EligiblePool> Eligible(PendingJob probe, int userPoint, List<Estimate> feasible)
        {
            // feasible is in pool order, so its first entry is the first feasible single pool in topology order.
            var currency = feasible.Count > 0 ? snapshot.Pools[feasible[0].Pool].Pool.PricePerCuHour.Currency : null;
            var gang = probe.Demand.Type == JobType.Gang;
            var open = Evaluator.FilterAll(probe, userPoint, policy, _probeRejected ??= new Candidate?[snapshot.Pools.Length], _probeOpen ??= new int[snapshot.Pools.Length]);
            var eligible = new List<EligiblePool>(open);
            for (var k = 0; k < open; k++)
            {
                var i = _probeOpen[k];
                var facts = snapshot.Pools[i];
                // A gang spans pools of one site only: a site with one pool has nothing to add to its pool's own candidate.
                if (gang && facts.Site.Pools.Length < 2)
                    continue;
                currency ??= facts.Pool.PricePerCuHour.Currency;
                if (facts.Pool.PricePerCuHour.Currency != currency || facts.Pool.NodeCount < 1)
                    continue;
                var (finish, perNode) = Evaluator.OneTaskBound(probe, i, policy.SeesNetwork, userPoint);
                eligible.Add(new EligiblePool(i, finish, perNode, (long)facts.Pool.NodeCount * perNode));
            }
            return eligible;
        }

        /// <summary>
        /// The offers of <paramref name="pools"/>: a feasible single pool's estimate already holds its offer (none of
        /// its parts depends on the task count); any other pool is estimated for one task.
        /// </summary>
        private List<PoolOffer> OffersOf(IEnumerable<EligiblePool> pools, PendingJob probe, int userPoint, List<Estimate> feasible)
        {
            var offers = new List<PoolOffer>();
            foreach (var pool in pools)
            {
                var single = IndexOfPool(feasible, pool.Pool);
                var facts = snapshot.Pools[pool.Pool];
                offers.Add(PoolOffer.From(single >= 0 ? feasible[single] : Evaluator.Estimate(probe, pool.Pool, State, now, policy.SeesNetwork, userPoint), facts));
            }
            return offers;
        }

        /// <summary>Where <paramref name="pool"/>'s estimate is in <paramref name="estimates"/> (in pool order), or −1.</summary>
        private static int IndexOfPool(List<Estimate> estimates, int pool)
        {
            int low = 0, high = estimates.Count - 1;
            while (low <= high)
            {
                var middle = low + ((high - low) / 2);
                var at = estimates[middle].Pool;
                if (at == pool)
                    return middle;
                if (at < pool)
                    low = middle + 1;
                else
                    high = middle - 1;
            }
            return -1;
        }

        /// <summary>
        /// A split's offers, or null when no split can complete before the earliest feasible single pool. When the
        /// search left pools out (<paramref name="onDemand"/>): a split uses at least two pools that hold the array,
        /// so it completes no earlier than now + <see cref="GangSiteBound"/> over every eligible pool; if a single
        /// pool completes by then there is no split. Otherwise the earliest single completion is made exact, and a
        /// pool without a feasible single estimate is estimated for one task only when now + its one-task finish
        /// bound is at most the split's limit (one tick before that earliest, not after the deadline).
        /// </summary>
        private List<PoolOffer>? SplitOffers(List<EligiblePool> eligible, PendingJob probe, int userPoint, List<Estimate> feasible, bool onDemand,
            ref DateTimeOffset? bestSingle, ref SearchOutcome outcome)
        {
            if (!onDemand || bestSingle is not { } known)
                return OffersOf(eligible, probe, userPoint, feasible);
            var bound = GangSiteBound([.. eligible.Select(e => (e.Finish, e.Capacity))], probe.Demand.Tasks);
            if (bound == long.MaxValue)
                return null;
            known = EarliestSingleUpTo(TimeSpan.FromTicks(bound).TotalSeconds, feasible, ref outcome) ?? known;
            bestSingle = known;
            if (now.UtcTicks + bound >= known.UtcTicks)
                return null;
            bestSingle = known = EarliestSingleUpTo(double.PositiveInfinity, feasible, ref outcome) ?? known;
            var by = probe.Demand.Deadline is { } deadline && deadline < known ? deadline : known.AddTicks(-1);
            return OffersOf(eligible.Where(e => now.UtcTicks + e.Finish <= by.UtcTicks || IndexOfPool(feasible, e.Pool) >= 0), probe, userPoint, feasible);
        }

        /// <summary>
        /// The earliest feasible single-pool completion, exact up to <paramref name="seconds"/> from now (every pool
        /// the search left out that could complete by then is estimated: <see cref="CandidateSearch.EstimateUpTo"/>;
        /// feasible ones join <paramref name="feasible"/>, kept in pool order, and the outcome's counts); null when none is feasible.
        /// </summary>
        private DateTimeOffset? EarliestSingleUpTo(double seconds, List<Estimate> feasible, ref SearchOutcome outcome)
        {
            var estimated = Search.EstimateUpTo(seconds);
            if (estimated > 0)
            {
                outcome = outcome with { Scored = Search.Scored, Outbound = outcome.Outbound - estimated };
                feasible.Sort((a, b) => a.Pool.CompareTo(b.Pool));
            }
            return Search.EarliestCompletion;
        }

        /// <summary>
        /// A lower bound of the ticks from now to the completion of a gang of <paramref name="tasks"/> over
        /// pools of one site, or of a split over any pools, given each pool's one-task finish bound
        /// (<see cref="CandidateEvaluator.OneTaskBound"/>) and task capacity by size; <see cref="long.MaxValue"/>
        /// when no two pools can hold it. Sorts <paramref name="pools"/>.
        /// </summary>
        /// <remarks>
        /// Either uses at least two pools whose capacities hold the job; each part starts no earlier than now and
        /// its inputs' arrival and completes after its pool's run time and its output's return, so the whole
        /// completes no earlier than now + the largest one-task finish bound among the pools used. The smallest
        /// such largest bound: take pools by bound until two are taken and their capacities reach the job's
        /// tasks; the last one taken sets it.
        /// </remarks>
        internal static long GangSiteBound(List<(long Finish, long Capacity)> pools, int tasks)
        {
            pools.Sort((a, b) => a.Finish.CompareTo(b.Finish));
            long capacity = 0;
            var taken = 0;
            foreach (var (finish, room) in pools)
            {
                capacity += room;
                taken++;
                if (taken >= 2 && capacity >= tasks)
                    return finish;
            }
            return long.MaxValue;
        }

        private DateTimeOffset FullPoolFinish(PoolOffer offer)
        {
            var ticks = PoolOffer.Ticks(offer.Runtime);
            return new DateTimeOffset(State.Profile(offer.Pool).EarliestFit(offer.StagedAt.UtcTicks, ticks, 0) + ticks, TimeSpan.Zero) + offer.OutputReturn;
        }
    }
}
