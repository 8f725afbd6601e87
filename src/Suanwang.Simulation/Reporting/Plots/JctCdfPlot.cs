using System.Globalization;
using Suanwang.Simulation.Runs;

namespace Suanwang.Simulation.Reporting.Plots;

/// <summary>
/// The empirical CDF of job completion time (finish − submit) of completed jobs, one step curve per
/// policy, on a log-scale x axis spanning whole decades from the shortest to the longest JCT of any
/// policy. JCTs below one second are drawn at one second (the log axis starts there at the lowest).
/// </summary>
internal static class JctCdfPlot
{
    private const double MinSeconds = 1;

    public static string Render(ScenarioResult result)
    {
        var series = result.Runs.Select(run => (run.Report.Policy, Values: run.Outcomes
            .Where(o => o.End == JobEnd.Completed)
            .Select(o => Math.Max(o.Finish!.Value - o.Submit, MinSeconds))
            .Order()
            .ToArray())).ToArray();
        var all = series.SelectMany(s => s.Values).ToArray();
        var low = all.Length == 0 ? 0 : Math.Floor(Math.Log10(all.Min()));
        var high = all.Length == 0 ? 1 : Math.Ceiling(Math.Log10(all.Max()));
        if (high <= low)
            high = low + 1;

        var frame = new PlotFrame($"{result.Scenario}: job completion time CDF", "job completion time (log scale)", "completed jobs");
        double X(double seconds) => PlotFrame.Left + (Math.Log10(seconds) - low) / (high - low) * PlotFrame.PlotWidth;
        static double Y(double share) => PlotFrame.Top + (1 - share) * PlotFrame.PlotHeight;

        for (var decade = (int)low; decade <= (int)high; decade++)
        {
            frame.XTick(X(Math.Pow(10, decade)), DecadeLabel(decade));
            for (var m = 2; m <= 9 && decade < (int)high; m++)
                frame.XTick(X(m * Math.Pow(10, decade)), "", major: false);
        }
        frame.ShareAxis(Y);

        for (var i = 0; i < series.Length; i++)
        {
            var values = series[i].Values;
            if (values.Length == 0)
                continue;
            // A step curve: at each JCT the share jumps from i/n to (i+1)/n.
            var points = new List<(double X, double Y)>(values.Length * 2);
            for (var k = 0; k < values.Length; k++)
            {
                points.Add((X(values[k]), Y((double)k / values.Length)));
                points.Add((X(values[k]), Y((double)(k + 1) / values.Length)));
            }
            points.Add((PlotFrame.Right, Y(1)));
            frame.Canvas.Polyline(PlotFrame.Thin(points), PlotFrame.Colour(i), title: series[i].Policy);
        }
        frame.Legend([.. series.Select(s => s.Values.Length == 0
            ? $"{s.Policy} (no completed jobs)"
            : string.Create(CultureInfo.InvariantCulture, $"{s.Policy} ({s.Values.Length} jobs)"))]);
        return frame.ToString();
    }

    /// <summary>10ᵏ seconds as "1 s", "10 s", "100 s", "1000 s", then "10⁴ s", "10⁵ s"….</summary>
    private static string DecadeLabel(int decade)
    {
        if (decade is >= 0 and <= 3)
            return string.Create(CultureInfo.InvariantCulture, $"{Math.Pow(10, decade)} s");
        const string superscripts = "⁰¹²³⁴⁵⁶⁷⁸⁹";
        var exponent = decade.ToString(CultureInfo.InvariantCulture).Replace("-", "⁻", StringComparison.Ordinal);
        return "10" + string.Concat(exponent.Select(c => char.IsDigit(c) ? superscripts[c - '0'] : c)) + " s";
    }
}
