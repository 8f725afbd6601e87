using System.Collections.Immutable;
using System.Globalization;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Specs;
using Suanwang.Core.Topologies;

namespace Suanwang.Simulation.Scenarios;

/// <summary>The outcome of reading a scenario file's text: the spec (when it binds) and the binder holding errors and field positions.</summary>
/// <param name="Spec">
/// The scenario as far as it could be bound, or null when the file could not be parsed at all. Sites that
/// do not bind are left out (see <see cref="SiteIndices"/> and <see cref="SitesInError"/>); datasets,
/// workloads and failures in error stay as placeholders, so indexes match the file and later reference
/// checks still run. The spec is usable only when <see cref="SpecBinder.IsValid"/> holds.
/// </param>
/// <param name="Binder">Errors so far and the position of every field read, for later checks to point into the file.</param>
/// <param name="SiteIndices">For each site of the spec, its index in the file's <c>sites:</c> list (sites with errors are left out of the spec).</param>
public sealed record ScenarioReadResult(ScenarioSpec? Spec, SpecBinder Binder, ImmutableArray<int> SiteIndices)
{
    /// <summary>
    /// Ids of the sites left out of the spec because they have errors (when their id is readable). References
    /// to them are not reported again as unknown sites: the site's own error is the one to fix.
    /// </summary>
    public ImmutableArray<string> SitesInError { get; init; } = [];
}

/// <summary>
/// Binds the text of a scenario file (<c>kind: Scenario</c>, DESIGN §10) into a <see cref="ScenarioSpec"/>,
/// collecting every syntax, unit and unknown-field error with its line. It reads no other file:
/// <see cref="ScenarioLoader"/> resolves the topology, traces and job files it names.
/// </summary>
public static class ScenarioReader
{
    private static readonly ImmutableArray<string> GmlSettings = ["link_capacity", "inflation", "price_per_gb"];

    private static readonly string[] WorkloadSources = ["swf", "generate", "jobs"];

    /// <summary>The only <c>apiVersion</c> understood.</summary>
    public const string ApiVersion = SpecHeader.ApiVersion;

    /// <summary>The synthetic workload mixes the generator knows.</summary>
    public static ImmutableArray<string> Mixes { get; } = ["ai-training", "inference", "hpc", "analytics", "mixed"];

    /// <summary>Reads <paramref name="text"/>; <paramref name="source"/> labels errors.</summary>
    public static ScenarioReadResult Read(string text, string source)
    {
        var binder = new SpecBinder(source);
        var read = SpecDocumentReader.Read(text, source);
        foreach (var error in read.Errors)
            binder.Error(null, error.Path, error.Message);
        if (!read.Errors.IsEmpty)
            return Failed(binder, read.Errors);
        if (read.Documents.Length != 1)
        {
            binder.Error(null, "", $"expected exactly one document of kind Scenario, found {read.Documents.Length}");
            return new ScenarioReadResult(null, binder, []);
        }
        var root = binder.Mapping(read.Documents[0], "");
        if (root is null)
            return new ScenarioReadResult(null, binder, []);

        if (!SpecHeader.Check(root, "Scenario", "a scenario"))
            return new ScenarioReadResult(null, binder, []);
        var name = root.Text("name", required: true) ?? "";
        var seed = root.LongInteger("seed") ?? 0;
        var horizon = root.Duration("horizon");
        if (horizon is { } h && h <= TimeSpan.Zero)
            binder.ErrorAt("horizon", "the horizon must be positive");
        // 'topology:' left empty means the same as leaving it out: a flat network.
        var topology = BindTopology(root.Node("topology") is SpecScalar { Value: null } ? null : root.Mapping("topology"));
        var sites = ImmutableArray.CreateBuilder<Site>();
        var siteIndices = ImmutableArray.CreateBuilder<int>();
        var sitesInError = ImmutableArray.CreateBuilder<string>();
        var index = 0;
        foreach (var (item, itemPath) in binder.Items(root.Node("sites"), "sites"))
        {
            if (SiteSpecBinder.BindSite(binder, item, itemPath) is { } site)
            {
                sites.Add(site);
                siteIndices.Add(index);
            }
            else if (item is SpecMapping mapping && mapping["id"] is SpecScalar { Value: { } id })
            {
                sitesInError.Add(id);
            }
            index++;
        }
        var datasets = BindDatasets(root);
        var workloads = BindWorkloads(root);
        var failures = BindFailures(root);
        var policies = BindPolicies(root);
        root.Done();

        var spec = new ScenarioSpec(name, seed, horizon, topology, sites.ToImmutable(), datasets, workloads, failures, policies);
        return new ScenarioReadResult(spec, binder, siteIndices.ToImmutable()) { SitesInError = sitesInError.ToImmutable() };
    }

    private static ScenarioReadResult Failed(SpecBinder binder, ImmutableArray<SpecError> errors)
    {
        // Syntax errors carry their own positions; rebuild the binder so they keep them.
        var fresh = new SpecBinder(binder.Source);
        foreach (var e in errors)
            fresh.Error(e.Position is { } p ? new SpecScalar(null, p) : null, e.Path, e.Message);
        return new ScenarioReadResult(null, fresh, []);
    }

    private static ScenarioTopology BindTopology(MappingBinder? fields)
    {
        var gml = new GmlImportOptions();
        var defaults = new ScenarioTopology(null, null, gml.LinkCapacity, gml.Constants.Inflation, gml.PricePerGb);
        if (fields is null)
            return defaults;
        var preset = fields.Text("preset");
        var gmlPath = fields.Text("gml");
        var capacity = fields.Bandwidth("link_capacity");
        var inflation = fields.Real("inflation", min: 1);
        var price = fields.Money("price_per_gb");
        fields.Done();
        if (preset is not null && gmlPath is not null)
            fields.Binder.ErrorAt(fields.PathOf("gml"), "give either 'preset' or 'gml', not both");
        if (preset is not null && !TopologyPresets.Exists(preset))
            fields.Binder.ErrorAt(fields.PathOf("preset"), $"unknown topology preset '{preset}'; known presets: {string.Join(", ", TopologyPresets.Names)}");
        // Out-of-range values fall back to the defaults, which keep the topology loadable, so its own checks do not repeat these errors.
        if (capacity is { BitsPerSecond: 0 })
        {
            fields.Binder.ErrorAt(fields.PathOf("link_capacity"), "link capacity must be positive");
            capacity = null;
        }
        else if (capacity > NetworkLink.MaxCapacity)
        {
            fields.Binder.ErrorAt(fields.PathOf("link_capacity"), $"link capacity {capacity} is more than the {NetworkLink.MaxCapacity} supported");
            capacity = null;
        }
        if (inflation > GeoLatency.MaxInflation)
        {
            fields.Binder.ErrorAt(fields.PathOf("inflation"), string.Create(CultureInfo.InvariantCulture, $"inflation {inflation} is more than {GeoLatency.MaxInflation}; real routes are less than 3 times the great-circle distance"));
            inflation = null;
        }
        if (price is { MinorUnits: < 0 or > NetworkLink.MaxPricePerGbMinorUnits } badPrice)
        {
            fields.Binder.ErrorAt(fields.PathOf("price_per_gb"), $"price per GB {badPrice} is out of range; it must be within 0..{new Money(NetworkLink.MaxPricePerGbMinorUnits, badPrice.Currency)}");
            price = null;
        }
        // Settings that would be silently ignored are errors: the user expects them to change the network.
        var takesGmlSettings = gmlPath is not null || (preset is not null && TopologyPresets.IsGml(preset));
        if (!takesGmlSettings && (preset is null || TopologyPresets.Exists(preset)))
        {
            foreach (var setting in GmlSettings.Where(fields.Has))
            {
                fields.Binder.ErrorAt(fields.PathOf(setting), preset is null
                    ? $"'{setting}' applies to GML topologies; without 'gml' or 'preset' there is no network"
                    : $"'{setting}' applies to GML topologies (gml: or the presets {string.Join(", ", TopologyPresets.GmlNames)}); preset '{preset}' has its own links");
            }
        }
        return new ScenarioTopology(preset, gmlPath, capacity ?? defaults.LinkCapacity, inflation ?? defaults.Inflation, price ?? defaults.PricePerGb);
    }

    private static ImmutableArray<Dataset> BindDatasets(MappingBinder root)
    {
        var result = ImmutableArray.CreateBuilder<Dataset>();
        foreach (var (node, path) in root.Items("datasets"))
        {
            var fields = root.Binder.Mapping(node, path);
            if (fields is null)
                continue;
            var id = fields.Text("id", required: true);
            var size = fields.Size("size", required: true);
            var replicas = fields.Strings("replicas", required: true);
            var jurisdictions = fields.Strings("jurisdictions");
            var owner = fields.Text("owner", required: true);
            fields.Done();
            if (size is { Bytes: 0 })
                root.Binder.ErrorAt(fields.PathOf("size"), "a dataset must have a positive size");
            if (replicas.IsEmpty && fields.Has("replicas"))
                root.Binder.ErrorAt(fields.PathOf("replicas"), $"dataset '{id}' has no replica; list at least one site");
            // Keep every item, with placeholders for fields in error, so later checks address the right index.
            result.Add(new Dataset(id ?? "", owner ?? "", size ?? ByteSize.Zero, replicas, jurisdictions));
        }
        return result.ToImmutable();
    }

    private static ImmutableArray<WorkloadSource> BindWorkloads(MappingBinder root)
    {
        var result = ImmutableArray.CreateBuilder<WorkloadSource>();
        foreach (var (node, path) in root.Items("workloads"))
        {
            var fields = root.Binder.Mapping(node, path);
            if (fields is null)
                continue;
            string[] sources = [.. WorkloadSources.Where(fields.Has)];
            var workload = sources.FirstOrDefault() switch
            {
                "swf" => BindSwf(fields),
                "generate" => BindGenerated(fields),
                "jobs" => new RecordedWorkload(fields.Text("jobs", required: true) ?? ""),
                _ => (WorkloadSource?)null,
            };
            if (sources.Length == 0)
                root.Binder.Error(node, path, "a workload needs one of 'swf', 'generate' or 'jobs'");
            else if (sources.Length > 1)
            {
                root.Binder.Error(node, path, $"a workload has one source; give only one of 'swf', 'generate' or 'jobs', not {string.Join(" and ", sources)}");
                workload = null; // its other fields were read with the first source's, so they are not reported as unknown
            }
            fields.Done();
            // Keep every item (a placeholder when it is in error) so later checks address the right index.
            result.Add(workload ?? new RecordedWorkload(""));
        }
        return result.ToImmutable();
    }

    private static SwfWorkload BindSwf(MappingBinder fields)
    {
        var path = fields.Text("swf", required: true) ?? "";
        var site = fields.Text("site", required: true) ?? "";
        var perNode = fields.WholeNumber("processors_per_node", min: 1) ?? 1;
        var limit = fields.WholeNumber("limit", min: 1);
        return new SwfWorkload(path, site, perNode, limit);
    }

    private static GeneratedWorkload? BindGenerated(MappingBinder outer)
    {
        var fields = outer.Mapping("generate", required: true);
        if (fields is null)
            return null;
        var mix = fields.Text("mix", required: true);
        var jobs = fields.WholeNumber("jobs", required: true, min: 1);
        var rateNode = fields.Node("rate", required: true);
        var rate = rateNode is null ? null : fields.Binder.Parse(rateNode, fields.PathOf("rate"), ParseRate);
        var users = ImmutableSortedDictionary.CreateBuilder<string, double>(StringComparer.Ordinal);
        if (fields.Mapping("users") is { } userFields && fields.Node("users") is SpecMapping userMap)
        {
            foreach (var (key, _) in userMap.Entries)
            {
                if (userFields.Real(key.Value!, min: 0) is { } share)
                    users[key.Value!] = share;
            }
            userFields.Done();
            if (users.Count > 0 && Math.Abs(users.Values.Sum() - 1) > 1e-6)
                fields.Binder.ErrorAt(fields.PathOf("users"), $"user shares add up to {users.Values.Sum().ToString("0.###", CultureInfo.InvariantCulture)}; they must add up to 1");
        }
        fields.Done();
        if (mix is not null && !Mixes.Contains(mix))
            fields.Binder.ErrorAt(fields.PathOf("mix"), $"unknown mix '{mix}'; known mixes: {string.Join(", ", Mixes)}");
        return mix is null || jobs is null || rate is null ? null : new GeneratedWorkload(mix, jobs.Value, rate.Value, users.ToImmutable());
    }

    /// <summary>Parses an arrival rate such as <c>20/h</c>, <c>1.5/m</c> or <c>300/d</c> into arrivals per hour.</summary>
    public static ParseResult<double> ParseRate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/', 2, StringSplitOptions.TrimEntries);
        var perHour = parts.Length == 2 ? parts[1] switch { "s" => 3600.0, "m" => 60.0, "h" => 1.0, "d" => 1 / 24.0, _ => double.NaN } : double.NaN;
        if (double.IsNaN(perHour) || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var count) || !double.IsFinite(count))
            return ParseResult.Fail<double>($"'{text}' is not a rate; expected a count per unit such as 20/h (units: s, m, h, d)");
        return count > 0 ? ParseResult.Ok(count * perHour) : ParseResult.Fail<double>($"rate '{text}' must be positive");
    }

    private static ImmutableArray<FailureSpec> BindFailures(MappingBinder root)
    {
        var result = ImmutableArray.CreateBuilder<FailureSpec>();
        foreach (var (node, path) in root.Items("failures"))
        {
            var fields = root.Binder.Mapping(node, path);
            if (fields is null)
                continue;
            var site = fields.Text("site");
            var link = fields.Has("link") ? fields.Strings("link") : [];
            var at = fields.Duration("at", required: true);
            var duration = fields.Duration("for", required: true);
            var capacityNode = fields.Node("capacity");
            var fraction = capacityNode is null ? 0 : fields.Binder.Parse(capacityNode, fields.PathOf("capacity"), ParsePercent);
            fields.Done();
            if ((site is null) == link.IsEmpty)
                root.Binder.Error(node, path, "a failure names either a 'site' or a 'link: [A, B]'");
            else if (!link.IsEmpty && link.Length != 2)
                root.Binder.ErrorAt(fields.PathOf("link"), $"a link is given by its two ends, found {link.Length}");
            else if (site is not null && capacityNode is not null)
                root.Binder.ErrorAt(fields.PathOf("capacity"), "'capacity' applies to link failures only; a site failure takes the whole site down");
            if (duration == TimeSpan.Zero)
                root.Binder.ErrorAt(fields.PathOf("for"), "a failure must last a positive time");
            // Keep every item (a placeholder when it is in error) so later checks address the right index.
            result.Add(site is not null || link.Length != 2
                ? new SiteFailure(site ?? "", at ?? TimeSpan.Zero, duration ?? TimeSpan.Zero)
                : new LinkFailure(link[0], link[1], at ?? TimeSpan.Zero, duration ?? TimeSpan.Zero, fraction ?? 0));
        }
        return result.ToImmutable();
    }

    private static ParseResult<double> ParsePercent(string text)
    {
        var trimmed = text.Trim();
        var ok = trimmed.EndsWith('%') && double.TryParse(trimmed[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) && percent is >= 0 and <= 100;
        return ok ? ParseResult.Ok(double.Parse(trimmed[..^1], CultureInfo.InvariantCulture) / 100) : ParseResult.Fail<double>($"'{text}' is not a percentage from 0% to 100%");
    }

    private static ImmutableArray<string> BindPolicies(MappingBinder root)
    {
        var listed = new List<(string Name, string Path)>();
        var node = root.Node("policies");
        if (node is SpecScalar { Value: { } single })
            listed.Add((single, "policies"));
        else
        {
            // Read item by item (not with Strings) so that an unreadable item does not shift the index of later ones.
            foreach (var (item, path) in root.Binder.Items(node, "policies"))
            {
                if (root.Binder.Text(item, path) is { } name)
                    listed.Add((name, path));
            }
        }
        var policies = ImmutableArray.CreateBuilder<string>();
        foreach (var (name, path) in listed)
        {
            if (!PolicyNames.All.Contains(name))
                root.Binder.ErrorAt(path, $"unknown policy '{name}'; known policies: {string.Join(", ", PolicyNames.All)}");
            else if (policies.Contains(name))
                root.Binder.ErrorAt(path, $"policy '{name}' is listed twice");
            policies.Add(name);
        }
        return policies.Count == 0 ? ["network-aware"] : policies.ToImmutable();
    }
}
