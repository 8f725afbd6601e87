using System.Collections.Immutable;
using Suanwang.Core.Model;
using Suanwang.Simulation.Scenarios;
using static Suanwang.Simulation.Tests.Scenarios.ScenarioTestFiles;

namespace Suanwang.Simulation.Tests.Scenarios;

/// <summary>The scenarios shipped in examples/ load (or fail) exactly as documented.</summary>
public sealed class ExampleScenarioTests
{
    [Fact]
    public void EastDataWestComputeLoadsOnTheChinaNationalPreset()
    {
        var scenario = Valid(ScenarioLoader.Load(InRepository("examples/scenarios/east-data-west-compute.yaml"), IsKnownModel));
        var spec = scenario.Spec;

        Assert.Equal("east-data-west-compute", spec.Name);
        Assert.Equal(42, spec.Seed);
        Assert.Equal(TimeSpan.FromDays(30), spec.Horizon);
        Assert.Equal("china-national", spec.Topology.Preset);
        Assert.Null(spec.Topology.GmlPath);
        Assert.False(spec.Topology.IsFlat);

        // The preset's 40 sites plus the one the scenario adds.
        Assert.Equal(41, scenario.Topology.Sites.Length);
        Assert.Equal(41, spec.Sites.Length);
        var added = scenario.Topology.FindSite("ningxia-hub-2");
        Assert.NotNull(added);
        Assert.Equal("Zhongwei", added.AttachedTo);
        Assert.Equal(SiteTier.Hub, added.Tier);
        Assert.Equal("p-west", added.ProviderId);
        var pool = Assert.Single(added.Pools);
        Assert.Equal("ningxia-hub-2/ai", pool.Id);
        Assert.Equal(512, pool.NodeCount);
        Assert.Equal(new AcceleratorSet("H20", 8), pool.Node.Accelerators);
        Assert.Equal(new Money(80, "CNY"), pool.PricePerCuHour);
        Assert.Equal(1.15, pool.Pue);
        // Location comes from the point of presence it is attached to.
        Assert.Equal(scenario.Topology.FindPointOfPresence("Zhongwei")!.Location, added.Location);

        Assert.Equal(["corpus-zh", "genomes", "orders-2025"], spec.Datasets.Select(d => d.Id));
        Assert.Equal(new ByteSize(40_000_000_000_000), spec.Datasets[0].Size);
        Assert.Equal<string>(["shanghai-region"], spec.Datasets[0].ReplicaSites);
        Assert.Equal<string>(["beijing-region", "guangzhou-region"], spec.Datasets[1].ReplicaSites);
        Assert.Equal("t-bio", spec.Datasets[1].OwnerTenantId);

        Assert.Equal(3, spec.Workloads.Length);
        var swf = Assert.IsType<SwfWorkload>(spec.Workloads[0]);
        Assert.Equal(new SwfWorkload("../../data/traces/lublin_256.swf", "shanghai-region", 1, 10000), swf);
        var generated = Assert.IsType<GeneratedWorkload>(spec.Workloads[1]);
        Assert.Equal("ai-training", generated.Mix);
        Assert.Equal(2000, generated.Jobs);
        Assert.Equal(20.0, generated.RatePerHour);
        Assert.Equal([KeyValuePair.Create("Beijing", 0.4), KeyValuePair.Create("Shanghai", 0.6)], generated.Users);
        Assert.Equal(new RecordedWorkload("../jobs/recorded-jobs.yaml"), spec.Workloads[2]);

        Assert.Equal(2, spec.Failures.Length);
        Assert.Equal(new SiteFailure("zhongwei-hub", TimeSpan.FromHours(12), TimeSpan.FromHours(6)), spec.Failures[0]);
        Assert.Equal(new LinkFailure("Beijing", "Shanghai", TimeSpan.FromDays(2), TimeSpan.FromHours(1), 0.1), spec.Failures[1]);

        Assert.Equal<string>(["network-aware", "greedy-oblivious", "cost-only", "data-local", "fcfs-easy", "fcfs"], spec.Policies);
    }

    [Fact]
    public void SingleSiteLublinLoadsOnAFlatNetwork()
    {
        var scenario = Valid(ScenarioLoader.Load(InRepository("examples/scenarios/single-site-lublin.yaml"), IsKnownModel));
        var spec = scenario.Spec;

        Assert.Equal("single-site-lublin", spec.Name);
        Assert.Equal(1, spec.Seed);
        Assert.Null(spec.Horizon);
        Assert.True(spec.Topology.IsFlat);
        var site = Assert.Single(scenario.Topology.Sites);
        Assert.Equal("lublin", site.Id);
        Assert.Equal(ScenarioLoader.FlatPointOfPresence, site.AttachedTo);
        Assert.Equal(256, Assert.Single(site.Pools).NodeCount);
        Assert.Equal([ScenarioLoader.FlatPointOfPresence], scenario.Topology.Network.Nodes.Select(n => n.Id));
        Assert.Empty(scenario.Topology.Network.Links);
        Assert.Empty(spec.Datasets);
        Assert.Equal(new SwfWorkload("../../data/traces/lublin_256.swf", "lublin", 1, null), Assert.Single(spec.Workloads));
        Assert.Empty(spec.Failures);
        Assert.Equal<string>(["fcfs", "fcfs-easy"], spec.Policies);
    }

    [Fact]
    public void BadScenarioReportsEveryMarkedProblemAtOnce()
    {
        var path = InRepository("examples/invalid/bad-scenario.yaml");
        var result = ScenarioLoader.Load(path, IsKnownModel);

        Assert.Null(result.Scenario);
        Assert.All(result.Errors, e => Assert.Equal(path, e.Source));
        // One error per ✗ mark; line 18 has two mistakes (a negative size and the unknown replica site 'mars-hub').
        (int, string)[] expected =
        [
            (10, "sites[0].at"),
            (15, "sites[0].pools[0].node.accelerators.model"),
            (16, "sites[0].pools[0].pue"),
            (18, "datasets[0].size"),
            (18, "datasets[0].replicas[0]"),
            (19, "datasets[1].replicas[0]"),
            (21, "workloads[0].swf"),
            (22, "workloads[1].generate.users"),
            (24, "failures[0].capacity"),
            (25, "failures[1].link"),
            (26, "policies[1]"),
            (27, "colour"),
        ];
        Assert.Equal(expected, Where(result.Errors));
        var marked = File.ReadAllLines(path).Select((line, i) => (line, i + 1)).Where(l => !l.line.StartsWith('#') && l.line.Contains('✗', StringComparison.Ordinal)).Select(l => l.Item2);
        Assert.Equal(marked.Distinct(), Where(result.Errors).Select(e => e.Line).Distinct());
    }

    [Fact]
    public void BadScenarioMessagesNameTheCulprit()
    {
        var result = ScenarioLoader.Load(InRepository("examples/invalid/bad-scenario.yaml"), IsKnownModel);

        Assert.Contains(result.Errors, e => e.Path == "sites[0].at" && e.Message.Contains("'Atlantis'", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Path == "sites[0].pools[0].node.accelerators.model" && e.Message.Contains("'TPU-v9'", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Path == "datasets[0].replicas[0]" && e.Message == "unknown site 'mars-hub'");
        Assert.Contains(result.Errors, e => e.Path == "workloads[1].generate.users" && e.Message.StartsWith("user shares add up to 1.1;", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Path == "failures[1].link" && e.Message == "there is no link between 'Beijing' and 'Lhasa' in the topology");
        Assert.Contains(result.Errors, e => e.Path == "policies[1]" && e.Message.StartsWith("unknown policy 'best-effort'", StringComparison.Ordinal));
    }
}
