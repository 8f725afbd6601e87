using FsCheck.Xunit;
using Suanwang.Core.Scheduling;
using static Suanwang.Core.Tests.Scheduling.PlanChecks;

namespace Suanwang.Core.Tests.Scheduling;

/// <summary>
/// <see cref="SchedulingSnapshot.Next"/> shares what the world determines (pool facts, paths and, with
/// the same sites down, the warm memo): plans on it must be exactly those on a snapshot built from scratch.
/// </summary>
public class SnapshotNextPropertyTests
{
    [Property(MaxTest = 100, Arbitrary = [typeof(RunningWorkGenerators)])]
    public void Plans_on_a_later_snapshot_equal_plans_on_a_fresh_one(World world)
    {
        var fresh = world.Build().Snapshot;
        // A first state of the world with the same sites down, planned once so that its memo is warm and
        // shared; and one with other sites down, planned too, whose memo must not be shared.
        var same = new SchedulingSnapshot(fresh.Topology, fresh.Catalog, world.Datasets, [], null, fresh.DownSites);
        string[] otherDown = fresh.DownSites.Contains(world.Sites[0].Id) ? [] : [world.Sites[0].Id];
        var other = new SchedulingSnapshot(fresh.Topology, fresh.Catalog, world.Datasets, [], null, otherDown);
        foreach (var policy in SchedulingPolicy.All)
        {
            Scheduler.Plan(same, world.Pending, world.Now, policy);
            Scheduler.Plan(other, world.Pending, world.Now, policy);
        }
        var shared = same.Next([], null, fresh.DownSites, 1).Next(fresh.Running, fresh.Calendar, fresh.DownSites, fresh.Version);
        var rebuilt = other.Next(fresh.Running, fresh.Calendar, fresh.DownSites, fresh.Version);

        foreach (var policy in SchedulingPolicy.All)
        {
            var expected = Canonical(Scheduler.Plan(fresh, world.Pending, world.Now, policy));
            Assert.Equal(expected, Canonical(Scheduler.Plan(shared, world.Pending, world.Now, policy)));
            Assert.Equal(expected, Canonical(Scheduler.Plan(rebuilt, world.Pending, world.Now, policy)));
        }
    }
}
