using FsCheck.Xunit;
using Suanwang.Core.Model;
using Suanwang.Core.Network;

namespace Suanwang.Core.Tests.Network;

/// <summary>
/// Random sequences of reserve / release / query on three links (six arcs) with small capacities,
/// checked after every step against an independent brute-force model: the list of accepted
/// reservations, summed minute by minute. Every time in the test is a whole minute (plus an
/// optional half minute for EarliestStart's lower bound), so usage is constant on each minute and
/// checking minutes is exhaustive.
/// </summary>
public class ReservationCalendarPropertyTests
{
    private const int Horizon = 60;
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly long[] Capacities = [10, 6, 15];
    private static readonly Arc[] AllArcs = [.. Enumerable.Range(0, 6).Select(i => new Arc(i / 2, i % 2 == 0))];

    private sealed record ModelReservation(ReservationId Id, Arc[] Arcs, int Start, int End, long Bandwidth);

    private static int Pick(int value, int modulus) => ((value % modulus) + modulus) % modulus;

    private static DateTimeOffset At(double minutes) => T0.AddMinutes(minutes);

    private static Arc[] Subset(int mask) => [.. AllArcs.Where((_, i) => (Pick(mask, 64) & (1 << i)) != 0)];

    private static long Capacity(Arc arc) => Capacities[arc.Link];

    private static long Usage(List<ModelReservation> model, Arc arc, int minute) =>
        model.Where(r => r.Start <= minute && minute < r.End && r.Arcs.Contains(arc)).Sum(r => r.Bandwidth);

    private static long BruteFree(List<ModelReservation> model, Arc arc, int start, int end) =>
        Capacity(arc) - Enumerable.Range(start, end - start).Max(m => Usage(model, arc, m));

    private static bool Fits(List<ModelReservation> model, Arc[] arcs, int start, int end, long bandwidth) =>
        arcs.All(arc => BruteFree(model, arc, start, end) >= bandwidth);

    // Links A─B, B─C, A─C with capacities of 10, 6 and 15 bit/s (small numbers keep conflicts frequent).
    private static ReservationCalendar NewCalendar() => new(TestGraphs.Build(["A", "B", "C"],
        [("A", "B", 1.0, Capacities[0] / 1e9, 1L), ("B", "C", 1.0, Capacities[1] / 1e9, 1L), ("A", "C", 1.0, Capacities[2] / 1e9, 1L)]));

    [Property(MaxTest = 300, EndSize = 400)]
    public void Calendar_agrees_with_brute_force_and_never_over_reserves(int[] raw)
    {
        raw ??= [];
        var calendar = NewCalendar();
        var model = new List<ModelReservation>();
        var issued = new List<ReservationId>();
        ReservationCalendar? snapshot = null;
        List<ModelReservation>? snapshotModel = null;

        for (var i = 0; i + 4 < raw.Length; i += 5)
        {
            int op = Pick(raw[i], 10), x = raw[i + 1], y = raw[i + 2], z = raw[i + 3], w = raw[i + 4];
            switch (op)
            {
                case <= 3: // reserve
                {
                    var arcs = Subset(x);
                    int start = Pick(y, Horizon - 10), end = start + 1 + Pick(z, 10);
                    long bandwidth = 1 + Pick(w, 8);
                    var expected = Fits(model, arcs, start, end, bandwidth);
                    var result = calendar.TryReserve(arcs, new TimeInterval(At(start), At(end)), new Bandwidth(bandwidth));
                    Assert.Equal(expected, result.Reserved);
                    if (result.Reserved)
                    {
                        Assert.DoesNotContain(result.Id, issued);
                        issued.Add(result.Id);
                        model.Add(new ModelReservation(result.Id, arcs, start, end, bandwidth));
                    }
                    else
                    {
                        var blocking = arcs.First(a => BruteFree(model, a, start, end) < bandwidth);
                        Assert.Equal(blocking, result.BlockingArc);
                        Assert.Equal(BruteFree(model, blocking, start, end), result.Available.BitsPerSecond);
                    }
                    break;
                }
                case <= 5: // release: a live id, an already released one, or one never issued
                {
                    var id = issued.Count == 0 || Pick(x, 5) == 0 ? new ReservationId(1000 + Pick(y, 5)) : issued[Pick(y, issued.Count)];
                    var expected = model.RemoveAll(r => r.Id == id) > 0;
                    Assert.Equal(expected, calendar.Release(id));
                    break;
                }
                case 6: // free capacity of one arc and of a set of arcs
                {
                    int start = Pick(y, Horizon - 10), end = start + 1 + Pick(z, 10);
                    var interval = new TimeInterval(At(start), At(end));
                    var arc = AllArcs[Pick(x, 6)];
                    Assert.Equal(BruteFree(model, arc, start, end), calendar.FreeCapacity(arc, interval).BitsPerSecond);
                    var arcs = Subset(w);
                    var expected = arcs.Length == 0 ? long.MaxValue : arcs.Min(a => BruteFree(model, a, start, end));
                    Assert.Equal(expected, calendar.FreeCapacity(arcs, interval).BitsPerSecond);
                    break;
                }
                case 7: // earliest start
                {
                    var arcs = Subset(x);
                    var notBefore = Pick(y, Horizon) + (Pick(w, 2) == 1 ? 0.5 : 0);
                    var duration = 1 + Pick(z, 12);
                    long bandwidth = 1 + Pick(w / 2, 15);
                    var answer = calendar.EarliestStart(arcs, new Bandwidth(bandwidth), TimeSpan.FromMinutes(duration), At(notBefore));
                    CheckEarliestStart(model, arcs, bandwidth, duration, notBefore, answer);
                    break;
                }
                case 8: // take a snapshot clone; later steps must not leak into it
                    snapshot = calendar.Clone();
                    snapshotModel = [.. model];
                    break;
                default: // write to the snapshot; the live calendar must not see it
                    if (snapshot is not null)
                        snapshot.TryReserve([AllArcs[Pick(x, 6)]], new TimeInterval(At(0), At(Horizon)), new Bandwidth(1));
                    break;
            }
            CheckInvariants(calendar, model);
        }
        if (snapshot is not null && snapshotModel is not null)
        {
            // The snapshot saw only its own writes of 1 over [0, Horizon); peel them off and compare.
            foreach (var arc in AllArcs)
            {
                var extra = snapshot.ActiveReservations().Count(r => r.Arcs.Contains(arc) && !snapshotModel.Any(m => m.Id == r.Id));
                Assert.Equal(BruteFree(snapshotModel, arc, 0, Horizon) - extra, snapshot.FreeCapacity(arc, new TimeInterval(At(0), At(Horizon))).BitsPerSecond);
            }
        }
    }

    /// <summary>(a) no arc is ever over-reserved; (b) per-minute free capacity matches; the step function is canonical.</summary>
    private static void CheckInvariants(ReservationCalendar calendar, List<ModelReservation> model)
    {
        Assert.Equal(model.Count, calendar.Count);
        foreach (var arc in AllArcs)
        {
            for (var minute = 0; minute < Horizon; minute++)
            {
                var used = Usage(model, arc, minute);
                Assert.True(used <= Capacity(arc), $"arc {arc} carries {used} > {Capacity(arc)} at minute {minute}");
                Assert.Equal(Capacity(arc) - used, calendar.FreeCapacity(arc, new TimeInterval(At(minute), At(minute + 1))).BitsPerSecond);
            }
            var steps = calendar.Steps(arc);
            if (steps.Length > 0)
                Assert.Equal(0, steps[^1].Usage);
            for (var s = 0; s < steps.Length; s++)
                Assert.NotEqual(s == 0 ? 0 : steps[s - 1].Usage, steps[s].Usage);
        }
    }

    /// <summary>(c) the answer is feasible, and no earlier candidate (the lower bound or a whole minute after it) is.</summary>
    private static void CheckEarliestStart(
        List<ModelReservation> model, Arc[] arcs, long bandwidth, int duration, double notBefore, DateTimeOffset? answer)
    {
        bool Feasible(double start) => arcs.All(arc =>
            Enumerable.Range((int)Math.Floor(start), (int)Math.Ceiling(start + duration) - (int)Math.Floor(start))
                .All(m => Usage(model, arc, m) + bandwidth <= Capacity(arc)));
        if (arcs.Any(a => Capacity(a) < bandwidth))
        {
            Assert.Null(answer);
            return;
        }
        Assert.NotNull(answer);
        var found = (answer.Value - T0).TotalMinutes;
        Assert.True(found >= notBefore);
        Assert.True(Feasible(found), $"start {found} is not feasible");
        var candidates = new[] { notBefore }.Concat(Enumerable.Range((int)Math.Floor(notBefore) + 1, Horizon + 20).Select(m => (double)m));
        var earliest = candidates.Where(c => c >= notBefore).First(Feasible);
        Assert.Equal(earliest, found);
    }
}
