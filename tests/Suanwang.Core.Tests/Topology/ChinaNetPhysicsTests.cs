using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Topologies;

namespace Suanwang.Core.Tests.Topologies;

/// <summary>
/// Physics of the imported Chinanet backbone (Topology Zoo, data/topologies/Chinanet.gml): no path may
/// beat light in fibre along the great circle, and the latency-first paths between big cities must run
/// where a map says they should.
/// </summary>
public sealed class ChinaNetPhysicsTests
{
    // Path latencies are whole nanoseconds; allow for the rounding of one sum.
    private const double RoundingMs = 1e-6;

    private static readonly Core.Topologies.Topology Chinanet = LoadChinanet();

    private static Core.Topologies.Topology LoadChinanet()
    {
        var result = TopologyPresets.Load("chinanet");
        Assert.True(result.Success, string.Join("\n", result.Errors));
        return result.Topology!;
    }

    private static GeoCoordinate At(string pointOfPresence) =>
        Chinanet.FindPointOfPresence(pointOfPresence)?.Location ?? throw new InvalidOperationException($"{pointOfPresence} has no location");

    private static double GreatCircleKm(string a, string b) => At(a).DistanceKmTo(At(b));

    /// <summary>Length of a path on the ground: the sum of its links' great-circle lengths.</summary>
    private static double PathKm(NetworkPath path) =>
        path.NodeIds.Zip(path.NodeIds.Skip(1), GreatCircleKm).Sum();

    private static IEnumerable<(string From, string To)> AllPairs()
    {
        var ids = Chinanet.Network.Nodes.Select(n => n.Id).ToList();
        for (var i = 0; i < ids.Count; i++)
        {
            for (var j = i + 1; j < ids.Count; j++)
                yield return (ids[i], ids[j]);
        }
    }

    [Fact]
    public void Every_shortest_path_is_no_faster_than_light_in_fibre_along_the_great_circle()
    {
        var finder = new PathFinder(Chinanet.Network);
        var pairs = 0;
        foreach (var (from, to) in AllPairs())
        {
            var path = finder.ShortestPath(from, to);
            Assert.NotNull(path);
            var bound = GeoLatency.PhysicalBoundMs(At(from), At(to));
            Assert.True(path.LatencyMs >= bound, $"{from} → {to}: {path.LatencyMs:0.000} ms beats the physical bound {bound:0.000} ms");
            pairs++;
        }
        Assert.Equal(38 * 37 / 2, pairs);
    }

    [Fact]
    public void Every_shortest_path_is_at_least_the_inflated_great_circle_plus_one_hop()
    {
        // Each link costs km × inflation ÷ 200 + hop; by the triangle inequality on the sphere a path's
        // length is at least the great circle between its ends, and it has at least one hop. So the
        // model's own floor is tighter than the physical one, and only reached by a direct link.
        var constants = Chinanet.Constants;
        var finder = new PathFinder(Chinanet.Network);
        foreach (var (from, to) in AllPairs())
        {
            var path = finder.ShortestPath(from, to)!;
            var floor = GreatCircleKm(from, to) * constants.Inflation / constants.KmPerMs + constants.HopMs;
            Assert.True(path.LatencyMs >= floor - RoundingMs, $"{from} → {to}: {path.LatencyMs:0.000} ms is below the model's floor {floor:0.000} ms");
        }
    }

    [Fact]
    public void Each_of_three_alternative_paths_respects_the_physical_bound_and_is_no_shorter_than_the_first()
    {
        var finder = new PathFinder(Chinanet.Network);
        foreach (var (from, to) in AllPairs())
        {
            var alternatives = finder.KShortestPaths(from, to, 3);
            Assert.NotEmpty(alternatives);
            var bound = GeoLatency.PhysicalBoundMs(At(from), At(to));
            var shortest = finder.ShortestPath(from, to)!.LatencyMs;
            foreach (var path in alternatives)
            {
                Assert.Equal(from, path.Source);
                Assert.Equal(to, path.Target);
                Assert.True(path.LatencyMs >= bound, $"{path}: {path.LatencyMs:0.000} ms beats the physical bound {bound:0.000} ms");
                Assert.True(path.LatencyMs >= shortest - RoundingMs, $"{path}: {path.LatencyMs:0.000} ms is shorter than the shortest path {shortest:0.000} ms");
            }
        }
    }

    [Fact]
    public void Beijing_to_Guangzhou_is_national_tier_within_a_derived_band()
    {
        // Great circle Beijing (39.91 N, 116.40 E) → Guangzhou (23.12 N, 113.25 E): about 1,890 km,
        // so light in fibre needs at least 1,890 ÷ 200 ≈ 9.45 ms one way.
        var km = GreatCircleKm("Beijing", "Guangzhou");
        Assert.InRange(km, 1870, 1910);
        var bound = GeoLatency.PhysicalBoundMs(At("Beijing"), At("Guangzhou"));
        Assert.InRange(bound, 9.35, 9.55);

        var path = new PathFinder(Chinanet.Network).ShortestPath("Beijing", "Guangzhou")!;
        var (low, high) = Band(km, path.HopCount);
        // With inflation 1.5 and 0.1 ms per hop the band is about [14.3, 20.0] ms for a direct link.
        Assert.InRange(path.LatencyMs, low - RoundingMs, high);
        Assert.Equal(LatencyTier.National, LatencyTiers.Classify(path.LatencyMs));
        AssertGoesTheWayAMapDoes(path, km);
    }

    [Fact]
    public void Shanghai_to_Beijing_is_national_tier_within_a_derived_band()
    {
        // About 1,070 km: physical bound ≈ 5.34 ms, so even a perfect fibre cannot make this Region tier (≤ 5 ms).
        var km = GreatCircleKm("Shanghai", "Beijing");
        Assert.InRange(km, 1050, 1090);
        Assert.True(GeoLatency.PhysicalBoundMs(At("Shanghai"), At("Beijing")) > LatencyTiers.RegionMaxMs);

        var path = new PathFinder(Chinanet.Network).ShortestPath("Shanghai", "Beijing")!;
        var (low, high) = Band(km, path.HopCount);
        Assert.InRange(path.LatencyMs, low - RoundingMs, high);
        Assert.Equal(LatencyTier.National, LatencyTiers.Classify(path.LatencyMs));
        AssertGoesTheWayAMapDoes(path, km);
    }

    [Theory]
    [InlineData("Beijing", "Guangzhou", 1)]
    [InlineData("Shanghai", "Beijing", 1)]
    [InlineData("Harbin", "Guangzhou", 2)]   // through Beijing
    [InlineData("Hangzhou", "Xi'an", 2)]     // through Shanghai
    public void Paths_between_major_cities_stay_in_the_band_and_on_the_map(string from, string to, int hops)
    {
        // Chinanet is hierarchical (provinces hang off the Beijing/Shanghai/Guangzhou core), so
        // neighbouring provincial cities can be far apart on the network (Xiamen → Fuzhou runs through
        // Guangzhou, Shanghai and Nanjing); between major cities the core keeps paths near the straight line.
        var path = new PathFinder(Chinanet.Network).ShortestPath(from, to)!;
        var km = GreatCircleKm(from, to);
        var (low, high) = Band(km, path.HopCount);

        Assert.Equal(hops, path.HopCount);
        Assert.InRange(path.LatencyMs, low - RoundingMs, high);
        AssertGoesTheWayAMapDoes(path, km);
    }

    /// <summary>
    /// The band a latency-first path between two big eastern cities should fall in.
    /// Low end: the model's floor, great circle × inflation ÷ 200 km/ms + one hop (a direct link; see
    /// the triangle-inequality test above); it already sits 1.5× above the physical bound.
    /// High end: the same with the route on the ground up to 1.4× the great circle (a backbone of
    /// provincial capitals, dense in the east, offers a path within 40 % of the straight line between
    /// major cities; any longer and the import or the path finder went wrong) plus 0.1 ms for each hop
    /// actually taken. For Beijing–Guangzhou: [14.3, 19.9 + 0.1 × hops] ms.
    /// </summary>
    private static (double Low, double High) Band(double greatCircleKm, int hops)
    {
        var c = Chinanet.Constants;
        return (greatCircleKm * c.Inflation / c.KmPerMs + c.HopMs,
                greatCircleKm * 1.4 * c.Inflation / c.KmPerMs + hops * c.HopMs);
    }

    /// <summary>
    /// The path on the ground is at most 1.6× the great circle, and every city on it lies inside the
    /// ellipse that bound allows, so it cannot detour through the far west (Urumqi, Kashi, Lhasa).
    /// </summary>
    private static void AssertGoesTheWayAMapDoes(NetworkPath path, double greatCircleKm)
    {
        var onTheGround = PathKm(path);
        Assert.True(onTheGround <= 1.6 * greatCircleKm, $"{path}: {onTheGround:0} km on the ground for {greatCircleKm:0} km as the crow flies");
        foreach (var city in path.NodeIds)
        {
            var detour = GreatCircleKm(path.Source, city) + GreatCircleKm(city, path.Target);
            Assert.True(detour <= 1.6 * greatCircleKm, $"{path}: {city} is {detour:0} km out of the way");
        }
        Assert.DoesNotContain(path.NodeIds, id => id is "Urumqi" or "Kashi" or "Lhasa" or "Shiquanhe");
    }
}
