using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Suanwang.Core.Network;

namespace Suanwang.Core.Tests.Network;

/// <summary>
/// Random small multigraphs (2–7 points, up to 12 links with integer latencies 0–3 ms, so ties,
/// zero-latency links and parallel links are common) checked against brute-force enumeration.
/// </summary>
public class PathFinderPropertyTests
{
    // Ids deliberately not in insertion order, so rank-based tie-breaks are exercised.
    private static readonly string[] Names = ["n5", "n3", "n0", "n6", "n1", "n4", "n2"];

    /// <summary>A random multigraph and a query on it.</summary>
    public sealed record PathQuery(string[] Nodes, (string A, string B, double Ms)[] Links, string From, string To, int K)
    {
        /// <summary>Readable counterexamples.</summary>
        public override string ToString() =>
            $"{From}→{To} k={K} links: {string.Join(" ", Links.Select(l => $"{l.A}-{l.B}:{l.Ms}"))}";
    }

    /// <summary>FsCheck generators for <see cref="PathQuery"/>.</summary>
    public static class PathQueries
    {
        /// <summary>2–7 points, 1–12 links of 0–3 ms, k of 1–8; source and target usually differ.</summary>
        public static Arbitrary<PathQuery> Arbitrary() =>
            (from n in Gen.Choose(2, 7)
             from count in Gen.Choose(1, 12)
             from ends in Gen.ArrayOf(Gen.Zip(Gen.Choose(0, n - 1), Gen.Choose(1, n - 1)), count)
             from latencies in Gen.ArrayOf(Gen.Choose(0, 3), count)
             from source in Gen.Choose(0, n - 1)
             from offset in Gen.Frequency((1, Gen.Constant(0)), (6, Gen.Choose(1, n - 1)))
             from k in Gen.Choose(1, 8)
             select new PathQuery(
                 Names[..n],
                 [.. ends.Select((e, i) => (Names[e.Item1], Names[(e.Item1 + e.Item2) % n], (double)latencies[i]))],
                 Names[source], Names[(source + offset) % n], k)).ToArbitrary();
    }

    /// <summary>All simple paths as arc-index sequences, sorted by the documented order.</summary>
    private static List<int[]> BruteForce(NetworkGraph graph, int from, int to)
    {
        var paths = new List<int[]>();
        var visited = new bool[graph.Nodes.Length];
        var stack = new List<int>();
        void Walk(int node)
        {
            if (node == to)
            {
                paths.Add([.. stack]);
                return;
            }
            visited[node] = true;
            foreach (var arc in graph.Outgoing(node))
            {
                var next = graph.Head(arc);
                if (visited[next])
                    continue;
                stack.Add(arc.Index);
                Walk(next);
                stack.RemoveAt(stack.Count - 1);
            }
            visited[node] = false;
        }
        Walk(from);
        long Latency(int[] p) => p.Sum(a => (long)Math.Round(graph.Links[a / 2].LatencyMs * 1e6));
        string[] Ids(int[] p) => p.Select(a => graph.Nodes[graph.Head(new Arc(a / 2, a % 2 == 0))].Id).ToArray();
        paths.Sort((x, y) =>
        {
            var c = Latency(x).CompareTo(Latency(y));
            if (c == 0)
                c = x.Length.CompareTo(y.Length);
            for (var i = 0; c == 0 && i < x.Length; i++)
                c = string.CompareOrdinal(Ids(x)[i], Ids(y)[i]);
            for (var i = 0; c == 0 && i < x.Length; i++)
                c = x[i].CompareTo(y[i]);
            return c;
        });
        return paths;
    }

    [Property(MaxTest = 500, Arbitrary = [typeof(PathQueries)])]
    public void K_shortest_paths_are_exactly_the_k_best_simple_paths(PathQuery c)
    {
        var graph = TestGraphs.Build(c.Nodes, c.Links);
        var finder = new PathFinder(graph);
        int from = graph.IndexOf(c.From), to = graph.IndexOf(c.To);

        var found = finder.KShortestPaths(c.From, c.To, c.K);
        var expected = BruteForce(graph, from, to).Take(c.K).ToList();

        Assert.Equal(expected.Count, found.Length);
        for (var i = 0; i < expected.Count; i++)
            Assert.Equal(expected[i], found[i].Arcs.Select(a => a.Index).ToArray());
        Assert.All(found, p => Assert.Equal(p.NodeIds.Length, p.NodeIds.Distinct().Count()));
        Assert.Equal(finder.ShortestPath(c.From, c.To), found.FirstOrDefault());
        Assert.Equal(found.Length == 0, finder.AllPairsLatencies().LatencyMs(from, to) is null);
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(PathQueries)])]
    public void Paths_do_not_depend_on_the_order_links_and_points_are_listed(PathQuery c)
    {
        var forward = new PathFinder(TestGraphs.Build(c.Nodes, c.Links));
        var backward = new PathFinder(TestGraphs.Build(c.Nodes.Reverse(), [.. c.Links.Reverse()]));

        // Query the second finder in a different order too, to show the memo does not leak order.
        _ = backward.AllPairsLatencies();
        var a = forward.KShortestPaths(c.From, c.To, c.K);
        var b = backward.KShortestPaths(c.From, c.To, c.K);

        Assert.Equal(a.Select(p => string.Join(",", p.NodeIds)), b.Select(p => string.Join(",", p.NodeIds)));
        Assert.Equal(a.Select(p => p.LatencyMs), b.Select(p => p.LatencyMs));
    }

    [Fact]
    public void Repeated_and_fresh_queries_give_identical_paths()
    {
        var graph = TestGraphs.Build(["A", "B", "C", "D", "E"],
            ("A", "B", 1), ("A", "C", 1), ("B", "D", 1), ("C", "D", 1), ("B", "C", 0), ("D", "E", 1), ("C", "E", 2));
        var first = new PathFinder(graph).KShortestPaths("A", "E", 6);

        for (var round = 0; round < 5; round++)
        {
            var finder = new PathFinder(graph);
            _ = finder.ShortestPath("E", "A");
            Assert.Equal(first.ToArray(), finder.KShortestPaths("A", "E", 6).ToArray());
            Assert.Equal(first.ToArray(), finder.KShortestPaths("A", "E", 6).ToArray());
        }
        Assert.Equal(6, first.Length);
    }
}
