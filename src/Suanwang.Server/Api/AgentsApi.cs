using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Suanwang.Providers.Adapters;
using Suanwang.Server.Access;
using Suanwang.Server.Agents;
using Suanwang.Server.Scheduling;

namespace Suanwang.Server.Api;

/// <summary>
/// <c>/v1/agents</c>: what a <c>suanwang agent</c> calls with its provider token. It pulls the work of its
/// pool (tasks to run, tasks to stop) — which also attaches the pool and proves the agent alive — then
/// reports each task's phase and streams its output. An agent reaches only pools of its own provider's
/// sites; anything else answers 404.
/// </summary>
internal static class AgentsApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var agents = routes.MapGroup("/v1/agents").WithTags("agents").RequireAuthorization(AccessPolicies.ProviderOrOperator);
        agents.MapPut("/pools/{site}/{name}", RegisterPool);
        agents.MapPost("/pull/{**pool}", Pull);
        agents.MapPost("/reports", Report);
        agents.MapPost("/logs/{**task}", Log);
    }

    private static async Task<IResult> RegisterPool(string site, string name, HttpContext context, AgentPoolRegistry pools, TrustScores trust)
    {
        var (document, problem) = await Documents.ReadAsync<AgentPoolDocument>(context, "pool registration").ConfigureAwait(false);
        if (problem is not null)
            return problem;
        var caller = Caller.From(context.User);
        var outcome = await pools.RegisterAsync(caller, site, name, document!, context.RequestAborted).ConfigureAwait(false);
        switch (outcome.Status)
        {
            case StatusCodes.Status404NotFound:
                trust.Violation(caller.Principal, $"agent registration on unknown or foreign site {site}");
                return Problems.NotFound(context, "site", site);
            case StatusCodes.Status400BadRequest:
                return Problems.BadRequest(context, outcome.Detail!, outcome.Errors is null ? null : new Dictionary<string, object?> { ["errors"] = outcome.Errors });
            case StatusCodes.Status409Conflict:
                return Problems.Result(context, StatusCodes.Status409Conflict, "Conflict", outcome.Detail!);
            default:
                return TypedResults.Json(new { pool = outcome.PoolId, site, site_created = outcome.SiteCreated, version = outcome.Version }, Json.Options, statusCode: outcome.Status);
        }
    }

    private static IResult Pull(string pool, HttpContext context, ServerWorld world, AgentAdapter adapter, TrustScores trust)
    {
        var caller = Caller.From(context.User);
        if (world.Topology.FindPool(pool) is not { } known || !(caller.IsOperator || world.Topology.FindSite(known.SiteId)?.ProviderId == caller.Subject))
        {
            trust.Violation(caller.Principal, $"agent pull for unknown or foreign pool {pool}");
            return Problems.NotFound(context, "pool", pool);
        }
        if (context.Request.Query["data_url"].ToString() is { Length: > 0 } advertised)
        {
            if (advertised.Length > 2000 || !Uri.TryCreate(advertised, UriKind.Absolute, out var dataUrl) || dataUrl.Scheme is not ("http" or "https"))
                return Problems.BadRequest(context, "data_url must be an absolute http:// or https:// address of at most 2,000 characters");
            adapter.AdvertiseData(known.Id, dataUrl);
        }
        try
        {
            var work = adapter.Pull(known.Id, known.SiteId);
            return TypedResults.Json(work, Json.Options);
        }
        catch (InvalidOperationException ex)
        {
            return Problems.Result(context, StatusCodes.Status409Conflict, "Conflict", ex.Message);
        }
    }

    private static async Task<IResult> Report(HttpContext context, ServerWorld world, AgentAdapter adapter, TrustScores trust)
    {
        var (report, problem) = await Documents.ReadAsync<AgentReportDocument>(context, "report").ConfigureAwait(false);
        if (problem is not null)
            return problem;
        if (!Enum.TryParse<TaskPhase>(report!.Phase, ignoreCase: true, out var phase) || phase is TaskPhase.Unknown or TaskPhase.Queued || char.IsDigit(report.Phase[0]))
            return Problems.BadRequest(context, $"phase '{report.Phase}' is not one of running, succeeded, failed, cancelled");
        if (report.Message is { Length: > 4000 })
            return Problems.BadRequest(context, "message is longer than 4,000 characters");
        if (!MayReport(context, world, adapter, trust, report.TaskId))
            return Problems.NotFound(context, "task", report.TaskId);
        adapter.Report(report.TaskId, phase, report.ExitCode, report.Message);
        (context.RequestServices.GetService(typeof(SchedulingLoop)) as SchedulingLoop)?.Trigger(); // fold the report into the job now
        return TypedResults.Json(new { task_id = report.TaskId, phase = phase.ToString().ToLowerInvariant() }, Json.Options);
    }

    private static async Task<IResult> Log(string task, HttpContext context, ServerWorld world, AgentAdapter adapter, TrustScores trust)
    {
        if (!MayReport(context, world, adapter, trust, task))
            return Problems.NotFound(context, "task", task);
        var (text, problem) = await RequestBody.ReadTextAsync(context).ConfigureAwait(false);
        if (problem is not null)
            return problem;
        adapter.AppendLog(task, text!);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Whether the caller may act for <paramref name="taskId"/>: the agent adapter was given the task, on a pool of the
    /// caller's provider (or the caller is an operator). A refusal counts against the caller's trust; callers answer 404.
    /// </summary>
    internal static bool MayReport(HttpContext context, ServerWorld world, AgentAdapter adapter, TrustScores trust, string taskId)
    {
        var caller = Caller.From(context.User);
        var pool = adapter.PoolOf(taskId);
        var site = pool is null ? null : world.Topology.FindPool(pool) is { } p ? world.Topology.FindSite(p.SiteId) : null;
        if (site is not null && (caller.IsOperator || site.ProviderId == caller.Subject))
            return true;
        trust.Violation(caller.Principal, $"agent call for unknown or foreign task {taskId}");
        return false;
    }
}

/// <summary>An agent's report on a task: <c>{ "task_id", "phase": "running" | "succeeded" | "failed" | "cancelled", "exit_code", "message" }</c>.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Phase">Where it is.</param>
/// <param name="ExitCode">The process's exit code once it ended.</param>
/// <param name="Message">Why it failed, or null.</param>
public sealed record AgentReportDocument(string TaskId, string Phase, int? ExitCode, string? Message);
