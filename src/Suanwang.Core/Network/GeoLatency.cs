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

    /// <summary>The physical lower bound: straight-line distance at the speed of light in fibre, no inflation, no hops.</summary>
    public static double PhysicalBoundMs(GeoCoordinate a, GeoCoordinate b) => a.DistanceKmTo(b) / Default.KmPerMs;

    /// <summary>One-way latency of a link between two points, in milliseconds.</summary>
    public double LinkLatencyMs(GeoCoordinate a, GeoCoordinate b) => a.DistanceKmTo(b) * Inflation / KmPerMs + HopMs;
}
