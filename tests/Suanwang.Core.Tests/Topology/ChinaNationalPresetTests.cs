using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Topologies;

namespace Suanwang.Core.Tests.Topologies;

public sealed class ChinaNationalPresetTests
{
    // The ids the device catalogue is expected to hold (written by another helper in parallel).
    private static readonly HashSet<string> CatalogueModels =
        ["H100-SXM5-80G", "H800-SXM5-80G", "A100-SXM4-80G", "A800-SXM4-80G", "H20", "Ascend-910B", "MI250X", "L40S"];

    private static readonly string[] ResourceHubs = ["inner-mongolia", "guizhou", "gansu", "ningxia"];
    private static readonly string[] DemandHubs = ["jing-jin-ji", "yangtze-river-delta", "guangdong-hong-kong-macao", "chengdu-chongqing"];

    private static readonly (string Site, string At, string Hub)[] Clusters =
    [
        ("zhangjiakou-hub", "Zhangjiakou", "jing-jin-ji"),
        ("qingpu-hub", "Qingpu", "yangtze-river-delta"),
        ("wuhu-hub", "Wuhu", "yangtze-river-delta"),
        ("shaoguan-hub", "Shaoguan", "guangdong-hong-kong-macao"),
        ("tianfu-hub", "Tianfu", "chengdu-chongqing"),
        ("chongqing-hub", "Liangjiang", "chengdu-chongqing"),
        ("guian-hub", "Guian", "guizhou"),
        ("horinger-hub", "Horinger", "inner-mongolia"),
        ("qingyang-hub", "Qingyang", "gansu"),
        ("zhongwei-hub", "Zhongwei", "ningxia"),
    ];

    private static Core.Topologies.Topology Load()
    {
        var result = TopologyPresets.Load("china-national", CatalogueModels.Contains);
        Assert.True(result.Success, string.Join("\n", result.Errors));
        return result.Topology!;
    }

    private static string HubOf(Core.Topologies.Topology topology, Site site) => topology.RegionOf(site.AttachedTo!)!;

    [Fact]
    public void Has_the_ten_clusters_of_the_eight_national_hubs()
    {
        var topology = Load();
        var hubSites = topology.Sites.Where(s => s.Tier == SiteTier.Hub).ToList();

        Assert.Equal(10, hubSites.Count);
        foreach (var (siteId, at, hub) in Clusters)
        {
            var site = topology.FindSite(siteId);
            Assert.NotNull(site);
            Assert.Equal(SiteTier.Hub, site.Tier);
            Assert.Equal(at, site.AttachedTo);
            Assert.Equal(hub, topology.RegionOf(at));
        }
        Assert.Equal(8, hubSites.Select(s => HubOf(topology, s)).Distinct().Count());
    }

    [Fact]
    public void Has_regional_centres_and_edge_sites_in_cn()
    {
        var topology = Load();
        Assert.True(topology.Sites.Count(s => s.Tier == SiteTier.Region) >= 15);
        Assert.True(topology.Sites.Count(s => s.Tier == SiteTier.Edge) >= 6);
        Assert.All(topology.Sites, s => Assert.Equal("CN", s.Jurisdiction));
        Assert.All(topology.Sites, s => Assert.NotNull(s.Location));
        Assert.All(new[] { "Shenzhen", "Suzhou", "Tianjin", "Qingdao", "Xiamen", "Dongguan" },
            city => Assert.Contains(topology.Sites, s => s.Tier == SiteTier.Edge && s.AttachedTo == city));
    }

    [Fact]
    public void Is_connected_and_every_pool_is_valid()
    {
        var topology = Load();
        Assert.Single(topology.Network.Components());
        Assert.Empty(Core.Topologies.Topology.Validate(topology.ToDraft(), CatalogueModels.Contains));
        Assert.Empty(topology.Warnings);
        Assert.All(topology.Pools, p => Assert.True(p.NodeCount >= 1 && p.Pue >= 1 && p.CarbonGramsPerKwh >= 0));
    }

    [Fact]
    public void Links_follow_geography_and_are_cheapest_on_trunks()
    {
        var topology = Load();
        foreach (var link in topology.Network.Links)
        {
            var a = topology.FindPointOfPresence(link.A)!.Location!.Value;
            var b = topology.FindPointOfPresence(link.B)!.Location!.Value;
            Assert.Equal(GeoLatency.Default.LinkLatencyMs(a, b), link.LatencyMs, 9);
            Assert.True(link.LatencyMs >= GeoLatency.PhysicalBoundMs(a, b));
        }
        var trunkPrice = topology.Network.Links.Where(l => l.Capacity >= Bandwidth.FromGbps(800)).Max(l => l.PricePerGb.MinorUnits);
        var edgePrice = topology.Network.Links.Where(l => l.Capacity < Bandwidth.FromGbps(100)).Min(l => l.PricePerGb.MinorUnits);
        Assert.True(trunkPrice < edgePrice);
    }

    [Fact]
    public void Resource_hubs_are_cheaper_than_demand_hubs_for_every_pool_kind()
    {
        var topology = Load();
        var hubPools = topology.Sites.Where(s => s.Tier == SiteTier.Hub)
            .SelectMany(s => s.Pools.Select(p => (Hub: HubOf(topology, s), Pool: p))).ToList();
        foreach (var kind in hubPools.Select(x => x.Pool.Kind).Distinct())
        {
            var west = hubPools.Where(x => x.Pool.Kind == kind && ResourceHubs.Contains(x.Hub)).Select(x => x.Pool.PricePerCuHour.MinorUnits).ToList();
            var east = hubPools.Where(x => x.Pool.Kind == kind && DemandHubs.Contains(x.Hub)).Select(x => x.Pool.PricePerCuHour.MinorUnits).ToList();
            if (west.Count > 0 && east.Count > 0)
                Assert.True(west.Max() < east.Min(), $"{kind}: dearest western hub {west.Max()} ≥ cheapest eastern hub {east.Min()}");
        }
    }

    [Fact]
    public void Hub_pue_meets_the_policy_targets_and_edges_are_least_efficient()
    {
        var topology = Load();
        foreach (var site in topology.Sites.Where(s => s.Tier == SiteTier.Hub))
        {
            var limit = ResourceHubs.Contains(HubOf(topology, site)) ? 1.20 : 1.25;
            Assert.All(site.Pools, p => Assert.InRange(p.Pue, 1.0, limit));
        }
        var edgePue = topology.Sites.Where(s => s.Tier == SiteTier.Edge).SelectMany(s => s.Pools).Min(p => p.Pue);
        var regionPue = topology.Sites.Where(s => s.Tier == SiteTier.Region).SelectMany(s => s.Pools).Max(p => p.Pue);
        Assert.True(edgePue > regionPue);
    }

    [Fact]
    public void Western_resource_hubs_are_greener_on_average_than_eastern_demand_hubs()
    {
        var topology = Load();
        double MeanCarbon(string[] hubs) => topology.Sites
            .Where(s => s.Tier == SiteTier.Hub && hubs.Contains(HubOf(topology, s)))
            .SelectMany(s => s.Pools).Average(p => p.CarbonGramsPerKwh);
        Assert.True(MeanCarbon(ResourceHubs) < MeanCarbon(DemandHubs));
    }

    [Fact]
    public void Every_pair_of_hub_clusters_is_within_the_20_ms_national_tier()
    {
        var topology = Load();
        foreach (var (_, from, _) in Clusters)
        {
            var latency = ShortestPaths.LatenciesFrom(topology.Network, from);
            foreach (var (_, to, _) in Clusters)
                Assert.True(latency[topology.Network.IndexOf(to)] <= 20, $"{from}→{to}: {latency[topology.Network.IndexOf(to)]:0.00} ms");
        }
    }

    [Fact]
    public void Preset_counts_match_the_documentation()
    {
        var topology = Load();
        Assert.Equal(50, topology.Network.Nodes.Length);
        Assert.Equal(99, topology.Network.Links.Length);
        Assert.Equal(40, topology.Sites.Length);
        Assert.Equal(58, topology.Pools.Count());
        Assert.Equal(5, topology.Providers.Length);
    }
}
