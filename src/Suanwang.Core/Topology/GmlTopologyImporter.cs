using System.Collections.Immutable;
using System.Globalization;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Specs;

namespace Suanwang.Core.Topologies;

/// <summary>How a GML backbone becomes a topology (DESIGN §10, scenario <c>topology:</c> section).</summary>
public sealed record GmlImportOptions
{
    /// <summary>Constants for latency derived from geography; DESIGN §4 defaults (200 km/ms, ×1.5, 0.1 ms per hop).</summary>
    public GeoLatency Constants { get; init; } = GeoLatency.Default;

    /// <summary>Capacity per direction of every link (<c>link_capacity</c>); 100 Gbps by default.</summary>
    public Bandwidth LinkCapacity { get; init; } = Bandwidth.FromGbps(100);

    /// <summary>Price of moving one GB over any link (<c>price_per_gb</c>); 0.05 CNY by default, as in the DESIGN §10 example.</summary>
    public Money PricePerGb { get; init; } = new(5, "CNY");

    /// <summary>
    /// When true, every point of presence also gets one empty <see cref="SiteTier.Region"/> site with the
    /// same id, so that tier analysis can count site pairs on a bare backbone. Off by default: a GML
    /// file describes a network, not compute, and scenarios attach their own sites.
    /// </summary>
    public bool SitePerPointOfPresence { get; init; }

    /// <summary>Jurisdiction given to the sites made by <see cref="SitePerPointOfPresence"/>.</summary>
    public string SiteJurisdiction { get; init; } = "CN";
}

/// <summary>
/// Imports an Internet Topology Zoo GML backbone (e.g. <c>Chinanet.gml</c>, <c>Cernet.gml</c>).
/// Rules, also in <c>docs/topologies.md</c>:
/// <list type="bullet">
/// <item>each node becomes a point of presence whose id is its <c>label</c>; when several kept nodes share a
/// label, each of them becomes <c>"Label (gml id)"</c>, with a warning, so no one of them silently wins;</item>
/// <item>nodes without <c>Latitude</c>/<c>Longitude</c> (Topology Zoo's "International Link" stubs) are skipped
/// with a warning that names them, and their links are dropped with them;</item>
/// <item>link latency = great-circle km × inflation ÷ km-per-ms + hop delay; capacity and price come from
/// <see cref="GmlImportOptions"/> because Topology Zoo link speeds are absent or a decade old;</item>
/// <item>parallel edges between the same two nodes are merged into one link whose capacity is the sum
/// (as a link aggregation group carries it), with a warning; self-loops are dropped with a warning;</item>
/// <item>a link's id is <c>A-B</c> (its ends' ids), with <c> (2)</c>, <c> (3)</c>… added when labels containing '-' make two ids equal;</item>
/// <item><c>directed 1</c> graphs are read as undirected: our links are full duplex.</item>
/// </list>
/// </summary>
public static class GmlTopologyImporter
{
    private static readonly string[] EdgeEnds = ["source", "target"];

    /// <summary>Imports <paramref name="text"/>; <paramref name="sourceName"/> labels messages and names the topology when the graph has no label.</summary>
    public static TopologyReadResult Import(string text, string sourceName, GmlImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sourceName);
        options ??= new GmlImportOptions();
        var read = GmlReader.Read(text, sourceName);
        if (read.Error is { } syntax)
            return new TopologyReadResult(null, [syntax]);
        var errors = new List<SpecError>();
        var graphs = read.Root!.All("graph").ToList();
        if (graphs.Count != 1 || graphs[0] is not GmlList graph)
        {
            var line = graphs.Count > 1 ? graphs[1].Line : (int?)null;
            return new TopologyReadResult(null, [Error(sourceName, line, "", graphs.Count == 0
                ? "no 'graph [ … ]' block found; is this a GML file?"
                : "expected exactly one 'graph [ … ]' block")]);
        }

        // The options come from a scenario or the command line; bad ones are one clear error, not one per link.
        if (options.LinkCapacity.BitsPerSecond <= 0 || options.LinkCapacity > NetworkLink.MaxCapacity)
            return TopologyReadResult.Fail(sourceName, $"link capacity {options.LinkCapacity} is out of range; it must be positive and at most {NetworkLink.MaxCapacity}");
        if (options.PricePerGb.MinorUnits is < 0 or > NetworkLink.MaxPricePerGbMinorUnits)
            return TopologyReadResult.Fail(sourceName, $"price per GB {options.PricePerGb} is out of range; it must be within 0..{new Money(NetworkLink.MaxPricePerGbMinorUnits, options.PricePerGb.Currency)}");

        var warnings = new List<string>();
        var nodes = ReadNodes(graph, sourceName, errors, warnings);
        var links = ReadLinks(graph, nodes, options, sourceName, errors, warnings);
        if (errors.Count > 0)
            return new TopologyReadResult(null, [.. errors]);

        var kept = nodes.Values.Where(n => n.Pop is not null).OrderBy(n => n.Order).Select(n => n.Pop!).ToImmutableArray();
        var name = Text(graph["label"]) ?? Text(graph["Network"])?.Trim() ?? Path.GetFileNameWithoutExtension(sourceName);
        var providerId = $"gml-{name.ToLowerInvariant().Replace(' ', '-')}";
        var sites = options.SitePerPointOfPresence
            ? kept.Select(p => new Site(p.Id, SiteTier.Region, options.SiteJurisdiction, providerId, p.Id, p.Location, [])).ToImmutableArray()
            : [];
        ImmutableArray<Provider> providers = options.SitePerPointOfPresence ? [new Provider(providerId, name)] : [];
        var draft = new TopologyDraft(name, kept, links, sites, providers, options.Constants,
            ImmutableSortedDictionary<string, string>.Empty, [.. warnings]);
        var (topology, problems) = Topology.Create(draft);
        if (topology is null)
            return new TopologyReadResult(null, [.. problems.Select(p => Error(sourceName, null, p.Path, p.Message))]);
        return new TopologyReadResult(topology, []);
    }

    private sealed class GmlNode(string gmlId, int order, int line, string label, GeoCoordinate? location)
    {
        public string GmlId { get; } = gmlId;
        public int Order { get; } = order;
        public int Line { get; } = line;
        public string Label { get; } = label;
        public GeoCoordinate? Location { get; } = location;
        public PointOfPresence? Pop { get; set; }
        public List<string> DroppedNeighbours { get; } = [];
    }

    private static Dictionary<string, GmlNode> ReadNodes(GmlList graph, string source, List<SpecError> errors, List<string> warnings)
    {
        var nodes = new Dictionary<string, GmlNode>(StringComparer.Ordinal);
        var order = 0;
        foreach (var value in graph.All("node"))
        {
            var where = $"graph.node[{order}]";
            if (value is not GmlList node)
            {
                errors.Add(Error(source, value.Line, where, "a node must be a list: node [ id 0 label \"Beijing\" … ]"));
                order++;
                continue;
            }
            var id = Text(node["id"]);
            if (id is null)
            {
                errors.Add(Error(source, node.Line, where, "node has no 'id'"));
                order++;
                continue;
            }
            var location = ReadLocation(node, id, where, source, errors);
            var label = Text(node["label"])?.Trim() is { Length: > 0 } text ? text : id;
            if (!nodes.TryAdd(id, new GmlNode(id, order, node.Line, label, location)))
                errors.Add(Error(source, node.Line, where, $"node id {id} is used twice (first at line {nodes[id].Line})"));
            order++;
        }

        var withCoordinates = nodes.Values.Where(n => n.Location is not null).ToList();
        var labelCounts = withCoordinates.GroupBy(n => n.Label, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (var node in withCoordinates)
        {
            var popId = labelCounts[node.Label] > 1 ? $"{node.Label} ({node.GmlId})" : node.Label;
            node.Pop = new PointOfPresence(popId, node.Label, node.Location);
        }
        foreach (var (label, count) in labelCounts.Where(kv => kv.Value > 1).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var ids = withCoordinates.Where(n => n.Label == label).Select(n => $"'{n.Pop!.Id}'");
            warnings.Add($"{count} nodes are labelled '{label}'; they are named {string.Join(", ", ids)}");
        }
        return nodes;
    }

    private static GeoCoordinate? ReadLocation(GmlList node, string id, string where, string source, List<SpecError> errors)
    {
        if (node["Latitude"] is not GmlNumber lat || node["Longitude"] is not GmlNumber lon)
            return null;
        if (Math.Abs(lat.Value) > 90 || Math.Abs(lon.Value) > 180)
        {
            errors.Add(Error(source, lat.Line, where, $"node {id} has Latitude {lat.Text}, Longitude {lon.Text}; expected -90..90 and -180..180"));
            return null;
        }
        return new GeoCoordinate(lat.Value, lon.Value);
    }

    private static ImmutableArray<NetworkLink> ReadLinks(
        GmlList graph, Dictionary<string, GmlNode> nodes, GmlImportOptions options, string source,
        List<SpecError> errors, List<string> warnings)
    {
        // Keyed by the unordered pair of point-of-presence ids, in first-seen order, so merging is deterministic.
        var pairs = new Dictionary<(string, string), (int Count, int Order, GmlNode A, GmlNode B)>();
        var index = 0;
        foreach (var value in graph.All("edge"))
        {
            var where = $"graph.edge[{index++}]";
            if (value is not GmlList edge)
            {
                errors.Add(Error(source, value.Line, where, "an edge must be a list: edge [ source 0 target 1 ]"));
                continue;
            }
            var ends = EdgeEnds.Select(end => (Key: end, Id: Text(edge[end]))).ToList();
            var missing = ends.Where(e => e.Id is null || !nodes.ContainsKey(e.Id)).ToList();
            if (missing.Count > 0)
            {
                foreach (var (end, id) in missing)
                {
                    errors.Add(Error(source, edge.Line, where, id is null
                        ? $"edge has no '{end}'"
                        : $"edge {end} {id} is not the id of any node"));
                }
                continue;
            }
            var (a, b) = (nodes[ends[0].Id!], nodes[ends[1].Id!]);
            if (a.Pop is null || b.Pop is null)
            {
                if (a.Pop is null)
                    a.DroppedNeighbours.Add(b.Label);
                if (b.Pop is null && !ReferenceEquals(a, b))
                    b.DroppedNeighbours.Add(a.Label);
                continue;
            }
            if (ReferenceEquals(a, b))
            {
                warnings.Add($"edge at line {edge.Line} connects '{a.Pop.Id}' to itself; dropped");
                continue;
            }
            var key = string.CompareOrdinal(a.Pop.Id, b.Pop.Id) <= 0 ? (a.Pop.Id, b.Pop.Id) : (b.Pop.Id, a.Pop.Id);
            pairs[key] = pairs.TryGetValue(key, out var seen) ? seen with { Count = seen.Count + 1 } : (1, pairs.Count, a, b);
        }

        foreach (var node in nodes.Values.Where(n => n.Pop is null).OrderBy(n => n.Order))
        {
            var dropped = node.DroppedNeighbours.Count == 0
                ? "it had no links"
                : $"dropped its {Plural(node.DroppedNeighbours.Count, "link")} (to {string.Join(", ", node.DroppedNeighbours)})";
            warnings.Add($"node '{node.Label}' (id {node.GmlId}, line {node.Line}) has no coordinates; skipped, and {dropped}");
        }

        var links = ImmutableArray.CreateBuilder<NetworkLink>();
        var linkIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, (count, _, a, b)) in pairs.OrderBy(p => p.Value.Order))
        {
            // Saturate rather than overflow: the options bound one link, but a file may repeat an edge many times.
            var perLink = options.LinkCapacity.BitsPerSecond;
            var capped = count > NetworkLink.MaxCapacity.BitsPerSecond / perLink;
            var capacity = capped ? NetworkLink.MaxCapacity : new Bandwidth(perLink * count);
            if (count > 1)
                warnings.Add($"{count} parallel links between '{a.Pop!.Id}' and '{b.Pop!.Id}' merged into one link of {capacity}{(capped ? " (the most supported)" : "")}");
            var latency = options.Constants.LinkLatencyMs(a.Location!.Value, b.Location!.Value);
            links.Add(new NetworkLink(UniqueLinkId(a.Pop!.Id, b.Pop!.Id, linkIds), a.Pop.Id, b.Pop.Id, capacity, latency, options.PricePerGb));
        }
        return links.ToImmutable();
    }

    /// <summary>
    /// <c>A-B</c>, or <c>A-B (2)</c>, <c>(3)</c>… when labels containing '-' make it collide with an earlier
    /// link (<c>"X-Y"–"Z"</c> and <c>"X"–"Y-Z"</c>); links come in first-seen edge order, so ids are deterministic.
    /// </summary>
    private static string UniqueLinkId(string a, string b, HashSet<string> taken)
    {
        var id = $"{a}-{b}";
        for (var n = 2; !taken.Add(id); n++)
            id = string.Create(CultureInfo.InvariantCulture, $"{a}-{b} ({n})");
        return id;
    }

    private static string? Text(GmlValue? value) => value switch
    {
        GmlString s => s.Value,
        GmlNumber n => n.Value.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static SpecError Error(string source, int? line, string path, string message) =>
        new(source, line is { } l ? new SourcePosition(l, 1) : null, path, message);
}
