using FsCheck.Xunit;
using Suanwang.Core.Scheduling;
using Suanwang.Core.Validation;
using static Suanwang.Core.Tests.Scheduling.PlanChecks;

namespace Suanwang.Core.Tests.Scheduling;

/// <summary>
/// Branch and bound changes which pools are estimated, never the answer: on random worlds, for every
/// policy and every decision of a cycle, an exhaustive evaluation of every pool that passed the hard
/// filters (same state, same scales, same tie-breaks) picks the same pool; every scored pool's total is
/// its exhaustive total; every pool reported "not scored" would not have won; and the hard-filter
/// pass over shared layers gives each pool the rejection the pool-by-pool filter gives.
/// </summary>
public class BoundedSearchPropertyTests
{
    [Property(MaxTest = Cases, Arbitrary = [typeof(WorldGenerators)])]
    public void The_bounded_search_picks_what_an_exhaustive_search_picks(World world)
    {
        var snapshot = world.Build().Snapshot;
        foreach (var policy in SchedulingPolicy.All)
        {
            var cycle = new Scheduler.Cycle(snapshot, world.Now, policy);
            var reference = new CandidateEvaluator(snapshot, new StagingPlanner(snapshot));
            foreach (var job in world.Pending.DistinctBy(j => j.Id))
            {
                var expected = Exhaustive(snapshot, reference, job, policy, cycle.State, world.Now);
                var decision = cycle.Decide(job);
                var where = $"{policy.Name} {job.Id}: ";
                if (expected is null)
                {
                    // No single pool can run it; only a combination of pools (a gang or split array) may.
                    Assert.True(decision.Kind != DecisionKind.Placed || decision.Placement!.Parts.Length > 1, where + "placed on one pool that no pool could run");
                    continue;
                }
                var (winner, totals, filters) = expected.Value;
                if (decision.Candidates.IsEmpty)
                    continue; // refused before filtering (invalid demand, unknown input or user location)
                for (var p = 0; p < snapshot.Pools.Length; p++)
                {
                    var candidate = decision.Candidates[p];
                    Assert.Equal(snapshot.Pools[p].Pool.Id, candidate.PoolId);
                    Assert.True(new object?[] { candidate.Rejection, candidate.Score, candidate.NotScored }.Count(x => x is not null) == 1, where + candidate);
                    if (filters[p] is { } rejected)
                        Assert.Equal(rejected, candidate.Rejection);
                    if (candidate.Score is { } score)
                        Assert.Equal(totals[p]!.Value.Total, score.Total);
                    // (Under strict FCFS a job whose every open pool is blocked waits unestimated; any of them may have been the winner.)
                    if (candidate.NotScored is not null && candidate.NotScored != SchedulingMemo.BlockedQueueNote && totals[p] is { } skipped)
                    {
                        // It would not have won: a higher total, or a tie it loses.
                        var (total, completion) = skipped;
                        Assert.True(total > winner.Total || (total == winner.Total && (completion > winner.Completion || (completion == winner.Completion && p > winner.Pool))),
                            where + $"pool {p} was not scored but totals {total} against the winner's {winner.Total}");
                    }
                }
                // The reference weighs single pools only; a gang or split array may win over several pools instead.
                if (decision.Kind == DecisionKind.Placed && decision.Placement!.Parts.Length == 1)
                    Assert.Equal(snapshot.Pools[winner.Pool].Pool.Id, decision.Placement.PoolId);
            }
        }
    }

    /// <summary>Every pool estimated: the winner by (total, completion, pool), each feasible pool's total, and the pool-by-pool hard filters.</summary>
    private static ((int Pool, double Total, DateTimeOffset Completion) Winner, (double Total, DateTimeOffset Completion)?[] Totals, string?[] Filters)? Exhaustive(
        SchedulingSnapshot snapshot, CandidateEvaluator evaluator, PendingJob job, SchedulingPolicy policy, CycleState state, DateTimeOffset now)
    {
        var pools = snapshot.Pools.Length;
        var filters = new string?[pools];
        var totals = new (double, DateTimeOffset)?[pools];
        // The job-level refusals come before any filter.
        if (!JobDemandValidator.Validate(job.Demand, model => snapshot.Catalog.TryFind(model, out _)).IsEmpty
            || job.Demand.Inputs.Any(id => snapshot.FindDataset(id) is null))
            return null;
        try
        {
            var userPoint = evaluator.UserPointOfPresence(job.Demand);
            if (job.Demand is { Type: Suanwang.Core.Model.JobType.Service, User.Latency: not null } && userPoint < 0)
                return null;
            var open = new List<int>();
            for (var p = 0; p < pools; p++)
            {
                filters[p] = evaluator.HardFilter(job, snapshot.Pools[p], userPoint, policy);
                if (filters[p] is null)
                    open.Add(p);
            }
            var finder = default(ScaleFinder);
            foreach (var p in open)
                finder.Add(evaluator.LowerBound(job, p, state, now, policy.SeesNetwork, userPoint, policy.Chooser == Chooser.MostFreeCapacity));
            var scales = finder.Scales();
            (int Pool, double Total, DateTimeOffset Completion)? best = null;
            Estimate bestEstimate = default;
            foreach (var p in open)
            {
                var estimate = evaluator.Estimate(job, p, state, now, policy.SeesNetwork, userPoint);
                if (Scheduler.Cycle.TimeOrMoneyRejection(job.Demand, estimate) is not null)
                    continue;
                var total = Scoring.Parts(estimate, policy, scales, job.Demand, snapshot, now).Total;
                totals[p] = (total, estimate.Completion);
                if (best is null || Scoring.Beats(total, estimate, best.Value.Total, bestEstimate))
                {
                    best = (p, total, estimate.Completion);
                    bestEstimate = estimate;
                }
            }
            return best is { } won ? (won, totals, filters) : null;
        }
        catch (Exception ex) when (ex is ArgumentException or OverflowException or InvalidOperationException or KeyNotFoundException)
        {
            return null;
        }
    }
}
