using FsCheck.Xunit;
using Suanwang.Core.Network;

namespace Suanwang.Core.Tests.Network;

/// <summary>The node-profile step function's queries against a brute-force reading of its steps.</summary>
public class ArcTimelinePropertyTests
{
    /// <summary>
    /// On random profiles (reservations added and some released), FitsAt(from, d, limit) is true exactly when
    /// EarliestFit(from, d, limit) is from, and when the brute-force maximum over [from, from + d) is within the
    /// limit; a timeline made equal with CopyFrom (into smaller and larger arrays) has the same steps and answers.
    /// </summary>
    [Property(MaxTest = 300)]
    public void FitsAt_and_CopyFrom_agree_with_the_steps(int seed)
    {
        var random = new Random(seed);
        var timeline = new ArcTimeline(this);
        var added = new List<(long Start, long End, long Nodes)>();
        for (var k = random.Next(12); k > 0; k--)
        {
            var start = random.Next(0, 100);
            var reservation = (start, (long)start + random.Next(1, 50), (long)random.Next(1, 5));
            timeline.Add(reservation.Item1, reservation.Item2, reservation.Item3);
            added.Add(reservation);
        }
        foreach (var (start, end, nodes) in added.Where(_ => random.Next(3) == 0))
            timeline.Add(start, end, -nodes);
        var copy = new ArcTimeline(this);
        if (random.Next(2) == 0)
        {
            for (var k = 0; k < 40; k++)
                copy.Add(2 * k, 2 * k + 1, 1); // larger arrays than needed, other content
        }
        copy.CopyFrom(timeline);
        Assert.Equal(timeline.Steps(), copy.Steps());
        var steps = timeline.Steps();
        long UsageAt(long t) => steps.LastOrDefault(s => s.Time <= t).Usage;
        for (var q = 0; q < 40; q++)
        {
            long from = random.Next(-5, 160), duration = random.Next(1, 60), limit = random.Next(0, 12);
            var fits = Enumerable.Range(0, (int)duration).All(d => UsageAt(from + d) <= limit);
            Assert.Equal(fits, timeline.FitsAt(from, duration, limit));
            Assert.Equal(fits, timeline.EarliestFit(from, duration, limit) == from);
            Assert.Equal(fits, copy.FitsAt(from, duration, limit));
            Assert.Equal(Enumerable.Range(0, (int)duration).Max(d => UsageAt(from + d)), timeline.MaxUsage(from, from + duration));
        }
    }
}
