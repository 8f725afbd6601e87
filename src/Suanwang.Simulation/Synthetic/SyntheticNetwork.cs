using System.Collections.Immutable;
using System.Globalization;
using Suanwang.Core.Model;
using Suanwang.Core.Network;

namespace Suanwang.Simulation.Synthetic;

/// <summary>
/// A synthetic national backbone: points of presence scattered over China's bounding box, joined by
/// a minimum spanning tree (so the graph is connected) plus links to each point's nearest
/// neighbours (so there are alternative paths), with latencies derived from geography.
/// </summary>
internal static class SyntheticNetwork
{
    /// <summary>China's bounding box, degrees: 18°–54° N, 73°–135° E.</summary>
    public const double MinLatitude = 18, MaxLatitude = 54, MinLongitude = 73, MaxLongitude = 135;

    /// <summary>Extra links from each point to its nearest neighbours, on top of the spanning tree.</summary>
    public const int NearestNeighbourLinks = 2;

    private static readonly long[] CapacitiesGbps = [100, 400, 800];

    public static (ImmutableArray<PointOfPresence> Nodes, ImmutableArray<NetworkLink> Links) Generate(int points, Random random)
    {
        var nodes = new PointOfPresence[points];
        for (var i = 0; i < points; i++)
        {
            var location = new GeoCoordinate(
                Math.Round(MinLatitude + random.NextDouble() * (MaxLatitude - MinLatitude), 2),
                Math.Round(MinLongitude + random.NextDouble() * (MaxLongitude - MinLongitude), 2));
            var id = Invariant($"pop-{i:D3}");
            nodes[i] = new PointOfPresence(id, id, location);
        }

        var distance = new double[points, points];
        for (var a = 0; a < points; a++)
        {
            for (var b = 0; b < points; b++)
                distance[a, b] = nodes[a].Location!.Value.DistanceKmTo(nodes[b].Location!.Value);
        }

        var pairs = new SortedSet<(int A, int B)>();
        foreach (var edge in SpanningTree(points, distance))
            pairs.Add(Ordered(edge.A, edge.B));
        for (var a = 0; a < points; a++)
        {
            var nearest = Enumerable.Range(0, points).Where(b => b != a)
                .OrderBy(b => distance[a, b]).ThenBy(b => b).Take(NearestNeighbourLinks);
            foreach (var b in nearest)
                pairs.Add(Ordered(a, b));
        }

        var links = ImmutableArray.CreateBuilder<NetworkLink>(pairs.Count);
        foreach (var (a, b) in pairs)
        {
            var capacity = Bandwidth.FromGbps(CapacitiesGbps[random.Next(CapacitiesGbps.Length)]);
            var price = new Money(1 + random.Next(5), "CNY"); // 0.01–0.05 CNY per GB
            var latency = GeoLatency.Default.LinkLatencyMs(nodes[a].Location!.Value, nodes[b].Location!.Value);
            links.Add(new NetworkLink(Invariant($"{nodes[a].Id}~{nodes[b].Id}"), nodes[a].Id, nodes[b].Id, capacity, latency, price));
        }
        return ([.. nodes], links.MoveToImmutable());
    }

    /// <summary>Prim's algorithm on the complete distance graph, O(V²); ties go to the lower index.</summary>
    private static List<(int A, int B)> SpanningTree(int points, double[,] distance)
    {
        var edges = new List<(int, int)>(Math.Max(0, points - 1));
        if (points == 0)
            return edges;
        var inTree = new bool[points];
        var best = new double[points];
        var parent = new int[points];
        Array.Fill(best, double.PositiveInfinity);
        best[0] = 0;
        parent[0] = -1;
        for (var step = 0; step < points; step++)
        {
            var next = -1;
            for (var v = 0; v < points; v++)
            {
                if (!inTree[v] && (next < 0 || best[v] < best[next]))
                    next = v;
            }
            inTree[next] = true;
            if (parent[next] >= 0)
                edges.Add((parent[next], next));
            for (var v = 0; v < points; v++)
            {
                if (!inTree[v] && distance[next, v] < best[v])
                {
                    best[v] = distance[next, v];
                    parent[v] = next;
                }
            }
        }
        return edges;
    }

    private static (int, int) Ordered(int a, int b) => a < b ? (a, b) : (b, a);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
