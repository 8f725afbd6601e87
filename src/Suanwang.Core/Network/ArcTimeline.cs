namespace Suanwang.Core.Network;

/// <summary>
/// Reserved bandwidth on one arc over time, as a step function in canonical form: sorted
/// breakpoints <c>times[i]</c> (UTC ticks) where the usage changes to <c>usage[i]</c>, which holds
/// until the next breakpoint. Usage is 0 before the first breakpoint and after the last (the last
/// usage is always 0), and no two neighbouring steps have the same usage, so equal functions have
/// equal representations and released reservations leave no trace.
/// </summary>
/// <remarks>
/// With b breakpoints: a query over an interval costs O(log b + s) for the s steps it overlaps; adding
/// or removing a reservation costs O(log b + s) plus an O(b) array shift for the at most two new
/// breakpoints (a memory move, fast for the hundreds to thousands of breakpoints of one cycle).
/// </remarks>
internal sealed class ArcTimeline
{
    private long[] _times;
    private long[] _usage;
    private int _count;

    // An upper bound of every usage on the timeline: raised when a step grows, never lowered when one
    // shrinks (so a release keeps it safe, only looser). A search whose limit is at least this bound
    // fits at once without looking at the steps.
    private long _peak;

    public ArcTimeline(object owner)
    {
        Owner = owner;
        _times = new long[8];
        _usage = new long[8];
    }

    private ArcTimeline(object owner, ArcTimeline source)
    {
        Owner = owner;
        _times = [];
        _usage = [];
        CopyFrom(source);
    }

    /// <summary>The calendar allowed to change this timeline in place; others copy it first.</summary>
    public object Owner { get; }

    public int BreakpointCount => _count;

    public ArcTimeline CopyFor(object owner) => new(owner, this);

    /// <summary>Makes this timeline equal to <paramref name="source"/>, reusing its arrays when they are long enough (with room for one change).</summary>
    public void CopyFrom(ArcTimeline source)
    {
        if (_times.Length < source._count + 2)
        {
            // Room for the two breakpoints one change adds, so that a copy made to be changed is not at once resized.
            var length = Math.Max(8, source._count + 4);
            _times = new long[length];
            _usage = new long[length];
        }
        Array.Copy(source._times, _times, source._count);
        Array.Copy(source._usage, _usage, source._count);
        _count = source._count;
        _peak = source._peak; // the reused timeline's own bound may be lower than the source's usages
    }

    /// <summary>The largest usage at any instant of [start, end).</summary>
    public long MaxUsage(long start, long end)
    {
        var i = LastAtOrBefore(start);
        var max = i >= 0 ? _usage[i] : 0;
        for (var j = i + 1; j < _count && _times[j] < end; j++)
            max = Math.Max(max, _usage[j]);
        return max;
    }

    /// <summary>Adds <paramref name="delta"/> (negative to release) to the usage over [start, end).</summary>
    public void Add(long start, long end, long delta)
    {
        var first = EnsureBreakpoint(start);
        var last = EnsureBreakpoint(end);
        for (var i = first; i < last; i++)
        {
            _usage[i] += delta;
            _peak = Math.Max(_peak, _usage[i]);
        }
        // Only the two ends can have become equal to their left neighbours; remove the right one first.
        RemoveIfRedundant(last);
        RemoveIfRedundant(first);
    }

    /// <summary>
    /// The earliest t ≥ <paramref name="from"/> with usage ≤ <paramref name="limit"/> throughout
    /// [t, t + <paramref name="duration"/>). Every window that overlaps a step above the limit is
    /// infeasible until that step ends, so the search jumps to the end of the last such step in the
    /// window. Requires limit ≥ 0, which makes the final (zero) step always acceptable.
    /// </summary>
    public long EarliestFit(long from, long duration, long limit)
    {
        if (_peak <= limit)
            return from;
        var t = from;
        while (true)
        {
            var end = t > long.MaxValue - duration ? long.MaxValue : t + duration;
            var i = LastAtOrBefore(t);
            var lastBad = i >= 0 && _usage[i] > limit ? i : -1;
            for (var j = i + 1; j < _count && _times[j] < end; j++)
            {
                if (_usage[j] > limit)
                    lastBad = j;
            }
            if (lastBad < 0)
                return t;
            t = _times[lastBad + 1];
        }
    }

    /// <summary>
    /// True when the usage is ≤ <paramref name="limit"/> throughout [<paramref name="from"/>, from +
    /// <paramref name="duration"/>): exactly when <see cref="EarliestFit"/> from <paramref name="from"/> would
    /// return <paramref name="from"/>, answered in one pass that stops at the first step above the limit.
    /// </summary>
    public bool FitsAt(long from, long duration, long limit)
    {
        var end = from > long.MaxValue - duration ? long.MaxValue : from + duration;
        var i = LastAtOrBefore(from);
        if (i >= 0 && _usage[i] > limit)
            return false;
        for (var j = i + 1; j < _count && _times[j] < end; j++)
        {
            if (_usage[j] > limit)
                return false;
        }
        return true;
    }

    /// <summary>The first breakpoint strictly after <paramref name="time"/>, or <see cref="long.MaxValue"/> when the usage never changes again.</summary>
    public long NextChangeAfter(long time)
    {
        var next = LastAtOrBefore(time) + 1;
        return next < _count ? _times[next] : long.MaxValue;
    }

    /// <summary>Index of the last breakpoint ≤ time, or −1.</summary>
    private int LastAtOrBefore(long time)
    {
        var index = _times.AsSpan(0, _count).BinarySearch(time);
        return index >= 0 ? index : ~index - 1;
    }

    private int EnsureBreakpoint(long time)
    {
        var index = _times.AsSpan(0, _count).BinarySearch(time);
        if (index >= 0)
            return index;
        index = ~index;
        if (_count == _times.Length)
        {
            Array.Resize(ref _times, _count * 2);
            Array.Resize(ref _usage, _count * 2);
        }
        Array.Copy(_times, index, _times, index + 1, _count - index);
        Array.Copy(_usage, index, _usage, index + 1, _count - index);
        _times[index] = time;
        _usage[index] = index > 0 ? _usage[index - 1] : 0;
        _count++;
        return index;
    }

    private void RemoveIfRedundant(int index)
    {
        var before = index > 0 ? _usage[index - 1] : 0;
        if (_usage[index] != before)
            return;
        Array.Copy(_times, index + 1, _times, index, _count - index - 1);
        Array.Copy(_usage, index + 1, _usage, index, _count - index - 1);
        _count--;
    }

    /// <summary>The breakpoints and usages, for tests of the canonical form.</summary>
    internal (long Time, long Usage)[] Steps()
    {
        var steps = new (long, long)[_count];
        for (var i = 0; i < _count; i++)
            steps[i] = (_times[i], _usage[i]);
        return steps;
    }
}
