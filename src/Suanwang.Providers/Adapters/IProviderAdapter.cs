namespace Suanwang.Providers.Adapters;

/// <summary>
/// What the control plane asks of a provider (DESIGN §7): describe its pools, submit a task (one pool's
/// part of a placement), report status, cancel, return logs, report health. One adapter per provider
/// technology — the simulated provider here; the agent, Slurm and Kubernetes adapters later.
/// </summary>
/// <remarks>
/// Rules every adapter keeps, because the scheduling loop relies on them:
/// <list type="bullet">
/// <item><see cref="SubmitAsync"/> is idempotent by <see cref="TaskRequest.TaskId"/>: submitting a task the
/// adapter already knows returns its existing handle and starts nothing new (after a crash the loop re-submits
/// every placed or running task it adopts from the store).</item>
/// <item><see cref="StatusAsync"/> answers for every id asked, with <see cref="TaskPhase.Unknown"/> for an id it
/// never saw; adapters whose providers push reports (the agent) answer from what was pushed, so the loop
/// only ever polls.</item>
/// <item>Methods may throw when the provider cannot be reached; the loop then retries in its next cycle.</item>
/// </list>
/// </remarks>
public interface IProviderAdapter
{
    /// <summary>A stable name for logs and metrics, e.g. <c>simulated</c> or <c>slurm:hpc-east</c>.</summary>
    string Name { get; }

    /// <summary>The pools this adapter runs work on, with their capacity and health as the provider sees them now.</summary>
    Task<IReadOnlyList<PoolReport>> DescribePoolsAsync(CancellationToken cancel);

    /// <summary>Hands a task to the provider (idempotent by task id).</summary>
    Task<TaskHandle> SubmitAsync(TaskRequest request, CancellationToken cancel);

    /// <summary>The state of each task, in the order asked.</summary>
    Task<IReadOnlyList<TaskReport>> StatusAsync(IReadOnlyList<string> taskIds, CancellationToken cancel);

    /// <summary>Stops a task. True when it was stopped now; false when it had already ended or is unknown.</summary>
    Task<bool> CancelAsync(string taskId, CancellationToken cancel);

    /// <summary>Up to <paramref name="maxBytes"/> bytes of a task's combined output from <paramref name="offset"/>.</summary>
    Task<LogChunk> LogsAsync(string taskId, long offset, int maxBytes, CancellationToken cancel);

    /// <summary>Whether the provider answers, and which of its sites are down.</summary>
    Task<ProviderHealth> HealthAsync(CancellationToken cancel);
}
