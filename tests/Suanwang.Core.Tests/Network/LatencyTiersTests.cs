using Suanwang.Core.Model;
using Suanwang.Core.Network;

namespace Suanwang.Core.Tests.Network;

public class LatencyTiersTests
{
    [Theory]
    [InlineData(0.0, LatencyTier.City)]
    [InlineData(1.0, LatencyTier.City)]
    [InlineData(1.0001, LatencyTier.Region)]
    [InlineData(5.0, LatencyTier.Region)]
    [InlineData(5.0001, LatencyTier.National)]
    [InlineData(20.0, LatencyTier.National)]
    [InlineData(20.0001, LatencyTier.Beyond)]
    [InlineData(250.0, LatencyTier.Beyond)]
    public void Bounds_are_inclusive(double ms, LatencyTier expected) =>
        Assert.Equal(expected, LatencyTiers.Classify(ms));

    [Theory]
    [InlineData(-0.001)]
    [InlineData(double.NaN)]
    public void Impossible_latencies_are_refused(double ms) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => LatencyTiers.Classify(ms));

    [Fact]
    public void Max_latency_per_tier()
    {
        Assert.Equal(1, LatencyTiers.MaxLatencyMs(LatencyTier.City));
        Assert.Equal(20, LatencyTiers.MaxLatencyMs(LatencyTier.National));
        Assert.True(double.IsPositiveInfinity(LatencyTiers.MaxLatencyMs(LatencyTier.Beyond)));
    }

    [Fact]
    public void Census_of_a_tiny_topology_matches_the_hand_count()
    {
        // P ─0.5─ Q ─4─ R ─16─ T, and S alone.
        var graph = TestGraphs.Build(["P", "Q", "R", "S", "T"], ("P", "Q", 0.5), ("Q", "R", 4), ("R", "T", 16));
        var matrix = new PathFinder(graph).AllPairsLatencies();
        // Sites: s1@P, s2@P, s3@Q, s4@R, s5@S, s6@T. By hand, 15 pairs:
        // city: s1-s2 (0), s1-s3, s2-s3 (0.5)                       = 3
        // region: s1-s4, s2-s4 (4.5), s3-s4 (4)                       = 3
        // national: s4-s6 (16), s3-s6 (20, inclusive bound)           = 2
        // beyond: s1-s6, s2-s6 (20.5)                                 = 2
        // unreachable: s5 with each of the other five                 = 5
        string[] sites = ["P", "P", "Q", "R", "S", "T"];

        var report = LatencyTiers.Census(matrix, sites, GeoLatency.Default);

        Assert.Equal(6, report.Sites);
        Assert.Equal(new TierPairCounts(3, 3, 2, 2, 5), report.Pairs);
        Assert.Equal(15, report.Pairs.Sum());
        Assert.Equal(GeoLatency.Default, report.Constants);
    }

    [Fact]
    public void Census_counts_sites_by_attachment_and_refuses_unknown_points()
    {
        var graph = TestGraphs.Build(["P", "Q"], ("P", "Q", 7));
        var matrix = new PathFinder(graph).AllPairsLatencies();
        Site At(string id, string? pop) => new(id, SiteTier.Region, "CN", "p", pop, null, []);

        var report = LatencyTiers.Census(matrix, [At("a", "P"), At("b", "Q"), At("c", "Q")], GeoLatency.Default);

        Assert.Equal(new TierPairCounts(1, 0, 2, 0, 0), report.Pairs);
        Assert.Throws<ArgumentException>(() => LatencyTiers.Census(matrix, ["P", "Mars"], GeoLatency.Default));
        Assert.Throws<ArgumentException>(() => LatencyTiers.Census(matrix, [At("x", null)], GeoLatency.Default));
    }

    [Fact]
    public void Census_of_no_sites_or_one_site_has_no_pairs()
    {
        var matrix = new PathFinder(TestGraphs.Build(["P"])).AllPairsLatencies();

        Assert.Equal(0, LatencyTiers.Census(matrix, Array.Empty<string>(), GeoLatency.Default).Pairs.Sum());
        Assert.Equal(0, LatencyTiers.Census(matrix, ["P"], GeoLatency.Default).Pairs.Sum());
    }
}
