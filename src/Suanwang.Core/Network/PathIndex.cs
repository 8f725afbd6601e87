using System.Globalization;

namespace Suanwang.Core.Network;

/// <summary>
/// Flat arrays derived once from a <see cref="NetworkGraph"/> for the hot path: per arc (by
/// <see cref="Arc.Index"/>) its tail, head, latency in integer nanoseconds, capacity and price; the
/// outgoing arcs of every node in compressed-row form; and every node's rank in ordinal id order,
/// which is what tie-breaks compare.
/// </summary>
internal sealed class PathIndex
{
    /// <summary>Largest accepted link latency: keeps sums of nanoseconds far inside a long.</summary>
    public const double MaxLinkLatencyMs = 1e9;

    public PathIndex(NetworkGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        Graph = graph;
        NodeCount = graph.Nodes.Length;
        var arcCount = graph.ArcCount;
        ArcTail = new int[arcCount];
        ArcHead = new int[arcCount];
        ArcLatencyNs = new long[arcCount];
        ArcCapacity = new long[arcCount];
        ArcPriceMinor = new long[arcCount];
        Currency = graph.Links.Length > 0 ? graph.Links[0].PricePerGb.Currency ?? "" : "CNY";
        for (var link = 0; link < graph.Links.Length; link++)
        {
            var l = graph.Links[link];
            if (!(l.LatencyMs <= MaxLinkLatencyMs))
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"link '{l.Id}' has latency {l.LatencyMs} ms; at most {MaxLinkLatencyMs} ms is supported"), nameof(graph));
            if (!string.Equals(l.PricePerGb.Currency ?? "", Currency, StringComparison.Ordinal))
                throw new ArgumentException($"link '{l.Id}' is priced in {l.PricePerGb.Currency} but other links in {Currency}; path prices need one currency", nameof(graph));
            var a = graph.IndexOf(l.A);
            var b = graph.IndexOf(l.B);
            var ns = (long)Math.Round(l.LatencyMs * 1e6, MidpointRounding.AwayFromZero);
            foreach (var (index, tail, head) in new[] { (link * 2, a, b), (link * 2 + 1, b, a) })
            {
                ArcTail[index] = tail;
                ArcHead[index] = head;
                ArcLatencyNs[index] = ns;
                ArcCapacity[index] = l.Capacity.BitsPerSecond;
                ArcPriceMinor[index] = l.PricePerGb.MinorUnits;
            }
        }

        // Outgoing arcs in compressed-row form, each node's arcs in ascending arc index.
        OutStart = new int[NodeCount + 1];
        foreach (var tail in ArcTail)
            OutStart[tail + 1]++;
        for (var node = 0; node < NodeCount; node++)
            OutStart[node + 1] += OutStart[node];
        OutArcs = new int[arcCount];
        var fill = (int[])OutStart.Clone();
        for (var arc = 0; arc < arcCount; arc++)
            OutArcs[fill[ArcTail[arc]]++] = arc;

        var order = new int[NodeCount];
        for (var node = 0; node < NodeCount; node++)
            order[node] = node;
        Array.Sort(order, (x, y) => string.CompareOrdinal(graph.Nodes[x].Id, graph.Nodes[y].Id));
        NodeRank = new int[NodeCount];
        for (var rank = 0; rank < NodeCount; rank++)
            NodeRank[order[rank]] = rank;
    }

    public NetworkGraph Graph { get; }

    public int NodeCount { get; }

    public int[] ArcTail { get; }

    public int[] ArcHead { get; }

    public long[] ArcLatencyNs { get; }

    public long[] ArcCapacity { get; }

    public long[] ArcPriceMinor { get; }

    /// <summary>Start of each node's run in <see cref="OutArcs"/>; one extra entry marks the end.</summary>
    public int[] OutStart { get; }

    public int[] OutArcs { get; }

    /// <summary>Position of each node when nodes are sorted by id (ordinal).</summary>
    public int[] NodeRank { get; }

    /// <summary>Currency of all link prices (the first link's; <c>CNY</c> for a graph without links).</summary>
    public string Currency { get; }

    /// <summary>The arc with a given dense index (inverse of <see cref="Arc.Index"/>).</summary>
    public static Arc ArcAt(int index) => new(index >> 1, (index & 1) == 0);

    public int NodeIndex(string id, string parameterName)
    {
        var index = Graph.IndexOf(id);
        return index >= 0 ? index : throw new ArgumentException($"unknown point of presence '{id}'", parameterName);
    }

    public void CheckNode(int node, string parameterName)
    {
        if ((uint)node >= (uint)NodeCount)
            throw new ArgumentOutOfRangeException(parameterName, node, $"node index must be in [0, {NodeCount})");
    }
}
