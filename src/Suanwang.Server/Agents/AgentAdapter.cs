using System.Collections.Concurrent;
using System.Text;
using Suanwang.Providers.Adapters;
using Suanwang.Server.Scheduling;

namespace Suanwang.Server.Agents;

/// <summary>
/// The adapter for pools run by <c>suanwang agent</c>: agents pull the tasks the loop submitted to their
/// pool and push reports and output, so this adapter answers the loop from what was pushed (the
/// interface's rule for push providers). A pool joins the provider directory when its agent first pulls;
/// a pool whose agent has not pulled within <see cref="HeartbeatTimeout"/> makes its site down, so the loop
/// stops placing there (issue 6 adds re-placing its running tasks). State is in memory: after a server
/// restart the loop re-submits the placed and running tasks it adopts, and agents report again.
/// </summary>
public sealed class AgentAdapter(ProviderDirectory directory, TimeProvider clock, TimeSpan? heartbeatTimeout = null) : IProviderAdapter
{
    /// <summary>The default of <see cref="HeartbeatTimeout"/>: ten of the agent's default 3-second pulls.</summary>
    public static readonly TimeSpan DefaultHeartbeatTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long a pool may go without its agent pulling before its site counts as down (<c>serve --agent-timeout</c>).</summary>
    public TimeSpan HeartbeatTimeout { get; } = heartbeatTimeout ?? DefaultHeartbeatTimeout;

    /// <summary>Output kept per task (the newest bytes); older output is dropped with a note.</summary>
    public const int MaxLogBytes = 1024 * 1024;

    private readonly ConcurrentDictionary<string, AgentTask> _tasks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Site, DateTimeOffset Seen)> _pools = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Uri> _dataUrls = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public string Name => "agent";

    /// <summary>
    /// The agent of <paramref name="poolId"/> (at <paramref name="siteId"/>) asks for work: attaches the pool
    /// (unless another adapter runs it), records that it is alive, and returns its unfinished tasks and the
    /// ones to stop.
    /// </summary>
    public AgentWork Pull(string poolId, string siteId)
    {
        if (!directory.TryAttach(this, poolId))
            throw new InvalidOperationException($"pool '{poolId}' is run by another adapter");
        _pools[poolId] = (siteId, clock.GetUtcNow());
        var mine = _tasks.Values.Where(t => t.Request.PoolId == poolId).ToList();
        return new AgentWork(
            [.. mine.Where(t => !t.IsFinal && !t.CancelRequested).Select(t => WithCurrentSources(t.Request)).OrderBy(r => r.TaskId, StringComparer.Ordinal)],
            [.. mine.Where(t => t.CancelRequested && !t.IsFinal).Select(t => t.Request.TaskId).Order(StringComparer.Ordinal)]);
    }

    /// <summary>Records where the agent of <paramref name="poolId"/> serves its dataset replicas (its data server's base URL).</summary>
    public void AdvertiseData(string poolId, Uri dataUrl) => _dataUrls[poolId] = dataUrl;

    /// <summary>
    /// The data servers of the live agents at <paramref name="siteId"/> (pulled within the heartbeat timeout),
    /// by pool id: where a task staging from that site may read.
    /// </summary>
    public IReadOnlyList<Uri> DataSources(string siteId)
    {
        var now = clock.GetUtcNow();
        return [.. _pools.Where(p => p.Value.Site == siteId && now - p.Value.Seen <= HeartbeatTimeout && _dataUrls.ContainsKey(p.Key))
            .OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => _dataUrls[p.Key])];
    }

    // Which agents serve a site's data changes as agents come and go: a task gets the live ones at each pull.
    private TaskRequest WithCurrentSources(TaskRequest request) => request.Inputs.Count == 0 ? request
        : request with { Inputs = [.. request.Inputs.Select(input => input with { Sources = DataSources(input.FromSite) })] };

    /// <summary>
    /// Takes on pools whose agents have not pulled yet (after a server restart, pools registered with
    /// <c>access: agent</c>): they are attached to this adapter and their heartbeat clock starts now, so an agent
    /// that never returns takes its site down after <see cref="HeartbeatTimeout"/> like one that fell silent.
    /// </summary>
    public void Expect(IEnumerable<Suanwang.Core.Model.Pool> pools)
    {
        ArgumentNullException.ThrowIfNull(pools);
        foreach (var pool in pools)
        {
            if (!_pools.ContainsKey(pool.Id) && directory.TryAttach(this, pool.Id))
                _pools.TryAdd(pool.Id, (pool.SiteId, clock.GetUtcNow()));
        }
    }
    /// <summary>The request of a task this adapter was given, or null.</summary>
    public TaskRequest? RequestOf(string taskId) => _tasks.TryGetValue(taskId, out var task) ? task.Request : null;

    /// <summary>The pool a task runs on, or null for a task this adapter never saw.</summary>
    public string? PoolOf(string taskId) => _tasks.TryGetValue(taskId, out var task) ? task.Request.PoolId : null;

    /// <summary>Records what the agent says of a task; a task already finished keeps its end (reports may repeat).</summary>
    public bool Report(string taskId, TaskPhase phase, int? exitCode, string? message)
    {
        if (!_tasks.TryGetValue(taskId, out var task))
            return false;
        lock (task)
        {
            if (task.IsFinal)
                return true;
            var now = clock.GetUtcNow();
            task.Phase = phase;
            task.StartedAt ??= phase is TaskPhase.Running or TaskPhase.Succeeded or TaskPhase.Failed ? now : null;
            if (task.IsFinal)
                task.EndedAt = now;
            task.ExitCode = exitCode;
            task.Message = message;
        }
        return true;
    }

    /// <summary>Appends output the agent streamed; keeps the newest <see cref="MaxLogBytes"/>.</summary>
    public bool AppendLog(string taskId, string text)
    {
        if (!_tasks.TryGetValue(taskId, out var task))
            return false;
        lock (task)
        {
            task.Log.Append(text);
            if (task.Log.Length > MaxLogBytes)
            {
                var drop = task.Log.Length - MaxLogBytes;
                task.Log.Remove(0, drop);
                task.DroppedChars += drop;
            }
        }
        return true;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<PoolReport>> DescribePoolsAsync(CancellationToken cancel) =>
        Task.FromResult<IReadOnlyList<PoolReport>>([.. _pools.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new PoolReport(p.Key, p.Value.Site, 0, 0, clock.GetUtcNow() - p.Value.Seen <= HeartbeatTimeout))]);

    /// <inheritdoc/>
    public Task<TaskHandle> SubmitAsync(TaskRequest request, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        var task = _tasks.GetOrAdd(request.TaskId, _ => new AgentTask(request));
        lock (task)
            return Task.FromResult(new TaskHandle(request.TaskId, $"agent:{request.PoolId}:{request.TaskId}", task.Phase));
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<TaskReport>> StatusAsync(IReadOnlyList<string> taskIds, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(taskIds);
        return Task.FromResult<IReadOnlyList<TaskReport>>([.. taskIds.Select(id =>
        {
            if (!_tasks.TryGetValue(id, out var task))
                return new TaskReport(id, null, TaskPhase.Unknown, null, null, null, null);
            lock (task)
                return new TaskReport(id, $"agent:{task.Request.PoolId}:{id}", task.Phase, task.StartedAt, task.EndedAt, task.ExitCode, task.Message);
        })]);
    }

    /// <inheritdoc/>
    public Task<bool> CancelAsync(string taskId, CancellationToken cancel)
    {
        if (!_tasks.TryGetValue(taskId, out var task))
            return Task.FromResult(false);
        lock (task)
        {
            if (task.IsFinal)
                return Task.FromResult(false);
            task.CancelRequested = true; // the agent stops it at its next pull and reports it cancelled
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public Task<LogChunk> LogsAsync(string taskId, long offset, int maxBytes, CancellationToken cancel)
    {
        if (!_tasks.TryGetValue(taskId, out var task))
            return Task.FromResult(new LogChunk(taskId, offset, "", offset, true));
        lock (task)
        {
            var start = Math.Max(0, offset - task.DroppedChars);
            var length = (int)Math.Clamp(task.Log.Length - start, 0, maxBytes);
            var text = start < task.Log.Length ? task.Log.ToString((int)start, length) : "";
            var next = task.DroppedChars + start + length;
            return Task.FromResult(new LogChunk(taskId, task.DroppedChars + start, text, next, task.IsFinal && next >= task.DroppedChars + task.Log.Length));
        }
    }

    /// <inheritdoc/>
    public Task<ProviderHealth> HealthAsync(CancellationToken cancel)
    {
        var now = clock.GetUtcNow();
        // A site is down when every agent pool at it has gone quiet.
        var down = _pools.GroupBy(p => p.Value.Site, StringComparer.Ordinal)
            .Where(site => site.All(p => now - p.Value.Seen > HeartbeatTimeout))
            .Select(site => site.Key).Order(StringComparer.Ordinal).ToList();
        return Task.FromResult(new ProviderHealth(true, down, down.Count == 0 ? null : $"agents silent for over {HeartbeatTimeout.TotalSeconds:F0} s at {string.Join(", ", down)}"));
    }

    private sealed class AgentTask(TaskRequest request)
    {
        public TaskRequest Request { get; } = request;

        public TaskPhase Phase { get; set; } = TaskPhase.Queued;

        public DateTimeOffset? StartedAt { get; set; }

        public DateTimeOffset? EndedAt { get; set; }

        public int? ExitCode { get; set; }

        public string? Message { get; set; }

        public bool CancelRequested { get; set; }

        public StringBuilder Log { get; } = new();

        public long DroppedChars { get; set; }

        public bool IsFinal => Phase is TaskPhase.Succeeded or TaskPhase.Failed or TaskPhase.Cancelled;
    }
}

/// <summary>What an agent is told at a pull: tasks to run (or keep running) and tasks to stop.</summary>
/// <param name="Run">Unfinished tasks assigned to the pool.</param>
/// <param name="Stop">Tasks to stop (cancelled by their tenant or the operator).</param>
public sealed record AgentWork(IReadOnlyList<TaskRequest> Run, IReadOnlyList<string> Stop);
