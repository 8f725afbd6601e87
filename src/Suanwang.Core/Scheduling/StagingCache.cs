using Suanwang.Core.Model;
using Suanwang.Core.Network;

namespace Suanwang.Core.Scheduling;

/// <summary>
/// The staging part of <see cref="CandidateEvaluator.Estimate(PendingJob, int, CycleState, DateTimeOffset, bool, int)"/>
/// without repetition. The best transfer of a dataset to a pool depends only on the pool's point of
/// presence, the cycle's time and the reservations on the arcs of the candidate routes — not on the
/// pool or the job — so it is computed once per (dataset, point of presence) and each route's
/// earliest start is kept until a reservation on one of its arcs overlaps the window it found.
/// </summary>
/// <remarks>
/// Remembering answers needs a calendar that only gains reservations while the cache is in use (as in
/// a scheduling cycle, which only calls <see cref="ReservationCalendar.TryReserve(IReadOnlyList{Arc}, TimeInterval, Bandwidth)"/>):
/// reservations get consecutive ids, so each time the count has grown the new ones are found by id
/// and logged on their arcs; a count that fell or an id gap drops every answer. Without that
/// promise the cache remembers nothing and every call computes afresh.
/// <para>Why a kept start stays right: a calendar that only gains reservations only loses free
/// bandwidth, so every window that was too full still is, and the earliest start t found before is
/// still the earliest unless a new reservation on one of the route's arcs overlaps [t, t + duration).
/// A route that never fitted never will.</para>
/// </remarks>
internal sealed class StagingCache
{
    private readonly SchedulingSnapshot _snapshot;
    private readonly ReservationCalendar _calendar;
    private readonly DateTimeOffset _now;
    private readonly bool _remember;
    private readonly List<Change>?[] _arcLog;
    private readonly Dictionary<long, Entry> _entries = [];
    private long _stamp;
    private JobContext? _job;
    private long _jobStamp;
    private Entry?[] _jobEntries = [];
    private long _allChanged;
    private int _seenCount;
    private long _lastId;

    /// <param name="snapshot">The snapshot planned on.</param>
    /// <param name="calendar">The working calendar.</param>
    /// <param name="now">The cycle's time: no transfer starts earlier.</param>
    /// <param name="calendarOnlyGrows">True when <paramref name="calendar"/> only gains reservations while this cache is used, so answers may be kept.</param>
    public StagingCache(SchedulingSnapshot snapshot, ReservationCalendar calendar, DateTimeOffset now, bool calendarOnlyGrows)
    {
        _snapshot = snapshot;
        _calendar = calendar;
        _now = now;
        _remember = calendarOnlyGrows;
        _arcLog = calendarOnlyGrows ? new List<Change>?[calendar.Graph.ArcCount] : [];
        if (calendarOnlyGrows)
            Resynchronize();
    }

    /// <summary>True when this cache answers for <paramref name="calendar"/> at <paramref name="now"/>.</summary>
    public bool Serves(ReservationCalendar calendar, DateTimeOffset now) =>
        ReferenceEquals(calendar, _calendar) && now.UtcTicks == _now.UtcTicks && now.Offset == _now.Offset;

    /// <summary>
    /// When every input would be at the pool's site and what moving them costs, as
    /// <see cref="StagingPlanner.Plan"/> without reserving finds them. An input none of whose routes
    /// ever has the bandwidth free (the calendar is full to the end of representable time) is named
    /// in <c>Unstaged</c>: the pool cannot run the job. (An unattached pool or an input without any
    /// route never gets here: the hard filters reject those; the estimate then counts the inputs as
    /// staged at once for free, as before.)
    /// </summary>
    public (DateTimeOffset StagedAt, long CostMinor, string? Unstaged) Estimate(JobContext job, int poolIndex)
    {
        if (_remember)
            Synchronize();
        var pool = _snapshot.Pools[poolIndex];
        var stagedAt = _now;
        var datasets = job.Datasets;
        long cost = 0;
        var overflow = false;
        for (var k = 0; k < datasets.Length; k++)
        {
            var dataset = datasets[k]!;
            if (_snapshot.Memo.HoldsReplica(job.DatasetIndices[k], dataset, poolIndex))
                continue;
            if (pool.PointOfPresence < 0)
                return (_now, 0, null);
            var best = ForJob(job, k, dataset, pool.PointOfPresence);
            if (!best.Found)
                return (_now, 0, best.Routes.Options.IsEmpty ? null : dataset.Id);
            // The planner sums the costs (checked) only once every input has a transfer.
            overflow |= cost > 0 ? best.CostMinor > long.MaxValue - cost : best.CostMinor < long.MinValue - cost;
            cost = unchecked(cost + best.CostMinor);
            if (best.End > stagedAt)
                stagedAt = best.End;
        }
        if (overflow)
            throw new OverflowException();
        return (stagedAt, cost, null);
    }

    /// <summary>
    /// <see cref="Best"/> through a small table for the job being weighed: one job's pools share a few
    /// points of presence, and nothing is reserved while its pools are weighed (a reservation in
    /// between moves the stamp and empties the table).
    /// </summary>
    private Entry ForJob(JobContext job, int input, Dataset dataset, int point)
    {
        if (!_remember)
            return Best(dataset, job.DatasetIndices[input], point);
        var points = _snapshot.Topology.Network.Nodes.Length;
        if (!ReferenceEquals(job, _job) || _jobStamp != _stamp)
        {
            _job = job;
            _jobStamp = _stamp;
            var size = job.Datasets.Length * points;
            if (_jobEntries.Length < size)
                _jobEntries = new Entry?[size];
            else
                Array.Clear(_jobEntries, 0, size);
        }
        return _jobEntries[input * points + point] ??= Best(dataset, job.DatasetIndices[input], point);
    }

    private Entry Best(Dataset dataset, int datasetIndex, int point)
    {
        if (!_remember)
            return Fresh(dataset, datasetIndex, point);
        var key = (long)datasetIndex * _snapshot.Topology.Network.Nodes.Length + point;
        if (!_entries.TryGetValue(key, out var entry))
        {
            entry = Fresh(dataset, datasetIndex, point);
            _entries[key] = entry;
            return entry;
        }
        if (entry.CheckedAt == _stamp)
            return entry;
        // Only routes over an arc reserved since their start was computed need a new start.
        var options = entry.Routes.Options;
        for (var i = 0; i < options.Length; i++)
        {
            if (options[i].Path is null)
                continue;
            if (Stale(options[i], entry.Starts[i], entry.StartedAt[i]))
            {
                entry.Starts[i] = _calendar.EarliestStart(options[i].Arcs, options[i].Bandwidth, options[i].Duration, _now);
                entry.Dirty = true;
            }
            // Fresh or found still right, the start is the earliest as of now: later checks need only look at
            // reservations logged after this stamp, not again at every one since the start was computed.
            entry.StartedAt[i] = _stamp;
        }
        if (entry.Dirty)
        {
            Choose(entry, dataset);
            entry.Dirty = false;
        }
        entry.CheckedAt = _stamp;
        return entry;
    }

    /// <summary>A new entry: every route's earliest start, then the best of them.</summary>
    private Entry Fresh(Dataset dataset, int datasetIndex, int point)
    {
        var routes = _snapshot.Memo.Routes(dataset, datasetIndex, point);
        var entry = new Entry(routes, _stamp);
        var options = routes.Options;
        for (var i = 0; i < options.Length; i++)
        {
            if (options[i].Path is not null)
                entry.Starts[i] = _calendar.EarliestStart(options[i].Arcs, options[i].Bandwidth, options[i].Duration, _now);
        }
        Choose(entry, dataset);
        return entry;
    }

    /// <summary>StagingPlanner's rule over the routes in order: earliest end wins; then fewer hops; then the earlier route.</summary>
    private void Choose(Entry entry, Dataset dataset)
    {
        var found = false;
        var bestEnd = default(DateTimeOffset);
        var bestArcs = 0;
        long bestCost = 0;
        var options = entry.Routes.Options;
        for (var i = 0; i < options.Length; i++)
        {
            var option = options[i];
            DateTimeOffset end;
            long cost;
            int arcs;
            if (option.Path is not { } path)
            {
                end = _now + option.Duration;
                cost = 0;
                arcs = 0;
            }
            else
            {
                if (entry.Starts[i] is not { } start)
                    continue;
                cost = checked((long)Math.Round(path.PricePerGb.MinorUnits * dataset.Size.Gigabytes));
                if (path.PricePerGb.Currency is null)
                    cost = 0;
                end = start + option.Duration;
                arcs = path.Arcs.Length;
            }
            if (!found || end < bestEnd || (end == bestEnd && arcs < bestArcs))
            {
                found = true;
                bestEnd = end;
                bestArcs = arcs;
                bestCost = cost;
            }
        }
        entry.Found = found;
        entry.End = bestEnd;
        entry.CostMinor = bestCost;
    }

    /// <summary>
    /// True when the route's earliest start, computed at <paramref name="computedAt"/>, may have moved: every
    /// answer was dropped since, or a reservation logged on one of its arcs since overlaps the window found.
    /// </summary>
    private bool Stale(RouteOption option, DateTimeOffset? start, long computedAt)
    {
        if (_allChanged > computedAt)
            return true;
        if (start is not { } found)
            return false;
        var from = found.UtcTicks;
        var to = from + option.Duration.Ticks;
        foreach (var arc in option.Arcs)
        {
            if (_arcLog[arc.Index] is not { } log)
                continue;
            for (var k = log.Count - 1; k >= 0 && log[k].Stamp > computedAt; k--)
            {
                if (log[k].Start < to && log[k].End > from)
                    return true;
            }
        }
        return false;
    }

    /// <summary>Marks the arcs of reservations made since the last look as changed.</summary>
    private void Synchronize()
    {
        var count = _calendar.Count;
        if (count == _seenCount)
            return;
        _stamp++;
        if (count < _seenCount)
        {
            Resynchronize();
            return;
        }
        for (var id = _lastId + 1; id <= _lastId + (count - _seenCount); id++)
        {
            if (_calendar.Find(new ReservationId(id)) is not { } reservation)
            {
                Resynchronize();
                return;
            }
            var change = new Change(_stamp, reservation.Interval.Start.UtcTicks, reservation.Interval.End.UtcTicks);
            foreach (var arc in reservation.Arcs)
                (_arcLog[arc.Index] ??= []).Add(change);
        }
        _lastId += count - _seenCount;
        _seenCount = count;
    }

    /// <summary>Forgets every answer and finds the newest reservation id again.</summary>
    private void Resynchronize()
    {
        _allChanged = _stamp;
        _seenCount = _calendar.Count;
        _lastId = 0;
        foreach (var reservation in _calendar.ActiveReservations())
            _lastId = Math.Max(_lastId, reservation.Id.Value);
    }

    /// <summary>A reservation logged on an arc: when it was seen, and the ticks it holds.</summary>
    private readonly record struct Change(long Stamp, long Start, long End);

    /// <summary>The routes of one (dataset, point of presence), each one's earliest start, and the best transfer.</summary>
    private sealed class Entry(RouteOptions routes, long stamp)
    {
        public RouteOptions Routes { get; } = routes;

        /// <summary>Earliest start per route (null for a metro copy, or when the calendar never has room).</summary>
        public DateTimeOffset?[] Starts { get; } = new DateTimeOffset?[routes.Options.Length];

        /// <summary>The stamp at which each start was computed.</summary>
        public long[] StartedAt { get; } = Filled(routes.Options.Length, stamp);

        public long CheckedAt { get; set; } = stamp;

        /// <summary>Some start changed and the best transfer is not chosen again yet.</summary>
        public bool Dirty { get; set; }

        public bool Found { get; set; }

        public DateTimeOffset End { get; set; }

        public long CostMinor { get; set; }

        private static long[] Filled(int length, long value)
        {
            var array = new long[length];
            Array.Fill(array, value);
            return array;
        }
    }
}
