using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using Suanwang.Core.Model;
using Suanwang.Core.Scheduling;
using Suanwang.Core.Topologies;

namespace Suanwang.Core.Tests.Scheduling;

/// <summary>
/// Worlds from <see cref="WorldGenerators"/> whose pools are busy with running work that preemption
/// and migration can touch: per pool 0–4 allocations (never more nodes than the pool has), most with
/// a demand of some priority, preemptible or not, checkpointable or not, some with a checkpoint at a
/// random site (possibly down or unknown); about one allocation in eight has no demand. A demand's
/// duration is 20–100 % of the allocation's run (the pool it runs on may be slower than the
/// reference), so faster placements for the rest can exist. Half of the worlds have a site down.
/// </summary>
public static class RunningWorkGenerators
{
    /// <summary>The arbitrary for busy worlds (no shrinking, as for <see cref="WorldGenerators"/>).</summary>
    public static Arbitrary<World> Arbitrary() => Worlds().ToArbitrary();

    /// <summary>Busy worlds.</summary>
    public static Gen<World> Worlds() =>
        from world in WorldGenerators.Worlds()
        from running in Gen.CollectToArray(world.Sites.SelectMany(s => s.Pools).Select(p => OnPool(p, world)))
        from down in Gen.Frequency((1, Gen.Constant(world.DownSites)), (1, Gen.Elements(world.Sites.Select(s => s.Id)).Select(ImmutableArray.Create)))
        select world with { Running = [.. running.SelectMany(r => r)], DownSites = down };

    private static Gen<RunningAllocation[]> OnPool(Pool pool, World world) =>
        from count in Gen.Choose(0, 4)
        from picks in Gen.ArrayOf(Allocation(pool, world), count)
        select Fit(pool, picks);

    /// <summary>Drops allocations that would hold more nodes than the pool has (the input is a valid state).</summary>
    private static RunningAllocation[] Fit(Pool pool, RunningAllocation[] picks)
    {
        var held = 0;
        var kept = new List<RunningAllocation>();
        foreach (var (index, pick) in picks.Index())
        {
            if (held + pick.Nodes > pool.NodeCount)
                continue;
            held += pick.Nodes;
            kept.Add(pick with { JobId = $"{pool.Id}#{index}" });
        }
        return [.. kept];
    }

    private static Gen<RunningAllocation> Allocation(Pool pool, World world) =>
        from percent in Gen.Choose(10, 100)
        from startedAgo in Gen.Frequency((6, Gen.Choose(0, 120)), (3, Gen.Choose(121, 900)), (1, Gen.Choose(-60, -1)))
        from endsIn in Gen.Choose(1, 2880)
        from tenant in Gen.Elements("t-a", "t-b", "t-c")
        from priority in Gen.Elements(JobPriority.Low, JobPriority.Normal, JobPriority.High, JobPriority.Urgent)
        from preemptible in Gen.Frequency((1, Gen.Constant(false)), (2, Gen.Constant(true)))
        from checkpointable in Gen.Elements(false, true)
        from inputs in world.Datasets.IsEmpty ? Gen.Constant(ImmutableArray<string>.Empty)
            : Gen.SubListOf(world.Datasets.Select(d => d.Id).ToArray()).Select(l => l.Take(2).ToImmutableArray())
        from checkpointShare in Gen.Choose(0, 100)
        from checkpointGb in Gen.Choose(1, 5000)
        from checkpointSite in Gen.Elements(world.Sites.Select(s => s.Id).Append("s-gone"))
        from hasCheckpoint in Gen.Frequency((1, Gen.Constant(false)), (2, Gen.Constant(true)))
        from known in Gen.Frequency((1, Gen.Constant(false)), (7, Gen.Constant(true)))
        from slowdown in Gen.Choose(20, 100)
        let nodes = Math.Max(1, pool.NodeCount * percent / 100)
        let start = world.Now.AddMinutes(-startedAgo)
        let end = world.Now.AddMinutes(endsIn)
        let demand = new JobDemand("running", priority, JobType.Batch, nodes,
            new TaskResources(Math.Min(16, pool.Node.Cores), ByteSize.FromGibibytes(Math.Min(64, pool.Node.Memory.Bytes >> 30)), null),
            TimeSpan.FromMinutes(Math.Max(1, (startedAgo + endsIn) * slowdown / 100)), [.. inputs], null, null, null, null, [],
            PlacementPreference.None, new JobFlags(preemptible, false, checkpointable), null)
        let checkpoint = hasCheckpoint && start < world.Now
            ? new JobCheckpoint(start + (world.Now - start) * (checkpointShare / 100.0), ByteSize.FromGigabytes(checkpointGb), checkpointSite)
            : null
        select new RunningAllocation("r", tenant, pool.Id, nodes, start, end, known ? demand : null, checkpoint);
}
