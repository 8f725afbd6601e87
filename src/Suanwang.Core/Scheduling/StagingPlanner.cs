using System.Collections.Immutable;
using Suanwang.Core.Model;
using Suanwang.Core.Network;

namespace Suanwang.Core.Scheduling;

/// <summary>
/// Plans how each input reaches a pool's site: from which replica, over which of the k
/// latency-first paths, with how much bandwidth, and when — using the bandwidth actually free in the
/// working reservation calendar.
/// </summary>
internal sealed class StagingPlanner
{
    /// <summary>Alternative paths considered per replica.</summary>
    public const int PathAlternatives = 3;

    /// <summary>Most of a path's bottleneck one transfer may reserve, so one job never takes a whole trunk.</summary>
    public const double MaxLinkShare = 0.5;

    /// <summary>Most bandwidth one transfer reserves: a realistic ceiling for one storage-to-storage copy.</summary>
    public static readonly Bandwidth MaxTransferBandwidth = Bandwidth.FromGbps(100);

    /// <summary>Rate of a copy between two sites on the same point of presence (metro network; not reserved).</summary>
    public static readonly Bandwidth MetroBandwidth = Bandwidth.FromGbps(100);

    private readonly SchedulingSnapshot _snapshot;

    public StagingPlanner(SchedulingSnapshot snapshot) => _snapshot = snapshot;

    /// <summary>The first input that is not a known dataset, or null.</summary>
    public string? UnknownInput(JobDemand demand) =>
        demand.Inputs.FirstOrDefault(id => _snapshot.FindDataset(id) is null);

    /// <summary>
    /// The first input that has no replica at the pool's site and no replica at a known, up, attached
    /// site from which a path reaches it — so it can never be staged there — or null.
    /// </summary>
    public string? UnreachableInput(JobDemand demand, PoolFacts pool) =>
        demand.Inputs.FirstOrDefault(id => _snapshot.FindDataset(id) is { } dataset && Unreachable(dataset, pool));

    /// <summary>True when the dataset has no replica at the pool's site and none that can reach it (see <see cref="UnreachableInput"/>).</summary>
    public bool Unreachable(Dataset dataset, PoolFacts pool) =>
        !dataset.ReplicaSites.Contains(pool.Site.Id)
        && !dataset.ReplicaSites.Any(replica => ReplicaPoint(replica, pool) is var from and >= 0
            && (from == pool.PointOfPresence || _snapshot.Paths.LatencyMs(from, pool.PointOfPresence) is not null));

    /// <summary>
    /// Plans every input of <paramref name="demand"/> to <paramref name="pool"/>'s site, starting no
    /// earlier than <paramref name="now"/>. With <paramref name="reserve"/>, each transfer is
    /// reserved in <paramref name="calendar"/> before the next is planned, so inputs of one job do
    /// not double-book a link. Returns no transfers with a reason when an input cannot reach the site
    /// (or, reserving, cannot be reserved); the reservations made for earlier inputs are then released,
    /// so a failed plan leaves the calendar as it found it. <paramref name="reservations"/>, when given,
    /// receives the reservations made (for a caller that may still have to undo them).
    /// </summary>
    public (ImmutableArray<StagingTransfer> Transfers, DateTimeOffset StagedAt, string? Rejection) Plan(
        JobDemand demand, PoolFacts pool, ReservationCalendar calendar, DateTimeOffset now, bool reserve, List<ReservationId>? reservations = null)
    {
        var transfers = ImmutableArray.CreateBuilder<StagingTransfer>();
        var reserved = reservations ?? [];
        var stagedAt = now;
        (ImmutableArray<StagingTransfer>, DateTimeOffset, string?) Failed(string reason)
        {
            foreach (var id in reserved)
                calendar.Release(id);
            return ([], now, reason);
        }
        foreach (var id in demand.Inputs)
        {
            var dataset = _snapshot.FindDataset(id)!;
            if (dataset.ReplicaSites.AsImmutableArray().Contains(pool.Site.Id))
                continue;
            var best = BestTransfer(dataset, pool, calendar, now);
            if (best is null)
                return Failed($"dataset '{id}' cannot be staged to site '{pool.Site.Id}': no replica has a path with the bandwidth free at any time");
            if (reserve && !best.Arcs.IsEmpty)
            {
                var result = calendar.TryReserve(best.Arcs, best.Interval, best.Bandwidth);
                if (!result.Reserved)
                    return Failed($"bandwidth for dataset '{id}' could not be reserved");
                reserved.Add(result.Id);
            }
            transfers.Add(best);
            if (best.Interval.End > stagedAt)
                stagedAt = best.Interval.End;
        }
        return (transfers.ToImmutable(), stagedAt, null);
    }

    /// <summary>The best copy of one dataset (or a checkpoint, as a one-replica dataset) to the pool's site from <paramref name="now"/>, or null when none can reach it.</summary>
    public StagingTransfer? BestTransfer(Dataset dataset, PoolFacts pool, ReservationCalendar calendar, DateTimeOffset now)
    {
        StagingTransfer? best = null;
        foreach (var replica in dataset.ReplicaSites.Order(StringComparer.Ordinal))
        {
            var from = ReplicaPoint(replica, pool);
            if (from < 0)
                continue;
            var source = _snapshot.Topology.FindSite(replica)!;
            if (from == pool.PointOfPresence)
            {
                var local = Transfer(dataset, source.Id, pool, [source.AttachedTo!], [], MetroBandwidth, now, 0, default);
                best = Better(best, local);
                continue;
            }
            foreach (var path in _snapshot.Paths.KShortestPaths(from, pool.PointOfPresence, PathAlternatives))
            {
                var bandwidth = TransferBandwidth(path);
                if (bandwidth.BitsPerSecond <= 0)
                    continue;
                var duration = TransferTime(dataset.Size, bandwidth, path.LatencyMs);
                var start = calendar.EarliestStart(path.Arcs, bandwidth, duration, now);
                if (start is null)
                    continue;
                var cost = new Money(checked((long)Math.Round(path.PricePerGb.MinorUnits * dataset.Size.Gigabytes)), path.PricePerGb.Currency);
                best = Better(best, Transfer(dataset, source.Id, pool, path.NodeIds, path.Arcs, bandwidth, start.Value, path.LatencyMs, cost));
            }
        }
        return best;
    }

    /// <summary>The point of presence a replica can be copied from, or −1 (unknown or down site, site or pool not attached).</summary>
    private int ReplicaPoint(string replica, PoolFacts pool)
    {
        var source = _snapshot.Topology.FindSite(replica);
        if (source is null || _snapshot.IsDown(replica) || source.AttachedTo is null || pool.PointOfPresence < 0)
            return -1;
        return _snapshot.Topology.Network.IndexOf(source.AttachedTo);
    }

    private static StagingTransfer Transfer(Dataset dataset, string from, PoolFacts pool, ImmutableArray<string> path,
        ImmutableArray<Arc> arcs, Bandwidth bandwidth, DateTimeOffset start, double latencyMs, Money cost) =>
        new(dataset.Id, from, pool.Site.Id, path, arcs, dataset.Size, bandwidth,
            new TimeInterval(start, start + TransferTime(dataset.Size, bandwidth, latencyMs)),
            cost.Currency is null ? new Money(0, pool.Pool.PricePerCuHour.Currency) : cost);

    /// <summary>Earliest end wins; then fewer hops; then the earlier candidate (replicas in id order, paths in latency order).</summary>
    private static StagingTransfer Better(StagingTransfer? current, StagingTransfer candidate) =>
        current is null || candidate.Interval.End < current.Interval.End
        || (candidate.Interval.End == current.Interval.End && candidate.Arcs.Length < current.Arcs.Length)
            ? candidate
            : current;

    /// <summary>Bandwidth one transfer over <paramref name="path"/> gets: a share of its bottleneck, at most <see cref="MaxTransferBandwidth"/>.</summary>
    public static Bandwidth TransferBandwidth(NetworkPath path) =>
        new(Math.Min(MaxTransferBandwidth.BitsPerSecond, (long)(path.Bottleneck.BitsPerSecond * MaxLinkShare)));

    /// <summary>Serialization time at <paramref name="bandwidth"/> plus one-way latency, rounded up to whole milliseconds.</summary>
    public static TimeSpan TransferTime(ByteSize size, Bandwidth bandwidth, double latencyMs)
    {
        var seconds = size.Bytes * 8.0 / bandwidth.BitsPerSecond + latencyMs / 1000;
        return TimeSpan.FromMilliseconds(Math.Max(1, Math.Ceiling(seconds * 1000)));
    }
}
