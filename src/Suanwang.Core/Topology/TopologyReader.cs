using System.Collections.Immutable;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Specs;

namespace Suanwang.Core.Topologies;

/// <summary>
/// Reads a topology file (<c>apiVersion: suanwang/v1</c>, <c>kind: Topology</c>) in YAML or JSON:
/// <c>name</c>, <c>constants</c>, <c>nodes</c> (points of presence), <c>links</c>, <c>providers</c> and
/// <c>sites</c> (the DESIGN §10 site schema). Every error of the file is reported at once, each with
/// its line and field path; model-level problems found by <see cref="Topology.Validate"/> are placed
/// on the line of the field they concern. The format is described in <c>docs/topologies.md</c>.
/// </summary>
public static class TopologyReader
{
    /// <summary>The only <c>apiVersion</c> understood.</summary>
    public const string ApiVersion = SpecHeader.ApiVersion;

    /// <summary>The <c>kind</c> of a topology file.</summary>
    public const string Kind = "Topology";

    /// <summary>Price per GB of a link that does not state one.</summary>
    public static Money DefaultLinkPrice { get; } = new(0, "CNY");

    /// <summary>Reads a topology from <paramref name="text"/>; <paramref name="sourceName"/> labels errors.</summary>
    /// <param name="text">The file contents.</param>
    /// <param name="sourceName">The file name shown in messages (JSON is assumed when it ends in <c>.json</c>).</param>
    /// <param name="isKnownAcceleratorModel">Tells whether an accelerator model is in the device catalogue; null accepts every model.</param>
    public static TopologyReadResult Read(string text, string sourceName, Func<string, bool>? isKnownAcceleratorModel = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sourceName);
        var read = SpecDocumentReader.Read(text, sourceName);
        if (!read.Errors.IsEmpty)
            return new TopologyReadResult(null, read.Errors);
        if (read.Documents.Length != 1)
            return TopologyReadResult.Fail(sourceName, $"expected exactly one document of kind {Kind}, found {read.Documents.Length}");

        var binder = new SpecBinder(sourceName);
        var root = binder.Mapping(read.Documents[0], "");
        if (root is null)
            return new TopologyReadResult(null, [.. binder.Errors]);
        if (!SpecHeader.Check(root, Kind, "a topology"))
            return new TopologyReadResult(null, SpecErrorOrder.Sort(binder.Errors));
        var name = root.Text("name", required: true) ?? "";
        var constants = BindConstants(root.Mapping("constants"));
        var nodes = BindNodes(root);
        var links = BindLinks(root, nodes, constants);
        var providers = BindProviders(root);
        var sites = SiteSpecBinder.BindSites(binder, root.Node("sites"), root.PathOf("sites"));
        root.Done();

        var draft = new TopologyDraft(name, nodes.Nodes, links.Links, sites, providers, constants, nodes.Regions, []);
        var (problems, _) = TopologyValidator.Validate(draft, isKnownAcceleratorModel,
            checkConnectivity: !nodes.AnyDropped && !links.AnyDropped);
        // A field already reported as unreadable holds a placeholder; a model problem there would repeat that error.
        var unreadable = binder.Errors.Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var problem in problems.Where(p => !unreadable.Contains(p.Path)))
            binder.ErrorAt(problem.Path, problem.Message);
        if (!binder.IsValid)
            return new TopologyReadResult(null, SpecErrorOrder.Sort(binder.Errors));
        var (topology, _) = Topology.Create(draft, isKnownAcceleratorModel);
        return new TopologyReadResult(topology, []);
    }

    private static GeoLatency BindConstants(MappingBinder? fields)
    {
        var defaults = GeoLatency.Default;
        if (fields is null)
            return defaults;
        // Ranges (km_per_ms > 0, inflation ≥ 1, hop_ms ≥ 0) are checked by the validator, with the same messages for every source.
        var constants = new GeoLatency(
            fields.Real("km_per_ms") ?? defaults.KmPerMs,
            fields.Real("inflation") ?? defaults.Inflation,
            fields.Real("hop_ms") ?? defaults.HopMs);
        fields.Done();
        return constants;
    }

    private sealed record BoundNodes(
        ImmutableArray<PointOfPresence> Nodes, ImmutableSortedDictionary<string, string> Regions, HashSet<string> Broken, bool AnyDropped);

    private static BoundNodes BindNodes(MappingBinder root)
    {
        var nodes = ImmutableArray.CreateBuilder<PointOfPresence>();
        var regions = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var broken = new HashSet<string>(StringComparer.Ordinal);
        var anyDropped = false;
        foreach (var (item, path) in root.Items("nodes", required: true))
        {
            var errorsBefore = root.Binder.Errors.Count;
            var fields = root.Binder.Mapping(item, path);
            if (fields is null)
            {
                anyDropped = true;
                continue;
            }
            var id = fields.Text("id", required: true);
            var name = fields.Text("name");
            var lat = fields.Real("lat");
            var lon = fields.Real("lon");
            var region = fields.Text("region");
            if (fields.Has("lat") != fields.Has("lon"))
                root.Binder.Error(item, path, $"point of presence '{id}' needs both 'lat' and 'lon', or neither");
            fields.Done();
            if (id is null)
            {
                anyDropped = true;
                continue;
            }
            // A node with errors is kept (without coordinates) so its links do not add "unknown point" noise.
            if (root.Binder.Errors.Count > errorsBefore)
                broken.Add(id);
            var location = lat is { } la && lon is { } lo ? new GeoCoordinate(la, lo) : (GeoCoordinate?)null;
            nodes.Add(new PointOfPresence(id, name ?? id, location));
            if (region is not null)
                regions[id] = region;
        }
        return new BoundNodes(nodes.ToImmutable(), regions.ToImmutable(), broken, anyDropped);
    }

    private sealed record BoundLinks(ImmutableArray<NetworkLink> Links, bool AnyDropped);

    private static BoundLinks BindLinks(MappingBinder root, BoundNodes nodes, GeoLatency constants)
    {
        var byId = nodes.Nodes.GroupBy(n => n.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var links = ImmutableArray.CreateBuilder<NetworkLink>();
        var anyDropped = false;
        foreach (var (item, path) in root.Items("links"))
        {
            var fields = root.Binder.Mapping(item, path);
            if (fields is null)
            {
                anyDropped = true;
                continue;
            }
            var endpoints = fields.Strings("endpoints", required: true);
            var id = fields.Text("id");
            var capacity = fields.Bandwidth("capacity", required: true);
            var latency = fields.Duration("latency");
            var latencyGiven = fields.Has("latency");
            var price = fields.Money("price_per_gb");
            fields.Done();
            if (endpoints.Length != 2)
            {
                if (fields.Has("endpoints"))
                    root.Binder.Error(fields.Node("endpoints"), fields.PathOf("endpoints"), $"a link joins exactly two points of presence, e.g. endpoints: [Beijing, Shanghai]; found {endpoints.Length}");
                anyDropped = true;
                continue;
            }
            var (a, b) = (endpoints[0], endpoints[1]);
            double latencyMs;
            if (latency is { } given)
                latencyMs = given.TotalMilliseconds;
            else if (byId.GetValueOrDefault(a)?.Location is { } la && byId.GetValueOrDefault(b)?.Location is { } lb)
                latencyMs = constants.KmPerMs > 0 ? constants.LinkLatencyMs(la, lb) : 0;
            else
            {
                // Unknown or broken endpoints are reported elsewhere; only a sound endpoint without coordinates is this link's fault.
                var missing = new[] { a, b }.Where(e => byId.ContainsKey(e) && !nodes.Broken.Contains(e) && byId[e].Location is null).ToList();
                if (!latencyGiven && missing.Count > 0)
                    root.Binder.Error(item, path, $"link {a}–{b} needs 'latency' because {string.Join(" and ", missing.Select(m => $"'{m}'"))} has no coordinates to derive it from");
                latencyMs = 0;
            }
            // Placeholders for unreadable values keep the graph whole for the remaining checks; the read fails anyway.
            links.Add(new NetworkLink(id ?? $"{a}-{b}", a, b, capacity ?? new Bandwidth(1), latencyMs,
                price ?? DefaultLinkPrice));
        }
        return new BoundLinks(links.ToImmutable(), anyDropped);
    }

    private static ImmutableArray<Provider> BindProviders(MappingBinder root)
    {
        var providers = ImmutableArray.CreateBuilder<Provider>();
        foreach (var (item, path) in root.Items("providers"))
        {
            var fields = root.Binder.Mapping(item, path);
            if (fields is null)
                continue;
            var id = fields.Text("id", required: true);
            var name = fields.Text("name");
            fields.Done();
            if (id is not null)
                providers.Add(new Provider(id, name ?? id));
        }
        return providers.ToImmutable();
    }
}
