using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Topologies;
using Suanwang.Simulation.Scenarios;
using static Suanwang.Simulation.Tests.Scenarios.ScenarioTestFiles;

namespace Suanwang.Simulation.Tests.Scenarios;

/// <summary>How a scenario's sites merge with its topology: preset, GML file, or none (flat).</summary>
public sealed class ScenarioTopologyTests
{
    private static string Site(string id, string? at, string provider = "p-lab", string tier = "region", string pool = "hpc") => $$"""

          - id: {{id}}
        {{(at is null ? "" : $"    at: {at}\n")}}    tier: {{tier}}
            jurisdiction: CN
            provider: {{provider}}
            pools:
              - { id: {{id}}/{{pool}}, kind: hpc, nodes: 8, node: { cpu: 16, memory: 64GiB }, price_per_cu_hour: 1.00 CNY, pue: 1.3, carbon_g_per_kwh: 500 }
        """;

    [Fact]
    public void ScenarioSiteReplacesThePresetSiteWithTheSameId()
    {
        var preset = TopologyPresets.Load("china-national").Topology!;
        var index = preset.Sites.Select(s => s.Id).ToList().IndexOf("shanghai-region");
        var yaml = OnPreset + "\nsites:" + Site("shanghai-region", "Shanghai", provider: "p-east", pool: "cpu");

        var scenario = Valid(Load(yaml));

        Assert.Equal(40, scenario.Topology.Sites.Length);
        Assert.Equal(40, preset.Sites.Length);
        Assert.Equal("shanghai-region", scenario.Topology.Sites[index].Id);
        var pool = Assert.Single(scenario.Topology.FindSite("shanghai-region")!.Pools);
        Assert.Equal("shanghai-region/cpu", pool.Id);
        Assert.Equal(8, pool.NodeCount);
        Assert.Null(scenario.Topology.FindPool("shanghai-region/hpc"));
        Assert.Null(scenario.Topology.FindPool("shanghai-region/ai"));
        Assert.Equal(preset.FindSite("beijing-region")!.Pools.Select(p => p.Id), scenario.Topology.FindSite("beijing-region")!.Pools.Select(p => p.Id));
    }

    [Fact]
    public void ScenarioSiteWithANewProviderAddsTheProvider()
    {
        var yaml = OnPreset + "\nsites:" + Site("lab", "Shanghai", provider: "p-lab");
        var scenario = Valid(Load(yaml));

        Assert.Equal(41, scenario.Topology.Sites.Length);
        Assert.Equal("lab", scenario.Topology.Sites[^1].Id);
        Assert.Contains(scenario.Topology.Providers, p => p.Id == "p-lab");
        Assert.Equal(scenario.Topology.FindPointOfPresence("Shanghai")!.Location, scenario.Topology.FindSite("lab")!.Location);
    }

    [Fact]
    public void SiteListedTwiceInTheScenarioIsRefused()
    {
        var yaml = OnPreset + "\nsites:" + Site("lab", "Shanghai") + Site("lab", "Beijing", pool: "other");
        var error = Single(Load(yaml));
        Assert.Equal((LineOf(yaml, "- id: lab") + 7, "sites[1].id"), (error.Position!.Value.Line, error.Path));
        Assert.Equal("site 'lab' is defined twice", error.Message);
    }

    [Fact]
    public void SiteWithoutAtOnATopologyIsRefusedAtItsAtField()
    {
        var yaml = OnPreset + "\nsites:" + Site("lab", null);
        var error = Single(Load(yaml));
        Assert.Equal((LineOf(yaml, "- id: lab"), "sites[0].at"), (error.Position!.Value.Line, error.Path));
        Assert.Equal("site 'lab' needs 'at': the point of presence it attaches to", error.Message);
    }

    [Fact]
    public void SitesInErrorDoNotShiftTheIndexOfLaterErrors()
    {
        // sites[0] does not bind (bad tier), so the spec holds only sites[1]; its error must still say sites[1].
        var yaml = OnPreset + "\nsites:" + Site("moon-base", "Shanghai", tier: "moon") + Site("lab", "Atlantis");
        var result = Load(yaml);

        Assert.Null(result.Scenario);
        Assert.Equal([(LineOf(yaml, "tier: moon"), "sites[0].tier"), (LineOf(yaml, "Atlantis"), "sites[1].at")], Where(result.Errors));
        Assert.Equal("site 'lab' is attached to unknown point of presence 'Atlantis'", result.Errors[1].Message);
    }

    [Fact]
    public void ReferencesToASiteInErrorAreNotReportedAsUnknown()
    {
        // The site has its own error; the dataset, workload and failure that name it must not add "unknown site" on top.
        var yaml = OnPreset + "\nsites:" + Site("lab", "Shanghai", tier: "moon") + """

            datasets:
              - { id: d, size: 1TB, replicas: [lab], owner: t-acme }
            workloads:
              - { swf: data/traces/lublin_256.swf, site: lab }
            failures:
              - { site: lab, at: 1h, for: 1h }
            """;
        var result = Load(yaml);
        Assert.Equal([(LineOf(yaml, "tier: moon"), "sites[0].tier")], Where(result.Errors));
    }

    [Fact]
    public void ReferencesToASiteThatFailsModelChecksAreNotReportedAsUnknown()
    {
        var yaml = OnPreset + "\nsites:" + Site("lab", "Atlantis") + """

            datasets:
              - { id: d, size: 1TB, replicas: [lab], owner: t-acme }
            """;
        var result = Load(yaml);
        Assert.Equal([(LineOf(yaml, "Atlantis"), "sites[0].at")], Where(result.Errors));
    }

    [Fact]
    public void WithoutTopologyEverySiteSitsOnOnePointAndNeedsNoAt()
    {
        var yaml = Header + "\nsites:" + Site("east", null) + Site("west", null, provider: "p-other") + """

            workloads:
              - generate: { mix: hpc, jobs: 10, rate: 1/h, users: { Anywhere: 1 } }
            """;
        var scenario = Valid(Load(yaml));

        Assert.True(scenario.Spec.Topology.IsFlat);
        Assert.Equal([ScenarioLoader.FlatPointOfPresence], scenario.Topology.Network.Nodes.Select(n => n.Id));
        Assert.Empty(scenario.Topology.Network.Links);
        Assert.Equal(["east", "west"], scenario.Topology.Sites.Select(s => s.Id));
        Assert.All(scenario.Topology.Sites, s => Assert.Equal("local", s.AttachedTo));
        Assert.Empty(scenario.Warnings);
    }

    [Fact]
    public void WithoutTopologyAnAtIsIgnoredWithAWarning()
    {
        var yaml = Header + "\nsites:" + Site("east", "Shanghai");
        var scenario = Valid(Load(yaml));

        Assert.Equal("local", Assert.Single(scenario.Topology.Sites).AttachedTo);
        Assert.Equal<string>(["site 'east' is at 'Shanghai', but the scenario has no topology: every site sits on the one point 'local'"], scenario.Warnings);
    }

    [Fact]
    public void WithoutTopologyALinkFailureHasNoLinkToFail()
    {
        var yaml = Header + "\nsites:" + Site("east", null) + """

            failures:
              - { link: [local, local], at: 1h, for: 1h }
            """;
        var error = Single(Load(yaml));
        Assert.Equal((LineOf(yaml, "link:"), "failures[0].link"), (error.Position!.Value.Line, error.Path));
    }

    [Fact]
    public void GmlTopologyIsReadRelativeToTheScenarioWithItsLinkSettings()
    {
        using var folder = new TempFolder();
        File.Copy(InRepository("data/topologies/Chinanet.gml"), Path.Combine(folder.Path, "Chinanet.gml"));
        var scenarios = Path.Combine(folder.Path, "scenarios");
        Directory.CreateDirectory(scenarios);
        string Yaml(string inflation) => Header + $"""

            topology:
              gml: ../Chinanet.gml
              link_capacity: 40Gbps
              inflation: {inflation}
              price_per_gb: 0.10 CNY
            sites:
            """ + Site("lab", "Shanghai");

        var steep = Valid(ScenarioLoader.Load(Yaml("3"), "s.yaml", scenarios, IsKnownModel));
        var usual = Valid(ScenarioLoader.Load(Yaml("1.5"), "s.yaml", scenarios, IsKnownModel));

        Assert.Equal("../Chinanet.gml", steep.Spec.Topology.GmlPath);
        Assert.Equal(38, steep.Topology.Network.Nodes.Length);
        Assert.Equal("lab", Assert.Single(steep.Topology.Sites).Id);
        var link = steep.Topology.Network.Links.Single(l => (l.A, l.B) is ("Beijing", "Shanghai") or ("Shanghai", "Beijing"));
        Assert.Equal(Bandwidth.FromGbps(40), link.Capacity);
        Assert.Equal(new Money(10, "CNY"), link.PricePerGb);
        var beijing = steep.Topology.FindPointOfPresence("Beijing")!.Location!.Value;
        var shanghai = steep.Topology.FindPointOfPresence("Shanghai")!.Location!.Value;
        Assert.Equal(beijing.DistanceKmTo(shanghai) * 3 / 200 + 0.1, link.LatencyMs, 9);
        var usualLink = usual.Topology.Network.Links.Single(l => l.Id == link.Id);
        Assert.Equal(2.0, (link.LatencyMs - GeoLatency.Default.HopMs) / (usualLink.LatencyMs - GeoLatency.Default.HopMs), 9);
        Assert.Equal(3, steep.Topology.Constants.Inflation);
    }

    [Fact]
    public void GmlDefaultsAreTheDesignValues()
    {
        var yaml = Header + """

            topology:
              gml: data/topologies/Chinanet.gml
            """;
        var scenario = Valid(Load(yaml));
        Assert.Equal(new ScenarioTopology(null, "data/topologies/Chinanet.gml", Bandwidth.FromGbps(100), 1.5, new Money(5, "CNY")), scenario.Spec.Topology);
        Assert.Empty(scenario.Topology.Sites);
    }

    [Fact]
    public void LinkFailureBetweenPointsThatAreNotDirectlyLinkedIsRefused()
    {
        var yaml = OnPreset + """

            failures:
              - { link: [Shanghai, Beijing], at: 1h, for: 1h }
              - { link: [Beijing, Lhasa], at: 1h, for: 1h }
              - { link: [Beijing, Atlantis], at: 1h, for: 1h }
            """;
        var result = Load(yaml);
        Assert.Equal([(LineOf(yaml, "Lhasa"), "failures[1].link"), (LineOf(yaml, "Atlantis"), "failures[2].link")], Where(result.Errors));
        Assert.Equal("there is no link between 'Beijing' and 'Lhasa' in the topology", result.Errors[0].Message);
        Assert.Equal("unknown point of presence 'Atlantis'", result.Errors[1].Message);
    }
}
