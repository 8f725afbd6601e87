using System.Collections.Immutable;

namespace Suanwang.Core.Network;

/// <summary>
/// Yen's k shortest loopless paths (Yen 1971) over a <see cref="PathIndex"/>. For each accepted
/// path and each of its nodes (the spur), the root up to the spur is kept, the root's other nodes
/// and the next arc of every accepted path with the same root are blocked, and the shortest spur
/// path to the target completes a candidate; the best candidate is accepted next. Because the
/// path order of <see cref="PathFinder"/> is total and extends by prefix (two paths with one root
/// compare as their spurs do), the result is exactly the k best loopless paths in that order.
/// Cost: O(k · V · (V + E) log V) in the worst case.
/// </summary>
internal static class YenKShortestPaths
{
    public static ImmutableArray<NetworkPath> Find(PathIndex index, NetworkPath first, int source, int target, int k)
    {
        var firstArcs = new int[first.Arcs.Length];
        for (var i = 0; i < firstArcs.Length; i++)
            firstArcs[i] = first.Arcs[i].Index;
        var result = ImmutableArray.CreateBuilder<NetworkPath>();
        result.Add(first);
        if (k == 1 || source == target)
            return result.ToImmutable();

        var accepted = new List<int[]> { firstArcs };
        var seen = new HashSet<int[]>(ArcSequenceComparer.Instance) { firstArcs };
        var candidates = new List<(int[] Arcs, long Latency)>();
        var search = new ShortestPathSearch(index);
        for (var rank = 1; rank < k; rank++)
        {
            var previous = accepted[^1];
            long rootLatency = 0;
            var spur = source;
            for (var i = 0; i < previous.Length; i++)
            {
                search.ClearBlocks();
                var rootNode = source;
                for (var j = 0; j < i; j++)
                {
                    search.BlockNode(rootNode);
                    rootNode = index.ArcHead[previous[j]];
                }
                var root = previous.AsSpan(0, i);
                foreach (var path in accepted)
                {
                    if (path.Length > i && path.AsSpan(0, i).SequenceEqual(root))
                        search.BlockArc(path[i]);
                }
                if (search.Run(spur, target, useBlocks: true))
                {
                    var arcs = new int[i + search.Hops(target)];
                    root.CopyTo(arcs);
                    search.CopyPath(target, arcs.AsSpan(i));
                    if (seen.Add(arcs))
                        candidates.Add((arcs, rootLatency + search.Latency(target)));
                }
                rootLatency += index.ArcLatencyNs[previous[i]];
                spur = index.ArcHead[previous[i]];
            }
            if (candidates.Count == 0)
                break;
            var best = 0;
            for (var c = 1; c < candidates.Count; c++)
            {
                if (Compare(index, candidates[c], candidates[best]) < 0)
                    best = c;
            }
            var chosen = candidates[best].Arcs;
            candidates[best] = candidates[^1];
            candidates.RemoveAt(candidates.Count - 1);
            accepted.Add(chosen);
            result.Add(NetworkPath.Create(index, source, chosen));
        }
        return result.ToImmutable();
    }

    /// <summary>The path order: latency, hops, node ranks along the path, arc indices (paths share their source).</summary>
    private static int Compare(PathIndex index, (int[] Arcs, long Latency) a, (int[] Arcs, long Latency) b)
    {
        var order = a.Latency.CompareTo(b.Latency);
        if (order != 0)
            return order;
        order = a.Arcs.Length.CompareTo(b.Arcs.Length);
        if (order != 0)
            return order;
        for (var i = 0; i < a.Arcs.Length; i++)
        {
            order = index.NodeRank[index.ArcHead[a.Arcs[i]]].CompareTo(index.NodeRank[index.ArcHead[b.Arcs[i]]]);
            if (order != 0)
                return order;
        }
        return a.Arcs.AsSpan().SequenceCompareTo(b.Arcs);
    }

    private sealed class ArcSequenceComparer : IEqualityComparer<int[]>
    {
        public static ArcSequenceComparer Instance { get; } = new();

        public bool Equals(int[]? x, int[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(int[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(obj.AsSpan()));
            return hash.ToHashCode();
        }
    }
}
