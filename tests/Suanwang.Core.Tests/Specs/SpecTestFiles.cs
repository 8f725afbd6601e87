namespace Suanwang.Core.Tests.Specs;

/// <summary>Finds files of the repository from the test's output folder.</summary>
internal static class SpecTestFiles
{
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
}
