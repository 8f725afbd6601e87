using System.Collections.Immutable;
using Suanwang.Core.Model;

namespace Suanwang.Core.Scheduling;

/// <summary>
/// The last checkpoint of a running job: the job can resume from it, on any pool, having done the
/// fraction (<paramref name="TakenAt"/> − start) ÷ (expected end − start) of this run's work.
/// </summary>
/// <param name="TakenAt">When it was written (the work done after it is lost when the job stops).</param>
/// <param name="Size">Bytes to copy to resume elsewhere.</param>
/// <param name="SiteId">The site holding it; when that site is down the checkpoint cannot be used.</param>
public sealed record JobCheckpoint(DateTimeOffset TakenAt, ByteSize Size, string SiteId);

/// <summary>
/// Per-snapshot index of the running allocations, built once with the snapshot: each one's pool
/// (−1 for an unknown pool), the allocations of each pool, and the few that preemption or migration
/// could ever touch, so that cycles without such work pay nothing for these features.
/// </summary>
internal sealed class RunningIndex
{
    public RunningIndex(ImmutableArray<RunningAllocation> running, IReadOnlyDictionary<string, int> poolIndex, int poolCount)
    {
        var pools = new int[running.Length];
        var byPool = new List<int>?[poolCount];
        var movable = ImmutableArray.CreateBuilder<int>();
        for (var i = 0; i < running.Length; i++)
        {
            pools[i] = poolIndex.TryGetValue(running[i].PoolId, out var pool) ? pool : -1;
            if (pools[i] < 0)
                continue;
            (byPool[pools[i]] ??= []).Add(i);
            AnyPreemptible |= running[i].Demand is { Flags.Preemptible: true };
            if (running[i] is { Demand.Flags.Checkpointable: true, Checkpoint: not null })
                movable.Add(i);
        }
        Pools = [.. pools];
        ByPool = [.. byPool.Select(l => l is null ? ImmutableArray<int>.Empty : [.. l])];
        Movable = movable.ToImmutable();
    }

    /// <summary>Pool index of each allocation, or −1.</summary>
    public ImmutableArray<int> Pools { get; }

    /// <summary>Allocations on each pool, in snapshot order.</summary>
    public ImmutableArray<ImmutableArray<int>> ByPool { get; }

    /// <summary>True when some allocation on a known pool is preemptible.</summary>
    public bool AnyPreemptible { get; }

    /// <summary>Allocations on known pools that are checkpointable and have a checkpoint (migration candidates), in snapshot order.</summary>
    public ImmutableArray<int> Movable { get; }
}

/// <summary>
/// The running allocations of one cycle and which of them this cycle has already stopped (preempted)
/// or moved (relocated), so that no allocation is touched twice and freed nodes are given back to the
/// cycle's profiles exactly once. Only allocations on known pools that still run at <c>now</c>
/// (expected end after now) count as active.
/// </summary>
internal sealed class RunningWork(SchedulingSnapshot snapshot, DateTimeOffset now)
{
    private readonly SchedulingSnapshot _snapshot = snapshot;
    private readonly DateTimeOffset _now = now;
    private RunningIndex _index => _snapshot.RunningIndex; // built on first use, by the snapshot
    private HashSet<int>? _gone;

    /// <summary>True when some allocation is preemptible (otherwise preemption need not look).</summary>
    public bool AnyPreemptible => _snapshot.AnyPreemptible;

    /// <summary>Migration candidates (see <see cref="RunningIndex.Movable"/>).</summary>
    public ImmutableArray<int> Movable => _index.Movable;

    public int Count => _index.Pools.Length;

    public RunningAllocation this[int index] => _snapshot.Running[index];

    /// <summary>The pool index of allocation <paramref name="index"/>, or −1 for an unknown pool.</summary>
    public int PoolOf(int index) => _index.Pools[index];

    /// <summary>True when the allocation is on a known pool, ends after now, and this cycle has not stopped or moved it.</summary>
    public bool IsActive(int index) =>
        _index.Pools[index] >= 0 && _snapshot.Running[index].ExpectedEnd > _now && !(_gone?.Contains(index) ?? false);

    /// <summary>Allocations on a pool, in snapshot order (active or not).</summary>
    public ImmutableArray<int> OnPool(int pool) => _index.ByPool[pool];

    /// <summary>Stops or moves an allocation: its nodes are free from now and its tenant no longer holds them.</summary>
    public void Remove(int index, CycleState state)
    {
        var allocation = this[index];
        var pool = _index.Pools[index];
        (_gone ??= []).Add(index);
        var from = allocation.Start > _now ? allocation.Start : _now;
        state.ReleaseNodes(pool, from, allocation.ExpectedEnd, allocation.Nodes);
        // CycleState counts every allocation that ends after now as held (RunningUsage), so every one is taken off.
        state.RemoveUsage(allocation.TenantId, _snapshot.Pools[pool], allocation.Nodes);
    }

    /// <summary>
    /// The checkpoint the job can resume from: it must be checkpointable, have a checkpoint, and the
    /// checkpoint's site must be up. Null otherwise.
    /// </summary>
    public JobCheckpoint? UsableCheckpoint(RunningAllocation allocation) =>
        allocation is { Demand.Flags.Checkpointable: true, Checkpoint: { } checkpoint } && !_snapshot.IsDown(checkpoint.SiteId)
            && _snapshot.Topology.FindSite(checkpoint.SiteId) is not null
            ? checkpoint
            : null;

    /// <summary>
    /// The moment from which the allocation's work is lost if it stops now: its usable checkpoint's
    /// time (clamped to [start, now]), else its start (clamped to now).
    /// </summary>
    public DateTimeOffset SafeUntil(RunningAllocation allocation)
    {
        var since = UsableCheckpoint(allocation) is { } checkpoint && checkpoint.TakenAt > allocation.Start ? checkpoint.TakenAt : allocation.Start;
        return since < _now ? since : _now;
    }

    /// <summary>Wasted work if the allocation stops now: nodes × hours since <see cref="SafeUntil"/>, in node-hours.</summary>
    public double WastedNodeHours(RunningAllocation allocation) => allocation.Nodes * (_now - SafeUntil(allocation)).TotalHours;

    /// <summary>
    /// The work left when the job resumes from <paramref name="checkpoint"/> (or restarts, when null):
    /// its duration × (1 − the fraction of the run done at the checkpoint), at least one second.
    /// </summary>
    public static TimeSpan RemainingWork(RunningAllocation allocation, JobDemand demand, JobCheckpoint? checkpoint)
    {
        if (checkpoint is null)
            return demand.Duration;
        var run = (allocation.ExpectedEnd - allocation.Start).Ticks;
        var done = run <= 0 ? 1.0 : Math.Clamp((double)(checkpoint.TakenAt - allocation.Start).Ticks / run, 0, 1);
        var left = (long)Math.Ceiling(demand.Duration.Ticks * (1 - done));
        return TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, left));
    }
}
