using Suanwang.Core.Model;
using Suanwang.Simulation.Scenarios;
using static Suanwang.Simulation.Tests.Scenarios.ScenarioTestFiles;

namespace Suanwang.Simulation.Tests.Scenarios;

/// <summary>Reference checks, site merging, topologies and the files a scenario names.</summary>
public sealed class ScenarioLoaderTests
{
    [Fact]
    public void UnknownReplicaSiteIsReportedAtItsListItem()
    {
        var yaml = OnPreset + """

            datasets:
              - { id: d, size: 1TB, replicas: [shanghai-region, atlantis-hub], owner: t-acme }
            """;
        var error = Single(Load(yaml));
        Assert.Equal((LineOf(yaml, "atlantis-hub"), "datasets[0].replicas[1]"), (error.Position!.Value.Line, error.Path));
        Assert.Equal("unknown site 'atlantis-hub'", error.Message);
        Assert.Equal("inline.yaml", error.Source);
    }

    [Fact]
    public void ReplicaOutsideTheDatasetsJurisdictionIsRefused()
    {
        var yaml = OnPreset + """

            datasets:
              - { id: d, size: 1TB, replicas: [shanghai-region], jurisdictions: [HK], owner: t-acme }
            """;
        var error = Single(Load(yaml));
        Assert.Equal("datasets[0].replicas[0]", error.Path);
        Assert.Equal("site 'shanghai-region' is in jurisdiction CN, which dataset 'd' does not allow", error.Message);
    }

    [Fact]
    public void DatasetDefinedTwiceIsReportedAtTheSecond()
    {
        var yaml = OnPreset + """

            datasets:
              - { id: d, size: 1TB, replicas: [shanghai-region], owner: t-acme }
              - { id: d, size: 2TB, replicas: [beijing-region], owner: t-acme }
            """;
        var error = Single(Load(yaml));
        Assert.Equal((LineOf(yaml, "2TB"), "datasets[1].id"), (error.Position!.Value.Line, error.Path));
        Assert.Equal("dataset 'd' is defined twice", error.Message);
    }

    [Fact]
    public void UnknownWorkloadSiteIsReported()
    {
        var yaml = OnPreset + """

            workloads:
              - { swf: data/traces/lublin_256.swf, site: atlantis-hub }
            """;
        var error = Single(Load(yaml));
        Assert.Equal((LineOf(yaml, "atlantis-hub"), "workloads[0].site"), (error.Position!.Value.Line, error.Path));
        Assert.Equal("unknown site 'atlantis-hub'", error.Message);
    }

    [Fact]
    public void UnknownFailureSiteIsReported()
    {
        var yaml = OnPreset + """

            failures:
              - { site: zhongwei-hub, at: 1h, for: 1h }
              - { site: atlantis-hub, at: 2h, for: 30m }
            """;
        var error = Single(Load(yaml));
        Assert.Equal((LineOf(yaml, "atlantis-hub"), "failures[1].site"), (error.Position!.Value.Line, error.Path));
        Assert.Equal("unknown site 'atlantis-hub'", error.Message);
    }

    [Fact]
    public void NegativeDatasetSizeIsRefused()
    {
        var yaml = OnPreset + """

            datasets:
              - { id: d, size: -5TB, replicas: [shanghai-region], owner: t-acme }
            """;
        var error = Single(Load(yaml));
        Assert.Equal((LineOf(yaml, "-5TB"), "datasets[0].size"), (error.Position!.Value.Line, error.Path));
        Assert.Equal("'-5TB' is negative; a quantity must be zero or more", error.Message);
    }

    [Fact]
    public void MissingTraceIsReportedWithTheFolderItWasLookedFor()
    {
        using var folder = new TempFolder();
        var yaml = OnPreset + """

            workloads:
              - { swf: traces/missing.swf, site: shanghai-region }
            """;
        var error = Single(Load(yaml, folder.Path));
        Assert.Equal((LineOf(yaml, "missing.swf"), "workloads[0].swf"), (error.Position!.Value.Line, error.Path));
        Assert.Equal($"trace 'traces/missing.swf' not found (looked for {Path.Combine(folder.Path, "traces", "missing.swf")})", error.Message);
    }

    [Fact]
    public void TraceIsFoundRelativeToTheScenarioFolder()
    {
        using var folder = new TempFolder();
        folder.Write("traces/tiny.swf", "1 0 0 60 4 -1 -1 4 120 -1 1 1 1 -1 -1 -1 -1 -1\n");
        var scenarioPath = folder.Write("scenarios/s.yaml", OnPreset + """

            workloads:
              - { swf: ../traces/tiny.swf, site: shanghai-region }
            """);
        var scenario = Valid(ScenarioLoader.Load(scenarioPath, IsKnownModel));
        Assert.Equal(new SwfWorkload("../traces/tiny.swf", "shanghai-region", 1, null), Assert.Single(scenario.Spec.Workloads));
        Assert.Equal(Path.Combine(folder.Path, "traces", "tiny.swf"), ScenarioLoader.Resolve(Path.Combine(folder.Path, "scenarios"), "../traces/tiny.swf"));
    }

    [Fact]
    public void SwfWorkloadWithoutSiteReportsOnlyTheMissingField()
    {
        var yaml = OnPreset + """

            workloads:
              - { swf: data/traces/lublin_256.swf }
            """;
        var error = Single(Load(yaml));
        Assert.Equal((LineOf(yaml, "lublin_256"), "workloads[0].site"), (error.Position!.Value.Line, error.Path));
        Assert.Equal("required field 'site' is missing", error.Message);
    }

    [Fact]
    public void ScenarioFileThatDoesNotExistIsOneError()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "absent.yaml");
        var result = ScenarioLoader.Load(path, IsKnownModel);
        var error = Assert.Single(result.Errors);
        Assert.Null(result.Scenario);
        Assert.Equal((path, (Core.Specs.SourcePosition?)null, "file not found"), (error.Source, error.Position, error.Message));
    }

    [Fact]
    public void PresetAndGmlTogetherAreRefused()
    {
        var yaml = OnPreset + """

              gml: ../topologies/Chinanet.gml
            """;
        var error = Single(Load(yaml));
        Assert.Equal((LineOf(yaml, "gml:"), "topology.gml"), (error.Position!.Value.Line, error.Path));
        Assert.Equal("give either 'preset' or 'gml', not both", error.Message);
    }

    [Fact]
    public void UnknownPresetIsOneErrorListingTheKnownOnes()
    {
        var yaml = Header + """

            topology:
              preset: china-international
            """;
        var error = Single(Load(yaml));
        Assert.Equal((5, "topology.preset"), (error.Position!.Value.Line, error.Path));
        Assert.Equal("unknown topology preset 'china-international'; known presets: china-national, chinanet, cernet", error.Message);
    }

    [Fact]
    public void MissingGmlFileIsReportedAtTheGmlField()
    {
        using var folder = new TempFolder();
        var yaml = Header + """

            topology:
              gml: nowhere.gml
            """;
        var error = Single(Load(yaml, folder.Path));
        Assert.Equal((5, "topology.gml"), (error.Position!.Value.Line, error.Path));
        Assert.Equal($"GML file 'nowhere.gml' not found (looked for {Path.Combine(folder.Path, "nowhere.gml")})", error.Message);
    }
}
