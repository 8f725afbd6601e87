using System.Text.Json;
using System.Xml.Linq;

namespace Suanwang.Cli.Tests;

public sealed class SimulateCommandTests : IDisposable
{
    // One 4-node site and no topology; the trace of ScenarioRunnerTests.
    // examples/scenarios/easy-backfill.yaml, with its trace beside it (the test copies both into a temporary folder).
    private static readonly string Scenario = File.ReadAllText(Cli.RepoPath("examples", "scenarios", "easy-backfill.yaml")).Replace("../traces/easy-backfill.swf", "tiny.swf", StringComparison.Ordinal);

    // a: 2 nodes 0–100; h: 4 nodes at 1; s: 2 nodes, 50 s at 2 (EASY backfills it beside a, FCFS runs it after h);
    // the fourth line has no run time and is skipped with a warning.
    private static readonly string Trace = File.ReadAllText(Cli.RepoPath("examples", "traces", "easy-backfill.swf"));

    private static readonly string[] PolicyKeys =
        ["policy", "jobs", "wait_s", "jct_s", "bounded_slowdown_mean", "utilization", "sla_attainment", "staging", "cost", "energy_kwh", "carbon_kg", "fairness_jain", "scheduler_us_per_decision"];

    private readonly TempFolder _folder = new();
    private readonly string _scenario;

    public SimulateCommandTests()
    {
        _scenario = _folder.Write("tiny.yaml", Scenario);
        _folder.Write("tiny.swf", Trace);
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void The_table_has_a_column_per_policy_and_a_row_per_figure_and_warnings_go_to_stderr()
    {
        var run = Cli.Run("simulate", _scenario);

        Assert.True(run.Exit == 0, run.ToString());
        var header = run.Out.Split('\n').First(l => l.Contains("metric", StringComparison.Ordinal));
        Assert.True(header.IndexOf("fcfs", StringComparison.Ordinal) < header.IndexOf("fcfs-easy", StringComparison.Ordinal), header);
        foreach (var row in new[] { "jobs completed", "jobs failed", "jobs still queued", "wait mean (min)", "wait p99", "JCT p95", "bounded slowdown",
            "utilization", "SLA attainment", "staging GB", "staging hours", "cost (CNY)", "energy kWh", "carbon kg", "Jain fairness", "scheduler µs / decision" })
            Assert.Contains(row, run.Out);
        // Mean waits 99 s (FCFS) and 33 s (EASY), in minutes because the row's largest is ≥ 60 s: 1.65 and 0.55.
        var wait = run.Out.Split('\n').Single(l => l.Contains("wait mean", StringComparison.Ordinal));
        Assert.Matches(@"1\.65\s.*0\.55", wait);
        Assert.Contains("warning: tiny.swf: 1 jobs skipped: run time unknown", run.Err);
        Assert.DoesNotContain("error", run.Err);
    }

    [Fact]
    public void Json_has_the_design_shape_and_the_counts_add_up()
    {
        var run = Cli.Run("simulate", _scenario, "--json");

        Assert.True(run.Exit == 0, run.ToString());
        var json = run.Json();
        Assert.Equal(["scenario", "seed", "policies"], Cli.Keys(json));
        Assert.Equal("easy-backfill", json.GetProperty("scenario").GetString());
        Assert.Equal(7, json.GetProperty("seed").GetInt64());
        var policies = json.GetProperty("policies").EnumerateArray().ToList();
        Assert.Equal(["fcfs", "fcfs-easy"], policies.Select(p => p.GetProperty("policy").GetString()));
        foreach (var policy in policies)
        {
            Assert.Equal(PolicyKeys, Cli.Keys(policy));
            var jobs = policy.GetProperty("jobs");
            Assert.Equal(["submitted", "completed", "failed", "queued"], Cli.Keys(jobs));
            Assert.Equal(3, jobs.GetProperty("submitted").GetInt32());
            Assert.Equal(jobs.GetProperty("submitted").GetInt32(),
                jobs.GetProperty("completed").GetInt32() + jobs.GetProperty("failed").GetInt32() + jobs.GetProperty("queued").GetInt32());
            Assert.Equal(["mean", "p50", "p95", "p99"], Cli.Keys(policy.GetProperty("wait_s")));
            Assert.Equal(["mean", "p50", "p95", "p99"], Cli.Keys(policy.GetProperty("jct_s")));
            Assert.Equal(["bytes", "hours"], Cli.Keys(policy.GetProperty("staging")));
        }
        // The hand-checked waits of the trace: FCFS (0 + 99 + 198) / 3 = 99, EASY (0 + 99 + 0) / 3 = 33.
        Assert.Equal([99.0, 33.0], policies.Select(p => p.GetProperty("wait_s").GetProperty("mean").GetDouble()));
        Assert.Contains("warning:", run.Err);
    }

    [Fact]
    public void Repeatable_json_is_byte_identical_between_runs_and_zeroes_the_wall_clock_figure()
    {
        var first = Cli.Run("simulate", _scenario, "--json", "--repeatable");
        var second = Cli.Run("simulate", _scenario, "--json", "--repeatable");

        Assert.True(first.Exit == 0, first.ToString());
        Assert.Equal(first.Out, second.Out);
        Assert.All(first.Json().GetProperty("policies").EnumerateArray(),
            p => Assert.Equal(0, p.GetProperty("scheduler_us_per_decision").GetDouble()));
    }

    [Fact]
    public void Policy_options_replace_the_scenarios_list_in_their_order()
    {
        var run = Cli.Run("simulate", _scenario, "--json", "--policy", "fcfs-easy", "--policy", "network-aware", "--policy", "fcfs-easy");

        Assert.True(run.Exit == 0, run.ToString());
        Assert.Equal(["fcfs-easy", "network-aware"],
            run.Json().GetProperty("policies").EnumerateArray().Select(p => p.GetProperty("policy").GetString()));
    }

    [Fact]
    public void Out_writes_the_same_json_and_three_svg_plots_that_parse_and_repeat_byte_for_byte()
    {
        var first = Path.Combine(_folder.Path, "out1");
        var second = Path.Combine(_folder.Path, "out2", "nested");
        var run = Cli.Run("simulate", _scenario, "--json", "--repeatable", "--out", first);
        var again = Cli.Run("simulate", _scenario, "--repeatable", "--out", second);

        Assert.True(run.Exit == 0, run.ToString());
        Assert.True(again.Exit == 0, again.ToString());
        Assert.Contains("wrote result.json, jct-cdf.svg, utilization.svg, map.svg, jobs.csv to", again.Out);
        Assert.Equal(run.Out, File.ReadAllText(Path.Combine(first, "result.json")));
        foreach (var name in new[] { "result.json", "jct-cdf.svg", "utilization.svg", "map.svg", "jobs.csv" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(first, name)), File.ReadAllBytes(Path.Combine(second, name)));

        var csv = File.ReadAllLines(Path.Combine(first, "jobs.csv"));
        Assert.Equal("policy,job,tenant,end,submit_s,start_s,finish_s,run_s,node_seconds,restarts,staged_bytes,cost_cny,reason", csv[0]);
        Assert.Equal(1 + (2 * 3), csv.Length); // two policies × three replayed jobs
        Assert.All(csv.Skip(1), line => Assert.Matches("^fcfs(-easy)?,w0-[0-9],", line));

        XNamespace svg = "http://www.w3.org/2000/svg";
        var cdf = XDocument.Load(Path.Combine(first, "jct-cdf.svg"));
        Assert.Equal(svg + "svg", cdf.Root!.Name);
        // One curve per policy, titled by it, and log-scale decade labels (JCTs 50–248 s span 10 s to 1000 s).
        Assert.Equal(["fcfs", "fcfs-easy"], cdf.Descendants(svg + "polyline").Select(p => p.Element(svg + "title")?.Value));
        var labels = cdf.Descendants(svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("10 s", labels);
        Assert.Contains("1000 s", labels);
        Assert.Contains("fcfs (3 jobs)", labels);

        var utilization = XDocument.Load(Path.Combine(first, "utilization.svg"));
        Assert.Equal(2, utilization.Descendants(svg + "polyline").Count());
        Assert.Contains("busy nodes of 4", utilization.Descendants(svg + "text").Select(t => t.Value));
        // The FCFS curve starts at 2 of 4 nodes busy (job a alone): y = top + (1 − 0.5) × height = 40 + 190 = 230.
        var fcfsPoints = utilization.Descendants(svg + "polyline").First().Attribute("points")!.Value;
        Assert.StartsWith("70,230 ", fcfsPoints, StringComparison.Ordinal);

        var map = XDocument.Load(Path.Combine(first, "map.svg"));
        // One disc for the one site in each policy's panel, with its utilization in the tooltip (FCFS 70 %, EASY 87.5 %, as in the JSON).
        var discs = map.Descendants(svg + "circle").Select(c => c.Element(svg + "title")?.Value).ToList();
        Assert.Equal(["lab: 70 % busy, 4 nodes", "lab: 87.5 % busy, 4 nodes"], discs);
        Assert.Contains("No coordinates", string.Concat(map.Descendants(svg + "text").Select(t => t.Value)));
    }

    [Fact]
    public void An_unknown_policy_is_a_usage_error_naming_the_known_ones()
    {
        var run = Cli.Run("simulate", _scenario, "--policy", "fastest");

        Assert.True(run.Exit == 2, run.ToString());
        Assert.Equal("", run.Out);
        Assert.Contains("unknown policy 'fastest'", run.Err);
        Assert.Contains("network-aware, greedy-oblivious, cost-only, data-local, fcfs-easy, fcfs", run.Err);
        Assert.Contains("Run 'suanwang simulate --help' for usage.", run.Err);
    }

    [Fact]
    public void A_bad_scenario_is_exit_1_with_file_line_and_column()
    {
        var bad = _folder.Write("bad.yaml", Scenario.Replace("site: lab,", "site: nowhere,", StringComparison.Ordinal));
        var run = Cli.Run("simulate", bad);

        Assert.True(run.Exit == 1, run.ToString());
        Assert.Equal("", run.Out);
        // Line 19 of the scenario (examples/scenarios/easy-backfill.yaml) is the workload line; 'nowhere' starts at column 28.
        Assert.Contains($"error: {bad}:19:28: workloads[0].site: unknown site 'nowhere'", run.Err);
    }

    [Fact]
    public void A_malformed_trace_line_is_exit_1_naming_the_trace_and_line()
    {
        _folder.Write("tiny.swf", Trace.Replace("3 2 -1  50", "3 x -1  50", StringComparison.Ordinal));
        var run = Cli.Run("simulate", _scenario, "--json");

        Assert.True(run.Exit == 1, run.ToString());
        Assert.Equal("", run.Out);
        Assert.Contains($"error: {Path.Combine(_folder.Path, "tiny.swf")}:4:3: submit_time:", run.Err);
    }

    [Fact]
    public void A_missing_scenario_is_exit_1()
    {
        var missing = Path.Combine(_folder.Path, "missing.yaml");
        var run = Cli.Run("simulate", missing);

        Assert.True(run.Exit == 1, run.ToString());
        Assert.Contains($"error: {missing}: file not found", run.Err);
    }
}
