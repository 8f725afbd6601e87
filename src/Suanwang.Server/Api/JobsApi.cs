using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Suanwang.Core.Measurement;
using Suanwang.Core.Specs;
using Microsoft.Extensions.DependencyInjection;
using Suanwang.Server.Access;
using Suanwang.Server.Scheduling;
using Suanwang.Server.Store;

namespace Suanwang.Server.Api;

/// <summary>
/// <c>/v1/jobs</c>: submit (one spec, or a list as one atomic batch), get, list with filters and paging,
/// cancel, events (JSON or a server-sent-events stream) and the placement explanation. Tenants see only
/// their own jobs; another tenant's job answers 404 exactly like a job that does not exist.
/// </summary>
internal static class JobsApi
{
    /// <summary>The most jobs one request may submit.</summary>
    public const int MaxBatch = 1000;

    public static void Map(IEndpointRouteBuilder routes)
    {
        var jobs = routes.MapGroup("/v1/jobs").WithTags("jobs").RequireAuthorization();
        jobs.MapPost("", Submit).RequireAuthorization(AccessPolicies.TenantOrOperator)
            .Accepts<object>("application/json", "application/yaml")
            .Produces<JobView>(StatusCodes.Status201Created).Produces<JobBatchView>(StatusCodes.Status201Created).ProducesProblem(400);
        jobs.MapGet("", List).Produces<JobPageView>().ProducesProblem(400);
        jobs.MapGet("/{id}", Get).Produces<JobView>().ProducesProblem(404);
        jobs.MapPost("/{id}/cancel", Cancel).RequireAuthorization(AccessPolicies.TenantOrOperator).Produces<JobView>().ProducesProblem(404).ProducesProblem(409);
        jobs.MapGet("/{id}/events", JobEventStream.Handle).Produces<IReadOnlyList<JobEventView>>().ProducesProblem(404);
        jobs.MapGet("/{id}/explanation", Explanation).ProducesProblem(404);
        jobs.MapGet("/{id}/logs", Logs).ProducesProblem(404);
    }

    private static async Task<IResult> Submit(HttpContext context, ControlStore store, DeviceCatalog catalog, TrustScores trust)
    {
        var caller = Caller.From(context.User);
        var tenant = caller.IsOperator ? context.Request.Query["tenant"].ToString() : caller.Subject;
        if (tenant.Length == 0)
            return Problems.BadRequest(context, "an operator submitting a job must name its tenant: POST /v1/jobs?tenant=T");
        var source = context.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant() switch
        {
            "application/json" => "request.json",
            "application/yaml" or "application/x-yaml" or "text/yaml" => "request.yaml",
            var other => null,
        };
        if (source is null)
            return Problems.Result(context, StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type",
                "send the job spec as application/json or application/yaml");
        var (text, problem) = await RequestBody.ReadTextAsync(context).ConfigureAwait(false);
        if (problem is not null)
            return problem;

        if (source == "request.json" && JsonSpecTypes.Check(text!) is { Count: > 0 } typeErrors)
            return Problems.BadRequest(context, $"the job spec has {typeErrors.Count} wrongly typed field(s)", new Dictionary<string, object?>
            {
                ["errors"] = typeErrors.Select(e => new { path = e.Path, line = (int?)null, column = (int?)null, message = e.Message }).ToArray(),
            });
        var read = JobSpecReader.Read(text!, source, model => catalog.TryFind(model, out _));
        if (!read.IsValid)
            return Problems.BadRequest(context, $"the job spec has {read.Errors.Length} error(s)", new Dictionary<string, object?>
            {
                ["errors"] = read.Errors.Select(e => new { path = e.Path, line = e.Position?.Line, column = e.Position?.Column, message = e.Message }).ToArray(),
            });
        var documents = SpecDocumentReader.Read(text!, source).Documents.Where(d => d is not SpecScalar { Value: null }).ToArray();
        var nodes = documents.SelectMany(d => d is SpecSequence list ? list.Items.AsEnumerable() : [d]).ToArray();
        var isBatch = nodes.Length > 1 || documents[0] is SpecSequence;
        if (read.Jobs.Length > MaxBatch)
            return Problems.BadRequest(context, $"{read.Jobs.Length} jobs in one request; at most {MaxBatch}");
        if (read.Jobs.FirstOrDefault(j => j.Tenant is { } named && named != tenant) is { } foreign)
        {
            trust.Violation(caller.Principal, $"submitted a job naming tenant '{foreign.Tenant}'");
            return Problems.BadRequest(context, $"job '{foreign.Demand.Name}' names tenant '{foreign.Tenant}'; the tenant comes from your token ('{tenant}'): omit the field");
        }

        var key = context.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length > 200)
            return Problems.BadRequest(context, "the Idempotency-Key header is longer than 200 characters");
        var submissions = read.Jobs.Select((job, i) => new NewJob(tenant, job.Demand.Name, SpecEnums.Name(job.Demand.Priority),
            SpecJson.Write(nodes[i], "tenant", "submit"), key.Length == 0 ? null : isBatch ? $"{key}#{i}" : key)).ToArray();
        var records = await store.SubmitAsync(submissions, context.RequestAborted).ConfigureAwait(false);
        context.RequestServices.GetRequiredService<ServerMetrics>().Submissions.Inc(records.Count);
        context.RequestServices.GetService<SchedulingLoop>()?.Trigger(); // plan now rather than at the next tick
        if (!isBatch)
            return TypedResults.Json(JobView.From(records[0]), Json.Options, statusCode: StatusCodes.Status201Created);
        return TypedResults.Json(new JobBatchView(records.Select(JobView.From).ToArray()), Json.Options, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> List(HttpContext context, ControlStore store)
    {
        var caller = Caller.From(context.User);
        if (caller.Role == Role.Provider)
            return Problems.Result(context, StatusCodes.Status403Forbidden, "Forbidden", "providers see the tasks assigned to their pools, not the job list");
        var query = context.Request.Query;
        if (query.Keys.FirstOrDefault(k => k is not ("state" or "after" or "limit" or "tenant")) is { } unknown)
            return Problems.BadRequest(context, $"unknown query parameter '{unknown}'; known: state, after, limit, tenant");
        JobState? state = null;
        if (query["state"].ToString() is { Length: > 0 } stateText)
        {
            if (!Enum.TryParse<JobState>(stateText, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || char.IsDigit(stateText[0]))
                return Problems.BadRequest(context, $"state '{stateText}' is not one of pending, placed, running, completed, failed, cancelled");
            state = parsed;
        }
        var limit = 100;
        if (query["limit"].ToString() is { Length: > 0 } limitText && (!int.TryParse(limitText, out limit) || limit is < 1 or > 1000))
            return Problems.BadRequest(context, $"limit '{limitText}' is not a whole number from 1 to 1000");
        var tenant = query["tenant"].ToString();
        if (!caller.IsOperator && tenant.Length > 0 && tenant != caller.Subject)
            return Problems.BadRequest(context, "a tenant token lists only its own jobs; leave out 'tenant'");
        var page = await store.ListJobsAsync(new JobQuery(caller.IsOperator ? (tenant.Length > 0 ? tenant : null) : caller.Subject,
            state, query["after"].ToString() is { Length: > 0 } after ? after : null, limit), context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Json(new JobPageView(page.Jobs.Select(JobView.From).ToArray(), page.Next), Json.Options);
    }

    private static async Task<IResult> Get(string id, HttpContext context, ControlStore store, TrustScores trust) =>
        await Visible(id, context, store, trust).ConfigureAwait(false) is { } job
            ? TypedResults.Json(JobView.From(job), Json.Options)
            : Problems.NotFound(context, "job", id);

    private static async Task<IResult> Cancel(string id, HttpContext context, ControlStore store, TrustScores trust)
    {
        var caller = Caller.From(context.User);
        var (outcome, job) = await store.CancelJobAsync(id, caller.IsOperator ? null : caller.Subject,
            $"cancelled by {caller.Role.ToString().ToLowerInvariant()} {caller.Subject}", context.RequestAborted).ConfigureAwait(false);
        switch (outcome)
        {
            case CancelOutcome.Cancelled:
                return TypedResults.Json(JobView.From(job!), Json.Options);
            case CancelOutcome.AlreadyFinished:
                return Problems.Result(context, StatusCodes.Status409Conflict, "Conflict", $"job '{id}' has already {ControlStore.StateName(job!.State)}");
            default:
                trust.Violation(caller.Principal, $"cancel of unknown or foreign job {id}");
                return Problems.NotFound(context, "job", id);
        }
    }

    private static async Task<IResult> Explanation(string id, HttpContext context, ControlStore store, TrustScores trust)
    {
        if (await Visible(id, context, store, trust).ConfigureAwait(false) is not { } job)
            return Problems.NotFound(context, "job", id);
        return TypedResults.Json(new { id = job.Id, state = ControlStore.StateName(job.State), reason = job.Reason, placement = JobView.From(job).Placement }, Json.Options);
    }

    // Output of one part of the job as its provider's adapter has it: ?part=0&offset=0&max=65536.
    private static async Task<IResult> Logs(string id, HttpContext context, ControlStore store, TrustScores trust)
    {
        if (await Visible(id, context, store, trust).ConfigureAwait(false) is not { } job)
            return Problems.NotFound(context, "job", id);
        var query = context.Request.Query;
        if (!int.TryParse(query["part"].FirstOrDefault() ?? "0", out var part) || part < 0
            || !long.TryParse(query["offset"].FirstOrDefault() ?? "0", out var offset) || offset < 0
            || !int.TryParse(query["max"].FirstOrDefault() ?? "65536", out var max) || max is < 1 or > 1024 * 1024)
            return Problems.BadRequest(context, "part and offset must be whole numbers ≥ 0, max 1–1048576");
        var placement = PlacementJson.Read(job.Placement);
        if (placement is null || part >= placement.Parts.Count)
            return Problems.Result(context, StatusCodes.Status409Conflict, "Conflict", placement is null
                ? $"job '{id}' has not been placed, so it has no output yet"
                : $"job '{id}' has {placement.Parts.Count} part(s); part {part} does not exist");
        var pool = placement.Parts[part].Pool;
        if (context.RequestServices.GetService<ProviderDirectory>()?.For(pool) is not { } adapter)
            return Problems.Result(context, StatusCodes.Status409Conflict, "Conflict", $"no adapter runs pool '{pool}' now");
        try
        {
            var chunk = await adapter.LogsAsync(SchedulingLoop.TaskId(job.Id, placement, part), offset, max, context.RequestAborted).ConfigureAwait(false);
            return TypedResults.Json(new { job = job.Id, part, pool, chunk.Offset, chunk.Text, next_offset = chunk.NextOffset, chunk.Complete }, Json.Options);
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or IOException)
        {
            return Problems.Result(context, StatusCodes.Status502BadGateway, "Bad Gateway", $"the provider of pool '{pool}' did not return the output: {ex.Message}");
        }
    }

    /// <summary>
    /// The job if the caller may see it, else null — and a foreign id costs the same trust as an unknown
    /// one, so probing reveals nothing either way.
    /// </summary>
    public static async Task<JobRecord?> Visible(string id, HttpContext context, ControlStore store, TrustScores trust)
    {
        var caller = Caller.From(context.User);
        var job = id.Length <= 64 ? await store.FindJobAsync(id, context.RequestAborted).ConfigureAwait(false) : null;
        if (job is not null && (caller.IsOperator || (caller.Role == Role.Tenant && job.Tenant == caller.Subject)))
            return job;
        trust.Violation(caller.Principal, $"asked for unknown or foreign job {(id.Length <= 64 ? id : id[..64] + "…")}");
        return null;
    }
}
