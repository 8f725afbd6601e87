namespace Suanwang.Cli.Tests;

public sealed class MeasureCommandTests
{
    [Fact]
    public void A_tiny_measurement_reports_positive_gflops_and_ratings_as_json()
    {
        var run = Cli.Run("measure", "--size", "64", "--repetitions", "1", "--no-bandwidth", "--json");

        Assert.True(run.Exit == 0, run.ToString());
        var json = run.Json();
        Assert.Equal(64, json.GetProperty("size").GetInt32());
        var gflops = json.GetProperty("gflops");
        Assert.Equal(["fp64_single_thread", "fp64_all_threads", "fp32_single_thread", "fp32_all_threads"], Cli.Keys(gflops));
        foreach (var measurement in gflops.EnumerateObject())
            Assert.True(measurement.Value.GetProperty("median").GetDouble() > 0, $"{measurement.Name} is not positive");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, json.GetProperty("memory_bandwidth_gb_per_s").ValueKind);

        var ratings = json.GetProperty("ratings").EnumerateArray().ToList();
        Assert.Equal(["ai", "hpc", "general"], ratings.Select(r => r.GetProperty("workload").GetString()));
        foreach (var rating in ratings)
        {
            Assert.True(rating.GetProperty("compute_units").GetDouble() > 0, rating.ToString());
            Assert.Contains(rating.GetProperty("grade").GetString(), new[] { "A", "B", "C", "D" });
        }
    }

    [Theory]
    [InlineData("--size", "3", "size must be between 8 and")]
    [InlineData("--repetitions", "0", "repetitions must be between 1 and")]
    [InlineData("--threads", "-1", "threads must be 0")]
    public void Out_of_range_options_are_invalid_input_with_a_clear_message(string option, string value, string message)
    {
        var run = Cli.Run("measure", option, value, "--no-bandwidth");

        Assert.True(run.Exit == 1, run.ToString());
        Assert.Equal("", run.Out);
        Assert.StartsWith("error: ", run.Err, StringComparison.Ordinal);
        Assert.Contains(message, run.Err);
        Assert.DoesNotContain("Exception", run.Err);
    }

    [Fact]
    public void The_table_names_the_measurements_and_grades()
    {
        var run = Cli.Run("measure", "--size", "32", "--repetitions", "1", "--threads", "1", "--no-bandwidth");

        Assert.True(run.Exit == 0, run.ToString());
        foreach (var word in new[] { "FP64 GEMM", "FP32 GEMM", "GFLOPS", "1 repetition,", "workload", "grade", "hpc" })
            Assert.Contains(word, run.Out);
        Assert.DoesNotContain("memory triad", run.Out);
    }
}
