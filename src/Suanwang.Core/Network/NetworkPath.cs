using System.Collections.Immutable;
using Suanwang.Core.Model;

namespace Suanwang.Core.Network;

/// <summary>
/// A loopless route through the backbone: the arcs in travel order and what they add up to.
/// Two paths are equal when they use the same arcs in the same order (everything else is derived).
/// </summary>
public sealed record NetworkPath
{
    private NetworkPath(
        ImmutableArray<Arc> arcs, ImmutableArray<string> nodeIds, long latencyNs, Bandwidth bottleneck, Money pricePerGb)
    {
        Arcs = arcs;
        NodeIds = nodeIds;
        LatencyNanoseconds = latencyNs;
        Bottleneck = bottleneck;
        PricePerGb = pricePerGb;
    }

    /// <summary>
    /// Bottleneck reported by a path without arcs (both ends on one point of presence): traffic
    /// never touches the backbone, so the backbone does not limit it.
    /// </summary>
    public static Bandwidth Unbounded { get; } = new(long.MaxValue);

    /// <summary>The arcs (link directions) in travel order; empty when source and target coincide.</summary>
    public ImmutableArray<Arc> Arcs { get; }

    /// <summary>Point-of-presence ids from source to target; one more than the arcs.</summary>
    public ImmutableArray<string> NodeIds { get; }

    /// <summary>Total one-way latency in milliseconds (sum of the links' latencies, at 1 ns resolution).</summary>
    public double LatencyMs => LatencyNanoseconds / 1e6;

    /// <summary>Smallest per-direction capacity along the path; <see cref="Unbounded"/> when there are no arcs.</summary>
    public Bandwidth Bottleneck { get; }

    /// <summary>Sum of the links' prices per gigabyte moved.</summary>
    public Money PricePerGb { get; }

    /// <summary>Number of links traversed.</summary>
    public int HopCount => Arcs.Length;

    /// <summary>The source point-of-presence id.</summary>
    public string Source => NodeIds[0];

    /// <summary>The target point-of-presence id.</summary>
    public string Target => NodeIds[^1];

    /// <summary>
    /// Total latency in integer nanoseconds. Latencies are summed as integers so that paths whose
    /// latencies are equal tie exactly, whatever the order of addition; ties are then broken by rule.
    /// </summary>
    internal long LatencyNanoseconds { get; }

    /// <summary>Builds a path from contiguous arcs (already known to be contiguous) starting at <paramref name="source"/>.</summary>
    internal static NetworkPath Create(PathIndex index, int source, ReadOnlySpan<int> arcIndices)
    {
        var arcs = ImmutableArray.CreateBuilder<Arc>(arcIndices.Length);
        var nodes = ImmutableArray.CreateBuilder<string>(arcIndices.Length + 1);
        var graph = index.Graph;
        nodes.Add(graph.Nodes[source].Id);
        long latency = 0;
        var bottleneck = Unbounded.BitsPerSecond;
        long price = 0;
        foreach (var arcIndex in arcIndices)
        {
            arcs.Add(PathIndex.ArcAt(arcIndex));
            nodes.Add(graph.Nodes[index.ArcHead[arcIndex]].Id);
            latency += index.ArcLatencyNs[arcIndex];
            bottleneck = Math.Min(bottleneck, index.ArcCapacity[arcIndex]);
            price = checked(price + index.ArcPriceMinor[arcIndex]);
        }
        return new NetworkPath(arcs.MoveToImmutable(), nodes.MoveToImmutable(), latency, new Bandwidth(bottleneck),
            new Money(price, index.Currency));
    }

    /// <inheritdoc />
    public bool Equals(NetworkPath? other) =>
        other is not null && Arcs.AsSpan().SequenceEqual(other.Arcs.AsSpan()) && Source == other.Source;

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Source, StringComparer.Ordinal);
        foreach (var arc in Arcs)
            hash.Add(arc);
        return hash.ToHashCode();
    }

    /// <summary>Formats as <c>A → B → C (3.200 ms, 2 hops)</c>.</summary>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{string.Join(" → ", NodeIds)} ({LatencyMs:0.000} ms, {HopCount} hops)");
}
