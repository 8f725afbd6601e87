using System.Collections.Immutable;
using System.Globalization;
using Suanwang.Core.Model;

namespace Suanwang.Core.Scheduling;

/// <summary>
/// Preemption with a bound on wasted work (docs/scheduler.md, <em>Preemption</em>). A pending job
/// that would wait for nodes on every feasible pool may stop running allocations of preemptible jobs
/// of strictly lower priority, on one pool, so that it starts as soon as its inputs are staged. Per
/// pool the victims are taken in a fixed order (lowest priority, least wasted work, latest start, job
/// id) until the job fits, then any victim the job can do without is spared (last taken first). The
/// pool is an option only if the victims' wasted work is within the policy's bound; among options the
/// least waste wins, then the earlier completion, then topology order.
/// </summary>
internal sealed class Preemptor(SchedulingSnapshot snapshot, DateTimeOffset now, SchedulingPolicy policy, CycleState state, RunningWork running)
{
    private readonly ImmutableArray<Preemption>.Builder _made = ImmutableArray.CreateBuilder<Preemption>();

    /// <summary>A way to make room: the job's estimate once the victims are stopped, the victims and what they waste.</summary>
    internal sealed record Room(Estimate Estimate, ImmutableArray<int> Victims, double WastedNodeHours, double Bound);

    /// <summary>Every preemption this cycle made, in the order made.</summary>
    public ImmutableArray<Preemption> Preemptions => _made.ToImmutable();

    /// <summary>
    /// The least wasteful room within the bound for a job whose every feasible pool makes it wait for
    /// nodes, or null (the job can start somewhere without waiting, it has the lowest priority,
    /// preemption is off, or no pool has enough preemptible lower-priority work within the bound).
    /// Nothing is changed until <see cref="Commit"/>.
    /// </summary>
    public Room? FindRoom(PendingJob job, IReadOnlyList<Estimate> feasible)
    {
        if (!MightPreempt(job))
            return null;
        for (var k = 0; k < feasible.Count; k++)
        {
            if (feasible[k].Start <= feasible[k].StagedAt)
                return null; // it can start without waiting for nodes somewhere: nothing to preempt for
        }
        Room? best = null;
        for (var k = 0; k < feasible.Count; k++)
        {
            if (RoomOn(job.Demand.Priority, feasible[k]) is not { } room)
                continue;
            if (best is null || room.WastedNodeHours < best.WastedNodeHours
                || (room.WastedNodeHours == best.WastedNodeHours && room.Estimate.Completion < best.Estimate.Completion))
                best = room;
        }
        return best;
    }

    /// <summary>False when preemption cannot help this job at all: preemption is off, nothing running is preemptible, or the job has the lowest priority.</summary>
    public bool MightPreempt(PendingJob job) => MightPreempt(policy, snapshot, job);

    /// <summary>The same question without a preemptor (a cycle that never preempts never makes one).</summary>
    public static bool MightPreempt(SchedulingPolicy policy, SchedulingSnapshot snapshot, PendingJob job) =>
        policy.PreemptionMaxWasteFraction >= 0 && snapshot.AnyPreemptible && job.Demand.Priority != JobPriority.Low;

    /// <summary>
    /// Whether any of <paramref name="pools"/> runs work the job could preempt (active, started, preemptible,
    /// of lower priority). When none does, <see cref="FindRoom"/> finds nothing, so the caller need not estimate every pool.
    /// </summary>
    public bool AnyVictimOn(PendingJob job, ReadOnlySpan<int> pools)
    {
        var priority = job.Demand.Priority;
        foreach (var pool in pools)
        {
            foreach (var index in running.OnPool(pool))
            {
                var allocation = running[index];
                if (running.IsActive(index) && allocation.Start <= now && allocation.Demand is { Flags.Preemptible: true } demand && demand.Priority < priority)
                    return true;
            }
        }
        return false;
    }

    /// <summary>Stops the room's victims (their nodes are free from now in the cycle state) and records them; returns a sentence for the decision's reason.</summary>
    public string Commit(Room room, PendingJob job)
    {
        var pool = snapshot.Pools[room.Estimate.Pool].Pool.Id;
        var names = new List<string>(room.Victims.Length);
        foreach (var victim in room.Victims)
        {
            var allocation = running[victim];
            var wasted = running.WastedNodeHours(allocation);
            running.Remove(victim, state);
            _made.Add(new Preemption(allocation.JobId, pool, allocation.Nodes, wasted, job.Id, running.UsableCheckpoint(allocation) is not null));
            names.Add(allocation.JobId);
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"preempted {string.Join(", ", names)} on {pool}, wasting {room.WastedNodeHours:0.###} node-hours (bound {room.Bound:0.###})");
    }

    /// <summary>The victims on the estimate's pool that let the job start at its staged-at time, within the bound; or null.</summary>
    private Room? RoomOn(JobPriority priority, Estimate estimate)
    {
        var pool = estimate.Pool;
        var eligible = new List<(int Index, RunningAllocation Allocation, double Waste)>();
        foreach (var index in running.OnPool(pool))
        {
            var allocation = running[index];
            if (running.IsActive(index) && allocation.Start <= now && allocation.Demand is { Flags.Preemptible: true } demand && demand.Priority < priority)
                eligible.Add((index, allocation, running.WastedNodeHours(allocation)));
        }
        var limit = snapshot.Pools[pool].Pool.NodeCount - estimate.Nodes;
        if (eligible.Count == 0 || limit < 0)
            return null;
        eligible.Sort((a, b) =>
        {
            var order = a.Allocation.Demand!.Priority.CompareTo(b.Allocation.Demand!.Priority);
            if (order == 0)
                order = a.Waste.CompareTo(b.Waste);
            if (order == 0)
                order = b.Allocation.Start.CompareTo(a.Allocation.Start);
            if (order == 0)
                order = string.CompareOrdinal(a.Allocation.JobId, b.Allocation.JobId);
            return order != 0 ? order : a.Index.CompareTo(b.Index);
        });

        // A private copy of the pool's profile: stop victims in order until the job fits from its staged-at time.
        var profile = state.Profile(pool).CopyFor(this);
        var from = estimate.StagedAt.UtcTicks;
        var duration = Math.Max(1, estimate.Runtime.Ticks);
        bool Fits() => profile.EarliestFit(from, duration, limit) == from;
        void Stop((int Index, RunningAllocation Allocation, double Waste) v, int sign) =>
            profile.Add(now.UtcTicks, v.Allocation.ExpectedEnd.UtcTicks, -sign * v.Allocation.Nodes);
        var taken = new List<(int Index, RunningAllocation Allocation, double Waste)>();
        foreach (var victim in eligible)
        {
            Stop(victim, 1);
            taken.Add(victim);
            if (Fits())
                break;
        }
        if (!Fits())
            return null;
        // Only as many as needed: spare every victim the job fits without, the last taken first.
        for (var k = taken.Count - 1; k >= 0; k--)
        {
            Stop(taken[k], -1);
            if (Fits())
                taken.RemoveAt(k);
            else
                Stop(taken[k], 1);
        }
        var waste = 0.0;
        foreach (var victim in taken)
            waste += victim.Waste;
        var bound = Math.Min(policy.PreemptionMaxWasteFraction * estimate.Nodes * estimate.Runtime.TotalHours, policy.PreemptionMaxWasteNodeHours);
        if (!(waste <= bound))
            return null;
        var started = estimate with { Start = estimate.StagedAt, Completion = estimate.Completion - (estimate.Start - estimate.StagedAt) };
        return new Room(started, [.. taken.Select(v => v.Index)], waste, bound);
    }
}
