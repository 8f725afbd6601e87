using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Topologies;

namespace Suanwang.Core.Tests.Topologies;

public sealed class GmlImportTests
{
    private static Core.Topologies.Topology Import(string file, GmlImportOptions? options = null)
    {
        var text = TopologyPresets.ReadResource(file) ?? throw new InvalidOperationException($"{file} is not embedded");
        var result = GmlTopologyImporter.Import(text, file, options);
        Assert.True(result.Success, string.Join("\n", result.Errors));
        return result.Topology!;
    }

    [Fact]
    public void Chinanet_imports_without_the_four_international_stubs()
    {
        var topology = Import("Chinanet.gml");

        Assert.Equal("Chinanet", topology.Name);
        Assert.Equal(42 - 4, topology.Network.Nodes.Length);
        Assert.Empty(topology.Sites);
        foreach (var stub in new[] { "International Link 1", "International Link 2", "International Link 3", "International Link 4" })
        {
            Assert.Null(topology.FindPointOfPresence(stub));
            Assert.Contains(topology.Warnings, w => w.Contains($"'{stub}'") && w.Contains("no coordinates"));
        }
        var droppedLinks = 66 - topology.Network.Links.Length;
        Assert.True(droppedLinks >= 4, $"links touching the stubs must be dropped, dropped {droppedLinks}");
        Assert.Single(topology.Network.Components());
    }

    [Fact]
    public void Chinanet_link_count_after_skipping_stubs_is_exact()
    {
        var topology = Import("Chinanet.gml");
        Assert.Equal(ChinanetLinksKept, topology.Network.Links.Length);
    }

    [Fact]
    public void Cernet_imports_with_duplicate_labels_renamed_and_parallel_links_merged()
    {
        var topology = Import("Cernet.gml");

        Assert.Equal(41 - 4, topology.Network.Nodes.Length);
        Assert.Equal(59 - 4 - 1, topology.Network.Links.Length); // 59 edges, 4 to stubs, one Beijing–Xi'an pair merged.
        foreach (var stub in new[] { "Japan", "Europe", "N.A", "Korea" })
            Assert.Contains(topology.Warnings, w => w.Contains($"'{stub}'") && w.Contains("no coordinates"));
        Assert.Null(topology.FindPointOfPresence("Shijiazhuang"));
        Assert.Equal(2, topology.Network.Nodes.Count(n => n.Id.StartsWith("Shijiazhuang (", StringComparison.Ordinal)));
        Assert.Contains(topology.Warnings, w => w.Contains("labelled 'Shijiazhuang'"));

        var beijingXian = Assert.Single(topology.Network.Links, l => new[] { l.A, l.B }.Order().SequenceEqual(["Beijing", "Xi'an"]));
        Assert.Equal(Bandwidth.FromGbps(200), beijingXian.Capacity);
        Assert.Contains(topology.Warnings, w => w.Contains("2 parallel links") && w.Contains("Xi'an"));
        Assert.Single(topology.Network.Components());
    }

    [Theory]
    [InlineData("Chinanet.gml")]
    [InlineData("Cernet.gml")]
    public void Every_link_is_no_faster_than_light_in_fibre(string file)
    {
        var topology = Import(file);
        foreach (var link in topology.Network.Links)
        {
            var a = topology.FindPointOfPresence(link.A)!.Location!.Value;
            var b = topology.FindPointOfPresence(link.B)!.Location!.Value;
            Assert.True(link.LatencyMs >= GeoLatency.PhysicalBoundMs(a, b), $"{link.Id}: {link.LatencyMs} ms is below the physical bound");
        }
    }

    [Fact]
    public void Beijing_to_Shanghai_latency_matches_a_hand_calculation()
    {
        var topology = Import("Chinanet.gml");
        var link = Assert.Single(topology.Network.Links, l => new[] { l.A, l.B }.Order().SequenceEqual(["Beijing", "Shanghai"]));
        var km = topology.FindPointOfPresence("Beijing")!.Location!.Value.DistanceKmTo(topology.FindPointOfPresence("Shanghai")!.Location!.Value);

        Assert.InRange(km, 1050, 1090); // Beijing–Shanghai great circle is about 1068 km.
        Assert.Equal(km * 1.5 / 200 + 0.1, link.LatencyMs, 9);
        Assert.InRange(link.LatencyMs, 7.9, 8.3);
    }

    [Fact]
    public void Options_set_capacity_price_constants_and_sites()
    {
        var options = new GmlImportOptions
        {
            LinkCapacity = Bandwidth.FromGbps(400),
            PricePerGb = new Money(2, "CNY"),
            Constants = new GeoLatency(200, 2.0, 0.5),
            SitePerPointOfPresence = true,
        };
        var topology = Import("Chinanet.gml", options);

        Assert.All(topology.Network.Links, l => Assert.Equal(Bandwidth.FromGbps(400), l.Capacity));
        Assert.All(topology.Network.Links, l => Assert.Equal(new Money(2, "CNY"), l.PricePerGb));
        Assert.Equal(options.Constants, topology.Constants);
        Assert.Equal(topology.Network.Nodes.Length, topology.Sites.Length);
        var beijing = topology.FindSite("Beijing")!;
        Assert.Equal(SiteTier.Region, beijing.Tier);
        Assert.Equal("Beijing", beijing.AttachedTo);
        Assert.NotNull(beijing.Location);
    }

    [Theory]
    [InlineData("Chinanet.gml", 2, 32, 445, 224)]
    [InlineData("Cernet.gml", 2, 47, 407, 210)]
    public void Point_of_presence_pairs_per_latency_tier_match_the_documentation(string file, int city, int region, int national, int beyond)
    {
        // docs/topologies.md quotes these counts; shortest-path latency with the default constants.
        var topology = Import(file);
        Assert.Equal((city, region, national, beyond, 0), ShortestPaths.Tiers(topology.Network));
    }

    // Counted in the files: 66 edges, 4 of them to the coordinate-less stubs.
    private const int ChinanetLinksKept = 66 - 4;
}
