using Suanwang.Core.Network;

namespace Suanwang.Core.Scheduling;

/// <summary>
/// Working memory a shell keeps between calls of
/// <see cref="Scheduler.PlanChanges(SchedulingSnapshot, IReadOnlyList{PendingJob}, DateTimeOffset, SchedulingPolicy, PlanningSession)"/>
/// that plan later states of one world again and again with mostly the same pending jobs (the simulator
/// plans at every instant that changes something). A plan made with a session is exactly the plan made
/// without one; the session only spares work and allocation:
/// <list type="bullet">
/// <item>per pending job (by reference), a slot that tells a job id seen twice in one call without hashing
/// the id at every call, and keeps what the held-job check needs of the job (its one pool, nodes and run
/// time, valid while the snapshot's memo is the same);</item>
/// <item>the list the held jobs are collected in, and the cycle's working copies of node profiles (the arrays
/// are reused: a cycle that reserves one job on a pool no longer copies the pool's profile into new arrays).</item>
/// </list>
/// </summary>
/// <remarks>
/// One call at a time (a second call while one runs throws). Jobs not passed in the last call are forgotten
/// now and then (when the slots have doubled since the last sweep), so memory follows the queue, not the history.
/// </remarks>
public sealed class PlanningSession
{
    private readonly Dictionary<PendingJob, JobSlot> _slots = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, IdMark> _ids = new(StringComparer.Ordinal);
    private readonly List<HeldJob> _held = [];
    private ArcTimeline?[] _profiles = [];
    // The jobs of the last call and of this one, in the order they had their turn, with their slots: a job found
    // where the last call had it (the usual case: the queue keeps its order, loses a few jobs and gains a few
    // at the end) needs no lookup; after a lookup the walk continues behind that job's last position.
    private (PendingJob Job, JobSlot Slot)[] _last = [];
    private (PendingJob Job, JobSlot Slot)[] _this = [];
    private int _lastCount;
    private int _thisCount;
    private int _cursor;
    private int _call;
    private readonly int _minimumSweep;
    private int _sweepAt;
    private bool _busy;

    /// <summary>A new session, knowing no job yet.</summary>
    public PlanningSession()
        : this(minimumSweep: 4096)
    {
    }

    /// <param name="minimumSweep">Slots kept before the first sweep (small in tests, so that sweeps happen).</param>
    internal PlanningSession(int minimumSweep) => _sweepAt = _minimumSweep = minimumSweep;

    /// <summary>Starts a call: the held list emptied, slots of jobs long gone forgotten.</summary>
    internal List<HeldJob> Begin(int pools)
    {
        if (_busy)
            throw new InvalidOperationException("a planning session plans one cycle at a time");
        _busy = true;
        _call++;
        _held.Clear();
        (_last, _this) = (_this, _last);
        (_lastCount, _thisCount, _cursor) = (_thisCount, 0, 0);
        if (_profiles.Length != pools)
            _profiles = new ArcTimeline?[pools];
        if (_slots.Count > _sweepAt)
            Sweep();
        return _held;
    }

    /// <summary>Ends a call.</summary>
    internal void End() => _busy = false;

    /// <summary>
    /// The job's slot at its turn in this call, or null when a job with its id (the same object or
    /// another) already had its turn in this call: the job is then a duplicate.
    /// </summary>
    internal JobSlot? Enter(PendingJob job)
    {
        JobSlot? slot;
        if (_cursor < _lastCount && ReferenceEquals(_last[_cursor].Job, job))
        {
            slot = _last[_cursor++].Slot;
        }
        else if (_slots.TryGetValue(job, out slot))
        {
            if (slot.Seen == _call - 1)
                _cursor = slot.Position + 1;
        }
        else
        {
            if (!_ids.TryGetValue(job.Id, out var mark))
                _ids[job.Id] = mark = new IdMark();
            _slots[job] = slot = new JobSlot(mark);
        }
        if (_thisCount == _this.Length)
            Array.Resize(ref _this, Math.Max(16, 2 * _thisCount));
        slot.Position = _thisCount;
        _this[_thisCount++] = (job, slot);
        slot.Seen = _call;
        if (slot.Id.Call == _call)
            return null;
        slot.Id.Call = _call;
        return slot;
    }

    /// <summary>The cycle's working copy of a pool's node profile: the session's arrays, overwritten with <paramref name="source"/>.</summary>
    internal ArcTimeline ProfileCopy(int pool, ArcTimeline source, object owner)
    {
        var copy = _profiles[pool] ??= new ArcTimeline(owner);
        copy.CopyFrom(source);
        return copy;
    }

    /// <summary>Forgets jobs (and ids) not passed in the last call.</summary>
    private void Sweep()
    {
        var stale = _call - 1;
        foreach (var (job, slot) in _slots)
        {
            if (slot.Seen < stale)
                _slots.Remove(job);
        }
        foreach (var (id, mark) in _ids)
        {
            if (mark.Call < stale)
                _ids.Remove(id);
        }
        _sweepAt = Math.Max(_minimumSweep, 2 * _slots.Count);
    }

    /// <summary>The last call in which some job with this id had its turn (shared by every job object with the id).</summary>
    internal sealed class IdMark
    {
        public int Call;
    }

    /// <summary>What the session knows of one pending job object.</summary>
    internal sealed class JobSlot(IdMark id)
    {
        public IdMark Id { get; } = id;

        /// <summary>The last call the job was passed in.</summary>
        public int Seen;

        /// <summary>Its turn in that call (among the jobs that had one).</summary>
        public int Position;

        private SchedulingMemo? _factsMemo;
        private HoldFacts? _facts;

        /// <summary>The job's hold facts under <paramref name="memo"/> (they depend only on the world and the sites down, which the memo stands for).</summary>
        public HoldFacts FactsUnder(SchedulingMemo memo, PendingJob job, Func<PendingJob, HoldFacts> make)
        {
            if (!ReferenceEquals(_factsMemo, memo) || _facts is null)
                (_factsMemo, _facts) = (memo, memo.HoldFactsOf(job, make));
            return _facts;
        }
    }
}
