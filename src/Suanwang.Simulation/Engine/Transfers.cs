using System.Collections.Immutable;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Simulation.Scenarios;

namespace Suanwang.Simulation.Engine;

/// <summary>
/// The simulated network's side of a run: committed staging transfers hold their bandwidth in the
/// run's reservation calendar (so the next snapshot sees it taken), move as reserved flows through a
/// <see cref="FlowNetwork"/> from their planned start, and release it when done. A degraded link loses
/// capacity in the flow network and the lost part is reserved in the calendar for the failure's
/// duration, so the scheduler plans around it as it would around a sensed degradation.
/// </summary>
internal sealed class Transfers
{
    private readonly NetworkGraph _graph;
    private readonly ReservationCalendar _calendar;
    private readonly FlowNetwork _network;
    private readonly Dictionary<int, Flow> _flows = [];
    private readonly Dictionary<int, ReservationId[]> _reservations = []; // by job index, per transfer
    private readonly Dictionary<LinkFailure, List<ReservationId>> _degradations = []; // per failure, one per parallel link it degraded
    private readonly double[] _linkBytes;
    private readonly List<Flow> _finished = []; // flows the network completed, not yet handed back (their ids may be reused at once)

    public Transfers(NetworkGraph graph, ReservationCalendar calendar)
    {
        _graph = graph;
        _calendar = calendar;
        _network = new FlowNetwork([.. Enumerable.Range(0, graph.ArcCount).Select(a => graph.Links[a / 2].Capacity.BytesPerSecond)]);
        _linkBytes = new double[graph.Links.Length];
    }

    public bool AnyDegraded => _degradations.Count > 0;

    public long WakeScheduledAt { get; set; } = long.MinValue;

    public ImmutableArray<double> LinkBytes => [.. _linkBytes];

    /// <summary>Holds every transfer's bandwidth over its planned interval (the plan was made against this calendar, so it fits).</summary>
    public void Reserve(JobRecord job)
    {
        var transfers = job.Placement!.Transfers;
        if (transfers.IsEmpty)
            return; // nothing to hold, release or cancel later
        var ids = new ReservationId[transfers.Length];
        for (var t = 0; t < transfers.Length; t++)
        {
            var transfer = transfers[t];
            if (!transfer.Arcs.IsEmpty)
                ids[t] = _calendar.TryReserve(transfer.Arcs, transfer.Interval, transfer.Bandwidth).Id;
        }
        _reservations[job.Index] = ids;
    }

    public void Start(JobRecord job, int transfer, long now, long startTicks)
    {
        var t = job.Placement!.Transfers[transfer];
        var arcs = t.Arcs.Select(a => a.Index).ToArray();
        var rate = Math.Max(1, t.Bandwidth.BytesPerSecond);
        Advance(now, startTicks);
        var id = _network.Start(arcs, t.Size.Bytes, reservedRate: rate);
        _flows[id] = new Flow(job.Index, job.Epoch, transfer, now);
    }

    /// <summary>
    /// Moves every flow to <paramref name="now"/> and returns the jobs of the transfers that completed —
    /// including those that completed while the network was advanced for another reason (a transfer
    /// starting, a cancellation, a link changing) at this same instant.
    /// </summary>
    public List<JobRecord> AdvanceTo(long now, long startTicks, JobRecord[] jobs)
    {
        Advance(now, startTicks);
        var done = new List<JobRecord>();
        foreach (var flow in _finished)
        {
            var job = jobs[flow.Job];
            if (flow.Epoch != job.Epoch)
                continue; // its execution was abandoned at this instant
            var transfer = job.Placement!.Transfers[flow.Transfer];
            job.StagedBytes += transfer.Size.Bytes;
            job.StagingSeconds += SimClock.Seconds(now - flow.StartTicks);
            foreach (var arc in transfer.Arcs)
                _linkBytes[arc.Link] += transfer.Size.Bytes;
            Release(job.Index, flow.Transfer);
            done.Add(job);
        }
        _finished.Clear();
        return done;
    }

    private void Advance(long now, long startTicks)
    {
        foreach (var id in _network.AdvanceTo(Seconds(now, startTicks)))
        {
            _finished.Add(_flows[id]);
            _flows.Remove(id);
        }
    }

    public long? NextCompletionTicks(long startTicks)
    {
        var next = _network.NextCompletion();
        return double.IsPositiveInfinity(next) ? null : startTicks + (long)Math.Ceiling(next * TimeSpan.TicksPerSecond);
    }

    /// <summary>True when a transfer of the job that is not finished reads from <paramref name="site"/>.</summary>
    public static bool DependsOn(JobRecord job, string site) =>
        job.Phase == JobPhase.Staging && job.Placement!.Transfers.Any(t => t.FromSite == site);

    /// <summary>Stops the job's flows and frees every bandwidth reservation it holds.</summary>
    public void CancelAll(JobRecord job, long now, long startTicks)
    {
        Advance(now, startTicks);
        foreach (var (id, _) in _flows.Where(f => f.Value.Job == job.Index).ToArray())
        {
            _network.Cancel(id);
            _flows.Remove(id);
        }
        _finished.RemoveAll(f => f.Job == job.Index); // finished at this instant, but the job is abandoned
        if (_reservations.Remove(job.Index, out var ids))
        {
            foreach (var id in ids)
                _calendar.Release(id);
        }
    }

    /// <summary>A copy of the run's calendar without the capacity reserved for degraded links (the network as if whole).</summary>
    public ReservationCalendar CalendarWithoutDegradations()
    {
        var copy = _calendar.Clone();
        foreach (var id in _degradations.Values.SelectMany(ids => ids))
            copy.Release(id);
        return copy;
    }

    public void Degrade(LinkFailure failure, long now, long startTicks)
    {
        Advance(now, startTicks);
        var held = new List<ReservationId>();
        _degradations[failure] = held;
        foreach (var link in _graph.LinksBetween(failure.A, failure.B))
        {
            var capacity = _graph.Links[link].Capacity;
            _network.SetCapacity(link * 2, capacity.BytesPerSecond * failure.CapacityFraction);
            _network.SetCapacity((link * 2) + 1, capacity.BytesPerSecond * failure.CapacityFraction);
            var lost = new Bandwidth((long)(capacity.BitsPerSecond * (1 - failure.CapacityFraction)));
            var interval = new TimeInterval(new DateTimeOffset(now, TimeSpan.Zero), new DateTimeOffset(now + failure.For.Ticks, TimeSpan.Zero));
            var result = _calendar.TryReserve([new Arc(link, true), new Arc(link, false)], interval, lost);
            // When transfers already hold more than is left, they keep it (the flow network still slows them).
            if (result.Reserved)
                held.Add(result.Id);
        }
    }

    public void Restore(LinkFailure failure, long now, long startTicks)
    {
        Advance(now, startTicks);
        foreach (var link in _graph.LinksBetween(failure.A, failure.B))
        {
            var capacity = _graph.Links[link].Capacity.BytesPerSecond;
            _network.SetCapacity(link * 2, capacity);
            _network.SetCapacity((link * 2) + 1, capacity);
        }
        if (_degradations.Remove(failure, out var held))
        {
            foreach (var id in held)
                _calendar.Release(id);
        }
    }

    private void Release(int job, int transfer)
    {
        if (_reservations.TryGetValue(job, out var ids) && ids[transfer].Value > 0)
        {
            _calendar.Release(ids[transfer]);
            ids[transfer] = default;
        }
    }

    private static double Seconds(long ticks, long startTicks) => SimClock.Seconds(ticks - startTicks);

    private readonly record struct Flow(int Job, int Epoch, int Transfer, long StartTicks);
}
