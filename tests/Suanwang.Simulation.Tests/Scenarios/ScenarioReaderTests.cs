using Suanwang.Simulation.Scenarios;
using static Suanwang.Simulation.Tests.Scenarios.ScenarioTestFiles;

namespace Suanwang.Simulation.Tests.Scenarios;

/// <summary>Syntax, fields, units and values of the scenario file itself.</summary>
public sealed class ScenarioReaderTests
{
    [Fact]
    public void MalformedYamlIsOneErrorWithItsLine()
    {
        var yaml = Header + """

            seed: 1
            policies: [fcfs, fcfs-easy]]
            horizon: 1d
            """;
        var error = Single(Load(yaml));
        Assert.True(LineOf(yaml, "policies") == error.Position!.Value.Line, error.ToString());
        Assert.StartsWith("malformed YAML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FieldGivenTwiceIsReportedAtTheSecond()
    {
        var yaml = Header + """

            seed: 1
            seed: 2
            """;
        var error = Single(Load(yaml));
        Assert.Equal((5, "seed"), (error.Position!.Value.Line, error.Path));
        Assert.Equal("field 'seed' appears twice", error.Message);
    }

    [Fact]
    public void UnknownFieldsAreReportedAtEveryLevel()
    {
        var yaml = OnPreset + """

              colour: red
            datasets:
              - { id: d, size: 1TB, replicas: [shanghai-region], owner: t-acme, format: parquet }
            workloads:
              - generate: { mix: hpc, jobs: 5, rate: 2/h, burst: true }
            failures:
              - { site: zhongwei-hub, at: 1h, for: 1h, reason: storm }
            colour: blue
            """;
        var result = Load(yaml);
        Assert.Equal(
            [(6, "topology.colour"), (8, "datasets[0].format"), (10, "workloads[0].generate.burst"), (12, "failures[0].reason"), (13, "colour")],
            Where(result.Errors));
        Assert.Equal("unknown field 'colour'; expected one of: apiVersion, kind, name, seed, horizon, topology, sites, datasets, workloads, failures, policies", result.Errors[^1].Message);
    }

    [Fact]
    public void HeaderFieldsAreChecked()
    {
        var yaml = """
            apiVersion: suanwang/v2
            kind: Scenario
            """;
        var result = Load(yaml);
        // Another version has another schema: its other fields are not checked against this one.
        Assert.Equal([(1, "apiVersion")], Where(result.Errors));
        Assert.Equal("unsupported apiVersion 'suanwang/v2'; expected suanwang/v1", result.Errors[0].Message);
    }

    [Fact]
    public void AnotherKindIsOneErrorNotAFloodOfUnknownFields()
    {
        var yaml = """
            apiVersion: suanwang/v1
            kind: Job
            name: some-job
            resources: { cpu: 1, memory: 1GiB }
            duration: 1h
            """;
        var error = Single(Load(yaml));
        Assert.Equal((2, "kind", "this is a 'Job' document, not a scenario; expected kind: Scenario"), (error.Position!.Value.Line, error.Path, error.Message));
    }

    [Fact]
    public void MissingHeaderFieldsAreReportedAndTheRestIsStillChecked()
    {
        Assert.Equal([(1, "apiVersion"), (1, "kind"), (2, "seed")], Where(Load("name: t\nseed: x").Errors));
    }

    [Fact]
    public void DefaultsApplyWhenFieldsAreLeftOut()
    {
        var spec = Valid(Load(Header)).Spec;
        Assert.Equal(0, spec.Seed);
        Assert.Null(spec.Horizon);
        Assert.True(spec.Topology.IsFlat);
        Assert.Empty(spec.Sites);
        Assert.Empty(spec.Workloads);
        Assert.Equal<string>(["network-aware"], spec.Policies);
    }

    [Theory]
    [InlineData("0s")]
    [InlineData("-1h")]
    public void HorizonMustBePositive(string horizon)
    {
        var error = Single(Load(Header + $"\nhorizon: {horizon}"));
        Assert.Equal((4, "horizon"), (error.Position!.Value.Line, error.Path));
    }

    [Fact]
    public void UnknownAndDuplicatePoliciesAreReportedByIndex()
    {
        var yaml = Header + "\npolicies: [fcfs, best-effort, fcfs, network-aware]";
        var result = Load(yaml);
        Assert.Equal([(4, "policies[1]"), (4, "policies[2]")], Where(result.Errors));
        Assert.Equal([18, 31], result.Errors.Select(e => e.Position!.Value.Column));
        Assert.Equal("unknown policy 'best-effort'; known policies: network-aware, greedy-oblivious, cost-only, data-local, fcfs-easy, fcfs", result.Errors[0].Message);
        Assert.Equal("policy 'fcfs' is listed twice", result.Errors[1].Message);
    }

    [Fact]
    public void EveryPolicyNameOfTheDesignIsAccepted()
    {
        var spec = Valid(Load(Header + "\npolicies: [" + string.Join(", ", PolicyNames.All) + "]")).Spec;
        Assert.Equal<string>(["network-aware", "greedy-oblivious", "cost-only", "data-local", "fcfs-easy", "fcfs"], spec.Policies);
    }

    [Theory]
    [InlineData("20/h", 20.0)]
    [InlineData("1/s", 3600.0)]
    [InlineData("1.5/m", 90.0)]
    [InlineData("48/d", 2.0)]
    [InlineData(" 3 / h ", 3.0)]
    public void RatesAreArrivalsPerHour(string text, double perHour)
    {
        var result = ScenarioReader.ParseRate(text);
        Assert.True(result.Success, result.Error);
        Assert.Equal(perHour, result.Value, 12);
    }

    [Theory]
    [InlineData("0/h", "rate '0/h' must be positive")]
    [InlineData("-2/h", "rate '-2/h' must be positive")]
    [InlineData("fast", "'fast' is not a rate; expected a count per unit such as 20/h (units: s, m, h, d)")]
    [InlineData("20/week", "'20/week' is not a rate; expected a count per unit such as 20/h (units: s, m, h, d)")]
    [InlineData("NaN/h", "'NaN/h' is not a rate; expected a count per unit such as 20/h (units: s, m, h, d)")]
    public void BadRatesAreRefused(string text, string message)
    {
        var result = ScenarioReader.ParseRate(text);
        Assert.False(result.Success);
        Assert.Equal(message, result.Error);
    }

    [Fact]
    public void BadRateInAScenarioIsReportedAtTheRateField()
    {
        var yaml = Header + """

            workloads:
              - generate: { mix: hpc, jobs: 5, rate: fast }
            """;
        var error = Single(Load(yaml));
        Assert.Equal((5, "workloads[0].generate.rate"), (error.Position!.Value.Line, error.Path));
    }

    [Fact]
    public void UserSharesMustAddUpToOne()
    {
        var yaml = OnPreset + """

            workloads:
              - generate: { mix: inference, jobs: 5, rate: 2/h, users: { Beijing: 0.5, Shanghai: 0.3 } }
              - generate: { mix: inference, jobs: 5, rate: 2/h, users: { Beijing: 0.25, Shanghai: 0.75 } }
            """;
        var error = Single(Load(yaml));
        Assert.Equal((7, "workloads[0].generate.users"), (error.Position!.Value.Line, error.Path));
        Assert.Equal("user shares add up to 0.8; they must add up to 1", error.Message);
    }

    [Fact]
    public void UserLocationsMustBePointsOfPresenceOfTheTopology()
    {
        var yaml = OnPreset + """

            workloads:
              - generate: { mix: mixed, jobs: 5, rate: 2/h, users: { Beijing: 0.5, Atlantis: 0.5 } }
            """;
        var error = Single(Load(yaml));
        Assert.Equal((7, "workloads[0].generate.users.Atlantis"), (error.Position!.Value.Line, error.Path));
        Assert.Equal("unknown user location 'Atlantis'; it must be a point of presence of the topology", error.Message);
    }

    [Fact]
    public void GeneratedWorkloadIsBound()
    {
        var yaml = Header + """

            workloads:
              - generate: { mix: analytics, jobs: 300, rate: 0.5/m, users: { a: 0.125, b: 0.875 } }
            """;
        var generated = Assert.IsType<GeneratedWorkload>(Assert.Single(Valid(Load(yaml)).Spec.Workloads));
        Assert.Equal(("analytics", 300, 30.0), (generated.Mix, generated.Jobs, generated.RatePerHour));
        Assert.Equal([KeyValuePair.Create("a", 0.125), KeyValuePair.Create("b", 0.875)], generated.Users);
    }

    [Fact]
    public void UnknownMixIsRefused()
    {
        var error = Single(Load(Header + "\nworkloads:\n  - generate: { mix: crypto, jobs: 5, rate: 2/h }"));
        Assert.Equal((5, "workloads[0].generate.mix"), (error.Position!.Value.Line, error.Path));
        Assert.Equal("unknown mix 'crypto'; known mixes: ai-training, inference, hpc, analytics, mixed", error.Message);
    }

    [Fact]
    public void WorkloadNeedsExactlyOneSource()
    {
        var yaml = Header + """

            workloads:
              - { site: lab }
              - { swf: a.swf, jobs: b.yaml, site: lab }
            """;
        var result = Load(yaml);
        Assert.Equal([(5, "workloads[0]"), (5, "workloads[0].site"), (6, "workloads[1]")], Where(result.Errors));
        Assert.Equal("a workload needs one of 'swf', 'generate' or 'jobs'", result.Errors[0].Message);
        Assert.Equal("a workload has one source; give only one of 'swf', 'generate' or 'jobs', not swf and jobs", result.Errors[2].Message);
    }

    [Theory]
    [InlineData("10%", 0.1)]
    [InlineData("0%", 0.0)]
    [InlineData("100%", 1.0)]
    [InlineData("12.5%", 0.125)]
    public void LinkCapacityIsAPercentage(string capacity, double fraction)
    {
        var yaml = OnPreset + $"\nfailures:\n  - {{ link: [Beijing, Shanghai], at: 2d, for: 1h, capacity: {capacity} }}";
        var failure = Assert.IsType<LinkFailure>(Assert.Single(Valid(Load(yaml)).Spec.Failures));
        Assert.Equal(new LinkFailure("Beijing", "Shanghai", TimeSpan.FromDays(2), TimeSpan.FromHours(1), fraction), failure);
    }

    [Fact]
    public void LinkFailureWithoutCapacityCutsTheLink()
    {
        var yaml = OnPreset + "\nfailures:\n  - { link: [Beijing, Shanghai], at: 1h, for: 1h }";
        Assert.Equal(0.0, Assert.IsType<LinkFailure>(Assert.Single(Valid(Load(yaml)).Spec.Failures)).CapacityFraction);
    }

    [Theory]
    [InlineData("150%")]
    [InlineData("-10%")]
    [InlineData("0.5")]
    [InlineData("half")]
    public void CapacityOutsideZeroToHundredPercentIsRefused(string capacity)
    {
        var yaml = OnPreset + $"\nfailures:\n  - {{ link: [Beijing, Shanghai], at: 1h, for: 1h, capacity: {capacity} }}";
        var error = Single(Load(yaml));
        Assert.Equal((7, "failures[0].capacity"), (error.Position!.Value.Line, error.Path));
        Assert.Equal($"'{capacity}' is not a percentage from 0% to 100%", error.Message);
    }

    [Fact]
    public void FailureShapeIsChecked()
    {
        var yaml = OnPreset + """

            failures:
              - { at: 1h, for: 1h }
              - { site: zhongwei-hub, link: [Beijing, Shanghai], at: 1h, for: 1h }
              - { link: [Beijing], at: 1h, for: 1h }
              - { site: zhongwei-hub, at: 1h }
              - { site: zhongwei-hub, at: 1h, for: 0s }
            """;
        var result = Load(yaml);
        Assert.Equal(
            [(7, "failures[0]"), (8, "failures[1]"), (9, "failures[2].link"), (10, "failures[3].for"), (11, "failures[4].for")],
            Where(result.Errors));
        Assert.Equal("a failure names either a 'site' or a 'link: [A, B]'", result.Errors[0].Message);
        Assert.Equal("a link is given by its two ends, found 1", result.Errors[2].Message);
        Assert.Equal("required field 'for' is missing", result.Errors[3].Message);
        Assert.Equal("a failure must last a positive time", result.Errors[4].Message);
    }

    [Fact]
    public void TopologyValuesAreChecked()
    {
        var yaml = Header + """

            topology:
              gml: data/topologies/Chinanet.gml
              link_capacity: 0Gbps
              inflation: 0.8
            """;
        var result = Load(yaml);
        Assert.Equal([(6, "topology.link_capacity"), (7, "topology.inflation")], Where(result.Errors));
        Assert.Equal("link capacity must be positive", result.Errors[0].Message);
        Assert.Equal("0.8 is below the minimum of 1", result.Errors[1].Message);
    }

    [Theory]
    [InlineData("link_capacity: 5000000Tbps", "topology.link_capacity", "more than the 1000Tbps supported")]
    [InlineData("price_per_gb: -0.05 CNY", "topology.price_per_gb", "-0.05 CNY is out of range")]
    [InlineData("price_per_gb: 2000000 CNY", "topology.price_per_gb", "within 0..1000000.00 CNY")]
    [InlineData("inflation: 11", "topology.inflation", "more than 10")]
    public void GmlSettingsOutOfRangeAreOneErrorAtTheSetting(string setting, string path, string phrase)
    {
        var yaml = Header + $"\ntopology:\n  preset: cernet\n  {setting}";
        var error = Single(Load(yaml));
        Assert.Equal((LineOf(yaml, setting), path), (error.Position!.Value.Line, error.Path));
        Assert.Contains(phrase, error.Message);
    }

    [Fact]
    public void GmlDefaultsAreTheImportersDefaults()
    {
        var spec = ScenarioReader.Read(Header + "\ntopology:\n  preset: cernet", "s.yaml").Spec!;
        var defaults = new Suanwang.Core.Topologies.GmlImportOptions();
        Assert.Equal((defaults.LinkCapacity, defaults.Constants.Inflation, defaults.PricePerGb), (spec.Topology.LinkCapacity, spec.Topology.Inflation, spec.Topology.PricePerGb));
    }

    [Fact]
    public void UnreadablePolicyDoesNotShiftLaterIndexes()
    {
        var result = Load(Header + "\npolicies: [fcfs, { name: x }, best-effort]");
        Assert.Equal([(4, "policies[1]"), (4, "policies[2]")], Where(result.Errors));
        Assert.Equal("expected a value here, found a mapping", result.Errors[0].Message);
        Assert.StartsWith("unknown policy 'best-effort'", result.Errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SinglePolicyMayBeWrittenWithoutAList()
    {
        Assert.Equal<string>(["fcfs-easy"], Valid(Load(Header + "\npolicies: fcfs-easy")).Spec.Policies);
    }

    [Fact]
    public void EmptyTopologyMeansFlat()
    {
        var scenario = Valid(Load(Header + "\ntopology:"));
        Assert.True(scenario.Spec.Topology.IsFlat);
        Assert.Equal([ScenarioLoader.FlatPointOfPresence], scenario.Topology.Network.Nodes.Select(n => n.Id));
    }

    [Theory]
    [InlineData("preset: china-national", "'link_capacity' applies to GML topologies (gml: or the presets chinanet, cernet); preset 'china-national' has its own links")]
    [InlineData("{}", "'link_capacity' applies to GML topologies; without 'gml' or 'preset' there is no network")]
    public void LinkSettingsThatWouldBeIgnoredAreRefused(string topology, string message)
    {
        var yaml = Header + $"\ntopology: {(topology == "{}" ? "" : "\n  " + topology)}\n  link_capacity: 40Gbps";
        var error = Single(Load(yaml));
        Assert.Equal((LineOf(yaml, "link_capacity"), "topology.link_capacity"), (error.Position!.Value.Line, error.Path));
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("chinanet")]
    [InlineData("cernet")]
    public void GmlPresetsTakeTheLinkSettings(string preset)
    {
        var yaml = Header + $"\ntopology:\n  preset: {preset}\n  link_capacity: 40Gbps\n  price_per_gb: 0.25 CNY";
        var scenario = Valid(Load(yaml));
        // Parallel GML edges merge into one link carrying their sum, so every capacity is a multiple of the setting.
        Assert.All(scenario.Topology.Network.Links, l => Assert.Equal(0, l.Capacity.BitsPerSecond % 40_000_000_000));
        Assert.Contains(scenario.Topology.Network.Links, l => l.Capacity.BitsPerSecond == 40_000_000_000);
        Assert.All(scenario.Topology.Network.Links, l => Assert.Equal(new Core.Model.Money(25, "CNY"), l.PricePerGb));
    }

    [Fact]
    public void EveryPresetIsEitherGmlOrCarriesItsOwnLinks()
    {
        // Guards the reader's list of GML presets against a preset added later.
        foreach (var preset in Core.Topologies.TopologyPresets.Names)
        {
            var result = Load(Header + $"\ntopology:\n  preset: {preset}\n  link_capacity: 40Gbps");
            var capacities = result.Scenario?.Topology.Network.Links.Select(l => l.Capacity.BitsPerSecond % 40_000_000_000).Distinct().ToArray();
            Assert.True(result.Scenario is null ? result.Errors.Single().Path == "topology.link_capacity" : capacities is [0], preset);
        }
    }
}
