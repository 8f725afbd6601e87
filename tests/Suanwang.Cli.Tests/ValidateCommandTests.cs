using System.Text.Json;

namespace Suanwang.Cli.Tests;

public sealed class ValidateCommandTests
{
    public static TheoryData<string> ValidExamples => Examples("jobs", "scenarios");

    public static TheoryData<string> InvalidExamples => Examples("invalid");

    private static TheoryData<string> Examples(params string[] folders)
    {
        var data = new TheoryData<string>();
        foreach (var folder in folders)
        {
            foreach (var file in Directory.GetFiles(Cli.RepoPath("examples", folder)).Order(StringComparer.Ordinal))
                data.Add(Path.GetRelativePath(Cli.RepoRoot, file));
        }
        return data;
    }

    [Fact]
    public void The_example_folders_are_not_empty()
    {
        Assert.True(ValidExamples.Count >= 8, $"{ValidExamples.Count} valid examples");
        Assert.True(InvalidExamples.Count >= 2, $"{InvalidExamples.Count} invalid examples");
    }

    [Theory]
    [MemberData(nameof(ValidExamples))]
    public void Every_example_job_and_scenario_is_valid(string file)
    {
        var path = Cli.RepoPath(file);
        var run = Cli.Run("validate", path);

        Assert.True(run.Exit == 0, run.ToString());
        Assert.StartsWith($"{path}: valid ", run.Out, StringComparison.Ordinal);
        Assert.Equal("", run.Err);

        var json = Cli.Run("validate", path, "--json").Json();
        Assert.True(json.GetProperty("valid").GetBoolean());
        Assert.Equal(0, json.GetProperty("errors").GetArrayLength());
        Assert.Contains(json.GetProperty("kind").GetString(), new[] { "Job", "Scenario" });
    }

    [Theory]
    [MemberData(nameof(InvalidExamples))]
    public void Every_invalid_example_is_exit_1_with_several_located_errors(string file)
    {
        var path = Cli.RepoPath(file);
        var run = Cli.Run("validate", path);

        Assert.True(run.Exit == 1, run.ToString());
        Assert.Equal("", run.Out);
        var errors = run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count >= 5, $"only {errors.Count} errors:\n{run.Err}");
        Assert.All(errors, e => Assert.StartsWith($"error: {path}:", e, StringComparison.Ordinal));
        Assert.Contains($"{errors.Count} errors", run.Err);
        Assert.DoesNotContain("Exception", run.Err);
    }

    [Fact]
    public void Json_of_an_invalid_job_lists_each_error_with_line_column_and_path()
    {
        var path = Cli.RepoPath("examples", "invalid", "bad-job.yaml");
        var run = Cli.Run("validate", path, "--json");

        Assert.True(run.Exit == 1, run.ToString());
        var json = run.Json();
        Assert.Equal(["file", "kind", "valid", "errors"], Cli.Keys(json));
        Assert.False(json.GetProperty("valid").GetBoolean());
        Assert.Equal("Job", json.GetProperty("kind").GetString());
        var errors = json.GetProperty("errors").EnumerateArray().ToList();
        Assert.True(errors.Count >= 10, $"{errors.Count} errors");
        foreach (var error in errors)
        {
            Assert.Equal(["file", "line", "column", "path", "message"], Cli.Keys(error));
            Assert.Equal(path, error.GetProperty("file").GetString());
            Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        }
        // Lines counted in the file: priority on line 6, cpu: 0 on line 10, the unknown field gpus on line 22.
        var priority = Assert.Single(errors, e => e.GetProperty("path").GetString() == "priority");
        Assert.Equal(6, priority.GetProperty("line").GetInt32());
        Assert.Contains("asap", priority.GetProperty("message").GetString());
        var gpus = Assert.Single(errors, e => e.GetProperty("path").GetString() == "gpus");
        Assert.Equal(22, gpus.GetProperty("line").GetInt32());
        Assert.Contains(errors, e => e.GetProperty("path").GetString() == "resources.cpu" && e.GetProperty("line").GetInt32() == 10);
        // In JSON mode the errors are the output: stderr stays empty for a script to ignore.
        Assert.Equal("", run.Err);
    }

    [Fact]
    public void Json_of_an_invalid_scenario_points_at_its_lines()
    {
        var run = Cli.Run("validate", Cli.RepoPath("examples", "invalid", "bad-scenario.yaml"), "--json");

        Assert.True(run.Exit == 1, run.ToString());
        var json = run.Json();
        Assert.Equal("Scenario", json.GetProperty("kind").GetString());
        var errors = json.GetProperty("errors").EnumerateArray().ToList();
        var at = Assert.Single(errors, e => e.GetProperty("path").GetString() == "sites[0].at");
        Assert.Equal(10, at.GetProperty("line").GetInt32());
        Assert.Contains("Atlantis", at.GetProperty("message").GetString());
        Assert.Contains(errors, e => e.GetProperty("path").GetString() == "colour");
        Assert.Contains(errors, e => e.GetProperty("path").GetString()!.StartsWith("policies", StringComparison.Ordinal));
    }

    [Fact]
    public void Json_for_an_unreadable_file_is_still_json()
    {
        var run = Cli.Run("validate", Path.Combine(Path.GetTempPath(), "suanwang-no-such-file.yaml"), "--json");

        Assert.Equal(1, run.Exit);
        var json = run.Json();
        Assert.False(json.GetProperty("valid").GetBoolean());
        var error = Assert.Single(json.GetProperty("errors").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("line").ValueKind);
        Assert.Contains("file not found", error.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("Chinanet.gml", "38 points of presence, 62 links")]
    [InlineData("Cernet.gml", "37 points of presence, 54 links")]
    [InlineData("china-national.yaml", "50 points of presence, 99 links, 40 sites")]
    public void Topology_data_files_are_valid(string file, string summary)
    {
        var run = Cli.Run("validate", Cli.RepoPath("data", "topologies", file));

        Assert.True(run.Exit == 0, run.ToString());
        Assert.Contains("valid Topology", run.Out);
        Assert.Contains(summary, run.Out);
    }
}
