using System.Collections.Immutable;
using System.Text.Json;
using Suanwang.Core.Model;
using Suanwang.Server.Scheduling;
using Suanwang.Server.Store;

namespace Suanwang.Server;

/// <summary>
/// What providers and tenants registered through the API, as the scheduling loop needs it: datasets and
/// their replicas (so jobs can name them as inputs), and sites that are down because every one of their
/// pools reports <c>down</c> in its last heartbeat. Stored as objects of kinds <c>datasets</c> and
/// <c>heartbeats</c>; bodies are the API's documents. Each tenant has its own dataset namespace: a
/// dataset is stored and planned as <c>tenant/id</c>, so two tenants may use the same name and one
/// cannot learn that another's exists.
/// </summary>
public sealed class Registry(ControlStore store, ServerWorld world)
{
    /// <summary>The store and world id of a tenant's dataset.</summary>
    public static string QualifiedDataset(string tenant, string id) => $"{tenant}/{id}";

    /// <summary>The most registered objects of one kind read per cycle.</summary>
    public const int MaxObjects = 100_000;

    /// <summary>Every registered dataset.</summary>
    public async Task<IReadOnlyList<Dataset>> DatasetsAsync(CancellationToken cancel)
    {
        var stored = await store.ListObjectsAsync("datasets", null, null, MaxObjects, cancel).ConfigureAwait(false);
        return [.. stored.Select(o => DatasetDocument.ToDataset(o.Id, o.Owner!, o.Body))]; // ids are already tenant/id
    }

    /// <summary>Every site registered through the API.</summary>
    public async Task<IReadOnlyList<Site>> SitesAsync(CancellationToken cancel)
    {
        var stored = await store.ListObjectsAsync("sites", null, null, MaxObjects, cancel).ConfigureAwait(false);
        return [.. stored.Select(o => SiteDocuments.Read(o.Body).Site).OfType<Site>()];
    }

    /// <summary>Sites of the world all of whose pools report <c>down</c>.</summary>
    public async Task<IReadOnlyList<string>> DownSitesAsync(CancellationToken cancel)
    {
        var heartbeats = await store.ListObjectsAsync("heartbeats", null, null, MaxObjects, cancel).ConfigureAwait(false);
        if (heartbeats.Count == 0)
            return [];
        var down = heartbeats.Where(h => JsonDocument.Parse(h.Body).RootElement.GetProperty("health").GetString() == "down")
            .Select(h => h.Id).ToHashSet(StringComparer.Ordinal);
        return [.. world.Topology.Sites.Where(s => s.Pools.Length > 0 && s.Pools.All(p => down.Contains(p.Id))).Select(s => s.Id)];
    }
}

/// <summary>
/// A dataset as registered: <c>{ "size": "40TB", "replicas": ["site", …], "jurisdictions": ["CN", …],
/// "files": [{ "path", "size", "sha256" }, …] }</c>.
/// </summary>
/// <param name="Size">Total size with a unit.</param>
/// <param name="Replicas">Sites holding a full replica.</param>
/// <param name="Jurisdictions">Where it may be stored or processed; empty for anywhere.</param>
/// <param name="Files">
/// Its files with their SHA-256 (what <c>suanwang dataset put --from DIR</c> computes), or null. Agents
/// staging the dataset check every byte against these; without them they take the serving replica's own
/// manifest, which catches damage in transit but not a replica that differs from what the tenant registered.
/// </param>
public sealed record DatasetDocument(string Size, IReadOnlyList<string> Replicas, IReadOnlyList<string>? Jurisdictions, IReadOnlyList<Providers.Staging.DatasetFile>? Files = null)
{
    /// <summary>Reads a stored body (validated when stored).</summary>
    public static DatasetDocument Read(string body) => JsonSerializer.Deserialize<DatasetDocument>(body, Json.Options)!;

    /// <summary>The Core dataset a stored body describes (bodies are validated when stored).</summary>
    public static Dataset ToDataset(string id, string owner, string body)
    {
        var document = Read(body);
        return new Dataset(id, owner, Quantity.ParseSize(document.Size).Value, [.. document.Replicas], [.. document.Jurisdictions ?? []]);
    }
}
