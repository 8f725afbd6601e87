using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace Suanwang.Core.Network;

/// <summary>
/// Latency-first paths over a <see cref="NetworkGraph"/>: the shortest path between two points of
/// presence, k loopless alternatives (Yen's algorithm) and all-pairs latencies.
/// </summary>
/// <remarks>
/// <para>Paths are ordered totally and deterministically by: total one-way latency (summed in
/// integer nanoseconds, so equal sums tie exactly); then fewer hops; then the sequence of node ids
/// from the source, compared element by element with ordinal string order; then the sequence of
/// arc indices (which only separates parallel links between the same points).</para>
/// <para>Results are memoized: the first query from a source computes that source's full shortest
/// path tree (Dijkstra, O((V + E) log V)); later shortest-path and latency queries from it are O(1)
/// plus building the path once. k-path answers are memoized per (source, target). The memo is
/// safe to share between threads; a <see cref="PathFinder"/> never changes its answers.</para>
/// <para>Own code rather than QuikGraph 2.5.0: QuikGraph's Yen implementation compares edges by
/// (source, target, weight), so parallel links of equal latency are treated as one edge; it breaks
/// ties by heap and adjacency-list order (which its own edge removal and re-adding changes); it
/// throws when no path exists; and it clones and mutates the whole graph per query. See docs/network.md.</para>
/// </remarks>
public sealed class PathFinder
{
    private readonly PathIndex _index;
    private readonly SourceTree?[] _trees;
    private readonly ConcurrentDictionary<long, KPaths> _kPaths = new();

    /// <summary>Prepares path finding over a graph; all links must be priced in one currency.</summary>
    /// <exception cref="ArgumentException">Links use several currencies or a latency above 10^9 ms.</exception>
    public PathFinder(NetworkGraph graph)
    {
        _index = new PathIndex(graph);
        _trees = new SourceTree?[_index.NodeCount];
    }

    /// <summary>The graph paths are computed on.</summary>
    public NetworkGraph Graph => _index.Graph;

    internal PathIndex Index => _index;

    /// <summary>The lowest-latency path between two points of presence (by id), or null when unreachable.</summary>
    /// <exception cref="ArgumentException">An id is unknown.</exception>
    public NetworkPath? ShortestPath(string from, string to) =>
        ShortestPath(_index.NodeIndex(from, nameof(from)), _index.NodeIndex(to, nameof(to)));

    /// <summary>The lowest-latency path between two node indices, or null when unreachable.</summary>
    public NetworkPath? ShortestPath(int from, int to)
    {
        _index.CheckNode(from, nameof(from));
        _index.CheckNode(to, nameof(to));
        return Tree(from).PathTo(to);
    }

    /// <summary>One-way latency in ms of the shortest path between two node indices, or null when unreachable.</summary>
    public double? LatencyMs(int from, int to)
    {
        _index.CheckNode(from, nameof(from));
        _index.CheckNode(to, nameof(to));
        var ns = Tree(from).LatencyNs[to];
        return ns < 0 ? null : ns / 1e6;
    }

    /// <summary>
    /// Up to <paramref name="k"/> loopless paths between two points of presence (by id), best first in
    /// the order described on <see cref="PathFinder"/>; empty when unreachable.
    /// </summary>
    public ImmutableArray<NetworkPath> KShortestPaths(string from, string to, int k) =>
        KShortestPaths(_index.NodeIndex(from, nameof(from)), _index.NodeIndex(to, nameof(to)), k);

    /// <summary>Up to <paramref name="k"/> loopless paths between two node indices, best first; empty when unreachable.</summary>
    public ImmutableArray<NetworkPath> KShortestPaths(int from, int to, int k)
    {
        _index.CheckNode(from, nameof(from));
        _index.CheckNode(to, nameof(to));
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var key = (long)from * _index.NodeCount + to;
        if (_kPaths.TryGetValue(key, out var known) && (known.Paths.Length >= k || known.Exhausted))
            return known.Paths.Length <= k ? known.Paths : known.Paths[..k];
        var first = ShortestPath(from, to);
        var found = first is null ? [] : YenKShortestPaths.Find(_index, first, from, to, k);
        _kPaths[key] = new KPaths(found, found.Length < k);
        return found;
    }

    /// <summary>Shortest-path latencies between every ordered pair of points of presence.</summary>
    public LatencyMatrix AllPairsLatencies()
    {
        var n = _index.NodeCount;
        var latencies = new long[n * n];
        var search = new ShortestPathSearch(_index);
        for (var from = 0; from < n; from++)
            Array.Copy(Tree(from, search).LatencyNs, 0, latencies, from * n, n);
        return new LatencyMatrix(_index.Graph.Nodes.Select(node => node.Id).ToImmutableArray(), latencies);
    }

    private SourceTree Tree(int source, ShortestPathSearch? search = null)
    {
        var tree = Volatile.Read(ref _trees[source]);
        if (tree is not null)
            return tree;
        search ??= new ShortestPathSearch(_index);
        search.Run(source, -1, useBlocks: false);
        var n = _index.NodeCount;
        var latency = new long[n];
        var predecessor = new int[n];
        var hops = new int[n];
        for (var node = 0; node < n; node++)
        {
            var reached = search.Reached(node);
            latency[node] = reached ? search.Latency(node) : -1;
            predecessor[node] = reached ? search.PredecessorArc(node) : -1;
            hops[node] = reached ? search.Hops(node) : -1;
        }
        // Two threads may build the same tree; both are identical, the first one stored wins.
        return Interlocked.CompareExchange(ref _trees[source], new SourceTree(_index, source, latency, predecessor, hops), null)
            ?? _trees[source]!;
    }

    private sealed record KPaths(ImmutableArray<NetworkPath> Paths, bool Exhausted);

    /// <summary>The shortest path tree of one source, with paths materialized on first request.</summary>
    private sealed class SourceTree(PathIndex index, int source, long[] latencyNs, int[] predecessorArc, int[] hops)
    {
        private readonly NetworkPath?[] _paths = new NetworkPath?[latencyNs.Length];

        /// <summary>Latency in ns to every node; −1 when unreachable.</summary>
        public long[] LatencyNs { get; } = latencyNs;

        public NetworkPath? PathTo(int target)
        {
            if (LatencyNs[target] < 0)
                return null;
            var path = Volatile.Read(ref _paths[target]);
            if (path is not null)
                return path;
            Span<int> arcs = hops[target] <= 256 ? stackalloc int[hops[target]] : new int[hops[target]];
            var node = target;
            for (var i = arcs.Length - 1; i >= 0; i--)
            {
                arcs[i] = predecessorArc[node];
                node = index.ArcTail[arcs[i]];
            }
            path = NetworkPath.Create(index, source, arcs);
            return Interlocked.CompareExchange(ref _paths[target], path, null) ?? path;
        }
    }
}
