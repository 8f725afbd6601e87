using Suanwang.Core.Topologies;
using Suanwang.Simulation.Scenarios;
using static Suanwang.Simulation.Tests.Scenarios.ScenarioTestFiles;

namespace Suanwang.Simulation.Tests.Scenarios;

/// <summary>docs/scenarios.md stays true: its sample output and its lists of names match the code.</summary>
public sealed class ScenarioDocsTests
{
    private static readonly string Docs = File.ReadAllText(InRepository("docs/scenarios.md"));

    [Fact]
    public void SampleErrorOutputIsWhatTheLoaderReports()
    {
        // The CLI passes the path as typed and the file's folder; it prints "error: " + each error.
        const string typed = "examples/invalid/bad-scenario.yaml";
        var root = RepositoryRoot();
        var text = File.ReadAllText(Path.Combine(root, typed));
        var result = ScenarioLoader.Load(text, typed, Path.Combine(root, "examples", "invalid"), IsKnownModel);

        var expected = string.Join("\n", result.Errors.Select(e => "error: " + e.ToString().Replace(root, "<repo>", StringComparison.Ordinal)))
            + $"\n{result.Errors.Length} errors\n";
        Assert.Contains("$ suanwang validate examples/invalid/bad-scenario.yaml\n" + expected, Docs.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryPolicyMixAndPresetIsDocumented()
    {
        foreach (var name in PolicyNames.All.Concat(ScenarioReader.Mixes).Concat(TopologyPresets.Names))
            Assert.Contains($"`{name}`", Docs, StringComparison.Ordinal);
    }
}
