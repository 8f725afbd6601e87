using System.Globalization;

namespace Suanwang.Simulation.Reporting.Plots;

/// <summary>Colour scales for the plots.</summary>
internal static class Colours
{
    /// <summary>The colour at <paramref name="share"/> (clamped to 0–1) along evenly spaced <c>#rrggbb</c> stops.</summary>
    public static string Lerp(IReadOnlyList<string> stops, double share)
    {
        var position = Math.Clamp(double.IsNaN(share) ? 0 : share, 0, 1) * (stops.Count - 1);
        var index = Math.Min((int)position, stops.Count - 2);
        var t = position - index;
        var (a, b) = (Parse(stops[index]), Parse(stops[index + 1]));
        int Mix(int x, int y) => (int)Math.Round(x + (y - x) * t);
        return string.Create(CultureInfo.InvariantCulture, $"#{Mix(a.R, b.R):x2}{Mix(a.G, b.G):x2}{Mix(a.B, b.B):x2}");
    }

    private static (int R, int G, int B) Parse(string hex) =>
        (int.Parse(hex.AsSpan(1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
         int.Parse(hex.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
         int.Parse(hex.AsSpan(5, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
}
