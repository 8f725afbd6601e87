using FsCheck.Xunit;
using Suanwang.Core.Model;
using Suanwang.Core.Scheduling;
using static Suanwang.Core.Tests.Scheduling.PlanChecks;

namespace Suanwang.Core.Tests.Scheduling;

/// <summary>
/// <see cref="SchedulingSnapshot.Next"/> makes each state's node profiles from the previous state's:
/// shared for pools whose allocations are the same objects, otherwise copied with the allocations that
/// appeared added and those that went taken off (a few changes matched by scanning, many by a table). Along a chain of states the profiles, the flags that
/// stand in for the running index, and the plans must be exactly those of snapshots built from scratch.
/// </summary>
public class SnapshotChainPropertyTests
{
    [Property(MaxTest = 60, Arbitrary = [typeof(RunningWorkGenerators)])]
    public void A_chain_of_states_equals_snapshots_built_from_scratch(World world, int seed)
    {
        var random = new Random(seed);
        var fresh = world.Build().Snapshot;
        var pool = world.Sites.SelectMany(s => s.Pools).First();
        var state = new List<RunningAllocation>(world.Running);
        var chained = new SchedulingSnapshot(fresh.Topology, fresh.Catalog, world.Datasets, [], null, fresh.DownSites);
        for (var step = 0; step < 6; step++)
        {
            state = NextState(state, world, pool, random);
            chained = chained.Next(state, fresh.Calendar, fresh.DownSites, step + 1);
            var scratch = new SchedulingSnapshot(fresh.Topology, fresh.Catalog, world.Datasets, state, fresh.Calendar, fresh.DownSites, step + 1);

            for (var p = 0; p < scratch.Pools.Length; p++)
                Assert.Equal(scratch.NodeProfile(p).Steps(), chained.NodeProfile(p).Steps());
            Assert.Equal(scratch.RunningIndex.AnyPreemptible, chained.AnyPreemptible);
            Assert.Equal(!scratch.RunningIndex.Movable.IsEmpty, chained.AnyMovable);
            foreach (var policy in new[] { SchedulingPolicy.FcfsEasy, SchedulingPolicy.NetworkAware })
                Assert.Equal(Canonical(Scheduler.Plan(scratch, world.Pending, world.Now, policy)), Canonical(Scheduler.Plan(chained, world.Pending, world.Now, policy)));
        }
    }

    /// <summary>
    /// Some allocations go, the rest stay (the same objects, sometimes in another order); some new ones
    /// come: copies with other times or nodes, the same object twice, one on an unknown pool, one that ends at its start.
    /// </summary>
    private static List<RunningAllocation> NextState(List<RunningAllocation> before, World world, Pool pool, Random random)
    {
        var next = before.Where(_ => random.Next(4) != 0).ToList();
        if (random.Next(3) == 0)
            next.Reverse();
        var sources = world.Running.IsEmpty
            ? [new RunningAllocation("seed", "t-a", pool.Id, 1, world.Now.AddMinutes(-5), world.Now.AddMinutes(30))]
            : world.Running.ToArray();
        // Now and then a large change (more than the snapshot matches by scanning), so both ways of matching are taken.
        for (var k = random.Next(5) == 0 ? 70 + random.Next(20) : random.Next(4); k > 0; k--)
        {
            var source = sources[random.Next(sources.Length)];
            var shift = TimeSpan.FromMinutes(random.Next(-30, 90));
            var added = source with { JobId = $"{source.JobId}/{random.Next()}", Start = source.Start + shift, ExpectedEnd = source.ExpectedEnd + shift, Nodes = Math.Max(1, source.Nodes - random.Next(2)) };
            next.Insert(random.Next(next.Count + 1), added);
            if (random.Next(5) == 0)
                next.Add(added);
        }
        if (random.Next(4) == 0)
            next.Add(sources[0] with { JobId = "elsewhere", PoolId = "no-such-pool" });
        if (random.Next(4) == 0)
            next.Add(sources[0] with { JobId = "instant", ExpectedEnd = sources[0].Start });
        return next;
    }
}
