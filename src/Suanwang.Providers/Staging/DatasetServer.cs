using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Suanwang.Providers.Adapters;

namespace Suanwang.Providers.Staging;

/// <summary>
/// Serves the dataset replicas an agent holds to other agents, over HTTP with range requests (so an
/// interrupted transfer resumes where it stopped). Replicas live at <c>{root}/{tenant}/{dataset}/</c>.
/// Every request carries a <see cref="StagingGrant"/> for exactly that tenant and dataset; nothing else
/// is readable, symbolic links are never followed, and the server only reads.
/// </summary>
/// <remarks>
/// <c>GET /v1/data/{tenant}/{dataset}/manifest</c> answers the replica's files (path, size, SHA-256);
/// <c>GET /v1/data/{tenant}/{dataset}/files/{path}</c> answers one file, honouring <c>Range</c>.
/// Errors are RFC 7807 problem details: 401 without a valid grant, 403 for a grant of another dataset,
/// 404 for a dataset or file this agent does not hold.
/// </remarks>
public sealed class DatasetServer
{
    private readonly string _root;
    private readonly Func<ECDsa?> _grantKey;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, (string Stamp, IReadOnlyList<DatasetFile> Files)> _manifests = new(StringComparer.Ordinal);

    /// <summary>Serves replicas under <paramref name="root"/>, checking grants with the key <paramref name="grantKey"/> returns (null while unknown: every request is then refused).</summary>
    public DatasetServer(string root, Func<ECDsa?> grantKey, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(root);
        _root = Path.GetFullPath(root);
        _grantKey = grantKey;
        _clock = clock;
    }

    /// <summary>
    /// The directory of a replica (whether or not it exists): <c>{root}/{tenant}/{segment}</c> with the dataset id as
    /// <see cref="DatasetPaths.Segment"/>; throws <see cref="InvalidDataException"/> for names that are not single path segments.
    /// </summary>
    public string ReplicaDirectory(string tenant, string dataset)
    {
        if (tenant.Contains('/', StringComparison.Ordinal) || dataset.Contains('/', StringComparison.Ordinal))
            throw new InvalidDataException("a tenant or dataset name contains '/'");
        return DatasetPaths.Resolve(_root, $"{tenant}/{dataset}");
    }

    /// <summary>The files of the replica of dataset id <paramref name="dataset"/>, hashed once and again only when a file's size or time changes; null when not held here.</summary>
    public async Task<IReadOnlyList<DatasetFile>?> ManifestAsync(string tenant, string dataset, CancellationToken cancel)
    {
        var directory = ReplicaDirectory(tenant, DatasetPaths.Segment(dataset));
        if (!Directory.Exists(directory))
            return null;
        var stamp = string.Join('|', new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories)
            .OrderBy(f => f.FullName, StringComparer.Ordinal).Select(f => $"{f.FullName}:{f.Length}:{f.LastWriteTimeUtc.Ticks}"));
        if (_manifests.TryGetValue(directory, out var cached) && cached.Stamp == stamp)
            return cached.Files;
        var files = await DatasetManifest.FromDirectoryAsync(directory, cancel).ConfigureAwait(false);
        _manifests[directory] = (stamp, files);
        return files;
    }

    /// <summary>Maps the two endpoints.</summary>
    public void Map(IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/v1/data/{tenant}/{dataset}/manifest", Manifest);
        routes.MapGet("/v1/data/{tenant}/{dataset}/files/{**path}", File);
    }

    /// <summary>Starts a Kestrel server for these endpoints on <paramref name="url"/> (e.g. <c>http://0.0.0.0:7070</c>); the caller stops and disposes it.</summary>
    public async Task<WebApplication> StartAsync(string url, CancellationToken cancel)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        // The embedding process (the agent) owns Ctrl-C and SIGTERM; the default console lifetime would swallow them.
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.Services.AddProblemDetails();
        var app = builder.Build();
        Map(app);
        await app.StartAsync(cancel).ConfigureAwait(false);
        return app;
    }

    private async Task<IResult> Manifest(string tenant, string dataset, HttpContext context)
    {
        if (Authorize(context, tenant, dataset) is { } refused)
            return refused;
        IReadOnlyList<DatasetFile>? files;
        try
        {
            files = await ManifestAsync(tenant, dataset, context.RequestAborted).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            return Problem(StatusCodes.Status409Conflict, "Replica unusable", ex.Message);
        }
        return files is null ? NotHeld(tenant, dataset) : Results.Json(files.Select(f => new { path = f.Path, size = f.Size, sha256 = f.Sha256 }));
    }

    private IResult File(string tenant, string dataset, string path, HttpContext context)
    {
        if (Authorize(context, tenant, dataset) is { } refused)
            return refused;
        string full;
        try
        {
            full = DatasetPaths.Resolve(ReplicaDirectory(tenant, dataset), path);
        }
        catch (InvalidDataException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad path", ex.Message);
        }
        return System.IO.File.Exists(full)
            ? Results.File(full, "application/octet-stream", enableRangeProcessing: true)
            : NotHeld(tenant, dataset, path);
    }

    private IResult? Authorize(HttpContext context, string tenant, string dataset)
    {
        if (_grantKey() is not { } key)
            return Problem(StatusCodes.Status503ServiceUnavailable, "No grant key", "this agent does not yet know the control plane's key");
        var header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : null;
        var (grant, error) = StagingGrant.Verify(token, key, _clock.GetUtcNow());
        if (grant is null)
            return Problem(StatusCodes.Status401Unauthorized, "Unauthorized", error!);
        return grant.Tenant == tenant && DatasetPaths.Segment(grant.Dataset) == dataset
            ? null
            : Problem(StatusCodes.Status403Forbidden, "Forbidden", "the staging grant is for another dataset");
    }

    private static IResult NotHeld(string tenant, string dataset, string? path = null) =>
        Problem(StatusCodes.Status404NotFound, "Not found",
            path is null ? $"no replica of {TaskText.Printable(tenant)}/{TaskText.Printable(dataset)} here" : $"no file '{TaskText.Printable(path)}' in this replica");

    private static IResult Problem(int status, string title, string detail) => Results.Problem(detail, statusCode: status, title: title);
}

/// <summary>A host lifetime that leaves process signals to the process that embeds the host.</summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
