using System.Collections.Immutable;
using Suanwang.Core.Measurement;
using Suanwang.Core.Model;
using Suanwang.Core.Specs;
using Suanwang.Core.Topologies;

namespace Suanwang.Server;

/// <summary>
/// Sites registered through the API, in the topology file's site format (docs/topologies.md):
/// <c>{ "id", "at", "tier", "jurisdiction", "provider", "pools": [ { "id", "kind", "nodes", "node": {…},
/// "price_per_cu_hour", "pue", "carbon_g_per_kwh" } ] }</c>, read by the same binder as topology files,
/// and checked against the whole network they join (known point of presence, pool values, catalogue).
/// </summary>
public static class SiteDocuments
{
    /// <summary>Reads one site document; the errors carry the same messages as a topology file's.</summary>
    public static (Site? Site, IReadOnlyList<string> Errors) Read(string json)
    {
        var read = SpecDocumentReader.ReadJson(json, "site.json");
        if (!read.Errors.IsEmpty)
            return (null, [.. read.Errors.Select(e => e.ToString())]);
        var binder = new SpecBinder("site.json");
        var site = read.Documents.Length == 1 ? SiteSpecBinder.BindSite(binder, read.Documents[0], "") : null;
        if (!binder.IsValid || site is null)
            return (null, binder.Errors.Count > 0 ? [.. binder.Errors.Select(e => $"{e.Path}: {e.Message}")] : ["expected one site document"]);
        return (site, []);
    }

    /// <summary>
    /// The topology of <paramref name="preset"/> with <paramref name="registered"/> added (or replacing
    /// a site of the same id), or the problems that forbid it.
    /// </summary>
    public static (Topology? Topology, IReadOnlyList<string> Problems) Merge(Topology preset, IEnumerable<Site> registered, DeviceCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(preset);
        ArgumentNullException.ThrowIfNull(catalog);
        var draft = preset.ToDraft();
        var byId = draft.Sites.ToDictionary(s => s.Id, StringComparer.Ordinal);
        foreach (var site in registered)
            byId[site.Id] = site;
        var providers = draft.Providers;
        foreach (var missing in byId.Values.Select(s => s.ProviderId).Distinct(StringComparer.Ordinal)
                     .Where(p => !providers.Any(known => known.Id == p)).Order(StringComparer.Ordinal).ToList())
            providers = providers.Add(new Provider(missing, missing));
        var (topology, problems) = Topology.Create(draft with
        {
            Sites = [.. draft.Sites.Select(s => byId[s.Id]).Concat(byId.Values.Where(s => !draft.Sites.Any(d => d.Id == s.Id)).OrderBy(s => s.Id, StringComparer.Ordinal))],
            Providers = providers,
        }, model => catalog.TryFind(model, out _));
        return (topology, [.. problems.Select(p => p.ToString())]);
    }
}
