using System.Text.Json;

namespace Suanwang.Cli.Tests;

/// <summary>What one in-process run of <c>suanwang</c> printed and returned.</summary>
internal sealed record CliRun(int Exit, string Out, string Err)
{
    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Out);
        return document.RootElement.Clone();
    }

    public override string ToString() => $"exit {Exit}\n--- stdout\n{Out}\n--- stderr\n{Err}";
}

/// <summary>Runs the command tree in-process with string writers, and finds the repository's files.</summary>
internal static class Cli
{
    public static CliRun Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = SuanwangCommand.Run(args, output, error);
        return new CliRun(exit, output.ToString(), error.ToString());
    }

    /// <summary>The folder holding Suanwang.sln, found by walking up from the test binaries.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string RepoPath(params string[] parts) => Path.Combine([RepoRoot, .. parts]);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Suanwang.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"no Suanwang.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>The names of a JSON object's properties, in order.</summary>
    public static string[] Keys(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];
}

/// <summary>A temporary folder for bad input files, deleted afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "suanwang-cli-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string name, string text)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, text);
        return file;
    }

    public string WriteBytes(string name, byte[] bytes)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(file, bytes);
        return file;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
