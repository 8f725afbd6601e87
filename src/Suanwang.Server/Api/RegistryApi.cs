using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Suanwang.Core.Measurement;
using Suanwang.Core.Model;
using Suanwang.Server.Access;
using Suanwang.Server.Scheduling;
using Suanwang.Server.Store;

namespace Suanwang.Server.Api;

/// <summary>
/// The federation's registry under <c>/v1</c>: sites, pools and links of the network (read by any token;
/// the network is what every party plans against), pool heartbeats (the owning provider), link probe
/// results (providers and the operator), datasets and their replicas (the owning tenant), tenants and
/// providers (the operator). A provider sees and heartbeats only its own pools; a tenant only its own
/// datasets; anything else answers 404 like a missing object.
/// </summary>
internal static class RegistryApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var v1 = routes.MapGroup("/v1").WithTags("registry").RequireAuthorization();
        v1.MapGet("/sites", (ServerWorld world) => TypedResults.Json(world.Topology.Sites.Select(SiteView).ToArray(), Json.Options));
        v1.MapGet("/sites/{id}", (string id, HttpContext context, ServerWorld world) =>
            world.Topology.FindSite(id) is { } site ? TypedResults.Json(SiteView(site), Json.Options) : Problems.NotFound(context, "site", id));
        v1.MapPut("/sites/{id}", PutSite).RequireAuthorization(AccessPolicies.ProviderOrOperator);
        v1.MapGet("/pools/{**id}", Pool);
        v1.MapPost("/heartbeats/{**pool}", Heartbeat).RequireAuthorization(AccessPolicies.ProviderOrOperator);
        v1.MapGet("/links", (ServerWorld world) => TypedResults.Json(world.Topology.Network.Links.Select(l => new
        {
            id = l.Id, a = l.A, b = l.B, capacity_gbps = l.Capacity.BitsPerSecond / 1e9, latency_ms = l.LatencyMs, price_per_gb = l.PricePerGb.ToString(),
        }).ToArray(), Json.Options));
        v1.MapPost("/links/probes", Probe).RequireAuthorization(AccessPolicies.ProviderOrOperator);
        v1.MapPut("/datasets/{id}", PutDataset).RequireAuthorization(AccessPolicies.TenantOrOperator);
        v1.MapGet("/datasets", ListDatasets).RequireAuthorization(AccessPolicies.TenantOrOperator);
        v1.MapGet("/datasets/{id}", GetDataset).RequireAuthorization(AccessPolicies.TenantOrOperator);
        v1.MapPut("/tenants/{id}", (string id, HttpContext c, ControlStore s) => PutNamed(id, "tenants", c, s)).RequireAuthorization(AccessPolicies.Operator);
        v1.MapPut("/providers/{id}", (string id, HttpContext c, ControlStore s) => PutNamed(id, "providers", c, s)).RequireAuthorization(AccessPolicies.Operator);
        v1.MapGet("/tenants", (ControlStore s, CancellationToken ct) => ListNamed("tenants", s, ct)).RequireAuthorization(AccessPolicies.Operator);
        v1.MapGet("/providers", (ControlStore s, CancellationToken ct) => ListNamed("providers", s, ct)).RequireAuthorization(AccessPolicies.Operator);
    }

    private static object SiteView(Site site) => new
    {
        id = site.Id, tier = site.Tier.ToString().ToLowerInvariant(), jurisdiction = site.Jurisdiction, provider = site.ProviderId,
        point_of_presence = site.AttachedTo, pools = site.Pools.Select(p => p.Id).ToArray(),
    };

    private static async Task<IResult> PutSite(string id, HttpContext context, ServerWorld world, ControlStore store, Registry registry, DeviceCatalog catalog)
    {
        var caller = Caller.From(context.User);
        if (context.Request.ContentType?.Split(';')[0].Trim() is not "application/json")
            return Problems.Result(context, StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type", "send the site as application/json");
        var (text, problem) = await RequestBody.ReadTextAsync(context).ConfigureAwait(false);
        if (problem is not null)
            return problem;
        var (site, errors) = SiteDocuments.Read(text!);
        if (site is null)
            return Problems.BadRequest(context, $"the site has {errors.Count} error(s)", new Dictionary<string, object?> { ["errors"] = errors });
        if (site.Id != id)
            return Problems.BadRequest(context, $"the document's id '{site.Id}' is not the one in the path ('{id}')");
        if (!caller.IsOperator && site.ProviderId != caller.Subject)
            return Problems.Result(context, StatusCodes.Status403Forbidden, "Forbidden", $"a provider registers its own sites: provider must be '{caller.Subject}'");
        if (world.Topology.FindSite(id) is { } existing && existing.ProviderId != site.ProviderId && !caller.IsOperator)
            return Problems.Result(context, StatusCodes.Status403Forbidden, "Forbidden", $"site '{id}' belongs to another provider");
        var registered = (await registry.SitesAsync(context.RequestAborted).ConfigureAwait(false)).Where(s => s.Id != id).Append(site).ToList();
        var (_, problems) = SiteDocuments.Merge(world.Preset, registered, catalog);
        if (problems.Count > 0)
            return Problems.BadRequest(context, $"the site does not fit the network: {problems.Count} problem(s)", new Dictionary<string, object?> { ["errors"] = problems });
        var previous = await store.FindObjectAsync("sites", id, context.RequestAborted).ConfigureAwait(false);
        if (previous is not null && previous.Owner != site.ProviderId && !caller.IsOperator)
            return Problems.Result(context, StatusCodes.Status403Forbidden, "Forbidden", $"site '{id}' belongs to another provider");
        await store.PutObjectAsync("sites", id, previous?.Owner ?? site.ProviderId, text!, null, context.RequestAborted).ConfigureAwait(false);
        world.UseRegistry(await registry.DatasetsAsync(context.RequestAborted).ConfigureAwait(false), registered);
        return TypedResults.Json(SiteView(world.Topology.FindSite(id)!), Json.Options, statusCode: previous is null ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static async Task<IResult> Pool(string id, HttpContext context, ServerWorld world, ControlStore store, TrustScores trust)
    {
        var caller = Caller.From(context.User);
        if (world.Topology.FindPool(id) is not { } pool || !MayManage(caller, world, pool))
        {
            trust.Violation(caller.Principal, $"asked for unknown or foreign pool {id}");
            return Problems.NotFound(context, "pool", id);
        }
        var heartbeat = await store.FindObjectAsync("heartbeats", pool.Id, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Json(new
        {
            id = pool.Id, site = pool.SiteId, kind = pool.Kind.ToString().ToLowerInvariant(), nodes = pool.NodeCount,
            node = new { cpu = pool.Node.Cores, memory = pool.Node.Memory.ToString(), accelerators = pool.Node.Accelerators?.ToString() },
            price_per_cu_hour = pool.PricePerCuHour.ToString(), pue = pool.Pue, carbon_g_per_kwh = pool.CarbonGramsPerKwh,
            heartbeat = heartbeat is null ? (System.Text.Json.JsonElement?)null : System.Text.Json.JsonDocument.Parse(heartbeat.Body).RootElement.Clone(),
        }, Json.Options);
    }

    // Providers see their own pools only (in the network view, sites are public; pool details and heartbeats are not).
    private static bool MayManage(Caller caller, ServerWorld world, Pool pool) =>
        caller.IsOperator || (caller.Role == Role.Provider && world.Topology.FindSite(pool.SiteId)?.ProviderId == caller.Subject);

    private static async Task<IResult> Heartbeat(string pool, HttpContext context, ServerWorld world, ControlStore store, TrustScores trust)
    {
        var caller = Caller.From(context.User);
        if (world.Topology.FindPool(pool) is not { } known || !MayManage(caller, world, known))
        {
            trust.Violation(caller.Principal, $"heartbeat for unknown or foreign pool {pool}");
            return Problems.NotFound(context, "pool", pool);
        }
        var (beat, problem) = await Documents.ReadAsync<HeartbeatDocument>(context, "heartbeat").ConfigureAwait(false);
        if (problem is not null)
            return problem;
        if (beat!.Health is not ("ok" or "degraded" or "down"))
            return Problems.BadRequest(context, $"health '{beat.Health}' is not one of ok, degraded, down");
        if (beat.FreeNodes < 0 || beat.FreeNodes > known.NodeCount)
            return Problems.BadRequest(context, $"free_nodes {beat.FreeNodes} is outside 0–{known.NodeCount} (the pool's nodes)");
        var body = System.Text.Json.JsonSerializer.Serialize(new { beat.FreeNodes, beat.Health, received_at = store.Now }, Json.Options);
        var stored = await store.PutObjectAsync("heartbeats", known.Id, world.Topology.FindSite(known.SiteId)!.ProviderId, body, null, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Json(new { pool = known.Id, version = stored.Version }, Json.Options);
    }

    private static async Task<IResult> Probe(HttpContext context, ServerWorld world, ControlStore store)
    {
        var (probe, problem) = await Documents.ReadAsync<ProbeDocument>(context, "probe").ConfigureAwait(false);
        if (problem is not null)
            return problem;
        var link = world.Topology.Network.Links.FirstOrDefault(l => (l.A == probe!.From && l.B == probe.To) || (l.A == probe.To && l.B == probe.From));
        if (link is null)
            return Problems.BadRequest(context, $"no link joins '{probe!.From}' and '{probe.To}' (GET /v1/links lists them)");
        if (!(probe!.LatencyMs > 0 && probe.LatencyMs < 10_000))
            return Problems.BadRequest(context, $"latency_ms {probe.LatencyMs} is outside (0, 10000)");
        if (probe.Bandwidth is { } bandwidth && !Quantity.ParseBandwidth(bandwidth).Success)
            return Problems.BadRequest(context, Quantity.ParseBandwidth(bandwidth).Error!);
        var caller = Caller.From(context.User);
        var body = System.Text.Json.JsonSerializer.Serialize(new { probe.From, probe.To, probe.LatencyMs, probe.Bandwidth, by = caller.Subject, received_at = store.Now }, Json.Options);
        var stored = await store.PutObjectAsync("probes", link.Id, null, body, null, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Json(new { link = stored.Id, version = stored.Version }, Json.Options);
    }

    private static async Task<IResult> PutDataset(string id, HttpContext context, ServerWorld world, ControlStore store, TrustScores trust)
    {
        var caller = Caller.From(context.User);
        var owner = caller.IsOperator ? context.Request.Query["tenant"].ToString() : caller.Subject;
        if (owner.Length == 0)
            return Problems.BadRequest(context, "an operator registering a dataset must name its tenant: PUT /v1/datasets/{id}?tenant=T");
        if (!Documents.IsId(id))
            return Problems.BadRequest(context, $"'{id}' is not a dataset id: 1–100 letters, digits, '-', '_', '.', '/'");
        var (dataset, problem) = await Documents.ReadAsync<DatasetDocument>(context, "dataset").ConfigureAwait(false);
        if (problem is not null)
            return problem;
        var errors = new List<string>();
        if (dataset!.Size is null)
            errors.Add("size: required, e.g. 40TB");
        else if (Quantity.ParseSize(dataset.Size) is { Success: false, Error: var sizeError })
            errors.Add($"size: {sizeError}");
        if (dataset.Replicas is not { Count: > 0 })
            errors.Add("replicas: at least one site holding a full copy");
        foreach (var (replica, i) in (dataset.Replicas ?? []).Select((r, i) => (r, i)))
        {
            if (world.Topology.FindSite(replica) is not { } site)
                errors.Add($"replicas[{i}]: unknown site '{replica}'");
            else if (dataset.Jurisdictions is { Count: > 0 } allowed && !allowed.Contains(site.Jurisdiction))
                errors.Add($"replicas[{i}]: site '{replica}' is in jurisdiction {site.Jurisdiction}, which the dataset does not allow");
        }
        if (dataset.Files is { } files)
        {
            try
            {
                Providers.Staging.DatasetManifest.Check(files);
                if (dataset.Size is not null && Quantity.ParseSize(dataset.Size) is { Success: true, Value: var declared } && files.Sum(f => f.Size) > declared.Bytes)
                    errors.Add($"files: they hold {files.Sum(f => f.Size):N0} bytes, more than the declared size {dataset.Size}");
            }
            catch (InvalidDataException ex)
            {
                errors.Add($"files: {ex.Message}");
            }
        }
        foreach (var (j, i) in (dataset.Jurisdictions ?? []).Select((j, i) => (j, i)))
        {
            if (j.Length != 2 || !j.All(char.IsAsciiLetterUpper))
                errors.Add($"jurisdictions[{i}]: '{j}' is not an upper-case ISO 3166 country code such as CN");
        }
        if (errors.Count > 0)
            return Problems.BadRequest(context, $"the dataset has {errors.Count} error(s)", new Dictionary<string, object?> { ["errors"] = errors });
        var key = Registry.QualifiedDataset(owner, id);
        var existing = await store.FindObjectAsync("datasets", key, context.RequestAborted).ConfigureAwait(false);
        var stored = await store.PutObjectAsync("datasets", key, owner, System.Text.Json.JsonSerializer.Serialize(dataset, Json.Options), null, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Json(new { id, owner, version = stored.Version, dataset }, Json.Options, statusCode: existing is null ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static async Task<IResult> GetDataset(string id, HttpContext context, ControlStore store, TrustScores trust)
    {
        var caller = Caller.From(context.User);
        var owner = caller.IsOperator ? context.Request.Query["tenant"].ToString() : caller.Subject;
        var stored = owner.Length == 0 ? null : await store.FindObjectAsync("datasets", Registry.QualifiedDataset(owner, id), context.RequestAborted).ConfigureAwait(false);
        if (stored is null)
        {
            trust.Violation(caller.Principal, $"asked for unknown or foreign dataset {id}");
            return Problems.NotFound(context, "dataset", id);
        }
        return TypedResults.Json(new { id, owner = stored.Owner, version = stored.Version, dataset = System.Text.Json.JsonDocument.Parse(stored.Body).RootElement.Clone() }, Json.Options);
    }

    private static async Task<IResult> ListDatasets(HttpContext context, ControlStore store)
    {
        var caller = Caller.From(context.User);
        var stored = await store.ListObjectsAsync("datasets", caller.IsOperator ? null : caller.Subject, null, 1000, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Json(stored.Select(o => new { id = o.Id[(o.Owner!.Length + 1)..], owner = o.Owner, version = o.Version, dataset = System.Text.Json.JsonDocument.Parse(o.Body).RootElement.Clone() }).ToArray(), Json.Options);
    }

    private static async Task<IResult> PutNamed(string id, string kind, HttpContext context, ControlStore store)
    {
        if (!Documents.IsId(id))
            return Problems.BadRequest(context, $"'{id}' is not an id: 1–100 letters, digits, '-', '_', '.', '/'");
        var (named, problem) = await Documents.ReadAsync<NamedDocument>(context, kind[..^1]).ConfigureAwait(false);
        if (problem is not null)
            return problem;
        if (named!.DisplayName is { Length: > 200 })
            return Problems.BadRequest(context, "display_name is longer than 200 characters");
        var stored = await store.PutObjectAsync(kind, id, null, System.Text.Json.JsonSerializer.Serialize(named, Json.Options), null, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Json(new { id, version = stored.Version, display_name = named.DisplayName }, Json.Options);
    }

    private static async Task<IResult> ListNamed(string kind, ControlStore store, CancellationToken cancel) =>
        TypedResults.Json((await store.ListObjectsAsync(kind, null, null, 1000, cancel).ConfigureAwait(false))
            .Select(o => new { id = o.Id, version = o.Version, body = System.Text.Json.JsonDocument.Parse(o.Body).RootElement.Clone() }).ToArray(), Json.Options);
}

/// <summary>A pool's heartbeat: <c>{ "free_nodes": 12, "health": "ok" | "degraded" | "down" }</c>.</summary>
/// <param name="FreeNodes">Nodes free now.</param>
/// <param name="Health">The pool's health.</param>
public sealed record HeartbeatDocument(int FreeNodes, string Health);

/// <summary>A link probe result: <c>{ "from": "Beijing", "to": "Shanghai", "latency_ms": 12.5, "bandwidth": "8Gbps" }</c>.</summary>
/// <param name="From">One end (a point of presence).</param>
/// <param name="To">The other end.</param>
/// <param name="LatencyMs">Measured one-way latency.</param>
/// <param name="Bandwidth">Measured available bandwidth, or null.</param>
public sealed record ProbeDocument(string From, string To, double LatencyMs, string? Bandwidth);

/// <summary>A tenant or provider: <c>{ "display_name": "…" }</c>.</summary>
/// <param name="DisplayName">A name for people.</param>
public sealed record NamedDocument(string? DisplayName);
