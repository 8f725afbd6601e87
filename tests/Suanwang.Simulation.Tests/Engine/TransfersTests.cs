using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Scheduling;
using Suanwang.Simulation.Engine;

namespace Suanwang.Simulation.Tests.Engine;

public sealed class TransfersTests
{
    private static readonly long Start = TinyWorlds.Start.UtcTicks;

    /// <summary>A job whose committed placement stages one dataset of <paramref name="gigabytes"/> over the A→B arc at 8 Gbps (1 GB/s).</summary>
    private static JobRecord Staging(int index, double gigabytes, int startSecond)
    {
        var job = new JobRecord(index, TinyWorlds.Job($"j{index}", 0, 1, 10));
        var from = TinyWorlds.Start.AddSeconds(startSecond);
        var transfer = new StagingTransfer($"d{index}", "data", "compute", ["A", "B"], [new Arc(0, true)], ByteSize.FromGigabytes(gigabytes),
            Bandwidth.FromGbps(8), new TimeInterval(from, from.AddSeconds(gigabytes)), new Money(0, "CNY"));
        job.Placement = new Placement("compute/hpc", "compute", 1, 1, from.AddSeconds(gigabytes), from.AddSeconds(gigabytes + 10), TimeSpan.FromSeconds(10),
            [transfer], new Money(0, "CNY"), 0, 0);
        job.Phase = JobPhase.Staging;
        job.TransfersLeft = 1;
        return job;
    }

    [Fact]
    public void A_transfer_that_completes_as_another_starts_is_still_reported_and_the_new_one_keeps_its_own_record()
    {
        // x moves 1 GB from 0 s and completes at 1 s; y starts at 1 s. Starting y advances the network to
        // 1 s, which completes x and frees its flow id — which y then reuses. Both must be accounted for.
        var graph = TinyWorlds.TwoSitesOneLink(8).Network;
        var transfers = new Transfers(graph, new ReservationCalendar(graph));
        JobRecord[] jobs = [Staging(0, 1, 0), Staging(1, 5, 1)];
        transfers.Reserve(jobs[0]);
        transfers.Reserve(jobs[1]);
        transfers.Start(jobs[0], 0, Start, Start);
        transfers.Start(jobs[1], 0, Start + TimeSpan.TicksPerSecond, Start);

        Assert.Equal([jobs[0]], transfers.AdvanceTo(Start + TimeSpan.TicksPerSecond, Start, jobs));
        Assert.Equal(1e9, jobs[0].StagedBytes);
        Assert.Equal(Start + (6 * TimeSpan.TicksPerSecond), transfers.NextCompletionTicks(Start));
        Assert.Equal([jobs[1]], transfers.AdvanceTo(Start + (6 * TimeSpan.TicksPerSecond), Start, jobs));
        Assert.Equal(5e9, jobs[1].StagedBytes);
    }

    [Fact]
    public void A_transfer_of_an_abandoned_execution_is_not_reported()
    {
        var graph = TinyWorlds.TwoSitesOneLink(8).Network;
        var transfers = new Transfers(graph, new ReservationCalendar(graph));
        JobRecord[] jobs = [Staging(0, 1, 0)];
        transfers.Reserve(jobs[0]);
        transfers.Start(jobs[0], 0, Start, Start);

        transfers.CancelAll(jobs[0], Start + TimeSpan.TicksPerSecond, Start); // completes at this very instant, but is cancelled
        jobs[0].Epoch++;

        Assert.Empty(transfers.AdvanceTo(Start + TimeSpan.TicksPerSecond, Start, jobs));
        Assert.Null(transfers.NextCompletionTicks(Start));
    }
}

public sealed class TransfersDegradationTests
{
    [Fact]
    public void A_degraded_pair_of_parallel_links_gives_back_both_reservations_when_restored()
    {
        // Two parallel A–B links: the failure degrades both and reserves the lost capacity on each; both
        // reservations must be released when the link comes back (an earlier version kept only the last).
        var draft = new Suanwang.Core.Topologies.TopologyDraft("parallel", [new PointOfPresence("A", "A", null), new PointOfPresence("B", "B", null)],
            [new NetworkLink("A-B-1", "A", "B", Bandwidth.FromGbps(10), 1, new Money(0, "CNY")), new NetworkLink("A-B-2", "A", "B", Bandwidth.FromGbps(10), 1, new Money(0, "CNY"))],
            [], [], GeoLatency.Default, System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty, []);
        var graph = Suanwang.Core.Topologies.Topology.Create(draft).Topology!.Network;
        var calendar = new ReservationCalendar(graph);
        var transfers = new Transfers(graph, calendar);
        var start = TinyWorlds.Start.UtcTicks;
        var failure = new Suanwang.Simulation.Scenarios.LinkFailure("A", "B", TimeSpan.Zero, TimeSpan.FromHours(1), 0.1);

        transfers.Degrade(failure, start, start);
        Assert.Equal(2, calendar.Count);
        Assert.Equal(0, transfers.CalendarWithoutDegradations().Count);
        transfers.Restore(failure, start + TimeSpan.TicksPerSecond, start);

        Assert.Equal(0, calendar.Count);
        Assert.False(transfers.AnyDegraded);
    }
}
