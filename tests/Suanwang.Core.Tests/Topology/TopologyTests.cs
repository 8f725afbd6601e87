using System.Collections.Immutable;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Specs;
using Suanwang.Core.Topologies;

namespace Suanwang.Core.Tests.Topologies;

public sealed class TopologyTests
{
    private static readonly NodeShape Cpu = new(64, ByteSize.FromGibibytes(256), null, null);

    private static Pool Pool(string id, string site, NodeShape? shape = null, int nodes = 4, double pue = 1.3) =>
        new(id, site, PoolKind.General, shape ?? Cpu, nodes, new Money(100, "CNY"), pue, 500, AccessMode.Simulated);

    private static TopologyDraft Draft(params Site[] sites) => new(
        "t",
        [new PointOfPresence("A", "A", new GeoCoordinate(30, 110)), new PointOfPresence("B", "B", new GeoCoordinate(31, 111))],
        [new NetworkLink("A-B", "A", "B", Bandwidth.FromGbps(100), 1.2, new Money(1, "CNY"))],
        [.. sites],
        [],
        GeoLatency.Default,
        ImmutableSortedDictionary<string, string>.Empty,
        []);

    private static Site Site(string id, string? at, params Pool[] pools) =>
        new(id, SiteTier.Region, "CN", "p", at, null, [.. pools]);

    [Fact]
    public void Create_indexes_sites_and_pools_and_fills_locations()
    {
        var (topology, problems) = Core.Topologies.Topology.Create(Draft(Site("s1", "B", Pool("s1/a", "s1"), Pool("s1/b", "s1"))));

        Assert.Empty(problems);
        Assert.Equal("s1", topology!.FindSite("s1")!.Id);
        Assert.Equal("s1/b", topology.FindPool("s1/b")!.Id);
        Assert.Null(topology.FindSite("nope"));
        Assert.Null(topology.FindPool("nope"));
        Assert.Equal(new GeoCoordinate(31, 111), topology.FindSite("s1")!.Location);
        Assert.Equal(2, topology.Pools.Count());
    }

    [Fact]
    public void Validate_reports_every_problem_at_once()
    {
        var gpu = new NodeShape(0, ByteSize.Zero, new AcceleratorSet("Quantum-1", 0), null);
        var draft = Draft(
            Site("s1", "Z", Pool("dup", "s1", gpu, nodes: 0, pue: 0.8)),
            Site("s1", null, Pool("dup", "s1")));

        var problems = Core.Topologies.Topology.Validate(draft, model => model != "Quantum-1");
        var paths = problems.Select(p => p.Path).ToList();

        Assert.Equal(
            ["sites[0].at", "sites[0].pools[0].nodes", "sites[0].pools[0].node.cpu", "sites[0].pools[0].node.memory",
             "sites[0].pools[0].node.accelerators.count", "sites[0].pools[0].node.accelerators.model", "sites[0].pools[0].pue",
             "sites[1].id", "sites[1].at", "sites[1].pools[0].id"],
            paths);
        Assert.Null(Core.Topologies.Topology.Create(draft).Topology);
    }

    [Fact]
    public void Sites_without_a_network_are_one_error_at_nodes()
    {
        // Sites must sit somewhere tier analysis can find them; a scenario without a topology gets a one-point network instead.
        var draft = Draft(Site("s1", "Anywhere", Pool("s1/a", "s1")), Site("s2", "Elsewhere", Pool("s2/a", "s2"))) with { Nodes = [], Links = [] };
        var (topology, problems) = Core.Topologies.Topology.Create(draft);
        Assert.Null(topology);
        var problem = Assert.Single(problems);
        Assert.Equal("nodes", problem.Path);
        Assert.Contains("2 site(s) but no points of presence", problem.Message);
    }

    [Fact]
    public void A_draft_round_trips_and_can_take_more_sites()
    {
        var (topology, _) = Core.Topologies.Topology.Create(Draft(Site("s1", "A", Pool("s1/a", "s1"))));
        var draft = topology!.ToDraft();
        var (bigger, problems) = Core.Topologies.Topology.Create(draft with { Sites = draft.Sites.Add(Site("s2", "B", Pool("s2/a", "s2"))) });

        Assert.Empty(problems);
        Assert.Equal(2, bigger!.Sites.Length);
        Assert.Same(topology.Network.Nodes[0], bigger.Network.Nodes[0]);
    }

    [Fact]
    public void Site_binder_is_reusable_for_a_scenario_sites_list()
    {
        const string yaml = """
            sites:
              - id: ningxia-hub
                at: Yinchuan
                tier: hub
                jurisdiction: CN
                provider: p-west
                pools:
                  - id: ningxia-hub/ai
                    kind: ai
                    nodes: 512
                    node: { cpu: 64, memory: 1TiB, accelerators: { model: H20, count: 8 } }
                    price_per_cu_hour: 0.80 CNY
                    pue: 1.15
                    carbon_g_per_kwh: 250
              - id: broken
                tier: moon
            """;
        var document = Assert.Single(SpecDocumentReader.Read(yaml, "scenario.yaml").Documents);
        var binder = new SpecBinder("scenario.yaml");
        var root = binder.Mapping(document, "")!;

        var sites = SiteSpecBinder.BindSites(binder, root.Node("sites"), "sites");

        var site = Assert.Single(sites);
        Assert.Equal("Yinchuan", site.AttachedTo);
        Assert.Equal(new AcceleratorSet("H20", 8), site.Pools[0].Node.Accelerators);
        Assert.Equal(new Money(80, "CNY"), site.Pools[0].PricePerCuHour);
        Assert.Contains(binder.Errors, e => e.Path == "sites[1].tier" && e.Position?.Line == 16);
        Assert.Contains(binder.Errors, e => e.Path == "sites[1].jurisdiction" && e.Message.Contains("required"));
    }

    [Fact]
    public void Presets_list_names_and_refuse_unknown_ones_with_the_list()
    {
        Assert.Equal(["china-national", "chinanet", "cernet"], TopologyPresets.Names.ToArray());
        Assert.True(TopologyPresets.Exists("ChinaNet"));
        var result = TopologyPresets.Load("atlantis");
        var error = Assert.Single(result.Errors);
        Assert.Contains("unknown topology preset 'atlantis'; known presets: china-national, chinanet, cernet", error.Message);
        Assert.True(TopologyPresets.Load("cernet").Success);
        Assert.Equal(62, TopologyPresets.Load("chinanet").Topology!.Network.Links.Length);
    }
}
