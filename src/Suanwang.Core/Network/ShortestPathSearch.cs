namespace Suanwang.Core.Network;

/// <summary>
/// Reusable working memory for Dijkstra's algorithm over a <see cref="PathIndex"/>, ordering paths
/// by the total order of <see cref="PathFinder"/>: latency, then hops, then the node-id sequence
/// from the source (ordinal), then the arc indices. Arrays are allocated once per search object and
/// invalidated by bumping a stamp, so a Yen query runs many spur searches without allocating.
/// Not thread-safe: one instance per thread or per query.
/// </summary>
internal sealed class ShortestPathSearch
{
    private readonly PathIndex _index;
    private readonly long[] _latency;
    private readonly int[] _hops;
    private readonly int[] _predArc;
    private readonly int[] _reached;
    private readonly int[] _settled;
    private readonly int[] _blockedNode;
    private readonly int[] _blockedArc;
    private readonly PriorityQueue<int, (long Latency, int Hops)> _queue = new();
    private int _stamp;
    private int _blockStamp;

    public ShortestPathSearch(PathIndex index)
    {
        _index = index;
        var n = index.NodeCount;
        _latency = new long[n];
        _hops = new int[n];
        _predArc = new int[n];
        _reached = new int[n];
        _settled = new int[n];
        _blockedNode = new int[n];
        _blockedArc = new int[index.ArcTail.Length];
    }

    /// <summary>Starts a new set of blocked nodes and arcs (empty); the next <see cref="Run"/> honours it.</summary>
    public void ClearBlocks() => _blockStamp++;

    public void BlockNode(int node) => _blockedNode[node] = _blockStamp;

    public void BlockArc(int arc) => _blockedArc[arc] = _blockStamp;

    /// <summary>
    /// Runs from <paramref name="source"/> until <paramref name="target"/> is settled (or until every
    /// reachable node is settled when the target is −1), avoiding blocked nodes and arcs when
    /// <paramref name="useBlocks"/> is set. Returns whether the target was reached.
    /// </summary>
    public bool Run(int source, int target, bool useBlocks)
    {
        _stamp++;
        var stamp = _stamp;
        var blocks = useBlocks ? _blockStamp : int.MinValue;
        var outStart = _index.OutStart;
        var outArcs = _index.OutArcs;
        var head = _index.ArcHead;
        var weight = _index.ArcLatencyNs;
        _queue.Clear();
        _latency[source] = 0;
        _hops[source] = 0;
        _predArc[source] = -1;
        _reached[source] = stamp;
        _queue.Enqueue(source, (0, 0));
        while (_queue.TryDequeue(out var node, out var key))
        {
            if (_settled[node] == stamp || key.Latency != _latency[node] || key.Hops != _hops[node])
                continue;
            _settled[node] = stamp;
            if (node == target)
                return true;
            var latency = _latency[node];
            var hops = _hops[node] + 1;
            for (var i = outStart[node]; i < outStart[node + 1]; i++)
            {
                var arc = outArcs[i];
                var next = head[arc];
                if (_settled[next] == stamp || _blockedArc[arc] == blocks || _blockedNode[next] == blocks)
                    continue;
                var candidate = latency + weight[arc];
                if (_reached[next] != stamp || candidate < _latency[next] || (candidate == _latency[next] && hops < _hops[next]))
                {
                    _reached[next] = stamp;
                    _latency[next] = candidate;
                    _hops[next] = hops;
                    _predArc[next] = arc;
                    _queue.Enqueue(next, (candidate, hops));
                }
                else if (candidate == _latency[next] && hops == _hops[next] && PrefersNewPredecessor(node, arc, next))
                {
                    _predArc[next] = arc; // same key, so the queued entry stays valid
                }
            }
        }
        return target < 0 || _reached[target] == stamp;
    }

    /// <summary>True when the last run reached the node.</summary>
    public bool Reached(int node) => _reached[node] == _stamp;

    /// <summary>Latency in ns of the best path to a reached node.</summary>
    public long Latency(int node) => _latency[node];

    /// <summary>Hops of the best path to a reached node.</summary>
    public int Hops(int node) => _hops[node];

    /// <summary>The last arc of the best path to a reached node; −1 at the source.</summary>
    public int PredecessorArc(int node) => _predArc[node];

    /// <summary>Writes the arcs of the best path to <paramref name="target"/> into <paramref name="into"/> (length = hops).</summary>
    public void CopyPath(int target, Span<int> into)
    {
        var node = target;
        for (var i = into.Length - 1; i >= 0; i--)
        {
            var arc = _predArc[node];
            into[i] = arc;
            node = _index.ArcTail[arc];
        }
    }

    /// <summary>
    /// Tie-break between the current best path to <paramref name="next"/> and one through
    /// <paramref name="node"/> over <paramref name="arc"/>, both with the same latency and hops.
    /// Both prefixes are paths of the search tree of equal depth, so they share the path from the
    /// source to their last common ancestor and first differ just below it: compare those nodes' ids.
    /// </summary>
    private bool PrefersNewPredecessor(int node, int arc, int next)
    {
        var currentArc = _predArc[next];
        var tail = _index.ArcTail;
        var x = node;
        var y = tail[currentArc];
        if (x == y)
            return arc < currentArc;
        while (tail[_predArc[x]] != tail[_predArc[y]])
        {
            x = tail[_predArc[x]];
            y = tail[_predArc[y]];
        }
        return _index.NodeRank[x] < _index.NodeRank[y];
    }
}
