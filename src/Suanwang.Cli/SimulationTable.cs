using System.Globalization;
using Spectre.Console;
using Suanwang.Simulation.Reporting;
using Suanwang.Simulation.Runs;

namespace Suanwang.Cli;

/// <summary>
/// The side-by-side view of a scenario's runs: one column per policy, one row per figure of DESIGN §10
/// (metrics as rows keep six policies readable in 160 columns). Durations are in the largest unit that
/// keeps the row's largest figure ≥ 1 (s, min, h, d), one unit per row; money in the scenario's currency units (yuan).
/// </summary>
internal static class SimulationTable
{
    public static void Write(IAnsiConsole console, ScenarioResult result)
    {
        var reports = result.Runs.Select(r => r.Report).ToArray();
        var table = new Table()
            .Title(Markup.Escape(Invariant($"scenario '{result.Scenario}', seed {result.Seed}: {(reports.Length == 0 ? 0 : reports[0].Jobs.Submitted)} jobs")))
            .AddColumn("metric");
        foreach (var report in reports)
            table.AddColumn(new TableColumn(Markup.Escape(report.Policy)).RightAligned());

        void Row(string metric, Func<PolicyReport, string> cell) =>
            table.AddRow([Markup.Escape(metric), .. reports.Select(r => Markup.Escape(cell(r)))]);
        // One unit per row, so policies compare at a glance.
        void DurationRow(string metric, Func<PolicyReport, double> seconds)
        {
            var (unit, perUnit, format) = DurationUnit(reports.Select(seconds).DefaultIfEmpty(0).Max());
            Row($"{metric} ({unit})", r => (seconds(r) / perUnit).ToString(format, CultureInfo.InvariantCulture));
        }

        Row("jobs completed", r => Invariant($"{r.Jobs.Completed}"));
        Row("jobs failed", r => Invariant($"{r.Jobs.Failed}"));
        Row("jobs still queued", r => Invariant($"{r.Jobs.Queued}"));
        foreach (var (name, pick) in Percentiles)
            DurationRow($"wait {name}", r => pick(r.WaitSeconds));
        foreach (var (name, pick) in Percentiles)
            DurationRow($"JCT {name}", r => pick(r.JctSeconds));
        Row("bounded slowdown (mean, τ = 10 s)", r => Invariant($"{r.BoundedSlowdownMean:0.00}"));
        Row("utilization", r => Percent(r.Utilization));
        Row("SLA attainment", r => Percent(r.SlaAttainment));
        Row("staging GB", r => Invariant($"{r.Staging.Bytes / 1e9:#,0.00}"));
        Row("staging hours", r => Invariant($"{r.Staging.Hours:#,0.00}"));
        Row("cost (CNY)", r => Invariant($"{r.Cost:#,0.00}"));
        Row("energy kWh", r => Invariant($"{r.EnergyKwh:#,0.0}"));
        Row("carbon kg", r => Invariant($"{r.CarbonKg:#,0.0}"));
        Row("Jain fairness (tenants)", r => Invariant($"{r.FairnessJain:0.000}"));
        Row("scheduler µs / decision", r => Invariant($"{r.SchedulerMicrosecondsPerDecision:#,0.0}"));
        console.Write(table);
    }

    private static readonly (string Name, Func<Distribution, double> Pick)[] Percentiles =
        [("mean", d => d.Mean), ("p50", d => d.P50), ("p95", d => d.P95), ("p99", d => d.P99)];

    /// <summary>The largest unit (s, min, h, d) in which <paramref name="largest"/> seconds is at least 1, and its number format.</summary>
    public static (string Unit, double PerUnit, string Format) DurationUnit(double largest) => largest switch
    {
        < 60 => ("s", 1, "#,0.0"),
        < 3600 => ("min", 60, "#,0.00"),
        < 86400 => ("h", 3600, "#,0.00"),
        _ => ("d", 86400, "#,0.00"),
    };

    private static string Percent(double share) => Invariant($"{share * 100:0.0} %");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
