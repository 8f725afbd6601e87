using Suanwang.Core.Model;
using Suanwang.Core.Network;

namespace Suanwang.Core.Tests.Network;

public class ReservationCalendarTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Arc AB = new(0, true);
    private static readonly Arc BA = new(0, false);
    private static readonly Arc BC = new(1, true);

    private static DateTimeOffset At(int minutes) => T0.AddMinutes(minutes);

    private static TimeInterval Span(int from, int to) => new(At(from), At(to));

    private static Bandwidth Gbps(double value) => Bandwidth.FromGbps(value);

    // A ─10 Gbps─ B ─4 Gbps─ C
    private static ReservationCalendar Calendar() => new(TestGraphs.Build(["A", "B", "C"],
        [("A", "B", 1, 10, 1), ("B", "C", 1, 4, 1)]));

    [Fact]
    public void Back_to_back_half_open_intervals_do_not_overlap()
    {
        var calendar = Calendar();

        Assert.True(calendar.TryReserve([AB], Span(0, 10), Gbps(10)).Reserved);
        Assert.True(calendar.TryReserve([AB], Span(10, 20), Gbps(10)).Reserved);
        Assert.Equal(Gbps(0), calendar.FreeCapacity(AB, Span(9, 11)));
        Assert.Equal(Gbps(10), calendar.FreeCapacity(AB, Span(20, 30)));
        Assert.Equal(Gbps(10), calendar.FreeCapacity(AB, Span(-5, 0)));
    }

    [Fact]
    public void Free_capacity_is_capacity_minus_the_peak_concurrent_use()
    {
        var calendar = Calendar();
        calendar.TryReserve([AB], Span(0, 10), Gbps(3));
        calendar.TryReserve([AB], Span(5, 15), Gbps(4));
        calendar.TryReserve([AB], Span(12, 20), Gbps(1));

        Assert.Equal(Gbps(3), calendar.FreeCapacity(AB, Span(0, 20)));   // 7 at [5,10)
        Assert.Equal(Gbps(5), calendar.FreeCapacity(AB, Span(10, 20)));  // 5 at [12,15)
        Assert.Equal(Gbps(6), calendar.FreeCapacity(AB, Span(10, 12)));
        Assert.Equal(Gbps(10), calendar.FreeCapacity(BA, Span(0, 20)));  // the other direction is untouched
    }

    [Fact]
    public void Refusal_names_the_first_arc_short_of_capacity_and_changes_nothing()
    {
        var calendar = Calendar();
        Assert.True(calendar.TryReserve([BC], Span(0, 60), Gbps(3)).Reserved);

        var result = calendar.TryReserve([AB, BC], Span(30, 90), Gbps(2));

        Assert.False(result.Reserved);
        Assert.Equal(BC, result.BlockingArc);
        Assert.Equal(Gbps(1), result.Available);
        Assert.Equal(Gbps(2), result.Requested);
        Assert.Contains("link 'L1' (B → C)", result.Reason);
        Assert.Contains("1Gbps free", result.Reason);
        Assert.Equal(Gbps(10), calendar.FreeCapacity(AB, Span(0, 120)));
        Assert.Equal(0, calendar.BreakpointCount(AB));
        Assert.Equal(1, calendar.Count);
    }

    [Fact]
    public void Release_restores_capacity_and_leaves_no_trace()
    {
        var calendar = Calendar();
        var keep = calendar.TryReserve([AB], Span(0, 30), Gbps(2)).Id;
        var steps = calendar.Steps(AB);
        var drop = calendar.TryReserve([AB, BC], Span(10, 40), Gbps(4)).Id;
        Assert.Equal(Gbps(4), calendar.FreeCapacity(AB, Span(0, 60)));

        Assert.True(calendar.Release(drop));

        Assert.Equal(Gbps(8), calendar.FreeCapacity(AB, Span(0, 60)));
        Assert.Equal(Gbps(4), calendar.FreeCapacity([AB, BC], Span(30, 60)));
        Assert.Equal(steps, calendar.Steps(AB));
        Assert.Equal(0, calendar.BreakpointCount(BC));
        Assert.Null(calendar.Find(drop));
        Assert.NotNull(calendar.Find(keep));
    }

    [Fact]
    public void Releasing_an_unknown_or_released_id_returns_false_and_changes_nothing()
    {
        var calendar = Calendar();
        var id = calendar.TryReserve([AB], Span(0, 10), Gbps(1)).Id;
        Assert.True(calendar.Release(id));

        Assert.False(calendar.Release(id));
        Assert.False(calendar.Release(new ReservationId(99)));
        Assert.False(calendar.Release(default));
        Assert.Equal(Gbps(10), calendar.FreeCapacity(AB, Span(0, 10)));
        Assert.Equal(0, calendar.Count);
    }

    [Fact]
    public void Path_free_capacity_is_the_minimum_over_its_arcs()
    {
        var calendar = Calendar();
        calendar.TryReserve([AB], Span(0, 10), Gbps(7));

        Assert.Equal(Gbps(3), calendar.FreeCapacity([AB, BC], Span(0, 10)));
        Assert.Equal(Gbps(4), calendar.FreeCapacity([AB, BC], Span(10, 20)));
        Assert.Equal(NetworkPath.Unbounded, calendar.FreeCapacity([], Span(0, 10)));
    }

    [Fact]
    public void Reserving_more_than_a_link_can_ever_carry_is_refused()
    {
        var calendar = Calendar();

        var result = calendar.TryReserve([AB, BC], Span(0, 10), Gbps(5));

        Assert.False(result.Reserved);
        Assert.Equal(BC, result.BlockingArc);
        Assert.Null(calendar.EarliestStart([AB, BC], Gbps(5), TimeSpan.FromMinutes(1), T0));
    }

    [Fact]
    public void An_empty_path_always_succeeds_and_holds_nothing()
    {
        var calendar = Calendar();

        var result = calendar.TryReserve([], Span(0, 10), Gbps(100));

        Assert.True(result.Reserved);
        Assert.Null(result.Reason);
        Assert.True(calendar.Release(result.Id));
    }

    [Fact]
    public void Reserving_along_a_found_path()
    {
        var graph = TestGraphs.Build(["A", "B", "C"], [("A", "B", 1, 10, 1), ("B", "C", 1, 4, 1)]);
        var path = new PathFinder(graph).ShortestPath("C", "A")!;
        var calendar = new ReservationCalendar(graph);

        Assert.True(calendar.TryReserve(path, Span(0, 10), path.Bottleneck).Reserved);

        Assert.Equal(Gbps(0), calendar.FreeCapacity(path.Arcs, Span(0, 10)));
        Assert.Equal(Gbps(10), calendar.FreeCapacity(AB, Span(0, 10)));
        Assert.Equal(Gbps(6), calendar.FreeCapacity(BA, Span(0, 10)));
    }

    [Fact]
    public void Bad_requests_are_refused_with_clear_errors()
    {
        var calendar = Calendar();

        var empty = Assert.Throws<ArgumentException>(() => calendar.TryReserve([AB], Span(5, 5), Gbps(1)));
        Assert.Contains("empty", empty.Message);
        Assert.Throws<ArgumentException>(() => calendar.TryReserve([AB], Span(5, 1), Gbps(1)));
        Assert.Throws<ArgumentException>(() => calendar.FreeCapacity(AB, Span(5, 5)));
        Assert.Throws<ArgumentOutOfRangeException>(() => calendar.TryReserve([AB], Span(0, 1), Gbps(0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => calendar.TryReserve([AB], Span(0, 1), new Bandwidth(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => calendar.TryReserve([new Arc(7, true)], Span(0, 1), Gbps(1)));
        Assert.Throws<ArgumentException>(() => calendar.TryReserve([AB, AB], Span(0, 1), Gbps(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => calendar.EarliestStart([AB], Gbps(1), TimeSpan.Zero, T0));
        Assert.Throws<ArgumentOutOfRangeException>(() => calendar.EarliestStart([AB], Gbps(0), TimeSpan.FromMinutes(1), T0));
        Assert.Equal(0, calendar.Count);
    }

    [Fact]
    public void Earliest_start_waits_for_a_gap_long_enough_on_every_arc()
    {
        var calendar = Calendar();
        calendar.TryReserve([AB], Span(0, 10), Gbps(8));
        calendar.TryReserve([AB], Span(15, 30), Gbps(8));   // gap [10, 15) is too short for 10 minutes
        calendar.TryReserve([BC], Span(30, 35), Gbps(3));

        var start = calendar.EarliestStart([AB, BC], Gbps(3), TimeSpan.FromMinutes(10), T0);
        Assert.Equal(At(35), start);

        Assert.Equal(At(10), calendar.EarliestStart([AB, BC], Gbps(3), TimeSpan.FromMinutes(5), T0));
        Assert.Equal(T0, calendar.EarliestStart([AB], Gbps(2), TimeSpan.FromMinutes(60), T0));
        Assert.Equal(At(100), calendar.EarliestStart([AB, BC], Gbps(4), TimeSpan.FromMinutes(1), At(100)));
        Assert.Equal(At(3), calendar.EarliestStart([], Gbps(4), TimeSpan.FromMinutes(1), At(3)));
    }

    [Fact]
    public void A_clone_is_independent_in_both_directions()
    {
        var original = Calendar();
        var shared = original.TryReserve([AB], Span(0, 10), Gbps(4)).Id;
        var copy = original.Clone();

        var onCopy = copy.TryReserve([AB], Span(0, 10), Gbps(5));
        var onOriginal = original.TryReserve([AB], Span(5, 15), Gbps(6));
        Assert.True(copy.Release(shared));

        Assert.True(onCopy.Reserved);
        Assert.True(onOriginal.Reserved);
        Assert.Equal(onCopy.Id, onOriginal.Id); // both continue the same id sequence
        Assert.Equal(Gbps(0), original.FreeCapacity(AB, Span(5, 10)));
        Assert.Equal(Gbps(5), copy.FreeCapacity(AB, Span(5, 10)));
        Assert.Equal(Gbps(10), copy.FreeCapacity(AB, Span(10, 15)));
        Assert.NotNull(original.Find(shared));
        Assert.Equal(2, original.Count);
        Assert.Single(copy.ActiveReservations());
    }
}
