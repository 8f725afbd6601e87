using System.Collections.Immutable;
using Suanwang.Core.Measurement;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Scheduling;
using static Suanwang.Core.Tests.Scheduling.SchedulingWorld;

namespace Suanwang.Core.Tests.Scheduling;

/// <summary>
/// A job whose second input can never be staged (every path out of its replica's point is booked at
/// full capacity from one hour on, to the end of representable time, and that input needs 6,400 s)
/// while its first input (1 GB, 0.16 s) fits before the booking.
/// </summary>
public sealed class StagingFailureTests
{
    private static (SchedulingSnapshot Snapshot, int Booked) Blocked()
    {
        var topology = EastWest().Topology;
        var network = topology.Network;
        var calendar = new ReservationCalendar(network);
        var shanghai = network.IndexOf("Shanghai");
        var from = Now.AddHours(1);
        var until = DateTimeOffset.MaxValue;
        foreach (var arc in network.Outgoing(shanghai))
            Assert.True(calendar.TryReserve([arc], new TimeInterval(from, until), network.Links[arc.Link].Capacity).Reserved);
        Dataset[] datasets =
        [
            new("a-small", "t-acme", ByteSize.FromGigabytes(1), ["shanghai-region"], ["CN"]),
            new("b-huge", "t-acme", ByteSize.FromGigabytes(40_000), ["shanghai-region"], ["CN"]),
        ];
        return (new SchedulingSnapshot(topology, Catalog, datasets, [], calendar), calendar.Count);
    }

    private static PendingJob OnlyZhongwei(string id, params string[] inputs) =>
        Job(id, Demand(id, inputs: [.. inputs]) with { Placement = new PlacementPreference([], ["shanghai-region", "shanghai-edge"]) });

    /// <summary>
    /// A network-blind policy picks Zhongwei without looking at the data; binding reserves "a-small",
    /// then finds no start for "b-huge". Before the fix the job was placed without any transfer and
    /// "a-small"'s bandwidth stayed reserved; now it waits, and the calendar is as before.
    /// </summary>
    [Fact]
    public void A_blind_policy_whose_later_input_cannot_be_staged_waits_and_keeps_no_reservation()
    {
        var (snapshot, booked) = Blocked();
        var cycle = new Scheduler.Cycle(snapshot, Now, SchedulingPolicy.GreedyOblivious);

        var decision = cycle.Decide(OnlyZhongwei("both", "a-small", "b-huge"));

        Assert.Equal(DecisionKind.Waiting, decision.Kind);
        Assert.Null(decision.Placement);
        Assert.Contains("'b-huge' cannot be staged to site 'zhongwei-hub'", decision.Reason, StringComparison.Ordinal);
        Assert.Equal(booked, cycle.State.Calendar.Count);

        // The same job without the impossible input is placed, with its transfer reserved.
        var small = cycle.Decide(OnlyZhongwei("small", "a-small"));
        Assert.Equal(DecisionKind.Placed, small.Kind);
        Assert.Equal("a-small", Assert.Single(small.Placement!.Transfers).DatasetId);
        Assert.Equal(booked + 1, cycle.State.Calendar.Count);
    }

    /// <summary>A policy that sees the network rejects the pool while estimating, with the same reason, and says so.</summary>
    [Fact]
    public void A_network_aware_estimate_rejects_a_pool_its_inputs_cannot_reach_in_time()
    {
        var (snapshot, _) = Blocked();

        var decision = Assert.Single(Scheduler.Plan(snapshot, [OnlyZhongwei("both", "a-small", "b-huge")], Now, SchedulingPolicy.NetworkAware).Decisions);

        Assert.Equal(DecisionKind.Unschedulable, decision.Kind);
        var zhongwei = decision.Candidates.Single(c => c.PoolId == "zhongwei-hub/ai");
        Assert.Contains("'b-huge' cannot be staged to site 'zhongwei-hub'", zhongwei.Rejection, StringComparison.Ordinal);
        Assert.StartsWith("no pool can stage the inputs and meet the deadline and budget", decision.Reason, StringComparison.Ordinal);
    }
}
