using Suanwang.Core.Model;

namespace Suanwang.Core.Network;

/// <summary>
/// Derives one-way link latency from geography (DESIGN §4): great-circle distance × route inflation
/// ÷ propagation speed in fibre, plus a fixed per-hop switching delay.
/// </summary>
/// <param name="KmPerMs">Propagation speed in fibre; light in glass covers about 200 km per ms (c ÷ 1.5 refractive index).</param>
/// <param name="Inflation">Route inflation: fibre follows roads and rail, not great circles; about 1.5 on national backbones.</param>
/// <param name="HopMs">Per-hop switching and queueing delay added to every link.</param>
public sealed record GeoLatency(double KmPerMs, double Inflation, double HopMs)
{
    /// <summary>The constants Suanwang uses unless a topology says otherwise: 200 km/ms, ×1.5, 0.1 ms per hop.</summary>
    public static GeoLatency Default { get; } = new(200, 1.5, 0.1);

    /// <summary>
    /// Slowest accepted propagation speed in km per ms. Far below any real medium (fibre ≈ 200), it keeps every
    /// derived latency (at most 20,000 km × <see cref="MaxInflation"/> ÷ 1 + <see cref="MaxHopMs"/>) far inside
    /// the largest link latency path finding supports.
    /// </summary>
    public const double MinKmPerMs = 1;

    /// <summary>Fastest accepted propagation speed in km per ms: light in vacuum covers about 300 km per ms.</summary>
    public const double MaxKmPerMs = 300;

    /// <summary>Largest accepted route inflation; real backbones lie between 1 and about 3.</summary>
    public const double MaxInflation = 10;

    /// <summary>Largest accepted per-hop delay in ms.</summary>
    public const double MaxHopMs = 100;

    /// <summary>
    /// Every constant outside its accepted range, as (field, message) with the file field names
    /// <c>km_per_ms</c>, <c>inflation</c> and <c>hop_ms</c>; empty when all are in range.
    /// </summary>
    public IReadOnlyList<(string Field, string Message)> Problems()
    {
        var problems = new List<(string, string)>();
        if (!(KmPerMs >= MinKmPerMs && KmPerMs <= MaxKmPerMs))
            problems.Add(("km_per_ms", Invariant($"km_per_ms is {KmPerMs}; it must be within {MinKmPerMs}..{MaxKmPerMs} (light in fibre covers about 200 km per ms)")));
        if (!(Inflation >= 1 && Inflation <= MaxInflation))
            problems.Add(("inflation", Invariant($"inflation is {Inflation}; it must be within 1..{MaxInflation} (fibre is never shorter than the great circle, and real routes are less than 3 times longer)")));
        if (!(HopMs >= 0 && HopMs <= MaxHopMs))
            problems.Add(("hop_ms", Invariant($"hop_ms is {HopMs}; it must be within 0..{MaxHopMs} ms")));
        return problems;
    }

    /// <summary>The physical lower bound: straight-line distance at the speed of light in fibre, no inflation, no hops.</summary>
    public static double PhysicalBoundMs(GeoCoordinate a, GeoCoordinate b) => a.DistanceKmTo(b) / Default.KmPerMs;

    /// <summary>One-way latency of a link between two points, in milliseconds.</summary>
    public double LinkLatencyMs(GeoCoordinate a, GeoCoordinate b) => a.DistanceKmTo(b) * Inflation / KmPerMs + HopMs;

    private static string Invariant(FormattableString text) => text.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
