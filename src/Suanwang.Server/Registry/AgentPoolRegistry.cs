using System.Text.Json;
using System.Text.Json.Nodes;
using Suanwang.Core.Measurement;
using Suanwang.Server.Access;
using Suanwang.Server.Agents;
using Suanwang.Server.Scheduling;
using Suanwang.Server.Store;

namespace Suanwang.Server;

/// <summary>The outcome of an agent's pool registration.</summary>
/// <param name="Status">HTTP status: 200 updated, 201 created, 400, 404 or 409.</param>
/// <param name="Detail">The problem's detail, or null on success.</param>
/// <param name="Errors">Field errors of a 400, or null.</param>
/// <param name="PoolId">The pool registered.</param>
/// <param name="SiteCreated">True when the registration also created the site.</param>
/// <param name="Version">The site document's version after the write.</param>
internal sealed record AgentPoolOutcome(int Status, string? Detail, IReadOnlyList<string>? Errors, string PoolId, bool SiteCreated = false, long Version = 0);

/// <summary>
/// Merges the pool an agent measured into its site's stored document (the <c>sites</c> objects that
/// <c>PUT /v1/sites</c> writes) and into the live world. One registration at a time per server (a lock), and
/// every write names the version it read (optimistic concurrency, retried), so two agents of one site — on this
/// server or another — never lose each other's pool. Re-registering replaces the pool's node shape, kind and
/// prices; other pools of the site are kept as they are. What was measured (CU, grade, GPUs) is stored beside
/// it as an <c>agent-pools</c> object, since the site format has no field for it.
/// </summary>
internal sealed class AgentPoolRegistry(ControlStore store, ServerWorld world, Registry registry, DeviceCatalog catalog) : IDisposable
{
    private const int Attempts = 5;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<AgentPoolOutcome> RegisterAsync(Caller caller, string siteId, string name, AgentPoolDocument document, CancellationToken cancel)
    {
        var poolId = $"{siteId}/{name}";
        var errors = AgentPoolRules.Check(document, name);
        if (errors.Count > 0)
            return new AgentPoolOutcome(400, $"the pool registration has {errors.Count} error(s)", errors, poolId);
        await _gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var stored = await store.FindObjectAsync("sites", siteId, cancel).ConfigureAwait(false);
                JsonObject site;
                if (stored is null)
                {
                    var preset = world.Preset.FindSite(siteId);
                    if (preset is not null && (caller.IsOperator || preset.ProviderId == caller.Subject))
                        return new AgentPoolOutcome(409, $"site '{siteId}' comes from the server's topology preset, whose pools are fixed; register a site of your own with PUT /v1/sites/{{id}}", null, poolId);
                    if (preset is not null || document.Site is null)
                        return new AgentPoolOutcome(404, null, null, poolId);
                    if (caller.IsOperator)
                        return new AgentPoolOutcome(400, "an operator cannot create a site through an agent registration (it would have no provider); PUT /v1/sites/{id} first", null, poolId);
                    site = new JsonObject
                    {
                        ["id"] = siteId, ["at"] = document.Site.At, ["tier"] = document.Site.Tier,
                        ["jurisdiction"] = document.Site.Jurisdiction, ["provider"] = caller.Subject, ["pools"] = new JsonArray(),
                    };
                }
                else
                {
                    if (!caller.IsOperator && stored.Owner != caller.Subject)
                        return new AgentPoolOutcome(404, null, null, poolId);
                    site = JsonNode.Parse(stored.Body) as JsonObject ?? throw new InvalidOperationException($"stored site {siteId} is not a JSON object");
                }
                var pools = site["pools"] as JsonArray ?? [];
                site["pools"] = pools;
                var existing = pools.FirstOrDefault(p => p is JsonObject o && o["id"]?.GetValueKind() == JsonValueKind.String && (string?)o["id"] == poolId);
                if (existing is not null)
                    pools.Remove(existing);
                pools.Add(PoolNode(poolId, document));
                var text = site.ToJsonString();
                var (read, readErrors) = SiteDocuments.Read(text);
                if (read is null)
                    return new AgentPoolOutcome(400, $"the pool does not make a valid site: {readErrors.Count} problem(s)", readErrors, poolId);
                var registered = (await registry.SitesAsync(cancel).ConfigureAwait(false)).Where(s => s.Id != siteId).Append(read).ToList();
                var (_, problems) = SiteDocuments.Merge(world.Preset, registered, catalog);
                if (problems.Count > 0)
                    return new AgentPoolOutcome(400, $"the pool does not fit the network: {problems.Count} problem(s)", problems, poolId);
                StoredObject written;
                try
                {
                    written = await store.PutObjectAsync("sites", siteId, stored?.Owner ?? caller.Subject, text, stored?.Version ?? 0, cancel).ConfigureAwait(false);
                }
                catch (StoreConflictException) when (attempt < Attempts)
                {
                    continue; // another server wrote the site between our read and write: merge again into what it wrote
                }
                var measured = JsonSerializer.Serialize(new
                {
                    pool = poolId, document.Cpu, document.Memory, document.Cu, document.Grade, gpus = document.Gpus ?? [], registered_at = store.Now,
                }, Json.Options);
                await store.PutObjectAsync("agent-pools", poolId, written.Owner, measured, null, cancel).ConfigureAwait(false);
                world.UseRegistry(await registry.DatasetsAsync(cancel).ConfigureAwait(false), registered);
                return new AgentPoolOutcome(stored is null ? 201 : 200, null, null, poolId, stored is null, written.Version);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    // The pool in the topology file's format: one node, the machine's shape, run by an agent.
    private static JsonObject PoolNode(string poolId, AgentPoolDocument document)
    {
        var node = new JsonObject { ["cpu"] = document.Cpu, ["memory"] = document.Memory };
        if (document.Accelerators is { } accelerators)
            node["accelerators"] = new JsonObject { ["model"] = accelerators.Model, ["count"] = accelerators.Count };
        return new JsonObject
        {
            ["id"] = poolId, ["kind"] = document.Kind!.ToLowerInvariant(), ["nodes"] = 1, ["node"] = node,
            ["price_per_cu_hour"] = document.PricePerCuHour, ["pue"] = document.Pue, ["carbon_g_per_kwh"] = document.CarbonGPerKwh,
            ["access"] = "agent",
        };
    }

    /// <inheritdoc/>
    public void Dispose() => _gate.Dispose();
}
