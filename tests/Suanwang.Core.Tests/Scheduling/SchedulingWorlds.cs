using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Suanwang.Core.Measurement;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Scheduling;
using Suanwang.Core.Topologies;

namespace Suanwang.Core.Tests.Scheduling;

/// <summary>
/// Bandwidth asked for before the cycle on a set of arcs (by dense index): a share of the smallest
/// capacity among them, from <see cref="World.Now"/> + <paramref name="StartMinute"/>. It may be refused.
/// </summary>
public sealed record Booking(ImmutableArray<int> ArcIndices, int StartMinute, int Minutes, int PercentOfCapacity);

/// <summary>A bandwidth reservation the snapshot's calendar holds, as recorded by the test when it made it.</summary>
public sealed record BookedBandwidth(ImmutableArray<Arc> Arcs, TimeInterval Interval, Bandwidth Bandwidth);

/// <summary>A world built into a topology and a snapshot, with the reservations the test put in the snapshot's calendar.</summary>
public sealed record BuiltWorld(Topology Topology, SchedulingSnapshot Snapshot, ImmutableArray<BookedBandwidth> Booked);

/// <summary>
/// A small random scheduling world: a connected backbone, sites and pools on it, datasets, running
/// allocations, bandwidth already booked, sites that are down and the jobs to plan. Plain data, so
/// it prints as a readable counterexample and can be built into fresh snapshots any number of times.
/// </summary>
public sealed record World(
    DateTimeOffset Now,
    ImmutableArray<PointOfPresence> PointsOfPresence,
    ImmutableArray<NetworkLink> Links,
    ImmutableArray<Site> Sites,
    ImmutableArray<Dataset> Datasets,
    ImmutableArray<RunningAllocation> Running,
    ImmutableArray<Booking> Bookings,
    ImmutableArray<string> DownSites,
    ImmutableArray<PendingJob> Pending)
{
    /// <summary>The shipped device catalogue (immutable, loaded once).</summary>
    public static DeviceCatalog Catalog { get; } = DeviceCatalog.LoadEmbedded();

    /// <summary>Builds a fresh topology, calendar and snapshot; throws when the generator made an invalid topology.</summary>
    public BuiltWorld Build()
    {
        var draft = new TopologyDraft("random", PointsOfPresence, Links, Sites, [], GeoLatency.Default,
            ImmutableSortedDictionary<string, string>.Empty, []);
        var (topology, problems) = Topology.Create(draft, model => Catalog.TryFind(model, out _));
        if (topology is null)
            throw new InvalidOperationException("generator made an invalid topology: " + string.Join("; ", problems));
        var calendar = new ReservationCalendar(topology.Network);
        var booked = ImmutableArray.CreateBuilder<BookedBandwidth>();
        foreach (var booking in Bookings)
        {
            var arcs = booking.ArcIndices.Select(i => new Arc(i / 2, i % 2 == 0)).ToImmutableArray();
            var smallest = arcs.Min(a => topology.Network.Links[a.Link].Capacity.BitsPerSecond);
            var bandwidth = new Bandwidth(Math.Max(1, smallest * booking.PercentOfCapacity / 100));
            var interval = TimeInterval.FromDuration(Now.AddMinutes(booking.StartMinute), TimeSpan.FromMinutes(booking.Minutes));
            if (calendar.TryReserve(arcs, interval, bandwidth).Reserved)
                booked.Add(new BookedBandwidth(arcs, interval, bandwidth));
        }
        var snapshot = new SchedulingSnapshot(topology, Catalog, Datasets, Running, calendar, DownSites, version: 7);
        return new BuiltWorld(topology, snapshot, booked.ToImmutable());
    }

    /// <summary>One line per object, for counterexamples.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        string Minutes(DateTimeOffset t) => ((t - Now).TotalMinutes).ToString("+0.#;-0.#;0", CultureInfo.InvariantCulture) + "m";
        Line($"now {Now:O}; down: [{string.Join(", ", DownSites)}]");
        foreach (var p in PointsOfPresence)
            Line($"pop {p.Id} {p.Name} {(p.Location is { } l ? $"({l.Latitude}, {l.Longitude})" : "")}");
        foreach (var l in Links)
            Line($"link {l.Id} {l.A}-{l.B} {l.Capacity} {l.LatencyMs:0.###}ms {l.PricePerGb.MinorUnits}fen/GB");
        foreach (var s in Sites)
        {
            Line($"site {s.Id} at {s.AttachedTo} in {s.Jurisdiction} by {s.ProviderId}");
            foreach (var p in s.Pools)
                Line($"  pool {p.Id} {p.Kind} {p.NodeCount}× [{p.Node.Cores} cores, {p.Node.Memory}, {p.Node.Accelerators?.Count}×{p.Node.Accelerators?.Model}, cpu {p.Node.CpuModel}] {p.PricePerCuHour.MinorUnits}fen/CUh");
        }
        foreach (var d in Datasets)
            Line($"dataset {d.Id} {d.Size} at [{string.Join(", ", d.ReplicaSites)}] in [{string.Join(", ", d.Jurisdictions)}]");
        foreach (var r in Running)
            Line($"running {r.JobId} {r.TenantId} {r.PoolId} {r.Nodes} nodes [{Minutes(r.Start)}, {Minutes(r.ExpectedEnd)})");
        foreach (var b in Bookings)
            Line($"booking arcs [{string.Join(", ", b.ArcIndices)}] {b.PercentOfCapacity}% [{b.StartMinute}m, +{b.Minutes}m)");
        foreach (var j in Pending)
        {
            var d = j.Demand;
            var acc = d.Resources.Accelerators is { } a ? $" + {a.Count}×{a.Grade?.ToString() ?? a.Model ?? a.ComputeUnits?.ToString(CultureInfo.InvariantCulture) + "CU"}" : "";
            Line($"job {j.Id} {j.TenantId} {d.Name} {d.Priority} {d.Type} {d.Tasks}×[{d.Resources.Cpu} cores, {d.Resources.Memory}{acc}] {d.Duration} submitted {Minutes(j.SubmittedAt)} inputs [{string.Join(", ", d.Inputs)}] out {d.Output?.Size}→{d.Output?.To} user {d.User?.Location}/{d.User?.Latency} deadline {(d.Deadline is { } t ? Minutes(t) : "-")} budget {d.Budget} jur [{string.Join(", ", d.Jurisdictions)}] avoid [{string.Join(", ", d.Placement.Avoid)}] prefer [{string.Join(", ", d.Placement.Prefer)}]");
        }
        return text.ToString();
    }
}
