using Suanwang.Core.Specs;

namespace Suanwang.Core.Tests.Specs;

public class ExampleJobFilesTests
{
    private static string[] ExampleFileNames() =>
        [.. Directory.GetFiles(Path.Combine(SpecTestFiles.RepositoryRoot(), "examples", "jobs")).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    public static TheoryData<string> ExampleJobs() => new(ExampleFileNames());

    [Fact]
    public void There_are_yaml_and_json_examples()
    {
        var names = ExampleFileNames();
        Assert.True(names.Length >= 5, string.Join(", ", names));
        Assert.Contains(names, n => n.EndsWith(".json"));
        Assert.Contains(names, n => n.EndsWith(".yaml"));
    }

    [Theory]
    [MemberData(nameof(ExampleJobs))]
    public void Every_example_job_file_is_valid(string fileName)
    {
        var path = Path.Combine(SpecTestFiles.RepositoryRoot(), "examples", "jobs", fileName);

        var result = JobSpecReader.Read(File.ReadAllText(path), fileName);

        Assert.True(result.IsValid, string.Join('\n', result.Errors));
        Assert.NotEmpty(result.Jobs);
    }

    [Fact]
    public void Examples_cover_the_four_job_types()
    {
        var root = Path.Combine(SpecTestFiles.RepositoryRoot(), "examples", "jobs");
        var types = Directory.GetFiles(root)
            .SelectMany(f => JobSpecReader.Read(File.ReadAllText(f), Path.GetFileName(f)).Jobs)
            .Select(j => j.Demand.Type)
            .ToHashSet();

        Assert.Equal(Enum.GetValues<Suanwang.Core.Model.JobType>().ToHashSet(), types);
    }
}
