using System.Globalization;
using System.Text;
using Suanwang.Core.Model;

namespace Suanwang.Providers.Adapters;

/// <summary>
/// A provider that runs nothing: each task "runs" in simulated time read from an injected
/// <see cref="TimeProvider"/> — it starts at its planned start (or when submitted, if later), runs for
/// its expected run time divided by <see cref="SpeedUp"/>, then succeeds. Everything follows from the
/// clock and the calls made, so two providers given the same calls at the same times answer the same.
/// A site can be marked down: tasks there that have not ended fail at that moment, and new ones fail at once.
/// </summary>
public sealed class SimulatedProvider : IProviderAdapter
{
    private readonly TimeProvider _clock;
    private readonly Dictionary<string, Pool> _pools;
    private readonly Dictionary<string, SimulatedTask> _tasks = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _downSites = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _submissions;

    /// <summary>Creates a provider running <paramref name="pools"/>.</summary>
    /// <param name="clock">The time tasks run in.</param>
    /// <param name="pools">The pools it serves.</param>
    /// <param name="speedUp">Run times are divided by this (≥ 1; e.g. 60 runs an hour's job in a minute, for demos).</param>
    /// <param name="name">Its name.</param>
    public SimulatedProvider(TimeProvider clock, IEnumerable<Pool> pools, double speedUp = 1, string name = "simulated")
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(pools);
        if (!(speedUp >= 1) || double.IsInfinity(speedUp))
            throw new ArgumentOutOfRangeException(nameof(speedUp), speedUp, "the speed-up must be a finite number ≥ 1");
        _clock = clock;
        _pools = pools.ToDictionary(p => p.Id, StringComparer.Ordinal);
        SpeedUp = speedUp;
        Name = name;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>Run times are divided by this.</summary>
    public double SpeedUp { get; }

    /// <summary>How many distinct tasks were accepted (repeated submissions of one task id count once).</summary>
    public long Submissions
    {
        get
        {
            lock (_gate)
                return _submissions;
        }
    }

    /// <summary>Marks a site down (tasks there that have not ended fail now) or up again.</summary>
    public void SetSiteDown(string siteId, bool down)
    {
        lock (_gate)
        {
            if (!down)
            {
                _downSites.Remove(siteId);
                return;
            }
            if (!_downSites.Add(siteId))
                return;
            var now = _clock.GetUtcNow();
            foreach (var task in _tasks.Values.Where(t => t.Request.SiteId == siteId && !t.ReportAt(now).IsFinal))
                task.End(TaskPhase.Failed, now, $"site '{siteId}' went down");
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<PoolReport>> DescribePoolsAsync(CancellationToken cancel)
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            var busy = _tasks.Values.Where(t => t.ReportAt(now).Phase == TaskPhase.Running)
                .GroupBy(t => t.Request.PoolId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(t => t.Request.Nodes), StringComparer.Ordinal);
            IReadOnlyList<PoolReport> pools = [.. _pools.Values.OrderBy(p => p.Id, StringComparer.Ordinal).Select(p => new PoolReport(
                p.Id, p.SiteId, p.NodeCount, Math.Max(0, p.NodeCount - busy.GetValueOrDefault(p.Id)), !_downSites.Contains(p.SiteId)))];
            return Task.FromResult(pools);
        }
    }

    /// <inheritdoc/>
    public Task<TaskHandle> SubmitAsync(TaskRequest request, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            if (!_tasks.TryGetValue(request.TaskId, out var task))
            {
                if (!_pools.TryGetValue(request.PoolId, out var pool) || pool.SiteId != request.SiteId)
                    throw new ArgumentException($"the simulated provider '{Name}' does not run pool '{request.PoolId}' at site '{request.SiteId}'", nameof(request));
                var start = request.StartedAt ?? (request.NotBefore > now ? request.NotBefore : now);
                var runtime = TimeSpan.FromTicks((long)Math.Ceiling(request.ExpectedRuntime.Ticks / SpeedUp));
                task = new SimulatedTask(request, $"sim-{++_submissions}", start, runtime, now);
                _tasks.Add(request.TaskId, task);
                if (_downSites.Contains(request.SiteId))
                    task.End(TaskPhase.Failed, now, $"site '{request.SiteId}' is down");
            }
            return Task.FromResult(new TaskHandle(task.Request.TaskId, task.ExternalId, task.ReportAt(now).Phase));
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<TaskReport>> StatusAsync(IReadOnlyList<string> taskIds, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(taskIds);
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            IReadOnlyList<TaskReport> reports = [.. taskIds.Select(id => _tasks.TryGetValue(id, out var task)
                ? task.ReportAt(now)
                : new TaskReport(id, null, TaskPhase.Unknown, null, null, null, "no such task"))];
            return Task.FromResult(reports);
        }
    }

    /// <inheritdoc/>
    public Task<bool> CancelAsync(string taskId, CancellationToken cancel)
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            if (!_tasks.TryGetValue(taskId, out var task) || task.ReportAt(now).IsFinal)
                return Task.FromResult(false);
            task.End(TaskPhase.Cancelled, now, "cancelled by the control plane");
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public Task<LogChunk> LogsAsync(string taskId, long offset, int maxBytes, CancellationToken cancel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            if (!_tasks.TryGetValue(taskId, out var task))
                return Task.FromResult(new LogChunk(taskId, offset, "", offset, true));
            var bytes = Encoding.UTF8.GetBytes(task.Log(now));
            var from = (int)Math.Min(offset, bytes.Length);
            var count = Math.Min(maxBytes, bytes.Length - from);
            return Task.FromResult(new LogChunk(taskId, from, Encoding.UTF8.GetString(bytes, from, count), from + count,
                task.ReportAt(now).IsFinal && from + count == bytes.Length));
        }
    }

    /// <inheritdoc/>
    public Task<ProviderHealth> HealthAsync(CancellationToken cancel)
    {
        lock (_gate)
            return Task.FromResult(new ProviderHealth(true, [.. _downSites], null));
    }

    /// <summary>One task: its phase is a function of the clock until something ends it early.</summary>
    private sealed class SimulatedTask(TaskRequest request, string externalId, DateTimeOffset start, TimeSpan runtime, DateTimeOffset submittedAt)
    {
        private (TaskPhase Phase, DateTimeOffset At, string Message)? _ended;

        public TaskRequest Request { get; } = request;

        public string ExternalId { get; } = externalId;

        public void End(TaskPhase phase, DateTimeOffset at, string message) => _ended = (phase, at, message);

        public TaskReport ReportAt(DateTimeOffset now)
        {
            var finish = start + runtime;
            if (_ended is { } ended && ended.At < finish)
                return new TaskReport(Request.TaskId, ExternalId, ended.Phase, ended.At >= start ? start : null, ended.At, null, ended.Message);
            if (now < start)
                return new TaskReport(Request.TaskId, ExternalId, TaskPhase.Queued, null, null, null, null);
            if (now < finish)
                return new TaskReport(Request.TaskId, ExternalId, TaskPhase.Running, start, null, null, null);
            return new TaskReport(Request.TaskId, ExternalId, TaskPhase.Succeeded, start, finish, 0, null);
        }

        public string Log(DateTimeOffset now)
        {
            var report = ReportAt(now);
            var log = new StringBuilder();
            log.Append(CultureInfo.InvariantCulture, $"{submittedAt:O} accepted {Request.TaskId} on {Request.PoolId}: {Request.Tasks} task(s) on {Request.Nodes} node(s)\n");
            if (report.StartedAt is { } started)
                log.Append(CultureInfo.InvariantCulture, $"{started:O} started\n");
            if (report.EndedAt is { } endedAt)
                log.Append(CultureInfo.InvariantCulture, $"{endedAt:O} {report.Phase.ToString().ToLowerInvariant()}{(report.Message is null ? "" : ": " + report.Message)}\n");
            return log.ToString();
        }
    }
}
