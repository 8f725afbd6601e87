using FsCheck.Xunit;
using Suanwang.Core.Model;
using Suanwang.Core.Scheduling;
using static Suanwang.Core.Tests.Scheduling.PlanChecks;

namespace Suanwang.Core.Tests.Scheduling;

/// <summary>
/// Queueing on random worlds: the order jobs are taken in (FCFS, or priority then dominant resource
/// fairness recomputed from the plan itself) and the per-pool queue disciplines (EASY: one future
/// reservation per pool; strict FCFS: nothing after the blocked head; the others never hold a job back).
/// </summary>
public class SchedulerQueuePropertyTests
{
    [Property(MaxTest = Cases, Arbitrary = [typeof(WorldGenerators)])]
    public void Jobs_are_taken_in_fcfs_or_priority_and_fair_share_order(World world)
    {
        var built = world.Build();
        foreach (var (policy, plan) in PlanEveryPolicy(world, built))
        {
            if (policy.Order == QueueOrder.FirstComeFirstServed)
            {
                var expected = world.Pending.OrderBy(j => j.SubmittedAt).ThenBy(j => j.Id, StringComparer.Ordinal).Select(j => j.Id);
                Assert.Equal(expected, plan.Decisions.Select(d => d.JobId));
            }
            else
            {
                CheckFairShareOrder(world, built, policy, plan);
            }
        }
    }

    /// <summary>
    /// Replays the plan: each decision must be the oldest job of the tenant with the smallest dominant
    /// share (ties by tenant id) among the jobs left at the highest priority left. Shares count running
    /// allocations that have not ended and every node placed so far, over the total of all pools.
    /// </summary>
    private static void CheckFairShareOrder(World world, BuiltWorld built, SchedulingPolicy policy, Plan plan)
    {
        var pools = built.Topology.Sites.SelectMany(s => s.Pools).ToList();
        var total = pools.Aggregate(default(ResourceVector), (sum, p) => sum + Capacity(p, p.NodeCount));
        var usage = new Dictionary<string, ResourceVector>(StringComparer.Ordinal);
        void Use(string tenant, Pool pool, int nodes) =>
            usage[tenant] = usage.TryGetValue(tenant, out var held) ? held + Capacity(pool, nodes) : Capacity(pool, nodes);
        double Share(string tenant) => usage.TryGetValue(tenant, out var held) ? held.DominantShare(total) : 0;
        foreach (var running in world.Running.Where(r => r.ExpectedEnd > world.Now))
        {
            // Work on a down site holds nothing any more: the cycle relocates or re-queues it first (plan.Relocations).
            if (built.Topology.FindPool(running.PoolId) is { } pool && !world.DownSites.Contains(pool.SiteId))
                Use(running.TenantId, pool, running.Nodes);
        }
        foreach (var moved in plan.Relocations.Where(r => r.Placement is not null))
            Use(world.Running.First(r => r.JobId == moved.JobId).TenantId, built.Topology.FindPool(moved.Placement!.PoolId)!, moved.Placement.Nodes);

        var left = world.Pending.ToList();
        foreach (var decision in plan.Decisions)
        {
            var top = left.Max(j => j.Demand.Priority);
            var level = left.Where(j => j.Demand.Priority == top).ToList();
            var tenant = level.Select(j => j.TenantId).Distinct().OrderBy(Share).ThenBy(t => t, StringComparer.Ordinal).First();
            var next = level.Where(j => j.TenantId == tenant).OrderBy(j => j.SubmittedAt).ThenBy(j => j.Id, StringComparer.Ordinal).First();
            Assert.True(next.Id == decision.JobId,
                $"{policy.Name}: expected {next.Id} (tenant {tenant}, share {Share(tenant):0.####}, priority {top}) next, but {decision.JobId} was decided");
            left.Remove(next);
            foreach (var part in decision.Placement?.Parts ?? [])
                Use(next.TenantId, built.Topology.FindPool(part.PoolId)!, part.Nodes);
        }
        Assert.Empty(left);
    }

    private static ResourceVector Capacity(Pool pool, int nodes) =>
        new((double)pool.Node.Cores * nodes, (double)pool.Node.Memory.Bytes * nodes, (double)(pool.Node.Accelerators?.Count ?? 0) * nodes);

    /// <remarks>
    /// fcfs and fcfs-easy choose blind to the network, but the discipline judges the start the job gets
    /// after its inputs are staged, so staged jobs count too.
    /// </remarks>
    [Property(MaxTest = Cases, Arbitrary = [typeof(WorldGenerators)])]
    public void Queue_disciplines_hold_back_exactly_what_they_promise(World world)
    {
        var built = world.Build();
        foreach (var (policy, plan) in PlanEveryPolicy(world, built))
        {
            if (policy.Discipline == QueueDiscipline.Reservations)
            {
                Assert.DoesNotContain(plan.Decisions, d => d.Kind == DecisionKind.Waiting);
                continue;
            }
            foreach (var pool in built.Topology.Pools)
            {
                // A placement over several pools takes a place in the queue of every pool it has a part on.
                var onPool = PlacedParts(plan).Where(x => x.Part.PoolId == pool.Id).ToList();
                var future = onPool.Where(x => x.Part.Start > world.Now).ToList();
                Assert.True(future.Count <= 1,
                    $"{policy.Name}: pool {pool.Id} has {future.Count} jobs waiting for nodes in reservations ({string.Join(", ", future.Select(x => $"{x.Decision.JobId} at {x.Part.Start:O}"))}); the discipline allows one");
                if (policy.Discipline == QueueDiscipline.Strict && future.Count == 1)
                {
                    Assert.True(onPool[^1] == future[0],
                        $"{policy.Name}: {onPool[^1].Decision.JobId} was placed on {pool.Id} after {future[0].Decision.JobId} blocked its queue");
                }
            }
        }
    }
}
