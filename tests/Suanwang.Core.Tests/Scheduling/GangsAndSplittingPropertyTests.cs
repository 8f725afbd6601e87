using FsCheck.Xunit;
using Suanwang.Core.Model;
using Suanwang.Core.Scheduling;
using static Suanwang.Core.Tests.Scheduling.PlanChecks;

namespace Suanwang.Core.Tests.Scheduling;

/// <summary>
/// Candidates over several pools on random worlds (half the arrays splittable, sites of one or two
/// pools), for every policy: they exist only for gangs and splittable arrays; a gang's parts share
/// one site, one start and one run time; either is offered only when it finishes strictly before
/// every feasible single pool; parts cover the job's tasks exactly on distinct pools.
/// </summary>
public class GangsAndSplittingPropertyTests
{
    [Property(MaxTest = Cases, Arbitrary = [typeof(WorldGenerators)])]
    public void Candidates_over_several_pools_keep_their_rules(World world)
    {
        var built = world.Build();
        foreach (var (policy, plan) in PlanEveryPolicy(world, built))
        {
            foreach (var decision in plan.Decisions)
            {
                var demand = JobOf(world, decision).Demand;
                var where = Where(policy, decision);
                // Every pool in topology order, then the candidates over several pools.
                var pools = built.Snapshot.Pools.Length;
                var singles = decision.Candidates.Take(pools).ToList();
                Assert.True(decision.Candidates.IsEmpty || singles.Select(c => c.PoolId).SequenceEqual(built.Snapshot.Pools.Select(p => p.Pool.Id)), where + "pools out of order");
                Assert.True(singles.All(c => c.Parts.IsEmpty), where + "a single pool with parts");
                foreach (var candidate in decision.Candidates.Skip(pools))
                {
                    var parts = candidate.Parts;
                    if (parts.IsEmpty)
                    {
                        // Refused before planning: the site's pools are too small together.
                        Assert.True(demand.Type == JobType.Gang && candidate.Rejection is not null && candidate.PoolId.Contains('+', StringComparison.Ordinal),
                            where + $"unplanned candidate {candidate.PoolId}: {candidate.Rejection}");
                        continue;
                    }
                    var split = demand is { Type: JobType.Array, Flags.Splittable: true };
                    Assert.True(demand.Type == JobType.Gang || split, where + $"a {demand.Type} job has a candidate over {candidate.PoolId}");
                    Assert.True(parts.Length >= 2 && parts.Select(p => p.PoolId).Distinct().Count() == parts.Length, where + $"{candidate.PoolId} has parts on {string.Join(", ", parts.Select(p => p.PoolId))}");
                    Assert.Equal(string.Join('+', parts.Select(p => p.PoolId)), candidate.PoolId);
                    Assert.Equal(demand.Tasks, parts.Sum(p => p.Tasks));
                    foreach (var part in parts)
                    {
                        var pool = built.Topology.FindPool(part.PoolId)!;
                        Assert.True(part.SiteId == pool.SiteId && part.Nodes <= pool.NodeCount && (long)part.Nodes * part.TasksPerNode >= part.Tasks,
                            where + $"{part.PoolId}: {part.Tasks} tasks on {part.Nodes} of {pool.NodeCount} nodes × {part.TasksPerNode}");
                    }
                    if (demand.Type == JobType.Gang)
                    {
                        Assert.True(parts.All(p => p.SiteId == parts[0].SiteId && p.Start == parts[0].Start && p.Runtime == parts[0].Runtime),
                            where + $"gang candidate {candidate.PoolId} spans sites or starts: {string.Join("; ", parts.Select(p => $"{p.SiteId} {p.Start:O} {p.Runtime}"))}");
                    }
                    // Spreading is offered only when it finishes strictly before every feasible single pool.
                    var earliestSingle = singles.Where(c => c.Score is not null).Select(c => c.Score!.Completion).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
                    Assert.True(parts.Max(p => p.Completion) < earliestSingle,
                        where + $"{candidate.PoolId} ends at {parts.Max(p => p.Completion):O}, not before the best single pool at {earliestSingle:O}");
                    if (candidate.Score is { } score)
                        Assert.Equal(parts.Max(p => p.Completion), score.Completion);
                }
            }
        }
    }
}
