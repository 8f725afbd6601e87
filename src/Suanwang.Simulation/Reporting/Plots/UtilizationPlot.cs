using System.Globalization;
using Suanwang.Simulation.Runs;

namespace Suanwang.Simulation.Reporting.Plots;

/// <summary>
/// Busy nodes ÷ all nodes of the topology over simulated time, one step curve per policy: each
/// utilization sample holds until the next, and the last until the longest run's last sample. The time
/// unit follows that span: seconds up to 10 minutes, minutes up to 6 hours, hours up to 6 days, then days.
/// </summary>
internal static class UtilizationPlot
{
    public static string Render(ScenarioResult result, long totalNodes)
    {
        var end = Math.Max(1, result.Runs.Select(r => r.Utilization.IsEmpty ? 0 : r.Utilization[^1].Seconds).DefaultIfEmpty(0).Max());
        var (unit, perUnit) = end switch
        {
            <= 600 => ("s", 1.0),
            <= 6 * 3600 => ("min", 60.0),
            <= 6 * 86400 => ("h", 3600.0),
            _ => ("d", 86400.0),
        };
        var ticks = PlotFrame.NiceTicks(end / perUnit);
        var axisEnd = ticks[^1] * perUnit;

        var frame = new PlotFrame($"{result.Scenario}: utilization over time", $"simulated time ({unit})",
            string.Create(CultureInfo.InvariantCulture, $"busy nodes of {totalNodes}"));
        double X(double seconds) => PlotFrame.Left + seconds / axisEnd * PlotFrame.PlotWidth;
        static double Y(double share) => PlotFrame.Top + (1 - Math.Clamp(share, 0, 1)) * PlotFrame.PlotHeight;
        foreach (var tick in ticks)
            frame.XTick(X(tick * perUnit), PlotFrame.Number(tick));
        frame.ShareAxis(Y);

        for (var i = 0; i < result.Runs.Length; i++)
        {
            var samples = result.Runs[i].Utilization;
            if (samples.IsEmpty)
                continue;
            double Share(long busy) => totalNodes > 0 ? (double)busy / totalNodes : 0;
            var points = new List<(double X, double Y)>(samples.Length * 2 + 1) { (X(samples[0].Seconds), Y(Share(samples[0].BusyNodes))) };
            for (var k = 1; k < samples.Length; k++)
            {
                points.Add((X(samples[k].Seconds), Y(Share(samples[k - 1].BusyNodes))));
                points.Add((X(samples[k].Seconds), Y(Share(samples[k].BusyNodes))));
            }
            points.Add((X(end), Y(Share(samples[^1].BusyNodes))));
            frame.Canvas.Polyline(PlotFrame.Thin(points), PlotFrame.Colour(i), title: result.Runs[i].Report.Policy);
        }
        frame.Legend([.. result.Runs.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"{r.Report.Policy} (mean {r.Report.Utilization * 100:0.#} %)"))]);
        return frame.ToString();
    }
}
