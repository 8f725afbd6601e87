namespace Suanwang.Simulation.Engine;

/// <summary>
/// The simulator's future-event list: a binary min-heap on (time, insertion number), so events at the
/// same time come out in the order they were scheduled — the property that makes a seeded run
/// reproducible byte for byte. Entries are structs in one array: no allocation per event.
/// </summary>
/// <typeparam name="T">The event payload (a small struct, ideally).</typeparam>
public sealed class FutureEventList<T>
{
    private Entry[] _heap = new Entry[64];
    private long _scheduled;

    /// <summary>Events waiting.</summary>
    public int Count { get; private set; }

    /// <summary>The time of the last event taken (the simulated clock); events cannot be scheduled before it.</summary>
    public long Now { get; private set; } = long.MinValue;

    /// <summary>Adds an event at <paramref name="time"/> (≥ <see cref="Now"/>).</summary>
    public void Schedule(long time, T item)
    {
        if (time < Now)
            throw new ArgumentOutOfRangeException(nameof(time), $"an event at {time} would be in the past (now {Now})");
        if (Count == _heap.Length)
            Array.Resize(ref _heap, _heap.Length * 2);
        var entry = new Entry(time, _scheduled++, item);
        var i = Count++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!Before(entry, _heap[parent]))
                break;
            _heap[i] = _heap[parent];
            i = parent;
        }
        _heap[i] = entry;
    }

    /// <summary>The time of the next event, or null when none is left.</summary>
    public long? PeekTime => Count > 0 ? _heap[0].Time : null;

    /// <summary>Takes the earliest event (the first scheduled among equals) and advances <see cref="Now"/> to it.</summary>
    public bool TryDequeue(out long time, out T item)
    {
        if (Count == 0)
        {
            (time, item) = (0, default!);
            return false;
        }
        var top = _heap[0];
        var last = _heap[--Count];
        _heap[Count] = default;
        if (Count > 0)
            SiftDown(last);
        (time, item) = (top.Time, top.Item);
        Now = time;
        return true;
    }

    private void SiftDown(Entry entry)
    {
        var i = 0;
        while (true)
        {
            var child = (2 * i) + 1;
            if (child >= Count)
                break;
            if (child + 1 < Count && Before(_heap[child + 1], _heap[child]))
                child++;
            if (!Before(_heap[child], entry))
                break;
            _heap[i] = _heap[child];
            i = child;
        }
        _heap[i] = entry;
    }

    private static bool Before(in Entry a, in Entry b) => a.Time < b.Time || (a.Time == b.Time && a.Sequence < b.Sequence);

    private readonly record struct Entry(long Time, long Sequence, T Item);
}
