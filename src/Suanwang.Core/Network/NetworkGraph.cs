using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using Suanwang.Core.Model;

namespace Suanwang.Core.Network;

/// <summary>A router location of the backbone where sites attach (point of presence).</summary>
/// <param name="Id">Stable identifier, e.g. <c>Beijing</c>.</param>
/// <param name="Name">Display name.</param>
/// <param name="Location">Geographic position, when known.</param>
public sealed record PointOfPresence(string Id, string Name, GeoCoordinate? Location);

/// <summary>
/// A full-duplex backbone link between two points of presence. <paramref name="Capacity"/> is
/// available in each direction independently, as on real optical links.
/// </summary>
/// <param name="Id">Stable identifier.</param>
/// <param name="A">One end (point-of-presence id).</param>
/// <param name="B">The other end.</param>
/// <param name="Capacity">Capacity per direction.</param>
/// <param name="LatencyMs">One-way latency in milliseconds.</param>
/// <param name="PricePerGb">Price of moving one gigabyte over it.</param>
public sealed record NetworkLink(string Id, string A, string B, Bandwidth Capacity, double LatencyMs, Money PricePerGb)
{
    /// <summary>Largest accepted capacity per direction: 1,000 Tbps, ten times today's largest fibre systems, far inside a long of bits per second.</summary>
    public static Bandwidth MaxCapacity { get; } = new(1_000_000_000_000_000);

    /// <summary>Largest accepted price per GB in minor units (1,000,000.00): keeps path price sums far inside a long.</summary>
    public const long MaxPricePerGbMinorUnits = 100_000_000;
}

/// <summary>One direction of a link: the unit that carries bandwidth reservations.</summary>
/// <param name="Link">Index of the link in <see cref="NetworkGraph.Links"/>.</param>
/// <param name="Forward">True for A→B, false for B→A.</param>
public readonly record struct Arc(int Link, bool Forward)
{
    /// <summary>A dense index in [0, 2 × links) for array-backed per-arc state.</summary>
    public int Index => Link * 2 + (Forward ? 0 : 1);
}

/// <summary>
/// The immutable backbone graph: points of presence and full-duplex links, indexed for fast
/// path finding. Construct it with <see cref="Create"/>, which checks the graph and reports
/// every problem it finds.
/// </summary>
public sealed class NetworkGraph
{
    private readonly FrozenDictionary<string, int> _nodeIndex;
    private readonly ImmutableArray<ImmutableArray<Arc>> _outgoing;

    private NetworkGraph(ImmutableArray<PointOfPresence> nodes, ImmutableArray<NetworkLink> links)
    {
        Nodes = nodes;
        Links = links;
        _nodeIndex = nodes.Select((n, i) => KeyValuePair.Create(n.Id, i)).ToFrozenDictionary(StringComparer.Ordinal);
        var outgoing = nodes.Select(_ => ImmutableArray.CreateBuilder<Arc>()).ToArray();
        for (var i = 0; i < links.Length; i++)
        {
            outgoing[_nodeIndex[links[i].A]].Add(new Arc(i, true));
            outgoing[_nodeIndex[links[i].B]].Add(new Arc(i, false));
        }
        _outgoing = [.. outgoing.Select(b => b.ToImmutable())];
    }

    /// <summary>Points of presence, in the order given.</summary>
    public ImmutableArray<PointOfPresence> Nodes { get; }

    /// <summary>Links, in the order given.</summary>
    public ImmutableArray<NetworkLink> Links { get; }

    /// <summary>Number of directed arcs (twice the links).</summary>
    public int ArcCount => Links.Length * 2;

    /// <summary>
    /// Builds a graph, or returns every problem: duplicate ids, links to unknown points,
    /// self-loops, negative capacity or latency.
    /// </summary>
    public static (NetworkGraph? Graph, IReadOnlyList<string> Errors) Create(
        IEnumerable<PointOfPresence> nodes, IEnumerable<NetworkLink> links)
    {
        var nodeList = nodes.ToImmutableArray();
        var linkList = links.ToImmutableArray();
        var errors = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in nodeList)
        {
            if (!ids.Add(node.Id))
                errors.Add($"point of presence '{node.Id}' is defined twice");
        }
        var linkIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var link in linkList)
        {
            if (!linkIds.Add(link.Id))
                errors.Add($"link '{link.Id}' is defined twice");
            if (!ids.Contains(link.A))
                errors.Add($"link '{link.Id}' starts at unknown point of presence '{link.A}'");
            if (!ids.Contains(link.B))
                errors.Add($"link '{link.Id}' ends at unknown point of presence '{link.B}'");
            if (link.A == link.B)
                errors.Add($"link '{link.Id}' connects '{link.A}' to itself");
            if (link.Capacity.BitsPerSecond <= 0)
                errors.Add($"link '{link.Id}' has capacity {link.Capacity}; it must be positive");
            if (!(link.LatencyMs >= 0) || double.IsInfinity(link.LatencyMs))
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"link '{link.Id}' has latency {link.LatencyMs} ms; it must be a finite number ≥ 0"));
            else if (link.LatencyMs > PathIndex.MaxLinkLatencyMs)
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"link '{link.Id}' has latency {link.LatencyMs} ms; at most {PathIndex.MaxLinkLatencyMs} ms is supported"));
            if (link.Capacity > NetworkLink.MaxCapacity)
                errors.Add($"link '{link.Id}' has capacity {link.Capacity}; at most {NetworkLink.MaxCapacity} is supported");
            if (link.PricePerGb.MinorUnits < 0)
                errors.Add($"link '{link.Id}' has a negative price per GB");
            else if (link.PricePerGb.MinorUnits > NetworkLink.MaxPricePerGbMinorUnits)
                errors.Add($"link '{link.Id}' has price per GB {link.PricePerGb}; at most {new Money(NetworkLink.MaxPricePerGbMinorUnits, link.PricePerGb.Currency)} is supported");
        }
        return errors.Count > 0 ? (null, errors) : (new NetworkGraph(nodeList, linkList), errors);
    }

    /// <summary>The dense index of a point of presence, or −1 when unknown.</summary>
    public int IndexOf(string nodeId) => _nodeIndex.TryGetValue(nodeId, out var index) ? index : -1;

    /// <summary>Indices in <see cref="Links"/> of every link joining the two points of presence (by id, either direction; several when links run in parallel).</summary>
    public IEnumerable<int> LinksBetween(string a, string b)
    {
        for (var l = 0; l < Links.Length; l++)
        {
            var link = Links[l];
            if ((link.A == a && link.B == b) || (link.A == b && link.B == a))
                yield return l;
        }
    }

    /// <summary>Arcs leaving the node with the given index.</summary>
    public ImmutableArray<Arc> Outgoing(int node) => _outgoing[node];

    /// <summary>The node index an arc starts from.</summary>
    public int Tail(Arc arc) => IndexOf(arc.Forward ? Links[arc.Link].A : Links[arc.Link].B);

    /// <summary>The node index an arc leads to.</summary>
    public int Head(Arc arc) => IndexOf(arc.Forward ? Links[arc.Link].B : Links[arc.Link].A);

    /// <summary>
    /// Connected components as lists of node ids (ordered by first appearance), so callers can
    /// report a disconnected topology precisely.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> Components()
    {
        var component = new int[Nodes.Length];
        Array.Fill(component, -1);
        var result = new List<IReadOnlyList<string>>();
        for (var start = 0; start < Nodes.Length; start++)
        {
            if (component[start] >= 0)
                continue;
            var members = new List<string>();
            var stack = new Stack<int>();
            stack.Push(start);
            component[start] = result.Count;
            while (stack.Count > 0)
            {
                var node = stack.Pop();
                members.Add(Nodes[node].Id);
                foreach (var arc in _outgoing[node])
                {
                    var next = Head(arc);
                    if (component[next] < 0)
                    {
                        component[next] = result.Count;
                        stack.Push(next);
                    }
                }
            }
            result.Add(members);
        }
        return result;
    }
}
