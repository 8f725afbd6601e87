using System.Collections.Immutable;
using System.Globalization;
using Suanwang.Core.Model;
using Suanwang.Core.Network;

namespace Suanwang.Core.Topologies;

/// <summary>
/// Checks a <see cref="TopologyDraft"/> and reports every problem with a topology-file path, so a
/// reader can place each one on a line. Checks that need a well-formed graph (connectivity) run only
/// when the nodes and links themselves are sound, to avoid a cascade of follow-on messages.
/// </summary>
internal static class TopologyValidator
{
    /// <summary>Most nodes in one pool; the largest supercomputers have about 10⁵, so 10⁷ only catches typos and keeps sums far inside a long.</summary>
    internal const int MaxPoolNodes = 10_000_000;

    /// <summary>Most CPU cores per node.</summary>
    internal const int MaxCoresPerNode = 100_000;

    /// <summary>Most accelerators per node.</summary>
    internal const int MaxAcceleratorsPerNode = 1_024;

    /// <summary>Largest power usage effectiveness; real facilities lie between 1.05 and about 2.5.</summary>
    internal const double MaxPue = 5;

    /// <summary>Largest carbon intensity in g CO₂e per kWh; coal-fired electricity is about 1,000.</summary>
    internal const double MaxCarbonGramsPerKwh = 5_000;

    /// <summary>How many ids of one component a disconnection message lists before "…".</summary>
    private const int ComponentPreview = 6;

    /// <param name="draft">The parts to check.</param>
    /// <param name="isKnownAcceleratorModel">Catalogue lookup; null accepts every model.</param>
    /// <param name="checkConnectivity">False when a reader dropped unreadable nodes or links, which would make the graph look disconnected.</param>
    public static (ImmutableArray<TopologyProblem> Problems, NetworkGraph? Network) Validate(
        TopologyDraft draft, Func<string, bool>? isKnownAcceleratorModel, bool checkConnectivity = true)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var problems = new List<TopologyProblem>();
        var constantsValid = CheckConstants(draft.Constants, problems);
        var nodeIds = CheckNodes(draft.Nodes, problems);
        CheckLinks(draft.Links, nodeIds, constantsValid, problems);
        var graphProblems = problems.Count;
        var providerIds = CheckProviders(draft.Providers, problems);
        CheckSites(draft, nodeIds, providerIds, isKnownAcceleratorModel, problems);

        NetworkGraph? network = null;
        if (graphProblems == 0)
        {
            var (graph, errors) = NetworkGraph.Create(draft.Nodes, draft.Links);
            problems.AddRange(errors.Select(e => new TopologyProblem("links", e)));
            network = graph;
            if (checkConnectivity && graph is not null && graph.Components() is { Count: > 1 } components)
                problems.Add(new TopologyProblem("links", DisconnectedMessage(components)));
        }
        return ([.. problems], problems.Count == 0 ? network : null);
    }

    /// <summary>"network is disconnected: 2 components: {A, B, …} and {X}".</summary>
    internal static string DisconnectedMessage(IReadOnlyList<IReadOnlyList<string>> components)
    {
        var parts = components.Select(c => "{" + string.Join(", ", c.Take(ComponentPreview)) + (c.Count > ComponentPreview ? $", … ({c.Count} in all)" : "") + "}").ToList();
        var listed = parts.Count == 1 ? parts[0] : $"{string.Join(", ", parts.Take(parts.Count - 1))} and {parts[^1]}";
        return $"network is disconnected: {components.Count} components: {listed}; every point of presence must be reachable from every other, so add links between them";
    }

    private static bool CheckConstants(GeoLatency constants, List<TopologyProblem> problems)
    {
        var found = constants.Problems();
        problems.AddRange(found.Select(p => new TopologyProblem($"constants.{p.Field}", p.Message)));
        return found.Count == 0;
    }

    private static HashSet<string> CheckNodes(ImmutableArray<PointOfPresence> nodes, List<TopologyProblem> problems)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Length; i++)
        {
            var node = nodes[i];
            if (string.IsNullOrWhiteSpace(node.Id))
                problems.Add(new($"nodes[{i}].id", "a point of presence needs a non-empty id"));
            else if (!ids.Add(node.Id))
                problems.Add(new($"nodes[{i}].id", $"point of presence '{node.Id}' is defined twice"));
            if (node.Location is { } location)
            {
                if (!(Math.Abs(location.Latitude) <= 90))
                    problems.Add(new($"nodes[{i}].lat", $"point of presence '{node.Id}' has latitude {Format(location.Latitude)}; it must be within -90..90"));
                if (!(Math.Abs(location.Longitude) <= 180))
                    problems.Add(new($"nodes[{i}].lon", $"point of presence '{node.Id}' has longitude {Format(location.Longitude)}; it must be within -180..180"));
            }
        }
        return ids;
    }

    // constantsValid is false when the latency constants are out of range: latencies derived from them would only repeat that error.
    private static void CheckLinks(ImmutableArray<NetworkLink> links, HashSet<string> nodeIds, bool constantsValid, List<TopologyProblem> problems)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < links.Length; i++)
        {
            var link = links[i];
            var path = $"links[{i}]";
            if (!ids.Add(link.Id))
                problems.Add(new($"{path}.id", $"link '{link.Id}' is defined twice; give parallel links distinct ids"));
            foreach (var end in new[] { link.A, link.B }.Distinct())
            {
                if (!nodeIds.Contains(end))
                    problems.Add(new($"{path}.endpoints", $"link '{link.Id}' ends at unknown point of presence '{end}'"));
            }
            if (link.A == link.B)
                problems.Add(new($"{path}.endpoints", $"link '{link.Id}' connects '{link.A}' to itself"));
            if (link.Capacity.BitsPerSecond <= 0)
                problems.Add(new($"{path}.capacity", $"link '{link.Id}' has capacity {link.Capacity}; it must be positive"));
            else if (link.Capacity > NetworkLink.MaxCapacity)
                problems.Add(new($"{path}.capacity", $"link '{link.Id}' has capacity {link.Capacity}; at most {NetworkLink.MaxCapacity} is supported"));
            if (!(link.LatencyMs >= 0) || !double.IsFinite(link.LatencyMs))
                problems.Add(new($"{path}.latency", $"link '{link.Id}' has latency {Format(link.LatencyMs)} ms; it must be a finite number ≥ 0"));
            else if (link.LatencyMs > PathIndex.MaxLinkLatencyMs && constantsValid)
                problems.Add(new($"{path}.latency", $"link '{link.Id}' has latency {Format(link.LatencyMs)} ms; at most {PathIndex.MaxLinkLatencyMs.ToString("N0", CultureInfo.InvariantCulture)} ms (about 11.6 days) is supported"));
            if (link.PricePerGb.MinorUnits < 0)
                problems.Add(new($"{path}.price_per_gb", $"link '{link.Id}' has price per GB {link.PricePerGb}; it must be ≥ 0"));
            else if (link.PricePerGb.MinorUnits > NetworkLink.MaxPricePerGbMinorUnits)
                problems.Add(new($"{path}.price_per_gb", $"link '{link.Id}' has price per GB {link.PricePerGb}; at most {new Money(NetworkLink.MaxPricePerGbMinorUnits, link.PricePerGb.Currency)} is supported"));
        }
    }

    private static HashSet<string> CheckProviders(ImmutableArray<Provider> providers, List<TopologyProblem> problems)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < providers.Length; i++)
        {
            if (!ids.Add(providers[i].Id))
                problems.Add(new($"providers[{i}].id", $"provider '{providers[i].Id}' is defined twice"));
        }
        return ids;
    }

    private static void CheckSites(
        TopologyDraft draft, HashSet<string> nodeIds, HashSet<string> providerIds,
        Func<string, bool>? isKnownAcceleratorModel, List<TopologyProblem> problems)
    {
        // Sites need a network to sit on. (A scenario without a topology gets one point that every site
        // shares, DESIGN §10; a topology file must say where its sites are.) One error, not one per site.
        if (draft.Nodes.IsEmpty && !draft.Sites.IsEmpty)
            problems.Add(new("nodes", $"the topology has {draft.Sites.Length} site(s) but no points of presence; list at least one node in 'nodes' for the sites to attach to"));
        var siteIds = new HashSet<string>(StringComparer.Ordinal);
        var poolIds = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < draft.Sites.Length; i++)
        {
            var site = draft.Sites[i];
            var path = $"sites[{i}]";
            if (string.IsNullOrWhiteSpace(site.Id))
                problems.Add(new($"{path}.id", "a site needs a non-empty id"));
            else if (!siteIds.Add(site.Id))
                problems.Add(new($"{path}.id", $"site '{site.Id}' is defined twice"));
            if (draft.Nodes.Length > 0)
            {
                if (site.AttachedTo is null)
                    problems.Add(new($"{path}.at", $"site '{site.Id}' needs 'at': the point of presence it attaches to"));
                else if (!nodeIds.Contains(site.AttachedTo))
                    problems.Add(new($"{path}.at", $"site '{site.Id}' is attached to unknown point of presence '{site.AttachedTo}'{Suggest(site.AttachedTo, nodeIds)}"));
            }
            if (providerIds.Count > 0 && !providerIds.Contains(site.ProviderId))
                problems.Add(new($"{path}.provider", $"site '{site.Id}' names unknown provider '{site.ProviderId}'; known providers: {string.Join(", ", providerIds.Order(StringComparer.Ordinal))}"));
            if (string.IsNullOrWhiteSpace(site.Jurisdiction))
                problems.Add(new($"{path}.jurisdiction", $"site '{site.Id}' needs a jurisdiction such as CN"));
            for (var j = 0; j < site.Pools.Length; j++)
            {
                var pool = site.Pools[j];
                var poolPath = $"{path}.pools[{j}]";
                if (string.IsNullOrWhiteSpace(pool.Id))
                    problems.Add(new($"{poolPath}.id", $"a pool of site '{site.Id}' needs a non-empty id"));
                else if (!poolIds.TryAdd(pool.Id, site.Id))
                    problems.Add(new($"{poolPath}.id", $"pool '{pool.Id}' is defined twice (also in site '{poolIds[pool.Id]}')"));
                problems.AddRange(CheckPool(pool, poolPath, isKnownAcceleratorModel));
            }
        }
    }

    /// <summary>The value checks of one pool, with paths under <paramref name="path"/>.</summary>
    internal static IEnumerable<TopologyProblem> CheckPool(Pool pool, string path, Func<string, bool>? isKnownAcceleratorModel)
    {
        var name = $"pool '{pool.Id}'";
        if (pool.NodeCount < 1 || pool.NodeCount > MaxPoolNodes)
            yield return new($"{path}.nodes", Invariant($"{name} has {pool.NodeCount} nodes; it needs 1 to {MaxPoolNodes:N0}"));
        if (pool.Node.Cores < 1 || pool.Node.Cores > MaxCoresPerNode)
            yield return new($"{path}.node.cpu", Invariant($"{name} has {pool.Node.Cores} CPU cores per node; it needs 1 to {MaxCoresPerNode:N0}"));
        if (pool.Node.Memory.Bytes <= 0)
            yield return new($"{path}.node.memory", $"{name} has {pool.Node.Memory} of memory per node; it must be more than zero");
        if (pool.Node.Accelerators is { } accelerators)
        {
            if (accelerators.Count < 1)
                yield return new($"{path}.node.accelerators.count", Invariant($"{name} has {accelerators.Count} accelerators per node; write at least 1, or leave 'accelerators' out for CPU-only nodes"));
            else if (accelerators.Count > MaxAcceleratorsPerNode)
                yield return new($"{path}.node.accelerators.count", Invariant($"{name} has {accelerators.Count} accelerators per node; at most {MaxAcceleratorsPerNode:N0} fit one node"));
            if (isKnownAcceleratorModel is not null && !isKnownAcceleratorModel(accelerators.Model))
                yield return new($"{path}.node.accelerators.model", $"{name} uses accelerator model '{accelerators.Model}', which is not in the device catalogue");
        }
        if (pool.PricePerCuHour.MinorUnits < 0)
            yield return new($"{path}.price_per_cu_hour", $"{name} has price {pool.PricePerCuHour} per CU-hour; it must be ≥ 0");
        if (!(pool.Pue >= 1 && pool.Pue <= MaxPue))
            yield return new($"{path}.pue", $"{name} has PUE {Format(pool.Pue)}; power usage effectiveness (total facility power ÷ IT power) must be within 1..{Format(MaxPue)}");
        if (!(pool.CarbonGramsPerKwh >= 0 && pool.CarbonGramsPerKwh <= MaxCarbonGramsPerKwh))
            yield return new($"{path}.carbon_g_per_kwh", $"{name} has carbon intensity {Format(pool.CarbonGramsPerKwh)} g/kWh; it must be within 0..{MaxCarbonGramsPerKwh.ToString("N0", CultureInfo.InvariantCulture)} (coal-fired electricity is about 1,000)");
    }

    private static string Suggest(string unknown, HashSet<string> known)
    {
        var close = known.Where(k => k.StartsWith(unknown[..Math.Min(3, unknown.Length)], StringComparison.OrdinalIgnoreCase)
                || string.Equals(k.Replace(" ", "", StringComparison.Ordinal), unknown.Replace(" ", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal).Take(5).ToList();
        return close.Count > 0 ? $"; did you mean {string.Join(" or ", close.Select(c => $"'{c}'"))}?" : "";
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Plain digits for ordinary values, exponent form for huge ones (1e300 must not print 301 digits).</summary>
    private static string Format(double value) =>
        value.ToString(Math.Abs(value) < 1e7 ? "0.###" : "0.###E+0", CultureInfo.InvariantCulture);
}
