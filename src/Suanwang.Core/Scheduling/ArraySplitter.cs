using System.Collections.Immutable;
using Suanwang.Core.Network;

namespace Suanwang.Core.Scheduling;

/// <summary>
/// Splits a splittable array over pools (of any sites) to minimise its makespan, the latest part
/// completion, staging included. Each part is one block of nodes on one pool that starts together.
/// Rules (docs/scheduler.md, "Gangs and splitting"):
/// <list type="number">
/// <item>By a makespan T, pool p can finish n nodes' worth of tasks when
/// EarliestFit(staged-at, run time, nodes − n) + run time + output return ≤ T; its capacity at T is
/// the largest such n (binary search on n; the earliest fit only grows with n) × tasks per node.</item>
/// <item>T* is the smallest tick in (now, limit] at which the capacities sum to the array width
/// (binary search on ticks; the sum only grows with T); none → no split.</item>
/// <item>At T* tasks go to pools by capacity (most first, ties by topology order), each taking as
/// many as it can; each part then starts at the earliest fit of its own nodes.</item>
/// <item>A split whose tasks all land on one pool gives nothing (that pool's own candidate covers it).</item>
/// </list>
/// </summary>
internal static class ArraySplitter
{
    /// <summary>
    /// The split over <paramref name="offers"/> with the smallest makespan not after <paramref name="limit"/>,
    /// or default when no split of at least two parts finishes by then.
    /// </summary>
    public static ImmutableArray<PartPlan> Plan(IReadOnlyList<PoolOffer> offers, int tasks, DateTimeOffset now, DateTimeOffset limit, Func<int, ArcTimeline> profile)
    {
        // A pool that cannot finish even one node by the limit never helps.
        var useful = offers.Where(o => Finish(o, 1, profile) <= limit.UtcTicks).ToArray();
        if (useful.Length < 2 || Capacity(useful, limit.UtcTicks, tasks, profile) < tasks)
            return default;
        long low = now.UtcTicks, high = limit.UtcTicks; // Capacity(low) < tasks: nothing finishes at once
        while (high - low > 1)
        {
            var middle = low + ((high - low) / 2);
            if (Capacity(useful, middle, tasks, profile) >= tasks)
                high = middle;
            else
                low = middle;
        }
        return Fill(useful, high, tasks, profile);
    }

    /// <summary>When <paramref name="nodes"/> nodes of the pool would finish, as UTC ticks.</summary>
    private static long Finish(PoolOffer offer, int nodes, Func<int, ArcTimeline> profile)
    {
        var ticks = PoolOffer.Ticks(offer.Runtime);
        var start = profile(offer.Pool).EarliestFit(offer.StagedAt.UtcTicks, ticks, offer.NodeCount - nodes);
        return start + ticks + offer.OutputReturn.Ticks;
    }

    /// <summary>Most nodes of the pool that finish by <paramref name="makespan"/> (0 … node count).</summary>
    private static int NodesBy(PoolOffer offer, long makespan, Func<int, ArcTimeline> profile)
    {
        if (offer.NodeCount < 1 || Finish(offer, 1, profile) > makespan)
            return 0;
        int low = 1, high = offer.NodeCount; // Finish(low) ≤ makespan
        while (low < high)
        {
            var middle = low + ((high - low + 1) / 2);
            if (Finish(offer, middle, profile) <= makespan)
                low = middle;
            else
                high = middle - 1;
        }
        return low;
    }

    private static long Capacity(PoolOffer[] offers, long makespan, int tasks, Func<int, ArcTimeline> profile)
    {
        long total = 0;
        foreach (var offer in offers)
        {
            total += Math.Min(tasks, (long)NodesBy(offer, makespan, profile) * offer.TasksPerNode);
            if (total >= tasks)
                return total;
        }
        return total;
    }

    private static ImmutableArray<PartPlan> Fill(PoolOffer[] offers, long makespan, int tasks, Func<int, ArcTimeline> profile)
    {
        var capacity = offers.Select(o => Math.Min(tasks, (long)NodesBy(o, makespan, profile) * o.TasksPerNode)).ToArray();
        var order = Enumerable.Range(0, offers.Length).OrderByDescending(i => capacity[i]).ThenBy(i => offers[i].Pool).ToArray();
        var parts = new List<PartPlan>();
        var left = tasks;
        foreach (var i in order)
        {
            if (left == 0)
                break;
            var take = (int)Math.Min(left, capacity[i]);
            if (take == 0)
                continue;
            var offer = offers[i];
            var nodes = offer.NodesFor(take);
            var ticks = PoolOffer.Ticks(offer.Runtime);
            var start = profile(offer.Pool).EarliestFit(offer.StagedAt.UtcTicks, ticks, offer.NodeCount - nodes);
            parts.Add(new PartPlan(offer, take, nodes, new DateTimeOffset(start, TimeSpan.Zero), offer.Runtime));
            left -= take;
        }
        return parts.Count < 2 ? default : [.. parts.OrderBy(p => p.Offer.Pool)];
    }
}
