using Suanwang.Core.Model;
using Suanwang.Core.Network;

namespace Suanwang.Core.Tests.Network;

public class PathFinderTests
{
    private static string[] Nodes(NetworkPath path) => [.. path.NodeIds];

    [Fact]
    public void Diamond_shortest_path_is_the_lowest_latency_one()
    {
        var finder = new PathFinder(TestGraphs.Diamond());

        var path = finder.ShortestPath("A", "D")!;

        Assert.Equal(["A", "B", "D"], Nodes(path));
        Assert.Equal(2.0, path.LatencyMs);
        Assert.Equal(2, path.HopCount);
        Assert.Equal([new Arc(0, true), new Arc(1, true)], path.Arcs.ToArray());
        Assert.Equal("A", path.Source);
        Assert.Equal("D", path.Target);
    }

    [Fact]
    public void Reverse_direction_uses_backward_arcs()
    {
        var path = new PathFinder(TestGraphs.Diamond()).ShortestPath("D", "A")!;

        Assert.Equal(["D", "B", "A"], Nodes(path));
        Assert.Equal([new Arc(1, false), new Arc(0, false)], path.Arcs.ToArray());
    }

    [Fact]
    public void K_paths_come_in_latency_order_and_stop_when_exhausted()
    {
        var finder = new PathFinder(TestGraphs.Diamond());

        var paths = finder.KShortestPaths("A", "D", 10);

        Assert.Equal(
            [["A", "B", "D"], ["A", "C", "B", "D"], ["A", "C", "D"], ["A", "B", "C", "D"]],
            paths.Select(Nodes).ToArray());
        Assert.Equal([2.0, 2.5, 3.0, 3.5], paths.Select(p => p.LatencyMs).ToArray());
        Assert.All(paths, p => Assert.Equal(p.NodeIds.Length, p.NodeIds.Distinct().Count()));
    }

    [Fact]
    public void Smaller_k_is_a_prefix_of_larger_k_whatever_the_order_of_queries()
    {
        var finder = new PathFinder(TestGraphs.Diamond());
        var three = finder.KShortestPaths("A", "D", 3);
        var two = finder.KShortestPaths("A", "D", 2);
        var four = finder.KShortestPaths("A", "D", 4);

        Assert.Equal(2, two.Length);
        Assert.Equal(three[..2].ToArray(), two.ToArray());
        Assert.Equal(three.ToArray(), four[..3].ToArray());
        Assert.Equal(finder.ShortestPath("A", "D"), four[0]);
    }

    [Fact]
    public void Path_sums_price_and_takes_the_narrowest_capacity()
    {
        var graph = TestGraphs.Build(["A", "B", "C"],
            [("A", "B", 1.5, 100, 7), ("B", "C", 2.25, 40, 5)]);

        var path = new PathFinder(graph).ShortestPath("A", "C")!;

        Assert.Equal(3.75, path.LatencyMs);
        Assert.Equal(Bandwidth.FromGbps(40), path.Bottleneck);
        Assert.Equal(new Money(12, "CNY"), path.PricePerGb);
    }

    [Fact]
    public void Equal_latency_prefers_fewer_hops()
    {
        var graph = TestGraphs.Build(["A", "B", "D"], ("A", "B", 1), ("B", "D", 1), ("A", "D", 2));

        Assert.Equal(["A", "D"], Nodes(new PathFinder(graph).ShortestPath("A", "D")!));
    }

    [Fact]
    public void Zero_latency_links_tie_on_hops()
    {
        var graph = TestGraphs.Build(["A", "B", "C"], ("A", "B", 0), ("B", "C", 0), ("A", "C", 0));

        var paths = new PathFinder(graph).KShortestPaths("A", "C", 3);

        Assert.Equal([["A", "C"], ["A", "B", "C"]], paths.Select(Nodes).ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Equal_latency_and_hops_prefer_the_lexicographically_smaller_node_sequence(bool reversedInsertion)
    {
        // S→a→z→T and S→b→y→T tie on latency and hops. [S,a,z,T] < [S,b,y,T] because a < b, even
        // though the last intermediate nodes compare the other way (y < z).
        (string, string, double)[] links = [("S", "a", 1), ("a", "z", 1), ("z", "T", 1), ("S", "b", 1), ("b", "y", 1), ("y", "T", 1)];
        string[] nodes = ["S", "a", "b", "y", "z", "T"];
        if (reversedInsertion)
        {
            Array.Reverse(links);
            Array.Reverse(nodes);
        }
        var finder = new PathFinder(TestGraphs.Build(nodes, links));

        Assert.Equal(["S", "a", "z", "T"], Nodes(finder.ShortestPath("S", "T")!));
        Assert.Equal([["S", "a", "z", "T"], ["S", "b", "y", "T"]], finder.KShortestPaths("S", "T", 5).Select(Nodes).ToArray());
    }

    [Fact]
    public void Parallel_links_of_equal_latency_are_distinct_paths_lower_link_first()
    {
        var graph = TestGraphs.Build(["A", "B"], ("A", "B", 1), ("A", "B", 1), ("A", "B", 0.5));

        var paths = new PathFinder(graph).KShortestPaths("A", "B", 5);

        Assert.Equal([2, 0, 1], paths.Select(p => p.Arcs[0].Link).ToArray());
    }

    [Fact]
    public void Unreachable_pairs_have_no_path_and_no_latency()
    {
        var graph = TestGraphs.Build(["A", "B", "C", "D"], ("A", "B", 1), ("C", "D", 1));
        var finder = new PathFinder(graph);

        Assert.Null(finder.ShortestPath("A", "D"));
        Assert.Empty(finder.KShortestPaths("A", "D", 3));
        Assert.Null(finder.LatencyMs(0, 3));
        var matrix = finder.AllPairsLatencies();
        Assert.False(matrix.IsReachable(0, 3));
        Assert.Null(matrix.LatencyMs(3, 0));
        Assert.Null(matrix.Tier(0, 2));
        Assert.Equal(1.0, matrix.LatencyMs(2, 3));
    }

    [Fact]
    public void A_point_reaches_itself_with_an_empty_unbounded_free_path()
    {
        var finder = new PathFinder(TestGraphs.Diamond());

        var path = finder.ShortestPath("B", "B")!;

        Assert.Empty(path.Arcs);
        Assert.Equal(["B"], Nodes(path));
        Assert.Equal(0, path.LatencyMs);
        Assert.Equal(NetworkPath.Unbounded, path.Bottleneck);
        Assert.Equal(new Money(0, "CNY"), path.PricePerGb);
        Assert.Single(finder.KShortestPaths("B", "B", 3));
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        var finder = new PathFinder(TestGraphs.Diamond());

        Assert.Throws<ArgumentException>(() => finder.ShortestPath("A", "Nowhere"));
        Assert.Throws<ArgumentOutOfRangeException>(() => finder.ShortestPath(0, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => finder.KShortestPaths("A", "D", 0));
    }

    [Fact]
    public void Mixed_currencies_are_refused()
    {
        var (graph, _) = NetworkGraph.Create(
            [new PointOfPresence("A", "A", null), new PointOfPresence("B", "B", null)],
            [new NetworkLink("x", "A", "B", Bandwidth.FromGbps(1), 1, new Money(1, "CNY")),
             new NetworkLink("y", "A", "B", Bandwidth.FromGbps(1), 1, new Money(1, "USD"))]);

        var error = Assert.Throws<ArgumentException>(() => new PathFinder(graph!));
        Assert.Contains("USD", error.Message);
    }

    [Fact]
    public void All_pairs_latencies_match_single_queries_and_are_symmetric()
    {
        var finder = new PathFinder(TestGraphs.Diamond());

        var matrix = finder.AllPairsLatencies();

        Assert.Equal(["A", "B", "C", "D"], matrix.NodeIds.ToArray());
        for (var a = 0; a < 4; a++)
        {
            for (var b = 0; b < 4; b++)
            {
                Assert.Equal(finder.ShortestPath(a, b)!.LatencyMs, matrix.LatencyMs(a, b));
                Assert.Equal(matrix.LatencyMs(b, a), matrix.LatencyMs(a, b));
            }
        }
        Assert.Equal(1.5, matrix.LatencyMs(2, 3)); // C→B→D beats the 2 ms C─D link
    }

    [Fact]
    public void Latency_sums_are_exact_in_decimal_milliseconds()
    {
        var graph = TestGraphs.Build(["A", "B", "C", "D"], ("A", "B", 0.1), ("B", "C", 0.2), ("C", "D", 0.7));

        var finder = new PathFinder(graph);

        // Summed as doubles, 0.7 + 0.2 + 0.1 would be 0.9999999999999999 and differ from the other direction.
        Assert.Equal(1.0, finder.ShortestPath("A", "D")!.LatencyMs);
        Assert.Equal(1.0, finder.ShortestPath("D", "A")!.LatencyMs);
        Assert.Equal(LatencyTier.City, LatencyTiers.Classify(finder.ShortestPath("D", "A")!.LatencyMs));
    }
}
