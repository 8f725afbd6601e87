using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Suanwang.Providers.Kubernetes;

/// <summary>
/// The few API calls the adapter makes, through the official client. Every failure becomes a <see cref="KubernetesException"/>:
/// unreachable (no HTTP answer, or no answer within the request timeout) or refused (the API server's <c>Status</c>
/// object: its code, reason and message). "Not found" is an answer, not an error, where the adapter expects it.
/// </summary>
internal sealed class KubernetesApi(IKubernetes client, Uri server, TimeSpan timeout)
{
    /// <summary>The label every object the adapter creates carries; listings select on it.</summary>
    public const string ManagedBySelector = KubernetesJobBuilder.ManagedByLabel + "=" + KubernetesJobBuilder.ManagedByValue;

    public Task<string> VersionAsync(CancellationToken cancel) =>
        CallAsync("read the version", async t => (await client.Version.GetCodeAsync(t).ConfigureAwait(false)).GitVersion ?? "", cancel);

    public Task<V1Job> CreateJobAsync(V1Job job, CancellationToken cancel) =>
        CallAsync($"create Job {job.Metadata.NamespaceProperty}/{job.Metadata.Name}",
            t => client.BatchV1.CreateNamespacedJobAsync(job, job.Metadata.NamespaceProperty, cancellationToken: t), cancel);

    public Task<V1Job?> ReadJobAsync(string ns, string name, CancellationToken cancel) =>
        OrNullWhenMissingAsync($"read Job {ns}/{name}", async t => await client.BatchV1.ReadNamespacedJobAsync(name, ns, cancellationToken: t).ConfigureAwait(false), cancel);

    public async Task<IList<V1Job>> ListJobsAsync(string ns, CancellationToken cancel) =>
        (await CallAsync($"list Jobs in {ns}", t => client.BatchV1.ListNamespacedJobAsync(ns, labelSelector: ManagedBySelector, cancellationToken: t), cancel)
            .ConfigureAwait(false)).Items ?? [];

    public async Task<IList<V1Pod>> ListPodsAsync(string ns, CancellationToken cancel) =>
        (await CallAsync($"list pods in {ns}", t => client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: ManagedBySelector, cancellationToken: t), cancel)
            .ConfigureAwait(false)).Items ?? [];

    /// <summary>Lifts <c>spec.suspend</c> with a JSON merge patch.</summary>
    public Task<V1Job> ResumeJobAsync(string ns, string name, CancellationToken cancel) =>
        CallAsync($"resume Job {ns}/{name}", t => client.BatchV1.PatchNamespacedJobAsync(
            new V1Patch("""{"spec":{"suspend":false}}""", V1Patch.PatchType.MergePatch), name, ns, cancellationToken: t), cancel);

    /// <summary>Deletes the Job and, in the background, its pods; false when there was no such Job.</summary>
    public async Task<bool> DeleteJobAsync(string ns, string name, CancellationToken cancel) =>
        await OrNullWhenMissingAsync<object>($"delete Job {ns}/{name}",
            async t => await client.BatchV1.DeleteNamespacedJobAsync(name, ns, propagationPolicy: "Background", cancellationToken: t).ConfigureAwait(false), cancel)
            .ConfigureAwait(false) is not null;

    /// <summary>
    /// Up to <paramref name="limitBytes"/> bytes from the start of the container's log; empty when the container has not
    /// started (the API server answers 400 "waiting to start") or the pod is gone.
    /// </summary>
    public async Task<byte[]> PodLogAsync(string ns, string pod, string container, long limitBytes, CancellationToken cancel)
    {
        try
        {
            return await CallAsync($"read the log of pod {ns}/{pod}", async t =>
            {
                var stream = await client.CoreV1.ReadNamespacedPodLogAsync(pod, ns, container: container,
                    limitBytes: (int)Math.Min(limitBytes, int.MaxValue), cancellationToken: t).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    using var copy = new MemoryStream();
                    await stream.CopyToAsync(copy, t).ConfigureAwait(false);
                    return copy.ToArray();
                }
            }, cancel).ConfigureAwait(false);
        }
        catch (KubernetesException e) when (e.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound)
        {
            return [];
        }
    }

    public async Task<IList<V1Node>> ListNodesAsync(string selector, CancellationToken cancel) =>
        (await CallAsync($"list nodes{(selector.Length == 0 ? "" : " labelled " + selector)}",
            t => client.CoreV1.ListNodeAsync(labelSelector: selector.Length == 0 ? null : selector, cancellationToken: t), cancel).ConfigureAwait(false)).Items ?? [];

    public async Task<IList<V1ResourceQuota>> ListQuotasAsync(string ns, CancellationToken cancel) =>
        (await CallAsync($"list resource quotas in {ns}", t => client.CoreV1.ListNamespacedResourceQuotaAsync(ns, cancellationToken: t), cancel)
            .ConfigureAwait(false)).Items ?? [];

    private async Task<T?> OrNullWhenMissingAsync<T>(string what, Func<CancellationToken, Task<T>> call, CancellationToken cancel)
        where T : class
    {
        try
        {
            return await CallAsync(what, call, cancel).ConfigureAwait(false);
        }
        catch (KubernetesException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<T> CallAsync<T>(string what, Func<CancellationToken, Task<T>> call, CancellationToken cancel)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        try
        {
            return await call(deadline.Token).ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            var status = e.Response?.StatusCode;
            var (reason, message) = ReadStatus(e.Response?.Content);
            var detail = message ?? Shorten(e.Response?.Content) ?? e.Message;
            throw new KubernetesException($"Kubernetes refused to {what} (HTTP {(int?)status}{(reason is null ? "" : " " + reason)}): {detail}",
                unreachable: false, status, reason, e);
        }
        catch (HttpRequestException e)
        {
            throw new KubernetesException($"the Kubernetes API server at {server} did not answer ({what}): {e.Message}", unreachable: true, null, null, e);
        }
        catch (OperationCanceledException e) when (!cancel.IsCancellationRequested)
        {
            throw new KubernetesException($"the Kubernetes API server at {server} did not answer within {timeout.TotalSeconds:0.#} s ({what})",
                unreachable: true, null, null, e);
        }
    }

    /// <summary>The <c>reason</c> and <c>message</c> of a <c>Status</c> answer, when the body is one.</summary>
    private static (string? Reason, string? Message) ReadStatus(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
            return (null, null);
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
                return (null, null);
            return (Text(json.RootElement, "reason"), Text(json.RootElement, "message"));
        }
        catch (JsonException)
        {
            return (null, null);
        }

        static string? Text(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    private static string? Shorten(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Length > 200 ? text[..200].Trim() + "…" : text.Trim();
}
