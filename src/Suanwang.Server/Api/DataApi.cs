using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Suanwang.Providers.Staging;
using Suanwang.Server.Access;
using Suanwang.Server.Agents;
using Suanwang.Server.Ledger;
using Suanwang.Server.Scheduling;
using Suanwang.Server.Store;

namespace Suanwang.Server.Api;

/// <summary>
/// Data that lives on agents: an agent registers a finished task's outputs as a dataset of the job's tenant
/// (<c>POST /v1/agents/outputs/{task}</c>), and a tenant asks for a grant to read one of its datasets from the
/// agents holding it (<c>POST /v1/datasets/{id}/grants</c>), which <c>suanwang dataset fetch</c> uses.
/// </summary>
internal static class DataApi
{
    /// <summary>How long a tenant's grant to read a dataset lasts.</summary>
    public static readonly TimeSpan TenantGrantLifetime = TimeSpan.FromHours(1);

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/agents/outputs/{**task}", RegisterOutputs).WithTags("agents").RequireAuthorization(AccessPolicies.ProviderOrOperator);
        routes.MapPost("/v1/datasets/{id}/grants", Grant).WithTags("datasets").RequireAuthorization(AccessPolicies.TenantOrOperator);
    }

    private static async Task<IResult> RegisterOutputs(string task, HttpContext context, ServerWorld world, AgentAdapter agents, ControlStore store, TrustScores trust)
    {
        if (!AgentsApi.MayReport(context, world, agents, trust, task) || agents.RequestOf(task) is not { } request)
            return Problems.NotFound(context, "task", task);
        var (document, problem) = await Documents.ReadAsync<OutputsDocument>(context, "outputs").ConfigureAwait(false);
        if (problem is not null)
            return problem;
        try
        {
            DatasetManifest.Check(document!.Files);
        }
        catch (InvalidDataException ex)
        {
            return Problems.BadRequest(context, $"files: {ex.Message}");
        }
        var bytes = document.Files.Sum(f => f.Size);
        if (request.OutputSize is { Bytes: var declared } && bytes > declared)
            return Problems.BadRequest(context, $"the outputs hold {bytes:N0} bytes, more than the {declared:N0} the job declared");
        var id = DatasetPaths.OutputDataset(task);
        var dataset = new DatasetDocument($"{bytes.ToString(CultureInfo.InvariantCulture)}B", [request.SiteId], null, document.Files);
        var stored = await store.PutObjectAsync("datasets", Registry.QualifiedDataset(request.Tenant, id), request.Tenant,
            JsonSerializer.Serialize(dataset, Json.Options), null, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Json(new { dataset = id, owner = request.Tenant, version = stored.Version, files = document.Files.Count, bytes }, Json.Options);
    }

    private static async Task<IResult> Grant(string id, HttpContext context, ControlStore store, AgentAdapter agents, LedgerSigner signer, TimeProvider clock, TrustScores trust)
    {
        var caller = Caller.From(context.User);
        var owner = caller.IsOperator ? context.Request.Query["tenant"].ToString() : caller.Subject;
        var stored = owner.Length == 0 ? null : await store.FindObjectAsync("datasets", Registry.QualifiedDataset(owner, id), context.RequestAborted).ConfigureAwait(false);
        if (stored is null)
        {
            trust.Violation(caller.Principal, $"asked to read unknown or foreign dataset {id}");
            return Problems.NotFound(context, "dataset", id);
        }
        var dataset = DatasetDocument.Read(stored.Body);
        var sources = dataset.Replicas.Select(site => new { site, urls = agents.DataSources(site) }).Where(s => s.urls.Count > 0).ToList();
        if (sources.Count == 0)
            return Problems.Result(context, StatusCodes.Status409Conflict, "Conflict", $"no live agent serves a replica of '{id}' (replicas at {string.Join(", ", dataset.Replicas)})");
        var expires = clock.GetUtcNow().Add(TenantGrantLifetime);
        var grant = signer.SignGrant(new StagingGrant(owner, id, $"tenant:{caller.Principal}", expires.ToUnixTimeSeconds()));
        return TypedResults.Json(new { dataset = id, tenant = owner, files = dataset.Files, sources, grant, expires }, Json.Options);
    }
}

/// <summary>What an agent registers after a task: <c>{ "files": [{ "path", "size", "sha256" }, …] }</c> (files under the task's <c>outputs/</c>).</summary>
/// <param name="Files">The output files.</param>
public sealed record OutputsDocument(IReadOnlyList<DatasetFile> Files);
