using System.Text.Json;
using Suanwang.Core.Measurement;
using Suanwang.Simulation.Runs;
using Suanwang.Simulation.Scenarios;
using Suanwang.Simulation.Tests.Scenarios;

namespace Suanwang.Simulation.Tests.Runs;

public sealed class ScenarioRunnerTests
{
    private static readonly DeviceCatalog Catalog = DeviceCatalog.LoadEmbedded();

    // examples/scenarios/easy-backfill.yaml, with its trace beside it (the test copies both into a temporary folder).
    private static readonly string Scenario = File.ReadAllText(ScenarioTestFiles.InRepository("examples/scenarios/easy-backfill.yaml")).Replace("../traces/easy-backfill.swf", "tiny.swf", StringComparison.Ordinal);

    // a: 2 nodes 0–100; h: 4 nodes at 1; s: 2 nodes, 50 s at 2 (EASY backfills it, FCFS does not).
    private static readonly string Trace = File.ReadAllText(ScenarioTestFiles.InRepository("examples/traces/easy-backfill.swf"));

    private static (ScenarioResult? Result, string Folder) RunIn(TempFolder folder, string trace)
    {
        var path = folder.Write("tiny.yaml", Scenario);
        folder.Write("tiny.swf", trace);
        var loaded = ScenarioLoader.Load(path, ScenarioTestFiles.IsKnownModel);
        Assert.True(loaded.Errors.IsEmpty, string.Join("\n", loaded.Errors));
        var (result, errors) = ScenarioRunner.Run(loaded.Scenario!, folder.Path, Catalog, []);
        Assert.True(errors.IsEmpty || result is null);
        return (result, folder.Path);
    }

    [Fact]
    public void Both_policies_run_the_same_trace_and_EASY_backfills_where_FCFS_waits()
    {
        using var folder = new TempFolder();
        var (result, _) = RunIn(folder, Trace);

        Assert.Equal(["fcfs", "fcfs-easy"], result!.Runs.Select(r => r.Report.Policy));
        Assert.Contains(result.Warnings, w => w.Contains("1 jobs skipped: run time unknown", StringComparison.Ordinal));
        var (fcfs, easy) = (result.Runs[0], result.Runs[1]);
        Assert.Equal(200, fcfs.Outcomes.Single(o => o.JobId == "w0-3").Start);
        Assert.Equal(2, easy.Outcomes.Single(o => o.JobId == "w0-3").Start);
        // Waits: FCFS (0 + 99 + 198) / 3 = 99; EASY (0 + 99 + 0) / 3 = 33.
        Assert.Equal((99.0, 33.0), (fcfs.Report.WaitSeconds.Mean, easy.Report.WaitSeconds.Mean));
    }

    [Fact]
    public void The_same_scenario_and_seed_give_byte_identical_json()
    {
        using var folder = new TempFolder();
        var first = ScenarioJson.Write(RunIn(folder, Trace).Result!, repeatable: true);
        var second = ScenarioJson.Write(RunIn(folder, Trace).Result!, repeatable: true);

        Assert.Equal(first, second);
        using var document = JsonDocument.Parse(first);
        var policy = document.RootElement.GetProperty("policies")[0];
        foreach (var name in new[] { "jobs", "wait_s", "jct_s", "bounded_slowdown_mean", "utilization", "sla_attainment", "staging", "cost", "energy_kwh", "carbon_kg", "fairness_jain", "scheduler_us_per_decision" })
            Assert.True(policy.TryGetProperty(name, out _), name);
        var jobs = policy.GetProperty("jobs");
        Assert.Equal(jobs.GetProperty("submitted").GetInt32(),
            jobs.GetProperty("completed").GetInt32() + jobs.GetProperty("failed").GetInt32() + jobs.GetProperty("queued").GetInt32());
    }

    [Fact]
    public void A_malformed_trace_line_is_an_error_naming_the_file_and_line()
    {
        using var folder = new TempFolder();
        var path = folder.Write("tiny.yaml", Scenario);
        folder.Write("tiny.swf", Trace.Replace("3 2 -1  50", "3 2 -1  5O", StringComparison.Ordinal));
        var loaded = ScenarioLoader.Load(path, ScenarioTestFiles.IsKnownModel);

        var (result, errors) = ScenarioRunner.Run(loaded.Scenario!, folder.Path, Catalog, []);

        Assert.Null(result);
        var error = Assert.Single(errors);
        Assert.EndsWith("tiny.swf", error.Source, StringComparison.Ordinal);
        Assert.Equal(4, error.Position!.Value.Line);
        Assert.Equal("run_time", error.Path);
    }

    [Fact]
    public void An_unknown_policy_is_refused_with_the_known_names()
    {
        using var folder = new TempFolder();
        var path = folder.Write("tiny.yaml", Scenario);
        folder.Write("tiny.swf", Trace);
        var loaded = ScenarioLoader.Load(path, ScenarioTestFiles.IsKnownModel);

        var (_, errors) = ScenarioRunner.Run(loaded.Scenario!, folder.Path, Catalog, ["fifo"]);

        Assert.StartsWith("unknown policy 'fifo'; known policies: network-aware", Assert.Single(errors).Message, StringComparison.Ordinal);
    }
}
