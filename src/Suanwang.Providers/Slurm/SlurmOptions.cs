namespace Suanwang.Providers.Slurm;

/// <summary>One control-plane pool served by a Slurm partition.</summary>
/// <param name="PoolId">The control plane's pool id.</param>
/// <param name="SiteId">The pool's site.</param>
/// <param name="Partition">The Slurm partition its tasks are submitted to.</param>
public sealed record SlurmPool(string PoolId, string SiteId, string Partition);

/// <summary>Where a <see cref="SlurmAdapter"/> finds slurmrestd, who it acts as, and what it runs.</summary>
public sealed record SlurmOptions
{
    /// <summary>slurmrestd's base address, e.g. <c>http://127.0.0.1:6820/</c> (the adapter appends <c>slurm/v0.0.38/...</c>).</summary>
    public required Uri BaseAddress { get; init; }

    /// <summary>The Slurm user jobs are submitted as (sent as <c>X-SLURM-USER-NAME</c>).</summary>
    public required string UserName { get; init; }

    /// <summary>
    /// Returns the current JWT (sent as <c>X-SLURM-USER-TOKEN</c>); called for every request, so a rotating
    /// token (re-read from a file, for example) is picked up without restarting the adapter.
    /// </summary>
    public required Func<string> Token { get; init; }

    /// <summary>The pools this adapter runs, each on its partition.</summary>
    public required IReadOnlyList<SlurmPool> Pools { get; init; }

    /// <summary>
    /// An absolute directory that exists on every node of the cluster and is writable by <see cref="UserName"/>:
    /// each task runs in <c>WorkRoot/tenant/taskId</c> (created by the job script) and writes its output to
    /// <c>WorkRoot/tenant+taskId.out</c>.
    /// </summary>
    public required string WorkRoot { get; init; }

    /// <summary>
    /// True when <see cref="WorkRoot"/> is readable on the machine running the adapter (the same host or a shared
    /// file system), so <see cref="SlurmAdapter.LogsAsync"/> can return the task's output; false returns a note instead.
    /// </summary>
    public bool LogsReadable { get; init; }

    /// <summary>The adapter's name in logs and metrics (default <c>slurm</c>).</summary>
    public string Name { get; init; } = "slurm";

    /// <summary>How long one request to slurmrestd may take before the adapter reports it unreachable.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
