using System.Globalization;
using System.Text;
using Suanwang.Providers.Adapters;

namespace Suanwang.Providers.Slurm;

/// <summary>
/// Runs tasks on a Slurm cluster through slurmrestd (REST API v0.0.38, JWT auth): a pool is a partition, a task is a
/// batch job named after its task id. Submission is idempotent by that name (an existing job of the adapter's user
/// with the task id as its name is adopted, never duplicated); the adapter remembers the last state it saw of every
/// job, so a finished job that Slurm has forgotten (after <c>MinJobAge</c>) still reports how it ended.
/// Unreachable or refusing slurmrestd makes every call but <see cref="HealthAsync"/> throw <see cref="SlurmException"/>;
/// an unsafe task is refused with <see cref="ArgumentException"/> before anything is sent.
/// </summary>
public sealed class SlurmAdapter : IProviderAdapter, IDisposable
{
    private readonly SlurmOptions _options;
    private readonly SlurmRestClient _client;
    private readonly HttpClient? _ownedHttp;
    private readonly TimeProvider _clock;
    private readonly Dictionary<string, SlurmPool> _pools;
    private readonly Dictionary<string, KnownJob> _known = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _submitting = new(1, 1);

    /// <summary>Creates an adapter.</summary>
    /// <param name="options">Where slurmrestd is, who to act as, the pools and the work root.</param>
    /// <param name="clock">The clock for begin times and cancellation times (the system clock when null).</param>
    /// <param name="http">The HTTP client to use (the adapter makes and owns one when null).</param>
    public SlurmAdapter(SlurmOptions options, TimeProvider? clock = null, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Path.IsPathFullyQualified(options.WorkRoot))
            throw new ArgumentException($"the Slurm work root must be an absolute path, not '{options.WorkRoot}'", nameof(options));
        _options = options;
        _clock = clock ?? TimeProvider.System;
        _pools = options.Pools.ToDictionary(p => p.PoolId, StringComparer.Ordinal);
        if (http is null)
            _ownedHttp = http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        _client = new SlurmRestClient(http, options);
    }

    /// <inheritdoc/>
    public string Name => _options.Name;

    /// <summary>Each pool's partition with its nodes' CPUs, memory and state, as Slurm reports them now.</summary>
    public async Task<IReadOnlyList<SlurmPartitionReport>> DescribePartitionsAsync(CancellationToken cancel)
    {
        var partitions = await _client.PartitionsAsync(cancel).ConfigureAwait(false);
        var nodes = await _client.NodesAsync(cancel).ConfigureAwait(false);
        return [.. _options.Pools.OrderBy(p => p.PoolId, StringComparer.Ordinal).Select(p => SlurmCapacity.Describe(p, partitions, nodes))];
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<PoolReport>> DescribePoolsAsync(CancellationToken cancel) =>
        [.. (await DescribePartitionsAsync(cancel).ConfigureAwait(false))
            .Select(p => new PoolReport(p.PoolId, p.SiteId, p.Nodes.Count, p.FreeNodes, p.Healthy))];

    /// <inheritdoc/>
    public async Task<TaskHandle> SubmitAsync(TaskRequest request, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_pools.TryGetValue(request.PoolId, out var pool) || pool.SiteId != request.SiteId)
            throw new ArgumentException($"the Slurm adapter '{Name}' does not run pool '{request.PoolId}' at site '{request.SiteId}'", nameof(request));
        var submission = SlurmJobBuilder.Build(request, pool, _options.WorkRoot, _clock.GetUtcNow());
        await _submitting.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            if (Known(request.TaskId) is { } known)
                return new TaskHandle(request.TaskId, known.Last.ExternalId!, known.Last.Phase);
            if (FindByName(await _client.JobsAsync(cancel).ConfigureAwait(false), request.TaskId) is { } existing)
            {
                var report = Remember(request.TaskId, existing);
                return new TaskHandle(request.TaskId, report.ExternalId!, report.Phase);
            }
            var jobId = await _client.SubmitAsync(submission, cancel).ConfigureAwait(false);
            var id = jobId.ToString(CultureInfo.InvariantCulture);
            var queued = new TaskReport(request.TaskId, id, TaskPhase.Queued, null, null, null, null);
            lock (_gate)
                _known[request.TaskId] = new KnownJob(jobId, submission.Job.StandardOutput, queued);
            return new TaskHandle(request.TaskId, id, TaskPhase.Queued);
        }
        finally
        {
            _submitting.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<TaskReport>> StatusAsync(IReadOnlyList<string> taskIds, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(taskIds);
        if (taskIds.Count == 0)
            return [];
        var jobs = await _client.JobsAsync(cancel).ConfigureAwait(false);
        var byId = jobs.GroupBy(j => j.JobId).ToDictionary(g => g.Key, g => g.First());
        return [.. taskIds.Select(id => Known(id) is { } known
            ? byId.TryGetValue(known.JobId, out var job) ? Remember(id, job) : Vanished(id, known)
            : FindByName(jobs, id) is { } named ? Remember(id, named)
            : new TaskReport(id, null, TaskPhase.Unknown, null, null, null, "Slurm has no job of this name"))];
    }

    /// <inheritdoc/>
    public async Task<bool> CancelAsync(string taskId, CancellationToken cancel)
    {
        var report = (await StatusAsync([taskId], cancel).ConfigureAwait(false))[0];
        if (report.Phase == TaskPhase.Unknown || report.IsFinal || Known(taskId) is not { } known)
            return false;
        if (!await _client.CancelAsync(known.JobId, cancel).ConfigureAwait(false))
            return false;
        var now = _clock.GetUtcNow();
        lock (_gate)
            _known[taskId] = known with { Last = report with { Phase = TaskPhase.Cancelled, EndedAt = now, Message = "cancelled by the control plane" } };
        return true;
    }

    /// <summary>
    /// The task's combined stdout and stderr, read from its output file under the work root when
    /// <see cref="SlurmOptions.LogsReadable"/>; otherwise one note saying where the output is on the cluster.
    /// </summary>
    public async Task<LogChunk> LogsAsync(string taskId, long offset, int maxBytes, CancellationToken cancel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        var report = (await StatusAsync([taskId], cancel).ConfigureAwait(false))[0];
        if (Known(taskId) is not { } known)
            return new LogChunk(taskId, offset, "", offset, true);
        if (!_options.LogsReadable)
        {
            var note = $"[suanwang] this Slurm adapter cannot read job output from here; it is in {known.OutputFile} on the cluster\n";
            return offset == 0 ? new LogChunk(taskId, 0, note, Encoding.UTF8.GetByteCount(note), true) : new LogChunk(taskId, offset, "", offset, true);
        }
        return await SlurmOutputFile.ReadAsync(taskId, known.OutputFile, offset, maxBytes, report.IsFinal, cancel).ConfigureAwait(false);
    }

    /// <summary>Reachable when slurmrestd answers; a site is down when none of its pools has an up partition with a usable node. Never throws for an unreachable Slurm.</summary>
    public async Task<ProviderHealth> HealthAsync(CancellationToken cancel)
    {
        try
        {
            await _client.PingAsync(cancel).ConfigureAwait(false);
            var partitions = await DescribePartitionsAsync(cancel).ConfigureAwait(false);
            var down = ProviderHealth.SitesWithoutHealthyPool(partitions, p => p.SiteId, p => p.Healthy);
            var unhealthy = partitions.Where(p => !p.Healthy).Select(p => $"partition {p.Partition} is {p.State} with {p.Nodes.Count(n => n.Usable)} usable node(s)").ToList();
            return new ProviderHealth(true, down, unhealthy.Count == 0 ? null : string.Join("; ", unhealthy));
        }
        catch (SlurmException e)
        {
            // A REST daemon that does not answer says nothing about the cluster's jobs, so no site is declared down.
            return new ProviderHealth(false, [], e.Message);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _ownedHttp?.Dispose();
        _submitting.Dispose();
    }

    private KnownJob? Known(string taskId)
    {
        lock (_gate)
            return _known.GetValueOrDefault(taskId);
    }

    /// <summary>The adapter user's job named after the task, the newest when there are several.</summary>
    private SlurmJob? FindByName(IReadOnlyList<SlurmJob> jobs, string taskId) =>
        jobs.Where(j => j.Name == taskId && (j.UserName is null || j.UserName == _options.UserName)).MaxBy(j => j.JobId);

    private TaskReport Remember(string taskId, SlurmJob job)
    {
        var report = SlurmJobStates.Report(taskId, job);
        lock (_gate)
        {
            // A cancellation the adapter made wins over Slurm's in-between states (the job may still be COMPLETING).
            if (_known.TryGetValue(taskId, out var known) && known.JobId == job.JobId && known.Last.Phase == TaskPhase.Cancelled && !report.IsFinal)
                return known.Last;
            var output = known?.JobId == job.JobId ? known.OutputFile : job.StandardOutput ?? "";
            _known[taskId] = new KnownJob(job.JobId, output, report);
        }
        return report;
    }

    private TaskReport Vanished(string taskId, KnownJob known)
    {
        if (known.Last.IsFinal)
            return known.Last;
        var lost = known.Last.Lost(_clock.GetUtcNow(),
            $"Slurm job {known.JobId} disappeared while {known.Last.Phase.ToString().ToLowerInvariant()} (it ended and was forgotten after MinJobAge before the adapter saw its end, or was purged)");
        lock (_gate)
            _known[taskId] = known with { Last = lost };
        return lost;
    }

    private sealed record KnownJob(long JobId, string OutputFile, TaskReport Last);
}
