using System.Globalization;
using System.Text;
using Suanwang.Simulation.Runs;

namespace Suanwang.Simulation.Reporting;

/// <summary>
/// Every job's outcome under every policy as CSV (RFC 4180, invariant numbers, one row per policy and
/// job in submission order): the raw facts behind the report, for comparing runs job by job.
/// </summary>
public static class JobOutcomesCsv
{
    /// <summary>The header row's fields.</summary>
    public const string Header = "policy,job,tenant,end,submit_s,start_s,finish_s,run_s,node_seconds,restarts,staged_bytes,cost_cny,reason";

    /// <summary>The CSV document for a result.</summary>
    public static string Write(ScenarioResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = new StringBuilder().Append(Header).Append('\n');
        foreach (var run in result.Runs)
        {
            foreach (var o in run.Outcomes)
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"{Field(run.Report.Policy)},{Field(o.JobId)},{Field(o.Tenant)},{o.End.ToString().ToLowerInvariant()},{o.Submit:0.###},{o.Start:0.###},{o.Finish:0.###},{o.RunSeconds:0.###},{o.NodeSeconds:0.###},{o.Restarts},{o.StagedBytes:0},{o.CostMinorUnits / 100.0:0.00},{Field(o.Reason)}\n");
            }
        }
        return text.ToString();
    }

    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
}
