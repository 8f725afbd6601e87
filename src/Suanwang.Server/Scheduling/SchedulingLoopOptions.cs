using Suanwang.Core.Scheduling;

namespace Suanwang.Server.Scheduling;

/// <summary>How the scheduling loop runs.</summary>
public sealed record SchedulingLoopOptions
{
    /// <summary>This replica's name in the leader lease; unique per process.</summary>
    public string Holder { get; init; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Time between cycles when nothing triggers one sooner; also how far ahead a placement may start and still be applied.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the leader lease lasts without renewal: a crashed leader is replaced after at most this long.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The scheduling policy.</summary>
    public SchedulingPolicy Policy { get; init; } = SchedulingPolicy.NetworkAware;

    /// <summary>At most this many pending jobs (oldest ids first) are planned in one cycle; the rest wait for later cycles.</summary>
    public int MaxPendingPerCycle { get; init; } = 2000;
}

/// <summary>What one cycle did.</summary>
/// <param name="Leader">Whether this replica held the lease and scheduled.</param>
/// <param name="Pending">Pending jobs planned.</param>
/// <param name="Placed">Jobs moved from pending to placed.</param>
/// <param name="Refused">Placements refused because the job changed since it was read (e.g. cancelled meanwhile); never dispatched.</param>
/// <param name="Waiting">Pending jobs that stay pending (held back, or their best start is after this cycle).</param>
/// <param name="Unschedulable">Pending jobs no pool can run now; they stay pending with the reason.</param>
/// <param name="Dispatched">Jobs handed to adapters (newly placed or adopted after a restart or a change of leader).</param>
/// <param name="Started">Jobs that became running.</param>
/// <param name="Completed">Jobs that completed.</param>
/// <param name="Failed">Jobs that failed.</param>
/// <param name="Stopped">Jobs whose tasks were cancelled at their adapter because the job was cancelled.</param>
public sealed record CycleReport(
    bool Leader, int Pending, int Placed, int Refused, int Waiting, int Unschedulable, int Dispatched, int Started, int Completed, int Failed, int Stopped)
{
    /// <summary>A cycle of a replica that does not hold the lease.</summary>
    public static CycleReport Follower { get; } = new(false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
