using Suanwang.Core.Model;

namespace Suanwang.Providers.Adapters;

/// <summary>One pool's part of a placement, as handed to the provider that runs the pool.</summary>
/// <param name="TaskId">The control plane's id for this part: <c>jobId#partIndex</c>; the idempotency key of <see cref="IProviderAdapter.SubmitAsync"/>.</param>
/// <param name="JobId">The job.</param>
/// <param name="Tenant">The job's tenant (for the provider's accounting and isolation).</param>
/// <param name="PoolId">The pool to run on.</param>
/// <param name="SiteId">The pool's site.</param>
/// <param name="Tasks">Tasks of the job in this part.</param>
/// <param name="Nodes">Nodes reserved for them.</param>
/// <param name="TasksPerNode">Tasks packed on each node.</param>
/// <param name="Resources">What each task needs.</param>
/// <param name="Run">What to execute, or null for a job without a command (only the simulated provider runs those).</param>
/// <param name="NotBefore">The planned start: inputs are staged by then; a provider should not start earlier.</param>
/// <param name="ExpectedRuntime">The scheduler's estimate of the run time on this pool (nodes are reserved for it).</param>
/// <param name="StartedAt">When the control plane last saw this task start, for a task re-submitted after a restart; null for a new task. Adapters that keep their own state ignore it.</param>
/// <param name="OutputSize">The job's declared output size (<c>output.size</c>), or null when it declared none; the agent fails a task whose output directory grows beyond it.</param>
public sealed record TaskRequest(
    string TaskId,
    string JobId,
    string Tenant,
    string PoolId,
    string SiteId,
    int Tasks,
    int Nodes,
    int TasksPerNode,
    TaskResources Resources,
    RunSpec? Run,
    DateTimeOffset NotBefore,
    TimeSpan ExpectedRuntime,
    DateTimeOffset? StartedAt = null,
    ByteSize? OutputSize = null)
{
    /// <summary>Inputs to stage at the pool's site before the task starts (empty when the job reads no dataset).</summary>
    public IReadOnlyList<StagingInput> Inputs { get; init; } = [];
}

/// <summary>Where a task is in its life at the provider.</summary>
public enum TaskPhase
{
    /// <summary>The adapter has never seen this task id.</summary>
    Unknown,

    /// <summary>Accepted, not yet running (waiting for its start, staging, or queued at the provider).</summary>
    Queued,

    /// <summary>Running.</summary>
    Running,

    /// <summary>Ended successfully.</summary>
    Succeeded,

    /// <summary>Ended unsuccessfully (non-zero exit, wall time exceeded, site down, ...); the report says why.</summary>
    Failed,

    /// <summary>Stopped by <see cref="IProviderAdapter.CancelAsync"/>.</summary>
    Cancelled,
}

/// <summary>The provider's answer to a submission.</summary>
/// <param name="TaskId">The control plane's task id.</param>
/// <param name="ExternalId">The provider's own id (a Slurm job id, a Kubernetes Job name, ...).</param>
/// <param name="Phase">The task's phase right after submission.</param>
public sealed record TaskHandle(string TaskId, string ExternalId, TaskPhase Phase);

/// <summary>A task's state as the provider reports it.</summary>
/// <param name="TaskId">The control plane's task id.</param>
/// <param name="ExternalId">The provider's id, or null when unknown.</param>
/// <param name="Phase">Where it is.</param>
/// <param name="StartedAt">When it started running, or null.</param>
/// <param name="EndedAt">When it ended, or null.</param>
/// <param name="ExitCode">Its exit code once ended, when the provider knows one.</param>
/// <param name="Message">Why it failed or was stopped, or null.</param>
public sealed record TaskReport(
    string TaskId,
    string? ExternalId,
    TaskPhase Phase,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    int? ExitCode,
    string? Message)
{
    /// <summary>True once the task can no longer change.</summary>
    public bool IsFinal => Phase is TaskPhase.Succeeded or TaskPhase.Failed or TaskPhase.Cancelled;

    /// <summary>
    /// This report after the provider lost the task (it no longer knows it): unchanged once final — its end was seen —
    /// else failed at <paramref name="now"/> with <paramref name="why"/>.
    /// </summary>
    public TaskReport Lost(DateTimeOffset now, string why) => IsFinal ? this : this with { Phase = TaskPhase.Failed, EndedAt = now, Message = why };
}

/// <summary>A pool's capacity as its provider reports it.</summary>
/// <param name="PoolId">The pool.</param>
/// <param name="SiteId">Its site.</param>
/// <param name="TotalNodes">Nodes in the pool.</param>
/// <param name="FreeNodes">Nodes not running a task now.</param>
/// <param name="Healthy">False when the pool cannot take work (its site is down, its scheduler does not answer, ...).</param>
public sealed record PoolReport(string PoolId, string SiteId, int TotalNodes, int FreeNodes, bool Healthy);

/// <summary>A provider's health.</summary>
/// <param name="Reachable">Whether the provider answered.</param>
/// <param name="DownSites">Sites of this provider that cannot run work now, sorted.</param>
/// <param name="Message">Details, or null.</param>
public sealed record ProviderHealth(bool Reachable, IReadOnlyList<string> DownSites, string? Message)
{
    /// <summary>The sites none of whose <paramref name="pools"/> is healthy, sorted: the rule every adapter uses for "site down".</summary>
    public static IReadOnlyList<string> SitesWithoutHealthyPool<T>(IEnumerable<T> pools, Func<T, string> site, Func<T, bool> healthy) =>
        [.. pools.GroupBy(site, StringComparer.Ordinal).Where(s => !s.Any(healthy)).Select(s => s.Key).Order(StringComparer.Ordinal)];
}

/// <summary>A slice of a task's output.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Offset">Byte offset of <paramref name="Text"/> in the whole output.</param>
/// <param name="Text">The output (UTF-8 decoded).</param>
/// <param name="NextOffset">Where the next slice starts.</param>
/// <param name="Complete">True when the task has ended and nothing follows <paramref name="NextOffset"/>.</param>
public sealed record LogChunk(string TaskId, long Offset, string Text, long NextOffset, bool Complete);

/// <summary>
/// An input a task needs at its site before it starts: which dataset, where replicas can be read, the
/// files to expect (when the tenant registered them), the bandwidth the plan reserved, and the signed
/// grant that lets the serving agents answer.
/// </summary>
/// <param name="Tenant">The dataset's tenant.</param>
/// <param name="Dataset">The dataset's id within the tenant.</param>
/// <param name="FromSite">The site of the replica the plan chose (the pool's own site when the data is already there).</param>
/// <param name="Sources">Base URLs of the data servers of agents at <paramref name="FromSite"/>, tried in order.</param>
/// <param name="Files">The files as registered (path, size, SHA-256), or null to take the serving replica's manifest.</param>
/// <param name="BytesPerSecond">The staging bandwidth the plan reserved; 0 when nothing was reserved (a local copy).</param>
/// <param name="Grant">A <c>StagingGrant</c> token for this dataset and task.</param>
public sealed record StagingInput(
    string Tenant,
    string Dataset,
    string FromSite,
    IReadOnlyList<Uri> Sources,
    IReadOnlyList<Staging.DatasetFile>? Files,
    long BytesPerSecond,
    string Grant);
