using System.Text.Json;

namespace Suanwang.Providers.Slurm;

/// <summary>
/// The few slurmrestd v0.0.38 calls the adapter makes, with JWT headers on every request. Every failure becomes a
/// <see cref="SlurmException"/>: unreachable (no HTTP answer, or a timeout) or refused (slurmrestd's
/// <c>errors</c> list, whichever of its shapes the endpoint uses, or a non-JSON error status such as 401).
/// </summary>
internal sealed class SlurmRestClient(HttpClient http, SlurmOptions options)
{
    /// <summary>Slurm's "Invalid job id specified": the job never existed or left slurmctld's memory (MinJobAge).</summary>
    public const int InvalidJobId = 2017;

    private const string Prefix = "slurm/v0.0.38/";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString,
    };

    public async Task PingAsync(CancellationToken cancel) =>
        await SendAsync<SlurmErrorsResponse>(HttpMethod.Get, "ping", null, "ping", cancel).ConfigureAwait(false);

    public async Task<long> SubmitAsync(SlurmJobSubmission submission, CancellationToken cancel)
    {
        var response = await SendAsync<SlurmSubmitResponse>(HttpMethod.Post, "job/submit", submission, $"submit job '{submission.Job.Name}'", cancel)
            .ConfigureAwait(false);
        return response.JobId is { } id and > 0 ? id : throw new SlurmException($"slurmrestd accepted job '{submission.Job.Name}' but returned no job id");
    }

    public async Task<IReadOnlyList<SlurmJob>> JobsAsync(CancellationToken cancel) =>
        (await SendAsync<SlurmJobsResponse>(HttpMethod.Get, "jobs", null, "list jobs", cancel).ConfigureAwait(false)).Jobs ?? [];

    /// <summary>Sends SIGKILL to the job (Slurm's default for DELETE); false when Slurm no longer knows it.</summary>
    public async Task<bool> CancelAsync(long jobId, CancellationToken cancel)
    {
        try
        {
            await SendAsync<SlurmErrorsResponse>(HttpMethod.Delete, $"job/{jobId}", null, $"cancel job {jobId}", cancel).ConfigureAwait(false);
            return true;
        }
        catch (SlurmException e) when (e.ErrorNumber == InvalidJobId)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<SlurmNode>> NodesAsync(CancellationToken cancel) =>
        (await SendAsync<SlurmNodesResponse>(HttpMethod.Get, "nodes", null, "list nodes", cancel).ConfigureAwait(false)).Nodes ?? [];

    public async Task<IReadOnlyList<SlurmPartition>> PartitionsAsync(CancellationToken cancel) =>
        (await SendAsync<SlurmPartitionsResponse>(HttpMethod.Get, "partitions", null, "list partitions", cancel).ConfigureAwait(false)).Partitions ?? [];

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, string what, CancellationToken cancel)
        where T : class
    {
        using var request = new HttpRequestMessage(method, new Uri(options.BaseAddress, Prefix + path));
        request.Headers.Add("X-SLURM-USER-NAME", options.UserName);
        request.Headers.Add("X-SLURM-USER-TOKEN", options.Token());
        if (body is not null)
        {
            // A string body has a Content-Length; slurmrestd cannot read chunked requests (it answers with a broken 400).
            // Nor a charset parameter on the media type ("Unable to parse query").
            request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), Json));
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(options.RequestTimeout);
        string text;
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new SlurmException($"slurmrestd at {options.BaseAddress} did not answer ({what}): {e.Message}", unreachable: true, null, e);
        }
        catch (OperationCanceledException e) when (!cancel.IsCancellationRequested)
        {
            throw new SlurmException($"slurmrestd at {options.BaseAddress} did not answer within {options.RequestTimeout.TotalSeconds:0.#} s ({what})",
                unreachable: true, null, e);
        }
        using (response)
            return Parse<T>(response, text, what);
    }

    private T Parse<T>(HttpResponseMessage response, string text, string what)
        where T : class
    {
        T? parsed = null;
        IReadOnlyList<SlurmError>? errors = null;
        try
        {
            parsed = JsonSerializer.Deserialize<T>(text, Json);
            errors = JsonSerializer.Deserialize<SlurmErrorsResponse>(text, Json)?.Errors;
        }
        catch (JsonException) when (!response.IsSuccessStatusCode)
        {
            // Not JSON (401 "Authentication failure" is plain text): the status and body say enough.
        }
        catch (JsonException e)
        {
            throw new SlurmException($"slurmrestd at {options.BaseAddress} answered {what} with something that is not its JSON: {e.Message}", e);
        }
        if (errors is { Count: > 0 })
        {
            // slurmctld rejecting the JWT reaches us only as an unspecified error (-1), so say what it usually means.
            var hint = errors[0].Number == -1 ? $"; a wrong or expired token for user '{options.UserName}' looks like this" : "";
            throw new SlurmException($"Slurm refused to {what} (HTTP {(int)response.StatusCode}): {string.Join("; ", errors)}{hint}", unreachable: false, errors[0].Number);
        }
        if (!response.IsSuccessStatusCode || parsed is null)
        {
            var detail = text.Length > 200 ? text[..200] + "…" : text;
            throw new SlurmException($"slurmrestd answered {what} with HTTP {(int)response.StatusCode}: {detail.Trim()}", unreachable: false, null);
        }
        return parsed;
    }
}
