using Suanwang.Simulation.Engine;

namespace Suanwang.Simulation.Tests.Engine;

public sealed class FutureEventListTests
{
    [Fact]
    public void Events_come_out_by_time_and_in_scheduling_order_at_equal_times()
    {
        var queue = new FutureEventList<string>();
        queue.Schedule(5, "b");
        queue.Schedule(1, "a");
        queue.Schedule(5, "c");
        queue.Schedule(3, "x");

        var order = new List<(long, string)>();
        while (queue.TryDequeue(out var time, out var item))
            order.Add((time, item));

        Assert.Equal([(1, "a"), (3, "x"), (5, "b"), (5, "c")], order);
        Assert.Equal(5, queue.Now);
    }

    [Fact]
    public void An_event_in_the_past_is_refused()
    {
        var queue = new FutureEventList<int>();
        queue.Schedule(10, 1);
        queue.TryDequeue(out _, out _);

        Assert.Throws<ArgumentOutOfRangeException>(() => queue.Schedule(9, 2));
        queue.Schedule(10, 3); // now is allowed
        Assert.Equal(10, queue.PeekTime);
    }

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public bool Matches_a_stable_sort_of_everything_scheduled(int seed)
    {
        // Interleave scheduling and taking, as a simulation does; compare with a stable sort done by hand.
        var random = new Random(seed);
        var queue = new FutureEventList<int>();
        var pending = new List<(long Time, int Id)>();
        var taken = new List<int>();
        var expected = new List<int>();
        var now = 0L;
        for (var id = 0; id < 500; id++)
        {
            var time = now + random.Next(0, 20);
            queue.Schedule(time, id);
            pending.Add((time, id));
            if (random.Next(3) == 0 && queue.TryDequeue(out now, out var item))
            {
                taken.Add(item);
                var next = pending.OrderBy(p => p.Time).ThenBy(p => p.Id).First();
                expected.Add(next.Id);
                pending.Remove(next);
            }
        }
        while (queue.TryDequeue(out _, out var item))
            taken.Add(item);
        expected.AddRange(pending.OrderBy(p => p.Time).ThenBy(p => p.Id).Select(p => p.Id));
        return taken.SequenceEqual(expected);
    }
}
