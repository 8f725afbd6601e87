using FsCheck.Xunit;
using Suanwang.Core.Measurement;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Scheduling;
using static Suanwang.Core.Tests.Scheduling.PlanChecks;

namespace Suanwang.Core.Tests.Scheduling;

/// <summary>
/// Safety of every named policy on random worlds (see <see cref="WorldGenerators"/>): capacity is
/// never over-committed (nodes, link bandwidth), hard constraints always hold (jurisdictions,
/// exclusions, down sites, latency tiers, task fit, gangs whole), and inputs really reach the site.
/// Each check recomputes the answer from the world's plain data, not from the scheduler's own state.
/// </summary>
public class SchedulerSafetyPropertyTests
{
    [Property(MaxTest = Cases, Arbitrary = [typeof(WorldGenerators)])]
    public void No_pool_is_over_committed_at_any_instant(World world)
    {
        var built = world.Build();
        foreach (var (policy, plan) in PlanEveryPolicy(world, built))
        {
            foreach (var pool in built.Topology.Pools)
            {
                var holds = world.Running.Where(r => r.PoolId == pool.Id)
                    .Select(r => (Who: r.JobId, r.Start, End: r.ExpectedEnd, r.Nodes))
                    .Concat(PlacedParts(plan).Where(x => x.Part.PoolId == pool.Id)
                        .Select(x => (Who: x.Decision.JobId, x.Part.Start, End: x.Part.Start + x.Part.Runtime, x.Part.Nodes)))
                    .Where(h => h.End > h.Start)
                    .ToList();
                foreach (var instant in Breakpoints(holds, h => h.Start))
                {
                    var busy = holds.Where(h => h.Start <= instant && instant < h.End).ToList();
                    var nodes = busy.Sum(h => h.Nodes);
                    Assert.True(nodes <= pool.NodeCount,
                        $"{policy.Name}: pool {pool.Id} has {pool.NodeCount} nodes but {nodes} are held at {instant:O} by {string.Join(", ", busy.Select(h => $"{h.Who}×{h.Nodes}"))}");
                }
            }
        }
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(WorldGenerators)])]
    public void No_link_direction_is_over_reserved_at_any_instant(World world)
    {
        var built = world.Build();
        var network = built.Topology.Network;
        foreach (var (policy, plan) in PlanEveryPolicy(world, built))
        {
            var holds = built.Booked.Select(b => (Who: "booked before the cycle", b.Arcs, b.Interval, b.Bandwidth))
                .Concat(PlacedParts(plan).SelectMany(x => x.Part.Transfers.Select(t => (Who: $"{x.Decision.JobId} staging {t.DatasetId} to {t.ToSite}", t.Arcs, t.Interval, t.Bandwidth))))
                .Where(h => !h.Arcs.IsEmpty)
                .ToList();
            foreach (var hold in holds)
            {
                Assert.True(hold.Bandwidth.BitsPerSecond > 0 && !hold.Interval.IsEmpty, $"{policy.Name}: {hold.Who} reserves {hold.Bandwidth} over {hold.Interval}");
                Assert.True(hold.Arcs.Distinct().Count() == hold.Arcs.Length, $"{policy.Name}: {hold.Who} uses an arc twice");
            }
            foreach (var arc in ArcIndices(built))
            {
                var capacity = network.Links[arc / 2].Capacity.BitsPerSecond;
                var onArc = holds.Where(h => h.Arcs.Any(a => a.Index == arc)).ToList();
                foreach (var instant in Breakpoints(onArc, h => h.Interval.Start))
                {
                    var active = onArc.Where(h => h.Interval.Start <= instant && instant < h.Interval.End).ToList();
                    var sum = active.Sum(h => h.Bandwidth.BitsPerSecond);
                    Assert.True(sum <= capacity,
                        $"{policy.Name}: arc {arc} of link {network.Links[arc / 2].Id} ({network.Links[arc / 2].Capacity}) carries {new Bandwidth(sum)} at {instant:O}: {string.Join("; ", active.Select(h => $"{h.Who} {h.Bandwidth}"))}");
                }
            }
        }
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(WorldGenerators)])]
    public void Jurisdictions_exclusions_and_down_sites_are_never_violated(World world)
    {
        var built = world.Build();
        foreach (var (policy, plan) in PlanEveryPolicy(world, built))
        {
            foreach (var (decision, placement) in PlacedParts(plan))
            {
                var demand = JobOf(world, decision).Demand;
                var where = Where(policy, decision);
                var pool = built.Topology.FindPool(placement.PoolId);
                var site = built.Topology.FindSite(placement.SiteId);
                Assert.True(pool is not null && site is not null && pool.SiteId == site.Id, where + $"placed on unknown pool {placement.PoolId} / site {placement.SiteId}");
                Assert.True(demand.Jurisdictions.IsEmpty || demand.Jurisdictions.Contains(site.Jurisdiction),
                    where + $"runs in {site.Jurisdiction} at {site.Id}; the job allows only {string.Join(", ", demand.Jurisdictions)}");
                foreach (var input in demand.Inputs)
                {
                    var dataset = world.Datasets.Single(d => d.Id == input);
                    Assert.True(dataset.Jurisdictions.IsEmpty || dataset.Jurisdictions.Contains(site.Jurisdiction),
                        where + $"processes {input} in {site.Jurisdiction}; the dataset allows only {string.Join(", ", dataset.Jurisdictions)}");
                }
                Assert.DoesNotContain(site.Id, world.DownSites);
                Assert.False(demand.Placement.Avoid.Contains(site.Id) || demand.Placement.Avoid.Contains(site.ProviderId) || demand.Placement.Avoid.Contains(pool.Id),
                    where + $"placed at avoided {site.Id} ({site.ProviderId})");
            }
        }
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(WorldGenerators)])]
    public void Gangs_are_all_or_nothing_and_tasks_fit_their_nodes(World world)
    {
        var built = world.Build();
        foreach (var (policy, plan) in PlanEveryPolicy(world, built))
        {
            foreach (var decision in plan.Decisions)
            {
                var where = Where(policy, decision);
                Assert.True((decision.Kind == DecisionKind.Placed) == (decision.Placement is not null), where + $"{decision.Kind} with placement {decision.Placement}");
                if (decision.Placement is not { } whole)
                    continue;
                var demand = JobOf(world, decision).Demand;
                var parts = whole.Parts;
                Assert.True(parts.Sum(p => (long)p.Tasks) == demand.Tasks,
                    where + $"{demand.Type} of {demand.Tasks} tasks placed as parts of {string.Join(" + ", parts.Select(p => p.Tasks))} tasks");
                Assert.True(parts.Select(p => p.PoolId).Distinct().Count() == parts.Length, where + "two parts on one pool");
                if (parts.Length > 1)
                {
                    Assert.True(demand.Type == JobType.Gang || demand is { Type: JobType.Array, Flags.Splittable: true },
                        where + $"a {demand.Type} job (splittable: {demand.Flags.Splittable}) spread over {parts.Length} pools");
                }
                if (demand.Type == JobType.Gang)
                {
                    // All or nothing: every task starts together, and all on one site.
                    Assert.True(parts.All(p => p.Start == parts[0].Start && p.Runtime == parts[0].Runtime && p.SiteId == parts[0].SiteId),
                        where + $"gang parts differ: {string.Join("; ", parts.Select(p => $"{p.PoolId}@{p.SiteId} from {p.Start:O} for {p.Runtime}"))}");
                }
                foreach (var placement in parts)
                {
                    var pool = built.Topology.FindPool(placement.PoolId)!;
                    Assert.True(placement.Tasks >= 1 && placement.Nodes >= 1 && placement.TasksPerNode >= 1 && placement.Nodes <= pool.NodeCount,
                        where + $"{placement.Tasks} tasks on {placement.Nodes} nodes × {placement.TasksPerNode} tasks on {pool.Id} of {pool.NodeCount} nodes");
                    Assert.True((long)placement.Nodes * placement.TasksPerNode >= placement.Tasks,
                        where + $"part of {placement.Tasks} tasks placed only partly: {placement.Nodes} nodes × {placement.TasksPerNode}");
                    Assert.True((long)(placement.Nodes - 1) * placement.TasksPerNode < placement.Tasks,
                        where + $"{placement.Tasks} tasks hold {placement.Nodes} nodes × {placement.TasksPerNode}, more than they need");
                    Assert.True(placement.TasksPerNode <= TasksPerNodeBySize(pool, demand.Resources),
                        where + $"{placement.TasksPerNode} tasks of [{demand.Resources}] do not fit a node of {pool.Id} [{pool.Node}]");
                    if (demand.Resources.Accelerators is { } wanted)
                        AssertAcceleratorsMatch(where, wanted, pool);
                }
            }
        }
    }

    private static void AssertAcceleratorsMatch(string where, AcceleratorDemand wanted, Pool pool)
    {
        var catalog = World.Catalog;
        Assert.True(pool.Node.Accelerators is not null && catalog.TryFind(pool.Node.Accelerators.Model, out _), where + $"wants accelerators; {pool.Id} has {pool.Node.Accelerators}");
        catalog.TryFind(pool.Node.Accelerators.Model, out var device);
        var rating = ComputeUnits.Rate(device!, WorkloadClass.Ai).Value!;
        if (wanted.Model is { } model)
        {
            Assert.True(catalog.TryFind(model, out var asked) && asked.Model == device!.Model, where + $"wants {model}; {pool.Id} has {device!.Model}");
        }
        else if (wanted.Grade is { } grade)
        {
            Assert.True(rating.Grade <= grade, where + $"wants grade {grade}; {pool.Id} has {device!.Model} of grade {rating.Grade}");
        }
        else if (wanted.ComputeUnits is { } cu)
        {
            Assert.True(rating.ComputeUnits >= cu, where + $"wants {cu} CU; {pool.Id} has {device!.Model} of {rating.ComputeUnits} CU");
        }
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(WorldGenerators)])]
    public void Latency_bound_services_run_within_their_tier_of_the_user(World world)
    {
        var built = world.Build();
        var latency = Latencies(world);
        foreach (var (policy, plan) in PlanEveryPolicy(world, built))
        {
            foreach (var decision in plan.Decisions)
            {
                var demand = JobOf(world, decision).Demand;
                if (demand.Type != JobType.Service || demand.User is not { Latency: { } tier } user)
                    continue;
                var from = UserPoint(world, user.Location);
                if (from < 0)
                {
                    Assert.True(decision.Kind == DecisionKind.Unschedulable, Where(policy, decision) + $"user location {user.Location} is unknown, yet the service is {decision.Kind}");
                    continue;
                }
                foreach (var placement in decision.Placement?.Parts ?? [])
                {
                    var ms = latency[from, SitePoint(world, placement.SiteId)];
                    Assert.True(ms <= TierBoundMs(tier) + 1e-6,
                        Where(policy, decision) + $"{ms:0.###} ms from {user.Location} to {placement.SiteId} exceeds the {tier} tier");
                }
            }
        }
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(WorldGenerators)])]
    public void Every_input_is_at_the_site_or_staged_there_from_a_live_replica_over_a_real_path(World world)
    {
        var built = world.Build();
        var network = built.Topology.Network;
        foreach (var (policy, plan) in PlanEveryPolicy(world, built))
        {
            foreach (var (decision, placement) in PlacedParts(plan))
            {
                var where = Where(policy, decision);
                foreach (var input in JobOf(world, decision).Demand.Inputs)
                {
                    var dataset = world.Datasets.Single(d => d.Id == input);
                    if (dataset.ReplicaSites.Contains(placement.SiteId))
                        continue;
                    // Parts at one site share one copy, carried by the first of them.
                    var transfer = decision.Placement!.Parts.SelectMany(p => p.Transfers).FirstOrDefault(t => t.DatasetId == input && t.ToSite == placement.SiteId);
                    Assert.True(transfer is not null, where + $"runs at {placement.SiteId} without {input} (replicas at {string.Join(", ", dataset.ReplicaSites)}) and stages nothing");
                    Assert.True(dataset.ReplicaSites.Contains(transfer.FromSite) && !world.DownSites.Contains(transfer.FromSite) && transfer.ToSite == placement.SiteId,
                        where + $"stages {input} from {transfer.FromSite} to {transfer.ToSite}");
                    Assert.Equal(dataset.Size, transfer.Size);
                    var point = world.PointsOfPresence[SitePoint(world, transfer.FromSite)].Id;
                    foreach (var arc in transfer.Arcs)
                    {
                        Assert.True(network.Nodes[network.Tail(arc)].Id == point, where + $"staging path of {input} is broken at {point}");
                        point = network.Nodes[network.Head(arc)].Id;
                    }
                    Assert.True(point == world.PointsOfPresence[SitePoint(world, placement.SiteId)].Id, where + $"staging path of {input} ends at {point}, not at {placement.SiteId}");
                }
            }
        }
    }
}
