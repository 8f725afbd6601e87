using System.Collections.Immutable;
using Suanwang.Core.Model;

namespace Suanwang.Core.Network;

/// <summary>
/// Shortest-path one-way latencies between every ordered pair of points of presence, stored as one
/// flat array of integer nanoseconds (8 bytes per pair: 320 KB for 200 points). Unreachable pairs
/// are explicit: <see cref="LatencyMs(int, int)"/> returns null for them.
/// </summary>
public sealed class LatencyMatrix
{
    private readonly long[] _latencyNs;

    internal LatencyMatrix(ImmutableArray<string> nodeIds, long[] latencyNs)
    {
        NodeIds = nodeIds;
        _latencyNs = latencyNs;
    }

    /// <summary>Point-of-presence ids in graph order; row and column i belong to <c>NodeIds[i]</c>.</summary>
    public ImmutableArray<string> NodeIds { get; }

    /// <summary>Number of points of presence (rows and columns).</summary>
    public int Count => NodeIds.Length;

    /// <summary>Latency in ms from node index <paramref name="from"/> to <paramref name="to"/>, or null when unreachable.</summary>
    public double? LatencyMs(int from, int to)
    {
        var ns = LatencyNs(from, to);
        return ns < 0 ? null : ns / 1e6;
    }

    /// <summary>True when a path exists between the two node indices.</summary>
    public bool IsReachable(int from, int to) => LatencyNs(from, to) >= 0;

    /// <summary>Latency tier of the pair, or null when unreachable.</summary>
    public LatencyTier? Tier(int from, int to) => LatencyMs(from, to) is { } ms ? LatencyTiers.Classify(ms) : null;

    /// <summary>Latency in ns, or −1 when unreachable.</summary>
    internal long LatencyNs(int from, int to)
    {
        if ((uint)from >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(from), from, $"node index must be in [0, {Count})");
        if ((uint)to >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(to), to, $"node index must be in [0, {Count})");
        return _latencyNs[from * Count + to];
    }
}
