using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Suanwang.Providers.Adapters;
using Suanwang.Server.Access;
using Suanwang.Server.Agents;
using Suanwang.Server.Scheduling;

namespace Suanwang.Server.Api;

/// <summary>
/// Checkpoints kept by the control plane, so work healed off a failed machine resumes elsewhere: an agent uploads the
/// latest contents of a running task's <c>$SUANWANG_CHECKPOINT</c> as a zip (<c>PUT /v1/agents/checkpoints/{task}</c>),
/// and the agent running a later attempt of the same part downloads it (<c>GET</c>) before the task starts. One
/// checkpoint per job part (the newest wins), at most <see cref="MaxBytes"/>; only agents of the provider running a
/// task of that job part may read or write it.
/// </summary>
internal static class CheckpointsApi
{
    /// <summary>The largest checkpoint kept (a checkpoint travels through the control plane; larger ones need replicas on agents).</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    public static void Map(IEndpointRouteBuilder routes)
    {
        var checkpoints = routes.MapGroup("/v1/agents/checkpoints").WithTags("agents").RequireAuthorization(AccessPolicies.ProviderOrOperator);
        checkpoints.MapPut("/{**task}", Upload);
        checkpoints.MapGet("/{**task}", Download);
    }

    /// <summary>Where the checkpoint of a task's job part is kept: <c>{data}/checkpoints/{job}-{part}.zip</c>, whatever the attempt.</summary>
    public static string PathOf(ServerSettings settings, string taskId)
    {
        var (job, part) = TaskIds.JobAndPart(taskId);
        return Path.GetFullPath(Path.Combine(settings.DataDirectory, "checkpoints", $"{job}-{part}.zip"));
    }

    private static async Task<IResult> Upload(string task, HttpContext context, ServerWorld world, AgentAdapter agents, ServerSettings settings, TrustScores trust)
    {
        if (!AgentsApi.MayReport(context, world, agents, trust, task))
            return Problems.NotFound(context, "task", task);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = MaxBytes;
        if (context.Request.ContentLength > MaxBytes)
            return Problems.Result(context, StatusCodes.Status413PayloadTooLarge, "Payload Too Large", $"a checkpoint is at most {MaxBytes:N0} bytes");
        var path = PathOf(settings, task);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        long length;
        try
        {
            var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            await using (file.ConfigureAwait(false))
            {
                await context.Request.Body.CopyToAsync(file, context.RequestAborted).ConfigureAwait(false);
                length = file.Length;
                await file.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }
            if (length > MaxBytes)
                return Problems.Result(context, StatusCodes.Status413PayloadTooLarge, "Payload Too Large", $"a checkpoint is at most {MaxBytes:N0} bytes");
            File.Move(temporary, path, overwrite: true); // a reader sees the old checkpoint or the new one, never half of one
        }
        catch (BadHttpRequestException ex)
        {
            return Problems.Result(context, ex.StatusCode, "Bad Request", ex.Message);
        }
        finally
        {
            File.Delete(temporary);
        }
        string sha256;
        var stored = File.OpenRead(path);
        await using (stored.ConfigureAwait(false))
            sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(stored, context.RequestAborted).ConfigureAwait(false));
        return TypedResults.Json(new { task, bytes = length, sha256 }, Json.Options);
    }

    private static IResult Download(string task, HttpContext context, ServerWorld world, AgentAdapter agents, ServerSettings settings, TrustScores trust)
    {
        if (!AgentsApi.MayReport(context, world, agents, trust, task))
            return Problems.NotFound(context, "task", task);
        var path = PathOf(settings, task);
        return File.Exists(path)
            ? TypedResults.PhysicalFile(path, "application/zip")
            : Problems.NotFound(context, "checkpoint", task);
    }
}
