using System.Collections.Immutable;
using Suanwang.Core.Measurement;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Scheduling;
using Suanwang.Core.Topologies;
using static Suanwang.Core.Tests.Scheduling.SchedulingWorld;

namespace Suanwang.Core.Tests.Scheduling;

/// <summary>
/// Gangs across pools of one site and split arrays, on worlds small enough to work out by hand. All
/// pools are CPU pools of 64-core nodes with no declared CPU model (speed-up 1, so run time = the
/// duration), and every task asks for 64 cores: one task per node, so nodes = tasks.
/// </summary>
public sealed class GangsAndSplittingTests
{
    private static readonly JobFlags Splittable = new(false, true, false);

    /// <summary>
    /// Two sites, east (Shanghai) and west (Zhongwei), each with a 100-node pool whose 50 nodes are busy
    /// for 2 h. A 100-task, 1 h splittable array on either pool alone must wait for all 100 nodes:
    /// start at 2 h, done at 3 h. Split 50 + 50 over the two pools' free halves it starts now and is
    /// done at 1 h — the smallest makespan (nothing finishes earlier than one run time). Cost, energy
    /// and carbon are the same 100 node-hours either way, so network-aware takes the split.
    /// </summary>
    [Fact]
    public void A_splittable_array_finishes_sooner_split_over_two_pools_than_on_either_alone()
    {
        var snapshot = World(
            [Site("east", "Shanghai", SiteTier.Region, CpuPool("east/hpc", 100)), Site("west", "Zhongwei", SiteTier.Hub, CpuPool("west/hpc", 100))],
            running: [Busy("east/hpc", 50, hours: 2), Busy("west/hpc", 50, hours: 2)]);
        var job = Job("sweep", Array("sweep", 100, Splittable));

        var decision = Scheduler.Plan(snapshot, [job], Now, SchedulingPolicy.NetworkAware).Decisions.Single();

        Assert.Equal(DecisionKind.Placed, decision.Kind);
        var placement = decision.Placement!;
        Assert.Equal([("east/hpc", 50, 50), ("west/hpc", 50, 50)], placement.Parts.Select(p => (p.PoolId, p.Tasks, p.Nodes)));
        Assert.All(placement.Parts, p => Assert.Equal((Now, Now.AddHours(1)), (p.Start, p.Completion)));
        Assert.Equal((100, Now, Now.AddHours(1)), (placement.Nodes, placement.Start, placement.Completion));
        // Either pool alone: all 100 nodes free only at 2 h.
        Assert.All(decision.Candidates.Where(c => c.Parts.IsEmpty), c => Assert.Equal(Now.AddHours(3), c.Score!.Completion));
        var split = Assert.Single(decision.Candidates, c => !c.Parts.IsEmpty);
        Assert.Equal("east/hpc+west/hpc", split.PoolId);
    }

    /// <summary>
    /// Site "campus" has two 8-node pools, site "far" one: no pool holds a gang of 12 on its own (12
    /// nodes). Across campus's two pools it fits now: tasks go to the pool with most free capacity first,
    /// ties by topology order — campus/a takes 8, campus/b the other 4 — all starting together.
    /// </summary>
    [Fact]
    public void A_gang_of_twelve_fits_only_across_two_pools_of_one_site()
    {
        var snapshot = World(
            [Site("campus", "Shanghai", SiteTier.Region, CpuPool("campus/a", 8), CpuPool("campus/b", 8)), Site("far", "Zhongwei", SiteTier.Hub, CpuPool("far/c", 8))]);
        var job = Job("allreduce", Demand("allreduce", tasks: 12, cpu: 64, type: JobType.Gang));

        var decision = Scheduler.Plan(snapshot, [job], Now, SchedulingPolicy.NetworkAware).Decisions.Single();

        Assert.Equal(DecisionKind.Placed, decision.Kind);
        var placement = decision.Placement!;
        Assert.Equal([("campus/a", "campus", 8), ("campus/b", "campus", 4)], placement.Parts.Select(p => (p.PoolId, p.SiteId, p.Tasks)));
        Assert.All(placement.Parts, p => Assert.Equal((Now, TimeSpan.FromHours(1)), (p.Start, p.Runtime)));
        Assert.Equal(("campus/a", "campus", 12), (placement.PoolId, placement.SiteId, placement.Nodes));
        Assert.All(decision.Candidates.Where(c => c.Parts.IsEmpty), c => Assert.Contains("needs 12 nodes", c.Rejection, StringComparison.Ordinal));
        var gang = Assert.Single(decision.Candidates, c => !c.Parts.IsEmpty);
        Assert.Equal("campus/a+campus/b", gang.PoolId);
        Assert.Contains("site 'campus'", decision.Reason, StringComparison.Ordinal);
    }

    /// <summary>
    /// Campus has pools a (6 nodes, free) and b (6 nodes, all busy for 3 h); far has c (6 nodes, free).
    /// a + c could run a gang of 12 now, but a gang never spans sites: it waits for campus/b and runs
    /// on a + b from 3 h to 4 h. With one pool per site there is nothing to combine: unschedulable.
    /// </summary>
    [Fact]
    public void A_gang_is_never_split_across_sites_it_waits_or_is_unschedulable()
    {
        var two = World(
            [Site("campus", "Shanghai", SiteTier.Region, CpuPool("campus/a", 6), CpuPool("campus/b", 6)), Site("far", "Zhongwei", SiteTier.Hub, CpuPool("far/c", 6))],
            running: [Busy("campus/b", 6, hours: 3)]);
        var job = Job("allreduce", Demand("allreduce", tasks: 12, cpu: 64, type: JobType.Gang));

        foreach (var policy in SchedulingPolicy.All.Where(p => p.Discipline == QueueDiscipline.Reservations || p.Name == "fcfs-easy"))
        {
            var placement = Scheduler.Plan(two, [job], Now, policy).Decisions.Single().Placement!;
            Assert.Equal([("campus/a", 6, Now.AddHours(3)), ("campus/b", 6, Now.AddHours(3))], placement.Parts.Select(p => (p.PoolId, p.Tasks, p.Start)));
            Assert.DoesNotContain(placement.Parts, p => p.SiteId == "far");
        }

        var apart = World([Site("campus", "Shanghai", SiteTier.Region, CpuPool("campus/a", 6)), Site("far", "Zhongwei", SiteTier.Hub, CpuPool("far/c", 6))]);
        var refused = Scheduler.Plan(apart, [job], Now, SchedulingPolicy.NetworkAware).Decisions.Single();
        Assert.Equal(DecisionKind.Unschedulable, refused.Kind);
        Assert.Contains("the job needs 12 nodes; the pool has 6", refused.Reason, StringComparison.Ordinal);
    }

    /// <summary>
    /// A 40 TB corpus sits at east, whose 100-node pool has 50 nodes busy for 1 h; west's 100-node pool
    /// has 50 busy for 3 h. Alone on east the 100-task, 1 h array waits for all nodes: done at 2 h
    /// (alone on west: 4 h). Copying the corpus to west at the 50 Gbps one transfer may reserve takes
    /// 40e12 × 8 ÷ 50e9 = 6,400 s ≈ 1.78 h, so west cannot finish a single task before 2.78 h: no split
    /// finishes strictly before 2 h, and the array stays whole on east with no staging. Without the
    /// corpus the same world splits 50 + 50 over the free halves and is done at 1 h — staging is what
    /// keeps it on one pool.
    /// </summary>
    [Fact]
    public void A_splittable_array_whose_data_is_far_away_stays_on_one_pool()
    {
        Dataset corpus = new("corpus", "t-acme", Quantity.ParseSize("40TB").Value, ["east"], ["CN"]);
        var sites = new[] { Site("east", "Shanghai", SiteTier.Region, CpuPool("east/hpc", 100)), Site("west", "Zhongwei", SiteTier.Hub, CpuPool("west/hpc", 100)) };
        var snapshot = World(sites, [corpus], [Busy("east/hpc", 50, hours: 1), Busy("west/hpc", 50, hours: 3)]);

        var withData = Scheduler.Plan(snapshot, [Job("sweep", Array("sweep", 100, Splittable, ["corpus"]))], Now, SchedulingPolicy.NetworkAware).Decisions.Single();
        var placement = withData.Placement!;
        var part = Assert.Single(placement.Parts);
        Assert.Equal(("east/hpc", 100, Now.AddHours(1), Now.AddHours(2)), (part.PoolId, part.Tasks, part.Start, part.Completion));
        Assert.Empty(placement.Transfers);
        Assert.DoesNotContain(withData.Candidates, c => !c.Parts.IsEmpty);
        // West is not even estimated as a single pool: its lower bound (≈ 1.78 h of staging + 1 h run) exceeds
        // east's total and is later than east's 2 h completion, so it can neither win alone nor be the earliest.
        var west = withData.Candidates.Single(c => c.PoolId == "west/hpc");
        Assert.Equal(SchedulingMemo.OutboundNote, west.NotScored);

        var withoutData = Scheduler.Plan(snapshot, [Job("sweep", Array("sweep", 100, Splittable))], Now, SchedulingPolicy.NetworkAware).Decisions.Single().Placement!;
        Assert.Equal([("east/hpc", 50), ("west/hpc", 50)], withoutData.Parts.Select(p => (p.PoolId, p.Tasks)));
        Assert.Equal(Now.AddHours(1), withoutData.Completion);
    }

    /// <summary>
    /// An array that is not splittable never spreads, even where splitting would help (the first world
    /// above): it runs whole on east at 2 h, the earlier pool in topology order of two equal ones.
    /// </summary>
    [Fact]
    public void An_array_that_is_not_splittable_stays_whole()
    {
        var snapshot = World(
            [Site("east", "Shanghai", SiteTier.Region, CpuPool("east/hpc", 100)), Site("west", "Zhongwei", SiteTier.Hub, CpuPool("west/hpc", 100))],
            running: [Busy("east/hpc", 50, hours: 2), Busy("west/hpc", 50, hours: 2)]);
        var decision = Scheduler.Plan(snapshot, [Job("sweep", Array("sweep", 100, JobFlags.None))], Now, SchedulingPolicy.NetworkAware).Decisions.Single();
        var part = Assert.Single(decision.Placement!.Parts);
        Assert.Equal(("east/hpc", 100, Now.AddHours(2)), (part.PoolId, part.Tasks, part.Start));
        Assert.DoesNotContain(decision.Candidates, c => !c.Parts.IsEmpty);
    }

    /// <summary>
    /// Strict FCFS over parts: the gang of the third test takes a future start (3 h) on campus/a and
    /// campus/b, which blocks both pools' queues; a later 1-task job whose earliest completion is on
    /// campus/a (now; campus/b only at 4 h, far/c busy for 5 h) waits.
    /// </summary>
    [Fact]
    public void Strict_fcfs_blocks_every_pool_a_future_gang_part_is_on()
    {
        var snapshot = World(
            [Site("campus", "Shanghai", SiteTier.Region, CpuPool("campus/a", 6), CpuPool("campus/b", 6)), Site("far", "Zhongwei", SiteTier.Hub, CpuPool("far/c", 6))],
            running: [Busy("campus/b", 6, hours: 3), Busy("far/c", 6, hours: 5)]);
        var gang = Job("allreduce", Demand("allreduce", tasks: 12, cpu: 64, type: JobType.Gang), submittedSecondsAgo: 60);
        var small = Job("small", Demand("small", tasks: 1, cpu: 64), submittedSecondsAgo: 30);

        var plan = Scheduler.Plan(snapshot, [gang, small], Now, SchedulingPolicy.Fcfs);

        Assert.Equal(Now.AddHours(3), plan.Decisions[0].Placement!.Start);
        Assert.Equal(DecisionKind.Waiting, plan.Decisions[1].Kind);
        Assert.Contains("campus/a", plan.Decisions[1].Reason, StringComparison.Ordinal);
        // EASY lets the small job backfill: it ends at 1 h, before the gang's 3 h start.
        var easy = Scheduler.Plan(snapshot, [gang, small], Now, SchedulingPolicy.FcfsEasy);
        Assert.Equal(("campus/a", Now), (easy.Decisions[1].Placement!.PoolId, easy.Decisions[1].Placement!.Start));
    }

    /// <summary>
    /// As the first case, plus a third site "gold" (Shanghai) with an idle 100-node pool priced 100.00 USD
    /// per CU-hour: 100× east's price in minor units, and another currency, so it can hold no part of a
    /// split billed in east's CNY (a pool in the billing currency that could run the whole array by the
    /// split's makespan would take every task of it, leaving no split). Alone, gold completes the array at
    /// 1 h; east and west at 3 h. Network-aware prefers east (total 0.6 × 3 + 0.25 × 1 + 0.1 × 1 + 0.05 × 0.5
    /// = 2.175; west ties and comes later; gold's bound is 0.6 + 0.25 × 100 + 0.1 = 25.7), so branch and
    /// bound never estimates gold. The split east + west would complete at 1 h, not strictly before gold, so
    /// it must not be offered (had it been, its 0.975 would win): gold is estimated on demand before the split
    /// is offered (docs/scheduler.md, step 5 of "How much of a multi-pool job is estimated"), and the array
    /// goes whole to east at 2 h.
    /// </summary>
    [Fact]
    public void A_split_is_not_offered_when_a_pool_branch_and_bound_skipped_completes_as_early()
    {
        var snapshot = World(
            [Site("east", "Shanghai", SiteTier.Region, CpuPool("east/hpc", 100)), Site("west", "Zhongwei", SiteTier.Hub, CpuPool("west/hpc", 100)),
                Site("gold", "Shanghai", SiteTier.Region, Pool("gold/hpc", PoolKind.Hpc, 100, "1.00") with { PricePerCuHour = Quantity.ParseMoney("100.00 USD").Value })],
            running: [Busy("east/hpc", 50, hours: 2), Busy("west/hpc", 50, hours: 2)]);
        var job = Job("sweep", Array("sweep", 100, Splittable));

        var decision = Scheduler.Plan(snapshot, [job], Now, SchedulingPolicy.NetworkAware).Decisions.Single();

        Assert.Equal(("east/hpc", Now.AddHours(2), Now.AddHours(3)), (decision.Placement!.PoolId, decision.Placement.Start, decision.Placement.Completion));
        Assert.Single(decision.Placement.Parts);
        Assert.DoesNotContain(decision.Candidates, c => !c.Parts.IsEmpty);
        Assert.Equal(Now.AddHours(1), decision.Candidates.Single(c => c.PoolId == "gold/hpc").Score!.Completion);
    }

    /// <summary>
    /// The same for a gang of 12: campus/a and campus/b (8 nodes each, one site) could run it together now,
    /// done at 1 h; no single campus pool holds it. far/c (12 nodes, 6 busy for 2 h) completes it at 3 h and
    /// wins among the single pools; gold/g (12 idle nodes, 100× the price) completes at 1 h but its bound
    /// exceeds far/c's total, so it is estimated only on demand — and then the gang over campus, not strictly
    /// earlier than gold/g, is not offered. The gang goes to far/c at 2 h.
    /// </summary>
    [Fact]
    public void A_gang_over_pools_is_not_offered_when_a_pool_branch_and_bound_skipped_completes_as_early()
    {
        var snapshot = World(
            [Site("campus", "Shanghai", SiteTier.Region, CpuPool("campus/a", 8), CpuPool("campus/b", 8)), Site("far", "Zhongwei", SiteTier.Hub, CpuPool("far/c", 12)),
                Site("gold", "Shanghai", SiteTier.Region, Pool("gold/g", PoolKind.Hpc, 12, "100.00"))],
            running: [Busy("far/c", 6, hours: 2)]);
        var job = Job("allreduce", Demand("allreduce", tasks: 12, cpu: 64, type: JobType.Gang));

        var decision = Scheduler.Plan(snapshot, [job], Now, SchedulingPolicy.NetworkAware).Decisions.Single();

        Assert.Equal(("far/c", Now.AddHours(2), Now.AddHours(3)), (decision.Placement!.PoolId, decision.Placement.Start, decision.Placement.Completion));
        Assert.DoesNotContain(decision.Candidates, c => !c.Parts.IsEmpty);
        Assert.Equal(Now.AddHours(1), decision.Candidates.Single(c => c.PoolId == "gold/g").Score!.Completion);
    }

    private static Pool CpuPool(string id, int nodes) => Pool(id, PoolKind.Hpc, nodes, "1.00");

    private static RunningAllocation Busy(string pool, int nodes, int hours) =>
        new($"busy-{pool}", "t-other", pool, nodes, Now.AddHours(-1), Now.AddHours(hours));

    private static JobDemand Array(string name, int tasks, JobFlags flags, ImmutableArray<string> inputs = default) =>
        Demand(name, tasks: tasks, cpu: 64, type: JobType.Array, inputs: inputs) with { Flags = flags };

    /// <summary>Shanghai and Zhongwei (about 12 ms apart) joined by one 100 Gbps link at 0.02 CNY/GB.</summary>
    private static SchedulingSnapshot World(Site[] sites, Dataset[]? datasets = null, RunningAllocation[]? running = null)
    {
        PointOfPresence[] points =
        [
            new("Shanghai", "上海", new GeoCoordinate(31.23, 121.47)),
            new("Zhongwei", "中卫", new GeoCoordinate(37.51, 105.19)),
        ];
        var geo = GeoLatency.Default;
        var link = new NetworkLink("Shanghai-Zhongwei", "Shanghai", "Zhongwei", Bandwidth.FromGbps(100),
            geo.LinkLatencyMs(points[0].Location!.Value, points[1].Location!.Value), new Money(2, "CNY"));
        var draft = new TopologyDraft("gangs", [.. points], [link], [.. sites], [], geo, ImmutableSortedDictionary<string, string>.Empty, []);
        var (topology, problems) = Topology.Create(draft, model => Catalog.TryFind(model, out _));
        Assert.True(problems.IsEmpty, string.Join("; ", problems));
        return new SchedulingSnapshot(topology!, Catalog, datasets ?? [], running ?? []);
    }
}
