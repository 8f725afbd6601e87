namespace Suanwang.Core.Scheduling;

/// <summary>
/// A min-heap of pools by (bound, pool index): branch and bound takes pools in that order and usually
/// stops after a few, so building a heap (linear) beats sorting every pool that passed the filters.
/// </summary>
internal sealed class PoolHeap(int capacity)
{
    private readonly double[] _bound = new double[capacity];
    private readonly int[] _pool = new int[capacity];

    public int Count { get; private set; }

    /// <summary>Empties the heap.</summary>
    public void Clear() => Count = 0;

    /// <summary>Adds a pool; call <see cref="Build"/> once all are added.</summary>
    public void Add(double bound, int pool)
    {
        _bound[Count] = bound;
        _pool[Count++] = pool;
    }

    /// <summary>Restores the heap order after <see cref="Add"/> calls.</summary>
    public void Build()
    {
        for (var k = Count / 2 - 1; k >= 0; k--)
            SiftDown(k);
    }

    /// <summary>The least (bound, pool) without removing it.</summary>
    public (double Bound, int Pool) Peek() => (_bound[0], _pool[0]);

    /// <summary>Removes the least (bound, pool).</summary>
    public void Pop()
    {
        Count--;
        _bound[0] = _bound[Count];
        _pool[0] = _pool[Count];
        SiftDown(0);
    }

    /// <summary>The pools still in the heap, in no particular order.</summary>
    public ReadOnlySpan<int> Remaining => _pool.AsSpan(0, Count);

    private void SiftDown(int at)
    {
        var bound = _bound[at];
        var pool = _pool[at];
        while (true)
        {
            var child = 2 * at + 1;
            if (child >= Count)
                break;
            if (child + 1 < Count && Before(_bound[child + 1], _pool[child + 1], _bound[child], _pool[child]))
                child++;
            if (!Before(_bound[child], _pool[child], bound, pool))
                break;
            _bound[at] = _bound[child];
            _pool[at] = _pool[child];
            at = child;
        }
        _bound[at] = bound;
        _pool[at] = pool;
    }

    private static bool Before(double boundA, int poolA, double boundB, int poolB) =>
        boundA < boundB || (boundA == boundB && poolA < poolB);
}
