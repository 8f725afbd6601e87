using System.Text;
using System.Text.Json;
using Suanwang.Simulation.Reporting;

namespace Suanwang.Simulation.Runs;

/// <summary>
/// Writes <c>suanwang simulate --json</c> exactly as DESIGN §10 names it. Numbers are written with
/// round-trip precision in invariant form, properties always in the same order, so the same scenario
/// and seed give byte-identical output — except <c>scheduler_us_per_decision</c>, the one wall-clock
/// measurement, which the repeatable form writes as 0.
/// </summary>
public static class ScenarioJson
{
    /// <summary>The §10 document for a result.</summary>
    /// <param name="result">The runs.</param>
    /// <param name="repeatable">Write 0 for the scheduler's measured speed so the output is byte-identical between runs.</param>
    public static string Write(ScenarioResult result, bool repeatable = false)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("scenario", result.Scenario);
            json.WriteNumber("seed", result.Seed);
            json.WriteStartArray("policies");
            foreach (var run in result.Runs)
                WritePolicy(json, run.Report, repeatable);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WritePolicy(Utf8JsonWriter json, PolicyReport r, bool repeatable)
    {
        json.WriteStartObject();
        json.WriteString("policy", r.Policy);
        json.WriteStartObject("jobs");
        json.WriteNumber("submitted", r.Jobs.Submitted);
        json.WriteNumber("completed", r.Jobs.Completed);
        json.WriteNumber("failed", r.Jobs.Failed);
        json.WriteNumber("queued", r.Jobs.Queued);
        json.WriteEndObject();
        WriteDistribution(json, "wait_s", r.WaitSeconds);
        WriteDistribution(json, "jct_s", r.JctSeconds);
        json.WriteNumber("bounded_slowdown_mean", Round(r.BoundedSlowdownMean));
        json.WriteNumber("utilization", Round(r.Utilization));
        json.WriteNumber("sla_attainment", Round(r.SlaAttainment));
        json.WriteStartObject("staging");
        json.WriteNumber("bytes", r.Staging.Bytes);
        json.WriteNumber("hours", Round(r.Staging.Hours));
        json.WriteEndObject();
        json.WriteNumber("cost", Math.Round(r.Cost, 2));
        json.WriteNumber("energy_kwh", Round(r.EnergyKwh));
        json.WriteNumber("carbon_kg", Round(r.CarbonKg));
        json.WriteNumber("fairness_jain", Round(r.FairnessJain));
        json.WriteNumber("scheduler_us_per_decision", repeatable ? 0 : Math.Round(r.SchedulerMicrosecondsPerDecision, 2));
        json.WriteEndObject();
    }

    private static void WriteDistribution(Utf8JsonWriter json, string name, Distribution d)
    {
        json.WriteStartObject(name);
        json.WriteNumber("mean", Round(d.Mean));
        json.WriteNumber("p50", Round(d.P50));
        json.WriteNumber("p95", Round(d.P95));
        json.WriteNumber("p99", Round(d.P99));
        json.WriteEndObject();
    }

    // Six significant decimals: enough for every figure, and immune to last-bit differences in summation.
    private static double Round(double value) => Math.Round(value, 6);
}
