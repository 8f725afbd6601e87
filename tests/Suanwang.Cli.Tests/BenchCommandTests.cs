using System.Text.Json;

namespace Suanwang.Cli.Tests;

public sealed class BenchCommandTests
{
    [Fact]
    public void A_small_benchmark_prints_exactly_the_design_json_with_positive_figures()
    {
        var run = Cli.Run("bench", "scheduler", "--pools", "5", "--nodes", "100", "--jobs", "50", "--samples", "20", "--json");

        Assert.True(run.Exit == 0, run.ToString());
        var json = run.Json();
        Assert.Equal(["pools", "nodes", "jobs", "seed", "online", "batch", "peak_memory_mb"], Cli.Keys(json));
        Assert.Equal(5, json.GetProperty("pools").GetInt32());
        Assert.Equal(100, json.GetProperty("nodes").GetInt32());
        Assert.Equal(50, json.GetProperty("jobs").GetInt32());
        Assert.Equal(42, json.GetProperty("seed").GetInt32());

        var online = json.GetProperty("online");
        Assert.Equal(["decisions_per_s", "p50_us", "p99_us"], Cli.Keys(online));
        foreach (var figure in online.EnumerateObject())
            Assert.True(figure.Value.GetDouble() > 0, $"online.{figure.Name} is {figure.Value}");
        Assert.True(online.GetProperty("p99_us").GetDouble() >= online.GetProperty("p50_us").GetDouble());

        // The batch round is built on another branch: until it is wired in, its figures are null, never made up.
        var batch = json.GetProperty("batch");
        Assert.Equal(["jobs", "pools", "seconds", "objective", "greedy_objective"], Cli.Keys(batch));
        foreach (var figure in batch.EnumerateObject())
            Assert.True(figure.Value.ValueKind is JsonValueKind.Null or JsonValueKind.Number, $"batch.{figure.Name} is {figure.Value}");
        if (batch.GetProperty("seconds").ValueKind == JsonValueKind.Number)
            Assert.True(batch.GetProperty("seconds").GetDouble() > 0);

        Assert.True(json.GetProperty("peak_memory_mb").GetDouble() > 0);
        Assert.Equal("", run.Err);
    }

    [Fact]
    public void The_table_names_the_figures_and_says_the_batch_round_is_not_built()
    {
        var run = Cli.Run("bench", "scheduler", "--pools", "4", "--nodes", "40", "--jobs", "20", "--samples", "5", "--policy", "fcfs-easy", "--seed", "3");

        Assert.True(run.Exit == 0, run.ToString());
        foreach (var words in new[] { "policy fcfs-easy, seed 3", "online decisions/s", "decision latency p50", "decision latency p99", "peak memory", "batch round", "pending jobs" })
            Assert.Contains(words, run.Out);
    }

    [Theory]
    [InlineData("--pools", "0", "pools must be between 1 and")]
    [InlineData("--pools", "-3", "pools must be between 1 and")]
    [InlineData("--pools", "20001", "pools must be between 1 and 20000")]
    [InlineData("--nodes", "3", "nodes must be at least the number of pools (5)")]
    [InlineData("--nodes", "10000001", "nodes must be between 1 and")]
    [InlineData("--jobs", "0", "jobs must be between 1 and")]
    [InlineData("--jobs", "1000001", "jobs must be between 1 and")]
    [InlineData("--samples", "0", "samples must be between 1 and")]
    [InlineData("--policy", "fastest", "unknown policy 'fastest'; known policies: network-aware, greedy-oblivious, cost-only, data-local, fcfs-easy, fcfs")]
    public void Out_of_range_options_are_invalid_input_with_a_clear_message(string option, string value, string message)
    {
        var args = new Dictionary<string, string> { ["--pools"] = "5", ["--nodes"] = "100", ["--jobs"] = "10" };
        args[option] = value;

        var run = Cli.Run(["bench", "scheduler", .. args.SelectMany(a => new[] { a.Key, a.Value })]);

        Assert.True(run.Exit == 1, run.ToString());
        Assert.Equal("", run.Out);
        Assert.StartsWith("error: ", run.Err, StringComparison.Ordinal);
        Assert.Contains(message, run.Err);
        Assert.DoesNotContain("Exception", run.Err);
    }

    [Theory]
    [InlineData("bench")]
    [InlineData("bench", "scheduler")]
    [InlineData("bench", "scheduler", "--pools", "5", "--nodes", "100")]
    [InlineData("bench", "scheduler", "--pools", "many", "--nodes", "100", "--jobs", "10")]
    [InlineData("bench", "scheduler", "--pools", "5", "--nodes", "100", "--jobs", "10", "--fast")]
    [InlineData("bench", "network")]
    public void Usage_errors_exit_2(params string[] args)
    {
        var run = Cli.Run(args);

        Assert.True(run.Exit == 2, run.ToString());
        Assert.Equal("", run.Out);
        Assert.StartsWith("usage error: ", run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", run.Err);
    }

    [Fact]
    public void Several_problems_are_reported_together()
    {
        var run = Cli.Run("bench", "scheduler", "--pools", "0", "--nodes", "100", "--jobs", "0");

        Assert.True(run.Exit == 1, run.ToString());
        Assert.Contains("pools must be between", run.Err);
        Assert.Contains("jobs must be between", run.Err);
    }

    [Fact]
    public void The_nearest_rank_percentile_picks_a_measured_value()
    {
        double[] sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

        Assert.Equal(5, SchedulerBenchmark.NearestRank(sorted, 0.50));
        Assert.Equal(10, SchedulerBenchmark.NearestRank(sorted, 0.99));
        Assert.Equal(1, SchedulerBenchmark.NearestRank(sorted, 0.01));
        Assert.Equal(7, SchedulerBenchmark.NearestRank([7], 0.99));
        Assert.Equal(0, SchedulerBenchmark.NearestRank([], 0.5));
    }
}
