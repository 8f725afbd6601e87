using System.Net;
using k8s;
using k8s.Models;
using Suanwang.Providers.Adapters;
using Suanwang.Providers.Slurm;

namespace Suanwang.Providers.Kubernetes;

/// <summary>
/// Runs tasks as <c>batch/v1</c> Jobs through the official Kubernetes client: a pool is a namespace plus a node selector,
/// a task is a Job named deterministically after its task id (which travels in full in the annotation
/// <c>suanwang.io/task-id</c>). Submission is idempotent by that name (409 AlreadyExists adopts the existing Job); a task
/// that must not start yet is created suspended and resumed by the first status poll after its start time. Unreachable
/// or refusing API servers make every call but <see cref="HealthAsync"/> throw <see cref="KubernetesException"/>; an
/// unsafe task is refused with <see cref="ArgumentException"/> before any request.
/// </summary>
public sealed class KubernetesAdapter : IProviderAdapter, IDisposable
{
    private readonly KubernetesOptions _options;
    private readonly k8s.Kubernetes _client;
    private readonly KubernetesApi _api;
    private readonly TimeProvider _clock;
    private readonly Dictionary<string, KubernetesPool> _pools;
    private readonly Dictionary<string, KnownJob> _known = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Creates an adapter.</summary>
    /// <param name="connection">Where the API server is and how to authenticate: <c>KubernetesClientConfiguration.BuildConfigFromConfigFile(…)</c>, or a <c>Host</c> and <c>AccessToken</c>.</param>
    /// <param name="options">The pools and limits.</param>
    /// <param name="clock">The clock for start times and cancellations (the system clock when null).</param>
    public KubernetesAdapter(KubernetesClientConfiguration connection, KubernetesOptions options, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        if (!Uri.TryCreate(connection.Host, UriKind.Absolute, out var server))
            throw new ArgumentException($"the Kubernetes API server address '{connection.Host}' is not an absolute URI", nameof(connection));
        foreach (var pool in options.Pools)
            CheckPool(pool);
        if (!KubernetesNames.IsDnsSubdomain(options.AcceleratorResource.Split('/')[0]) || options.AcceleratorResource.Count(c => c == '/') > 1)
            throw new ArgumentException($"'{options.AcceleratorResource}' is not a resource name such as nvidia.com/gpu", nameof(options));
        _options = options;
        _clock = clock ?? TimeProvider.System;
        _pools = options.Pools.ToDictionary(p => p.PoolId, StringComparer.Ordinal);
        _client = new k8s.Kubernetes(connection);
        _api = new KubernetesApi(_client, server, options.RequestTimeout);
    }

    /// <inheritdoc/>
    public string Name => _options.Name;

    /// <summary>Each pool's nodes (matching its selector) and its namespace's quota room, as the API server reports them now.</summary>
    public async Task<IReadOnlyList<KubernetesPoolReport>> DescribeNodePoolsAsync(CancellationToken cancel)
    {
        var nodes = new Dictionary<string, IList<V1Node>>(StringComparer.Ordinal);
        foreach (var selector in _options.Pools.Select(KubernetesCapacity.Selector).Distinct().Order(StringComparer.Ordinal))
            nodes[selector] = await _api.ListNodesAsync(selector, cancel).ConfigureAwait(false);
        var quotas = new Dictionary<string, IList<V1ResourceQuota>>(StringComparer.Ordinal);
        var busy = new HashSet<string>(StringComparer.Ordinal);
        foreach (var ns in Namespaces())
        {
            quotas[ns] = await _api.ListQuotasAsync(ns, cancel).ConfigureAwait(false);
            foreach (var pod in await _api.ListPodsAsync(ns, cancel).ConfigureAwait(false))
            {
                if (pod.Spec?.NodeName is { } node && !KubernetesJobStates.Ended(pod))
                    busy.Add(node);
            }
        }
        return [.. _options.Pools.OrderBy(p => p.PoolId, StringComparer.Ordinal)
            .Select(p => KubernetesCapacity.Describe(p, nodes[KubernetesCapacity.Selector(p)], quotas[p.Namespace], busy, _options.AcceleratorResource))];
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<PoolReport>> DescribePoolsAsync(CancellationToken cancel) =>
        [.. (await DescribeNodePoolsAsync(cancel).ConfigureAwait(false)).Select(p => new PoolReport(p.PoolId, p.SiteId, p.Nodes.Count, p.FreeNodes, p.Healthy))];

    /// <inheritdoc/>
    public async Task<TaskHandle> SubmitAsync(TaskRequest request, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_pools.TryGetValue(request.PoolId, out var pool) || pool.SiteId != request.SiteId)
            throw new ArgumentException($"the Kubernetes adapter '{Name}' does not run pool '{request.PoolId}' at site '{request.SiteId}'", nameof(request));
        var now = _clock.GetUtcNow();
        var job = KubernetesJobBuilder.Build(request, pool, _options, now);
        if (Known(request.TaskId) is { } known)
            return new TaskHandle(request.TaskId, known.Name, known.Last.Phase);
        try
        {
            var created = await _api.CreateJobAsync(job, cancel).ConfigureAwait(false);
            var report = Remember(request.TaskId, pool.Namespace, KubernetesJobStates.Report(request.TaskId, created, []));
            return new TaskHandle(request.TaskId, created.Metadata.Name, report.Phase);
        }
        catch (KubernetesException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            // Submitted before (by this adapter before a restart, or a concurrent call): adopt the Job, start nothing new.
            var existing = await _api.ReadJobAsync(pool.Namespace, job.Metadata.Name, cancel).ConfigureAwait(false)
                ?? throw new KubernetesException($"Job {pool.Namespace}/{job.Metadata.Name} already existed and then vanished; submit again", e);
            var owner = KubernetesNames.Lookup(existing.Metadata.Annotations, KubernetesJobBuilder.TaskIdAnnotation);
            if (owner != request.TaskId)
                throw new KubernetesException($"Job {pool.Namespace}/{job.Metadata.Name} exists but belongs to task '{owner ?? "(none)"}', not '{request.TaskId}'", e);
            existing = await ResumeIfDueAsync(pool.Namespace, existing, now, cancel).ConfigureAwait(false);
            var pods = PodsOf(await _api.ListPodsAsync(pool.Namespace, cancel).ConfigureAwait(false), existing.Metadata.Name);
            var report = Remember(request.TaskId, pool.Namespace, KubernetesJobStates.Report(request.TaskId, existing, pods));
            return new TaskHandle(request.TaskId, existing.Metadata.Name, report.Phase);
        }
    }

    /// <summary>
    /// One listing of the adapter's Jobs and pods per namespace, whatever the number of ids. A suspended Job whose start
    /// time has come is resumed here.
    /// </summary>
    public async Task<IReadOnlyList<TaskReport>> StatusAsync(IReadOnlyList<string> taskIds, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(taskIds);
        if (taskIds.Count == 0)
            return [];
        var snapshot = await SnapshotAsync(cancel).ConfigureAwait(false);
        var reports = new List<TaskReport>(taskIds.Count);
        foreach (var id in taskIds)
            reports.Add((await FindAsync(snapshot, id, cancel).ConfigureAwait(false)).Report);
        return reports;
    }

    /// <summary>Deletes the task's Job with propagation <c>Background</c> (its pods, and their logs, go too).</summary>
    public async Task<bool> CancelAsync(string taskId, CancellationToken cancel)
    {
        var report = (await StatusAsync([taskId], cancel).ConfigureAwait(false))[0];
        if (report.Phase == TaskPhase.Unknown || report.IsFinal || Known(taskId) is not { } known)
            return false;
        if (!await _api.DeleteJobAsync(known.Namespace, known.Name, cancel).ConfigureAwait(false))
            return false;
        var now = _clock.GetUtcNow();
        lock (_gate)
            _known[taskId] = known with { Last = report with { Phase = TaskPhase.Cancelled, EndedAt = now, ExitCode = null, Message = "cancelled by the control plane" } };
        return true;
    }

    /// <summary>
    /// The container logs of the task's pods, concatenated in completion-index order; a pod's log is read only once
    /// every pod before it has ended, so offsets never shift. The log API has no byte offset, so each call reads the
    /// first <paramref name="offset"/> + <paramref name="maxBytes"/> bytes (<c>limitBytes</c>) and returns the tail.
    /// </summary>
    public async Task<LogChunk> LogsAsync(string taskId, long offset, int maxBytes, CancellationToken cancel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        var snapshot = await SnapshotAsync(cancel).ConfigureAwait(false);
        var (report, ns, pods) = await FindAsync(snapshot, taskId, cancel).ConfigureAwait(false);
        if (ns is null)
            return new LogChunk(taskId, offset, "", offset, true);
        var want = offset + maxBytes;
        using var output = new MemoryStream();
        var atEnd = true;
        foreach (var pod in KubernetesJobStates.InOutputOrder(pods))
        {
            if (!KubernetesJobStates.Started(pod))
            {
                if (KubernetesJobStates.Ended(pod) || report.IsFinal)
                    continue; // it never ran and never will: no section
                atEnd = false;
                break;
            }
            var need = want - output.Length;
            var bytes = await _api.PodLogAsync(ns, pod.Metadata.Name, KubernetesJobBuilder.ContainerName, need, cancel).ConfigureAwait(false);
            output.Write(bytes, 0, (int)Math.Min(bytes.Length, need));
            if (output.Length >= want || !KubernetesJobStates.Ended(pod))
            {
                atEnd = false;
                break;
            }
        }
        var all = output.GetBuffer();
        var from = (int)Math.Min(offset, output.Length);
        var slice = all.AsSpan(from, (int)output.Length - from).ToArray();
        var count = atEnd ? slice.Length : SlurmOutputFile.CompleteCharacters(slice, slice.Length);
        return new LogChunk(taskId, from, System.Text.Encoding.UTF8.GetString(slice, 0, count), from + count, report.IsFinal && atEnd && count == slice.Length);
    }

    /// <summary>
    /// Reachable when <c>GET /version</c> answers; a site is down when none of its pools has a Ready, schedulable node.
    /// Never throws for an unreachable or refusing API server.
    /// </summary>
    public async Task<ProviderHealth> HealthAsync(CancellationToken cancel)
    {
        string version;
        try
        {
            version = await _api.VersionAsync(cancel).ConfigureAwait(false);
        }
        catch (KubernetesException e)
        {
            // A silent API server says nothing about pods already running, so no site is declared down.
            return new ProviderHealth(false, [], e.Message);
        }
        try
        {
            var pools = await DescribeNodePoolsAsync(cancel).ConfigureAwait(false);
            var down = ProviderHealth.SitesWithoutHealthyPool(pools, p => p.SiteId, p => p.Healthy);
            var unhealthy = pools.Where(p => !p.Healthy).Select(p => $"pool {p.PoolId} has no Ready schedulable node among {p.Nodes.Count} matching '{p.Selector}'").ToList();
            return new ProviderHealth(true, down, unhealthy.Count == 0 ? null : string.Join("; ", unhealthy));
        }
        catch (KubernetesException e)
        {
            return new ProviderHealth(true, [], $"Kubernetes {version} answers but its pools cannot be described: {e.Message}");
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _client.Dispose();

    private static void CheckPool(KubernetesPool pool)
    {
        if (!KubernetesNames.IsDnsLabel(pool.Namespace))
            throw new ArgumentException($"pool '{pool.PoolId}': '{pool.Namespace}' is not a namespace name (a DNS-1123 label)");
        foreach (var (key, value) in pool.NodeSelector)
        {
            if (!KubernetesNames.IsLabelKey(key) || !KubernetesNames.IsLabelValue(value))
                throw new ArgumentException($"pool '{pool.PoolId}': '{TaskText.Printable(key)}={TaskText.Printable(value)}' is not a node label");
        }
        if (pool.PriorityClassName is { } priority && !KubernetesNames.IsDnsSubdomain(priority))
            throw new ArgumentException($"pool '{pool.PoolId}': '{priority}' is not a priority class name");
        if (pool.ServiceAccountName is { } account && !KubernetesNames.IsDnsSubdomain(account))
            throw new ArgumentException($"pool '{pool.PoolId}': '{account}' is not a service account name");
    }

    private IEnumerable<string> Namespaces() => _options.Pools.Select(p => p.Namespace).Distinct().Order(StringComparer.Ordinal);

    private async Task<Snapshot> SnapshotAsync(CancellationToken cancel)
    {
        var jobs = new Dictionary<string, (string Namespace, V1Job Job)>(StringComparer.Ordinal);
        var pods = new Dictionary<(string, string), List<V1Pod>>();
        foreach (var ns in Namespaces())
        {
            foreach (var job in await _api.ListJobsAsync(ns, cancel).ConfigureAwait(false))
            {
                if (KubernetesNames.Lookup(job.Metadata.Annotations, KubernetesJobBuilder.TaskIdAnnotation) is { } id && job.Metadata.Name == KubernetesNames.JobName(id))
                    jobs[id] = (ns, job);
            }
            foreach (var pod in await _api.ListPodsAsync(ns, cancel).ConfigureAwait(false))
            {
                if (KubernetesNames.Lookup(pod.Metadata.Labels, KubernetesJobBuilder.TaskLabel) is { } job)
                    (pods.TryGetValue((ns, job), out var list) ? list : pods[(ns, job)] = []).Add(pod);
            }
        }
        return new Snapshot(jobs, pods);
    }

    private async Task<(TaskReport Report, string? Namespace, IReadOnlyList<V1Pod> Pods)> FindAsync(Snapshot snapshot, string taskId, CancellationToken cancel)
    {
        if (!snapshot.Jobs.TryGetValue(taskId, out var found))
            return (Forgotten(taskId), null, []);
        var job = await ResumeIfDueAsync(found.Namespace, found.Job, _clock.GetUtcNow(), cancel).ConfigureAwait(false);
        IReadOnlyList<V1Pod> pods = snapshot.Pods.GetValueOrDefault((found.Namespace, job.Metadata.Name)) ?? [];
        return (Remember(taskId, found.Namespace, KubernetesJobStates.Report(taskId, job, pods)), found.Namespace, pods);
    }

    private async Task<V1Job> ResumeIfDueAsync(string ns, V1Job job, DateTimeOffset now, CancellationToken cancel) =>
        KubernetesJobStates.DueForResume(job, now) ? await _api.ResumeJobAsync(ns, job.Metadata.Name, cancel).ConfigureAwait(false) : job;

    private static List<V1Pod> PodsOf(IEnumerable<V1Pod> pods, string jobName) =>
        [.. pods.Where(p => KubernetesNames.Lookup(p.Metadata.Labels, KubernetesJobBuilder.TaskLabel) == jobName)];

    private KnownJob? Known(string taskId)
    {
        lock (_gate)
            return _known.GetValueOrDefault(taskId);
    }

    private TaskReport Remember(string taskId, string ns, TaskReport report)
    {
        lock (_gate)
        {
            // A cancellation the adapter made wins over what a Job being deleted still shows.
            if (_known.TryGetValue(taskId, out var known) && known.Last.Phase == TaskPhase.Cancelled)
                return known.Last;
            _known[taskId] = new KnownJob(ns, report.ExternalId!, report);
        }
        return report;
    }

    /// <summary>No Job carries the id: the last state seen if it was final, a failure if it was not, else unknown.</summary>
    private TaskReport Forgotten(string taskId)
    {
        lock (_gate)
        {
            if (!_known.TryGetValue(taskId, out var known))
                return new TaskReport(taskId, null, TaskPhase.Unknown, null, null, null, "no Kubernetes Job carries this task id");
            var lost = known.Last.Lost(_clock.GetUtcNow(),
                $"Kubernetes Job {known.Namespace}/{known.Name} disappeared while {known.Last.Phase.ToString().ToLowerInvariant()} (deleted outside Suanwang before its end was seen)");
            _known[taskId] = known with { Last = lost };
            return lost;
        }
    }

    private sealed record Snapshot(Dictionary<string, (string Namespace, V1Job Job)> Jobs, Dictionary<(string, string), List<V1Pod>> Pods);

    private sealed record KnownJob(string Namespace, string Name, TaskReport Last);
}
