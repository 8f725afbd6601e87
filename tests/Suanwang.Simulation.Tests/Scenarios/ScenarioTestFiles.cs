using Suanwang.Core.Measurement;
using Suanwang.Core.Specs;
using Suanwang.Simulation.Scenarios;

namespace Suanwang.Simulation.Tests.Scenarios;

/// <summary>Finds repository files and loads inline scenarios the way <c>suanwang validate</c> does.</summary>
internal static class ScenarioTestFiles
{
    private static readonly DeviceCatalog Catalog = DeviceCatalog.LoadEmbedded();

    /// <summary>Answers like the CLI: a model is known when the embedded device catalogue has it.</summary>
    public static bool IsKnownModel(string model) => Catalog.TryFind(model, out _);

    /// <summary>The folder holding Suanwang.sln, found by walking up from the test assembly.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Suanwang.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException($"no Suanwang.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>A file of the repository, by its path from the root.</summary>
    public static string InRepository(string relative) => Path.Combine(RepositoryRoot(), relative);

    /// <summary>Loads an inline scenario labelled <c>inline.yaml</c>; relative paths resolve against <paramref name="baseDirectory"/> (the repository root by default).</summary>
    public static ScenarioLoadResult Load(string yaml, string? baseDirectory = null) =>
        ScenarioLoader.Load(yaml, "inline.yaml", baseDirectory ?? RepositoryRoot(), IsKnownModel);

    /// <summary>The (line, path) of every error, for exact comparison.</summary>
    public static (int Line, string Path)[] Where(IEnumerable<SpecError> errors) =>
        [.. errors.Select(e => (e.Position?.Line ?? 0, e.Path))];

    /// <summary>The 1-based line of the first line of <paramref name="text"/> that contains <paramref name="marker"/>.</summary>
    public static int LineOf(string text, string marker)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var index = Array.FindIndex(lines, l => l.Contains(marker, StringComparison.Ordinal));
        Assert.True(index >= 0, $"'{marker}' is not in the text");
        return index + 1;
    }

    /// <summary>The scenario, or a failure listing every error.</summary>
    public static Scenario Valid(ScenarioLoadResult result)
    {
        Assert.True(result.Errors.IsEmpty, string.Join(Environment.NewLine, result.Errors));
        return result.Scenario!;
    }

    /// <summary>The one error of a result, or a failure listing all of them.</summary>
    public static SpecError Single(ScenarioLoadResult result)
    {
        Assert.Null(result.Scenario);
        Assert.True(result.Errors.Length == 1, $"expected one error, found {result.Errors.Length}:{Environment.NewLine}{string.Join(Environment.NewLine, result.Errors)}");
        return result.Errors[0];
    }

    /// <summary>The header every inline scenario starts with (lines 1–3).</summary>
    public const string Header = """
        apiVersion: suanwang/v1
        kind: Scenario
        name: t
        """;

    /// <summary>Header plus the china-national preset (lines 1–5).</summary>
    public const string OnPreset = Header + """

        topology:
          preset: china-national
        """;
}

/// <summary>A temporary folder removed after the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "suanwang-scenario-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Writes a file under the folder (creating subfolders) and returns its full path.</summary>
    public string Write(string relative, string text)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return full;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
