using Suanwang.Core.Network;

namespace Suanwang.Core.Tests.Topologies;

/// <summary>
/// A plain Dijkstra over link latencies, local to these tests: the production path finder is
/// written elsewhere, and these tests only need distances to check the topology data.
/// </summary>
internal static class ShortestPaths
{
    public static double[] LatenciesFrom(NetworkGraph graph, string source)
    {
        var distance = new double[graph.Nodes.Length];
        Array.Fill(distance, double.PositiveInfinity);
        var start = graph.IndexOf(source);
        distance[start] = 0;
        var queue = new PriorityQueue<int, double>();
        queue.Enqueue(start, 0);
        while (queue.TryDequeue(out var node, out var d))
        {
            if (d > distance[node])
                continue;
            foreach (var arc in graph.Outgoing(node))
            {
                var next = graph.Head(arc);
                var candidate = d + graph.Links[arc.Link].LatencyMs;
                if (candidate < distance[next])
                {
                    distance[next] = candidate;
                    queue.Enqueue(next, candidate);
                }
            }
        }
        return distance;
    }

    /// <summary>Unordered node pairs by latency tier: city ≤ 1 ms &lt; region ≤ 5 ms &lt; national ≤ 20 ms &lt; beyond.</summary>
    public static (int City, int Region, int National, int Beyond, int Unreachable) Tiers(NetworkGraph graph)
    {
        int city = 0, region = 0, national = 0, beyond = 0, unreachable = 0;
        for (var i = 0; i < graph.Nodes.Length; i++)
        {
            var latency = LatenciesFrom(graph, graph.Nodes[i].Id);
            for (var j = i + 1; j < graph.Nodes.Length; j++)
            {
                switch (latency[j])
                {
                    case <= 1: city++; break;
                    case <= 5: region++; break;
                    case <= 20: national++; break;
                    case double.PositiveInfinity: unreachable++; break;
                    default: beyond++; break;
                }
            }
        }
        return (city, region, national, beyond, unreachable);
    }
}
