using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Suanwang.Providers.Adapters;

namespace Suanwang.Providers.Agent;

/// <summary>The server could not be reached, answered 5xx or 429, or timed out: worth retrying later.</summary>
public sealed class AgentServerUnreachableException : Exception
{
    /// <summary>With a reason.</summary>
    public AgentServerUnreachableException(string message)
        : base(message)
    {
    }

    /// <summary>With a reason and cause.</summary>
    public AgentServerUnreachableException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Without a reason.</summary>
    public AgentServerUnreachableException()
        : base("the server is unreachable")
    {
    }
}

/// <summary>The server refused the agent for good (a bad token, a foreign or unknown site, an invalid registration).</summary>
public sealed class AgentRejectedException : Exception
{
    /// <summary>With a reason.</summary>
    public AgentRejectedException(string message)
        : base(message)
    {
    }

    /// <summary>With a reason and cause.</summary>
    public AgentRejectedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Without a reason.</summary>
    public AgentRejectedException()
        : base("the server refused the agent")
    {
    }
}

/// <summary>An answer of the server: its status and body.</summary>
internal sealed record ServerAnswer(int Status, string Body)
{
    public bool Ok => Status is >= 200 and < 300;

    /// <summary>The problem's detail (RFC 7807) or the body.</summary>
    public string Detail()
    {
        try
        {
            using var json = JsonDocument.Parse(Body);
            var detail = json.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : Body;
            return json.RootElement.TryGetProperty("errors", out var errors) ? $"{detail}: {string.Join("; ", errors.EnumerateArray())}" : detail ?? Body;
        }
        catch (JsonException)
        {
            return Body;
        }
    }
}

/// <summary>What a pull returns: tasks to run (or keep running) and tasks to stop.</summary>
/// <param name="Run">Unfinished tasks assigned to the pool.</param>
/// <param name="Stop">Task ids to stop.</param>
internal sealed record PulledWork(IReadOnlyList<TaskRequest> Run, IReadOnlyList<string> Stop);

/// <summary>The agent's calls to <c>/v1/agents</c> with its provider token.</summary>
internal sealed class AgentServerClient : IDisposable
{
    private readonly HttpClient _http;

    public AgentServerClient(Uri server, string token, HttpMessageHandler? handler, TimeSpan timeout)
    {
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = server;
        _http.Timeout = timeout;
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public Task<ServerAnswer> RegisterAsync(string site, string name, object document, CancellationToken cancel) =>
        SendAsync(HttpMethod.Put, $"/v1/agents/pools/{Uri.EscapeDataString(site)}/{Uri.EscapeDataString(name)}", JsonSerializer.Serialize(document, AgentJson.Options), "application/json", cancel);

    /// <summary>Pulls the pool's work; <paramref name="dataUrl"/> tells the server where this agent serves its replicas.</summary>
    public async Task<(ServerAnswer Answer, PulledWork? Work)> PullAsync(string site, string name, Uri? dataUrl, CancellationToken cancel)
    {
        var query = dataUrl is null ? "" : $"?data_url={Uri.EscapeDataString(dataUrl.ToString())}";
        var answer = await SendAsync(HttpMethod.Post, $"/v1/agents/pull/{Uri.EscapeDataString(site)}/{Uri.EscapeDataString(name)}{query}", null, null, cancel).ConfigureAwait(false);
        if (!answer.Ok)
            return (answer, null);
        var work = JsonSerializer.Deserialize<PulledWork>(answer.Body, AgentJson.Options) ?? new PulledWork([], []);
        return (answer, work with { Run = work.Run ?? [], Stop = work.Stop ?? [] });
    }

    public Task<ServerAnswer> ReportAsync(string taskId, TaskPhase phase, int? exitCode, string? message, CancellationToken cancel) =>
        SendAsync(HttpMethod.Post, "/v1/agents/reports", JsonSerializer.Serialize(new
        {
            task_id = taskId, phase = phase.ToString().ToLowerInvariant(), exit_code = exitCode,
            message = message is { Length: > 4000 } ? message[..3990] + " […]" : message,
        }, AgentJson.Options), "application/json", cancel);

    public Task<ServerAnswer> OutputsAsync(string taskId, IReadOnlyList<Staging.DatasetFile> files, CancellationToken cancel) =>
        SendAsync(HttpMethod.Post, $"/v1/agents/outputs/{Uri.EscapeDataString(taskId)}", JsonSerializer.Serialize(new
        {
            files = files.Select(f => new { path = f.Path, size = f.Size, sha256 = f.Sha256 }),
        }, AgentJson.Options), "application/json", cancel);

    /// <summary>The control plane's public key (it signs staging grants), or null when the server does not say.</summary>
    public async Task<System.Security.Cryptography.ECDsa?> GrantKeyAsync(CancellationToken cancel)
    {
        var answer = await SendAsync(HttpMethod.Get, "/v1/ledger/key", null, null, cancel).ConfigureAwait(false);
        if (!answer.Ok || JsonDocument.Parse(answer.Body).RootElement.TryGetProperty("public_key_pem", out var pem) is false || pem.GetString() is not { } text)
            return null;
        var key = System.Security.Cryptography.ECDsa.Create();
        key.ImportFromPem(text);
        return key;
    }

    /// <summary>Uploads a task's checkpoint (a zip file); false when the server refuses it (too large, unknown task).</summary>
    public async Task<ServerAnswer> UploadCheckpointAsync(string taskId, string zipFile, CancellationToken cancel)
    {
        var body = File.OpenRead(zipFile);
        await using (body.ConfigureAwait(false))
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/v1/agents/checkpoints/{Uri.EscapeDataString(taskId)}") { Content = new StreamContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
            return await SendRawAsync(request, cancel).ConfigureAwait(false);
        }
    }

    /// <summary>Downloads the checkpoint of a task's job part into <paramref name="zipFile"/>; false when there is none.</summary>
    public async Task<bool> DownloadCheckpointAsync(string taskId, string zipFile, CancellationToken cancel)
    {
        try
        {
            using var response = await _http.GetAsync($"/v1/agents/checkpoints/{Uri.EscapeDataString(taskId)}", HttpCompletionOption.ResponseHeadersRead, cancel).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
                return false;
            if (!response.IsSuccessStatusCode)
                throw new AgentServerUnreachableException($"GET checkpoint of {taskId}: the server answered {(int)response.StatusCode}");
            var file = new FileStream(zipFile, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            await using (file.ConfigureAwait(false))
                await response.Content.CopyToAsync(file, cancel).ConfigureAwait(false);
            return true;
        }
        catch (HttpRequestException ex)
        {
            throw new AgentServerUnreachableException($"GET checkpoint of {taskId}: {ex.Message}", ex);
        }
    }

    private async Task<ServerAnswer> SendRawAsync(HttpRequestMessage request, CancellationToken cancel)
    {
        try
        {
            using var response = await _http.SendAsync(request, cancel).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancel).ConfigureAwait(false);
            if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
                throw new AgentServerUnreachableException($"{request.Method} {request.RequestUri}: the server answered {(int)response.StatusCode}");
            return new ServerAnswer((int)response.StatusCode, text);
        }
        catch (HttpRequestException ex)
        {
            throw new AgentServerUnreachableException($"{request.Method} {request.RequestUri}: {ex.Message}", ex);
        }
    }

    public Task<ServerAnswer> LogAsync(string taskId, string text, CancellationToken cancel) =>
        SendAsync(HttpMethod.Post, $"/v1/agents/logs/{Uri.EscapeDataString(taskId)}", text, "text/plain", cancel);

    private async Task<ServerAnswer> SendAsync(HttpMethod method, string path, string? body, string? contentType, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, contentType!);
        try
        {
            using var response = await _http.SendAsync(request, cancel).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancel).ConfigureAwait(false);
            if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
                throw new AgentServerUnreachableException($"{method} {path}: the server answered {(int)response.StatusCode}");
            return new ServerAnswer((int)response.StatusCode, text);
        }
        catch (HttpRequestException ex)
        {
            throw new AgentServerUnreachableException($"{method} {path}: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!cancel.IsCancellationRequested)
        {
            throw new AgentServerUnreachableException($"{method} {path}: no answer within {_http.Timeout.TotalSeconds:0} s", ex);
        }
    }

    public void Dispose() => _http.Dispose();
}
