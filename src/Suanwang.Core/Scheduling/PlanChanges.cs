namespace Suanwang.Core.Scheduling;

/// <summary>
/// A running job stopped so that a pending job of strictly higher priority can start now. Its nodes
/// are free from the plan's <c>Now</c>. The applier stops it and re-queues it as a pending job: from
/// its checkpoint (duration = the remaining work) when <paramref name="ResumesFromCheckpoint"/>,
/// otherwise from the start.
/// </summary>
/// <param name="VictimJobId">The stopped job.</param>
/// <param name="PoolId">Its pool.</param>
/// <param name="Nodes">Nodes it gives back.</param>
/// <param name="WastedNodeHours">Work lost: nodes × hours since its last usable checkpoint (or since its start).</param>
/// <param name="ForJobId">The pending job it made room for.</param>
/// <param name="ResumesFromCheckpoint">True when it can resume from a checkpoint rather than restart.</param>
public sealed record Preemption(string VictimJobId, string PoolId, int Nodes, double WastedNodeHours, string ForJobId, bool ResumesFromCheckpoint);

/// <summary>Why running work is moved.</summary>
public enum RelocationReason
{
    /// <summary>Its site is down.</summary>
    SiteDown,

    /// <summary>A placement that ends its remaining run sooner by at least the policy's margin appeared.</summary>
    BetterPlacement,
}

/// <summary>
/// Running work the plan moves. With a <paramref name="Placement"/>, the applier stops the old
/// allocation and starts the job there (after the checkpoint transfer and input staging, which are
/// among the placement's transfers and reserved like any other). Without one, the job could not be
/// re-placed in this cycle: the applier re-queues it (from its checkpoint when
/// <paramref name="ResumesFromCheckpoint"/>), and <paramref name="Explanation"/> says why.
/// </summary>
/// <param name="JobId">The job.</param>
/// <param name="FromPoolId">The pool it ran on.</param>
/// <param name="Reason">Site down or better placement.</param>
/// <param name="Placement">Where the remaining work runs, or null when the job is re-queued.</param>
/// <param name="CheckpointTransfer">The copy of the checkpoint to the new site, or null (restart, or the checkpoint is already there).</param>
/// <param name="ResumesFromCheckpoint">True when the job resumes from its checkpoint; false when it restarts from zero.</param>
/// <param name="RemainingWork">The work left to run (reference duration: the job's duration × the fraction not done at the checkpoint).</param>
/// <param name="WastedNodeHours">Work lost: nodes × hours since the checkpoint (or since the start when it restarts).</param>
/// <param name="Explanation">What happened and why, in words.</param>
public sealed record Relocation(
    string JobId,
    string FromPoolId,
    RelocationReason Reason,
    Placement? Placement,
    StagingTransfer? CheckpointTransfer,
    bool ResumesFromCheckpoint,
    TimeSpan RemainingWork,
    double WastedNodeHours,
    string Explanation)
{
    /// <summary>True when the job was not re-placed and the applier re-queues it.</summary>
    public bool Requeued => Placement is null;
}
