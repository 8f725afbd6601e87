using System.Collections.Immutable;
using Suanwang.Core.Measurement;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Scheduling;
using Suanwang.Core.Topologies;

namespace Suanwang.Core.Tests.Scheduling;

/// <summary>Small hand-made worlds whose right answers can be worked out on paper.</summary>
internal static class SchedulingWorld
{
    public static readonly DateTimeOffset Now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    public static DeviceCatalog Catalog { get; } = DeviceCatalog.LoadEmbedded();

    public static Pool Pool(string id, PoolKind kind, int nodes, string priceCny, AcceleratorSet? accelerators = null,
        int cores = 64, double pue = 1.3, double carbon = 500) =>
        new(id, id.Split('/')[0], kind, new NodeShape(cores, ByteSize.FromGibibytes(1024), accelerators, null), nodes,
            Quantity.ParseMoney(priceCny + " CNY").Value, pue, carbon, AccessMode.Simulated);

    public static Site Site(string id, string at, SiteTier tier, params Pool[] pools) =>
        new(id, tier, "CN", "p-test", at, null, [.. pools]);

    /// <summary>
    /// Shanghai (east: users and data) and Zhongwei (west: a big cheap hub), each linked to the other
    /// and to Beijing by 100 Gbps links at 0.02 CNY/GB. A 40 TB corpus lives in Shanghai.
    /// </summary>
    public static SchedulingSnapshot EastWest(IEnumerable<RunningAllocation>? running = null, IEnumerable<string>? down = null)
    {
        PointOfPresence[] nodes =
        [
            new("Shanghai", "上海", new GeoCoordinate(31.23, 121.47)),
            new("Zhongwei", "中卫", new GeoCoordinate(37.51, 105.19)),
            new("Beijing", "北京", new GeoCoordinate(39.90, 116.41)),
        ];
        var geo = GeoLatency.Default;
        NetworkLink Link(int a, int b) => new($"{nodes[a].Id}-{nodes[b].Id}", nodes[a].Id, nodes[b].Id, Bandwidth.FromGbps(100),
            geo.LinkLatencyMs(nodes[a].Location!.Value, nodes[b].Location!.Value), new Money(2, "CNY"));
        var h800 = new AcceleratorSet("H800-SXM5-80G", 8);
        Site[] sites =
        [
            Site("shanghai-region", "Shanghai", SiteTier.Region, Pool("shanghai-region/ai", PoolKind.Ai, 4, "1.60", h800, pue: 1.4, carbon: 585)),
            Site("shanghai-edge", "Shanghai", SiteTier.Edge, Pool("shanghai-edge/edge", PoolKind.Edge, 2, "2.80", new AcceleratorSet("L40S", 4), cores: 32, pue: 1.5, carbon: 585)),
            Site("zhongwei-hub", "Zhongwei", SiteTier.Hub, Pool("zhongwei-hub/ai", PoolKind.Ai, 64, "0.78", h800, pue: 1.15, carbon: 257)),
        ];
        var draft = new TopologyDraft("east-west", [.. nodes], [Link(0, 1), Link(0, 2), Link(1, 2)], [.. sites], [], geo,
            ImmutableSortedDictionary<string, string>.Empty, []);
        var (topology, problems) = Topology.Create(draft, model => Catalog.TryFind(model, out _));
        Assert.True(problems.IsEmpty, string.Join("; ", problems));
        Dataset[] datasets = [new("corpus", "t-acme", Quantity.ParseSize("40TB").Value, ["shanghai-region"], ["CN"])];
        return new SchedulingSnapshot(topology!, Catalog, datasets, running ?? [], null, down);
    }

    /// <summary>One site, one CPU pool of <paramref name="nodes"/> nodes of 64 cores, no network.</summary>
    public static SchedulingSnapshot SinglePool(int nodes, IEnumerable<RunningAllocation>? running = null)
    {
        var draft = new TopologyDraft("single", [new PointOfPresence("local", "local", null)], [],
            [Site("lab", "local", SiteTier.Region, Pool("lab/hpc", PoolKind.Hpc, nodes, "1.00"))], [], GeoLatency.Default,
            ImmutableSortedDictionary<string, string>.Empty, []);
        var (topology, problems) = Topology.Create(draft);
        Assert.True(problems.IsEmpty, string.Join("; ", problems));
        return new SchedulingSnapshot(topology!, Catalog, [], running ?? []);
    }

    public static JobDemand Demand(
        string name,
        int tasks = 1,
        int cpu = 16,
        AcceleratorDemand? accelerators = null,
        TimeSpan? duration = null,
        JobType type = JobType.Batch,
        ImmutableArray<string> inputs = default,
        UserSpec? user = null,
        DateTimeOffset? deadline = null) =>
        new(name, JobPriority.Normal, type, tasks, new TaskResources(cpu, ByteSize.FromGibibytes(64), accelerators),
            duration ?? TimeSpan.FromHours(1), inputs.IsDefault ? [] : inputs, null, user, deadline, null, [],
            PlacementPreference.None, JobFlags.None, null);

    public static PendingJob Job(string id, JobDemand demand, int submittedSecondsAgo = 0, string tenant = "t-acme") =>
        new(id, tenant, demand, Now.AddSeconds(-submittedSecondsAgo));
}
