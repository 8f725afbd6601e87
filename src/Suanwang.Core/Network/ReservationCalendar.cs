using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using Suanwang.Core.Model;

namespace Suanwang.Core.Network;

/// <summary>Identifies one reservation of a <see cref="ReservationCalendar"/> (and of its clones made after it).</summary>
/// <param name="Value">Sequence number, starting at 1 in each calendar lineage.</param>
public readonly record struct ReservationId(long Value);

/// <summary>Bandwidth held on every arc of a path for a time interval (数据专线 / 网络切片).</summary>
/// <param name="Id">The reservation's identifier.</param>
/// <param name="Arcs">The arcs held, in path order.</param>
/// <param name="Interval">When the bandwidth is held.</param>
/// <param name="Bandwidth">How much is held on each arc.</param>
public sealed record Reservation(ReservationId Id, ImmutableArray<Arc> Arcs, TimeInterval Interval, Bandwidth Bandwidth);

/// <summary>The answer of <see cref="ReservationCalendar.TryReserve(IReadOnlyList{Arc}, TimeInterval, Bandwidth)"/>.</summary>
public readonly record struct ReservationResult
{
    private readonly NetworkLink? _blockingLink;

    internal ReservationResult(ReservationId id) => Id = id;

    internal ReservationResult(NetworkLink link, Arc arc, Bandwidth requested, Bandwidth available, TimeInterval interval)
    {
        _blockingLink = link;
        BlockingArc = arc;
        Requested = requested;
        Available = available;
        Interval = interval;
    }

    /// <summary>True when the bandwidth is now held on every arc.</summary>
    public bool Reserved => Id.Value > 0;

    /// <summary>The new reservation's id when <see cref="Reserved"/>.</summary>
    public ReservationId Id { get; }

    /// <summary>When refused: the first arc of the path without enough free capacity.</summary>
    public Arc? BlockingArc { get; }

    /// <summary>When refused: the bandwidth asked for.</summary>
    public Bandwidth Requested { get; }

    /// <summary>When refused: the free capacity of <see cref="BlockingArc"/> over the interval.</summary>
    public Bandwidth Available { get; }

    /// <summary>When refused: the interval asked for.</summary>
    public TimeInterval Interval { get; }

    /// <summary>Why the reservation was refused, naming the link and direction; null when reserved.</summary>
    public string? Reason => _blockingLink is not { } link ? null : string.Create(CultureInfo.InvariantCulture,
        $"link '{link.Id}' ({(BlockingArc!.Value.Forward ? link.A : link.B)} → {(BlockingArc.Value.Forward ? link.B : link.A)}) has {Available} free during {Interval}; {Requested} requested");
}

/// <summary>
/// Bandwidth reservations on the arcs (link directions) of a <see cref="NetworkGraph"/> over time:
/// working state for one scheduling cycle. A reservation holds the same bandwidth on every arc of a
/// path for a half-open interval; the sum of reservations on an arc never exceeds its capacity at
/// any instant. Each arc keeps a canonical step function of its usage (see docs/network.md for costs).
/// </summary>
/// <remarks>
/// Not thread-safe for writes. <see cref="Clone"/> is O(arcs + reservations) and copies each arc's
/// timeline lazily, only when one of the two calendars first changes it.
/// </remarks>
public sealed class ReservationCalendar
{
    private readonly NetworkGraph _graph;
    private readonly ArcTimeline?[] _timelines;
    private readonly Dictionary<long, Reservation> _reservations;
    private object _owner = new();
    private long _lastId;

    /// <summary>An empty calendar over the graph's arcs.</summary>
    public ReservationCalendar(NetworkGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        _graph = graph;
        _timelines = new ArcTimeline?[graph.ArcCount];
        _reservations = [];
    }

    private ReservationCalendar(ReservationCalendar source)
    {
        _graph = source._graph;
        _timelines = (ArcTimeline?[])source._timelines.Clone();
        _reservations = new Dictionary<long, Reservation>(source._reservations);
        _lastId = source._lastId;
    }

    /// <summary>The graph whose arcs carry the reservations.</summary>
    public NetworkGraph Graph => _graph;

    /// <summary>Number of reservations currently held.</summary>
    public int Count => _reservations.Count;

    /// <summary>
    /// An independent copy: changes to either calendar are invisible to the other. Cheap: arc
    /// timelines are shared until one side writes to them.
    /// </summary>
    public ReservationCalendar Clone()
    {
        var copy = new ReservationCalendar(this);
        _owner = new object(); // neither side may now write a shared timeline in place
        return copy;
    }

    /// <summary>The reservation with the given id, or null when it does not exist (or was released).</summary>
    public Reservation? Find(ReservationId id) => _reservations.GetValueOrDefault(id.Value);

    /// <summary>The reservations currently held, by increasing id.</summary>
    public IReadOnlyList<Reservation> ActiveReservations()
    {
        var list = new List<Reservation>(_reservations.Values);
        list.Sort((a, b) => a.Id.Value.CompareTo(b.Id.Value));
        return list;
    }

    /// <summary>
    /// Holds <paramref name="bandwidth"/> on every arc of <paramref name="arcs"/> during
    /// <paramref name="interval"/>, or on none of them: when some arc lacks free capacity, nothing
    /// changes and the result names the first such arc in the order given. An empty arc list (both
    /// ends on one point of presence) always succeeds.
    /// </summary>
    /// <exception cref="ArgumentException">The interval is empty, the bandwidth is not positive, an arc is
    /// not in the graph, or an arc appears twice.</exception>
    public ReservationResult TryReserve(IReadOnlyList<Arc> arcs, TimeInterval interval, Bandwidth bandwidth)
    {
        var span = AsSpan(arcs);
        CheckArcs(span, rejectDuplicates: true);
        var (start, end) = Ticks(interval);
        CheckBandwidth(bandwidth);
        foreach (var arc in span)
        {
            var free = Capacity(arc) - MaxUsage(arc, start, end);
            if (free < bandwidth.BitsPerSecond)
                return new ReservationResult(_graph.Links[arc.Link], arc, bandwidth, new Bandwidth(free), interval);
        }
        foreach (var arc in span)
            Writable(arc).Add(start, end, bandwidth.BitsPerSecond);
        var id = new ReservationId(++_lastId);
        _reservations.Add(id.Value, new Reservation(id, [.. span], interval, bandwidth));
        return new ReservationResult(id);
    }

    /// <summary>Reserves along a path; see <see cref="TryReserve(IReadOnlyList{Arc}, TimeInterval, Bandwidth)"/>.</summary>
    public ReservationResult TryReserve(NetworkPath path, TimeInterval interval, Bandwidth bandwidth)
    {
        ArgumentNullException.ThrowIfNull(path);
        return TryReserve(path.Arcs, interval, bandwidth);
    }

    /// <summary>Gives back a reservation's bandwidth. Returns false, changing nothing, when the id is unknown or already released.</summary>
    public bool Release(ReservationId id)
    {
        if (!_reservations.Remove(id.Value, out var reservation))
            return false;
        var (start, end) = Ticks(reservation.Interval);
        foreach (var arc in reservation.Arcs)
            Writable(arc).Add(start, end, -reservation.Bandwidth.BitsPerSecond);
        return true;
    }

    /// <summary>Capacity of the arc minus the largest total reserved at any instant of the interval.</summary>
    /// <exception cref="ArgumentException">The interval is empty or the arc is not in the graph.</exception>
    public Bandwidth FreeCapacity(Arc arc, TimeInterval interval)
    {
        CheckArcs([arc], rejectDuplicates: false);
        var (start, end) = Ticks(interval);
        return new Bandwidth(Capacity(arc) - MaxUsage(arc, start, end));
    }

    /// <summary>
    /// The smallest <see cref="FreeCapacity(Arc, TimeInterval)"/> over the arcs: what one more
    /// reservation along them could get. <see cref="NetworkPath.Unbounded"/> for no arcs.
    /// </summary>
    public Bandwidth FreeCapacity(IReadOnlyList<Arc> arcs, TimeInterval interval)
    {
        var span = AsSpan(arcs);
        CheckArcs(span, rejectDuplicates: false);
        var (start, end) = Ticks(interval);
        var free = NetworkPath.Unbounded.BitsPerSecond;
        foreach (var arc in span)
            free = Math.Min(free, Capacity(arc) - MaxUsage(arc, start, end));
        return new Bandwidth(free);
    }

    /// <summary>
    /// The earliest start ≥ <paramref name="notBefore"/> at which <paramref name="bandwidth"/> is free
    /// on every arc for the whole <paramref name="duration"/> (in UTC), or null when it never is
    /// (the bandwidth exceeds an arc's capacity, or the interval would end after the last representable time).
    /// </summary>
    /// <exception cref="ArgumentException">The duration or bandwidth is not positive, or an arc is not in the graph.</exception>
    public DateTimeOffset? EarliestStart(IReadOnlyList<Arc> arcs, Bandwidth bandwidth, TimeSpan duration, DateTimeOffset notBefore)
    {
        var span = AsSpan(arcs);
        CheckArcs(span, rejectDuplicates: false);
        CheckBandwidth(bandwidth);
        if (duration <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "duration must be positive");
        foreach (var arc in span)
        {
            if (Capacity(arc) < bandwidth.BitsPerSecond)
                return null;
        }
        var t = notBefore.UtcTicks;
        bool moved;
        do
        {
            moved = false;
            foreach (var arc in span)
            {
                if (_timelines[arc.Index] is not { } timeline)
                    continue;
                var fit = timeline.EarliestFit(t, duration.Ticks, Capacity(arc) - bandwidth.BitsPerSecond);
                if (fit != t)
                {
                    t = fit;
                    moved = true;
                }
            }
        }
        while (moved);
        return t > DateTimeOffset.MaxValue.UtcTicks - duration.Ticks ? null : new DateTimeOffset(t, TimeSpan.Zero);
    }

    /// <summary>The number of usage breakpoints on an arc (for tests and diagnostics).</summary>
    internal int BreakpointCount(Arc arc) => _timelines[arc.Index]?.BreakpointCount ?? 0;

    /// <summary>The usage step function of an arc (for tests of the canonical form).</summary>
    internal (long Time, long Usage)[] Steps(Arc arc) => _timelines[arc.Index]?.Steps() ?? [];

    private long Capacity(Arc arc) => _graph.Links[arc.Link].Capacity.BitsPerSecond;

    private long MaxUsage(Arc arc, long start, long end) => _timelines[arc.Index]?.MaxUsage(start, end) ?? 0;

    private ArcTimeline Writable(Arc arc)
    {
        var timeline = _timelines[arc.Index];
        if (timeline is null)
            return _timelines[arc.Index] = new ArcTimeline(_owner);
        return ReferenceEquals(timeline.Owner, _owner) ? timeline : _timelines[arc.Index] = timeline.CopyFor(_owner);
    }

    private static ReadOnlySpan<Arc> AsSpan(IReadOnlyList<Arc> arcs) => arcs switch
    {
        null => throw new ArgumentNullException(nameof(arcs)),
        Arc[] array => array,
        ImmutableArray<Arc> immutable => immutable.AsSpan(),
        List<Arc> list => CollectionsMarshal.AsSpan(list),
        _ => arcs.ToArray(),
    };

    private void CheckArcs(ReadOnlySpan<Arc> arcs, bool rejectDuplicates)
    {
        for (var i = 0; i < arcs.Length; i++)
        {
            if ((uint)arcs[i].Link >= (uint)_graph.Links.Length)
                throw new ArgumentOutOfRangeException(nameof(arcs), arcs[i], $"arc of link {arcs[i].Link} is not in the graph ({_graph.Links.Length} links)");
            if (rejectDuplicates && arcs[..i].Contains(arcs[i]))
                throw new ArgumentException($"arc {arcs[i]} appears twice; a path uses each link direction at most once", nameof(arcs));
        }
    }

    private static (long Start, long End) Ticks(TimeInterval interval)
    {
        if (interval.IsEmpty)
            throw new ArgumentException($"interval {interval} is empty; its end must be after its start", nameof(interval));
        return (interval.Start.UtcTicks, interval.End.UtcTicks);
    }

    private static void CheckBandwidth(Bandwidth bandwidth)
    {
        if (bandwidth.BitsPerSecond <= 0)
            throw new ArgumentOutOfRangeException(nameof(bandwidth), bandwidth, "bandwidth must be positive");
    }
}
