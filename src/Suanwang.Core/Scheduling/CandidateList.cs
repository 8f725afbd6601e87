using System.Collections;
using System.Runtime.CompilerServices;

namespace Suanwang.Core.Scheduling;

/// <summary>
/// A decision's candidates (docs/scheduler.md, "The explanation contract"): one <see cref="Candidate"/> per
/// pool of the snapshot in topology order, then any candidates over several pools. Read-only; enumerates,
/// counts and indexes like an array.
/// </summary>
/// <remarks>
/// Stored compactly: most pools' candidates are shared objects that the job's filter layers already hold
/// (a rejection by place — site down, jurisdictions, a dataset's jurisdictions, latency tier, unreachable
/// input — or by fit), or the pool's shared "not scored" note. A list keeps references to those layers, which
/// the snapshot's memo shares between jobs, plus the few pools whose candidate differs (scored pools,
/// rejections by deadline, budget or node count, …). A decision then holds a few dozen references instead of
/// one per pool; the candidates read back are the same objects.
/// </remarks>
[CollectionBuilder(typeof(CandidateList), nameof(Create))]
public sealed class CandidateList : IReadOnlyList<Candidate>
{
    private readonly Candidate?[]? _first;    // per pool, the first layer's candidate or null
    private readonly Candidate?[]? _second;   // per pool, the second layer's candidate or null
    private readonly Candidate[]? _fallback;  // per pool, the candidate when both layers are null
    private readonly int _pools;
    private readonly int[] _at;               // pools whose candidate differs from the layers, ascending
    private readonly Candidate[] _differs;    // their candidates (with no layers: every pool's, in order)
    private readonly Candidate[] _extra;      // candidates over several pools, after the pools

    private CandidateList(Candidate?[]? first, Candidate?[]? second, Candidate[]? fallback, int pools, int[] at, Candidate[] differs, Candidate[] extra)
    {
        (_first, _second, _fallback, _pools, _at, _differs, _extra) = (first, second, fallback, pools, at, differs, extra);
    }

    /// <summary>The empty list (a job refused before any filter).</summary>
    public static CandidateList Empty { get; } = new(null, null, null, 0, [], [], []);

    /// <summary>A list holding <paramref name="candidates"/> in order (copied).</summary>
    public static CandidateList Create(ReadOnlySpan<Candidate> candidates) =>
        candidates.IsEmpty ? Empty : new(null, null, null, candidates.Length, [], candidates.ToArray(), []);

    /// <summary>
    /// The list of <paramref name="pools"/> (one per pool of the snapshot, none null) followed by
    /// <paramref name="extra"/>, stored as its difference from the layers: the candidate expected for pool p is
    /// <c>first[p] ?? second[p] ?? fallback[p]</c>. The layers must never change afterwards (the memo's layers do not).
    /// When most pools differ, the candidates are copied instead.
    /// </summary>
    internal static CandidateList Over(Candidate?[] first, Candidate?[] second, Candidate[] fallback, ReadOnlySpan<Candidate> pools, ReadOnlySpan<Candidate> extra)
    {
        var differing = 0;
        for (var p = 0; p < pools.Length; p++)
        {
            if (!ReferenceEquals(pools[p], first[p] ?? second[p] ?? fallback[p]))
                differing++;
        }
        if (differing > pools.Length / 4)
            return Copy(pools, extra);
        var at = new int[differing];
        var differs = new Candidate[differing];
        var k = 0;
        for (var p = 0; p < pools.Length && k < differing; p++)
        {
            if (!ReferenceEquals(pools[p], first[p] ?? second[p] ?? fallback[p]))
            {
                at[k] = p;
                differs[k++] = pools[p];
            }
        }
        return new(first, second, fallback, pools.Length, at, differs, extra.ToArray());
    }

    /// <summary>The list of <paramref name="pools"/> followed by <paramref name="extra"/>, copied.</summary>
    internal static CandidateList Copy(ReadOnlySpan<Candidate> pools, ReadOnlySpan<Candidate> extra) =>
        pools.IsEmpty && extra.IsEmpty ? Empty : new(null, null, null, pools.Length, [], pools.ToArray(), extra.ToArray());

    /// <summary>Candidates in the list: the pools, then the candidates over several pools.</summary>
    public int Count => _pools + _extra.Length;

    /// <summary>Same as <see cref="Count"/> (as for an array).</summary>
    public int Length => Count;

    /// <summary>True when the job was refused before any filter.</summary>
    public bool IsEmpty => Count == 0;

    /// <summary>The candidate at <paramref name="index"/>: a pool's (in topology order) or, past the pools, one over several pools.</summary>
    public Candidate this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(index));
            if (index >= _pools)
                return _extra[index - _pools];
            if (_first is null)
                return _differs[index];
            var k = Array.BinarySearch(_at, index);
            return k >= 0 ? _differs[k] : _first[index] ?? _second![index] ?? _fallback![index];
        }
    }

    /// <summary>Enumerates the candidates in order.</summary>
    public Enumerator GetEnumerator() => new(this);

    IEnumerator<Candidate> IEnumerable<Candidate>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Enumerates a <see cref="CandidateList"/> in order without a lookup per pool.</summary>
    public struct Enumerator : IEnumerator<Candidate>
    {
        private readonly CandidateList _list;
        private int _index;
        private int _next; // next entry of _at

        internal Enumerator(CandidateList list)
        {
            _list = list;
            _index = -1;
            _next = 0;
            Current = null!;
        }

        /// <summary>The current candidate.</summary>
        public Candidate Current { get; private set; }

        readonly object IEnumerator.Current => Current;

        /// <summary>Moves to the next candidate.</summary>
        public bool MoveNext()
        {
            var list = _list;
            if (++_index >= list.Count)
                return false;
            if (_index >= list._pools)
                Current = list._extra[_index - list._pools];
            else if (list._first is null)
                Current = list._differs[_index];
            else if (_next < list._at.Length && list._at[_next] == _index)
                Current = list._differs[_next++];
            else
                Current = list._first[_index] ?? list._second![_index] ?? list._fallback![_index];
            return true;
        }

        /// <summary>Starts again.</summary>
        public void Reset() => (_index, _next) = (-1, 0);

        /// <summary>Nothing to release.</summary>
        public readonly void Dispose()
        {
        }
    }
}
