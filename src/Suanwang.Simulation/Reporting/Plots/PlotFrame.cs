using System.Globalization;

namespace Suanwang.Simulation.Reporting.Plots;

/// <summary>
/// The skeleton shared by the line charts: an 880 × 480 canvas, a plot area with axes, tick labels,
/// grid lines and a legend on the right, and the one colour per policy (by position, Tableau 10).
/// </summary>
internal sealed class PlotFrame
{
    public const double Left = 70;
    public const double Top = 40;
    public const double PlotWidth = 560;
    public const double PlotHeight = 380;

    private static readonly string[] SeriesColours =
        ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    public PlotFrame(string title, string xLabel, string yLabel)
    {
        Canvas = new SvgCanvas(880, 480, title);
        Canvas.Text(Left + PlotWidth / 2, 24, title, "middle", 15);
        Canvas.Text(Left + PlotWidth / 2, Top + PlotHeight + 40, xLabel, "middle");
        Canvas.Text(18, Top + PlotHeight / 2, yLabel, "middle", rotate: -90);
        Canvas.Rect(Left, Top, PlotWidth, PlotHeight, "none", "#888888");
    }

    public SvgCanvas Canvas { get; }

    public static double Right => Left + PlotWidth;

    public static double Bottom => Top + PlotHeight;

    /// <summary>The colour of the i-th policy (cycling after ten).</summary>
    public static string Colour(int index) => SeriesColours[index % SeriesColours.Length];

    /// <summary>A vertical grid line and its label below the axis, at x.</summary>
    public void XTick(double x, string label, bool major = true)
    {
        Canvas.Line(x, Top, x, Bottom, major ? "#dddddd" : "#f0f0f0");
        if (label.Length > 0)
            Canvas.Text(x, Bottom + 16, label, "middle", 11);
    }

    /// <summary>A horizontal grid line and its label left of the axis, at y.</summary>
    public void YTick(double y, string label)
    {
        Canvas.Line(Left, y, Right, y, "#dddddd");
        Canvas.Text(Left - 6, y + 4, label, "end", 11);
    }

    /// <summary>The share axis 0–100 % in quarters; <paramref name="toY"/> maps a share to y.</summary>
    public void ShareAxis(Func<double, double> toY)
    {
        for (var q = 0; q <= 4; q++)
            YTick(toY(q / 4.0), string.Create(CultureInfo.InvariantCulture, $"{q * 25} %"));
    }

    /// <summary>One legend entry per policy, top to bottom right of the plot.</summary>
    public void Legend(IReadOnlyList<string> entries)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            var y = Top + 10 + i * 20;
            Canvas.Line(Right + 15, y, Right + 40, y, Colour(i), 3);
            Canvas.Text(Right + 46, y + 4, entries[i], size: 11);
        }
    }

    public override string ToString() => Canvas.ToString();

    /// <summary>
    /// Drops points that cannot be told apart on screen: of each run of points at the same x (to 0.1
    /// pixel) keeps the first, the highest, the lowest and the last, in their order — so a curve of
    /// 20,000 steps stays a few thousand points and no peak or trough disappears.
    /// </summary>
    public static List<(double X, double Y)> Thin(IReadOnlyList<(double X, double Y)> points)
    {
        var kept = new List<(double X, double Y)>();
        var start = 0;
        while (start < points.Count)
        {
            var end = start;
            var column = Math.Round(points[start].X, 1);
            while (end + 1 < points.Count && Math.Round(points[end + 1].X, 1) == column)
                end++;
            var (low, high) = (start, start);
            for (var i = start; i <= end; i++)
            {
                if (points[i].Y < points[low].Y)
                    low = i;
                if (points[i].Y > points[high].Y)
                    high = i;
            }
            foreach (var i in new SortedSet<int> { start, low, high, end })
            {
                if (kept.Count == 0 || kept[^1] != points[i])
                    kept.Add(points[i]);
            }
            start = end + 1;
        }
        return kept;
    }

    /// <summary>About <paramref name="count"/> round tick values (1, 2 or 5 × 10ᵏ apart) from 0 to at least <paramref name="max"/>.</summary>
    public static double[] NiceTicks(double max, int count = 6)
    {
        if (!(max > 0))
            return [0, 1];
        var raw = max / count;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1.0, 2, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw);
        var ticks = new List<double>();
        for (var k = 0; ; k++)
        {
            ticks.Add(k * step);
            if (k * step >= max)
                return [.. ticks];
        }
    }

    /// <summary>A tick value without needless decimals.</summary>
    public static string Number(double value) => Math.Round(value, 6).ToString("0.####", CultureInfo.InvariantCulture);
}
