using System.Collections.Immutable;
using Suanwang.Core.Network;

namespace Suanwang.Core.Scheduling;

/// <summary>
/// A gang spread over several pools of one site (never across sites): every task starts at one
/// common start and the gang advances in lock-step, so every part holds its nodes for the slowest
/// part's run time. Rules (docs/scheduler.md, "Gangs and splitting"):
/// <list type="number">
/// <item>The site's eligible pools are ordered by run time, then topology order; for k = 2 … m the
/// k fastest form a subset whose run time R is the slowest of the k.</item>
/// <item>The subset's common start is the earliest t ≥ the latest staged-at of its pools at which
/// Σ free nodes throughout [t, t + R) × tasks per node ≥ the gang size; only t = that staged-at or a
/// breakpoint of a subset pool's node profile can be the earliest.</item>
/// <item>Tasks go to the subset's pools by free capacity at t (most first, ties by topology order),
/// each taking as many as it can; pools given none are left out, and R shrinks to the slowest used pool.</item>
/// <item>A subset whose tasks all land on one pool gives nothing (that pool's own candidate covers it).
/// Among the subsets the earliest completion wins; ties keep the smaller k.</item>
/// </list>
/// </summary>
internal static class GangPlanner
{
    /// <summary>
    /// The best multi-pool gang over <paramref name="offers"/> (one site's eligible pools, at least two),
    /// or default when no subset needs two pools or the pools are too small together.
    /// </summary>
    public static ImmutableArray<PartPlan> Plan(IReadOnlyList<PoolOffer> offers, int tasks, Func<int, ArcTimeline> profile)
    {
        var byRuntime = offers.OrderBy(o => o.Runtime).ThenBy(o => o.Pool).ToArray();
        ImmutableArray<PartPlan> best = default;
        var bestCompletion = DateTimeOffset.MaxValue;
        for (var k = 2; k <= byRuntime.Length; k++)
        {
            var subset = byRuntime.AsSpan(0, k).ToArray();
            if (subset.Sum(o => o.Capacity) < tasks)
                continue;
            var parts = AtEarliestCommonStart(subset, tasks, profile);
            if (parts.IsDefault || parts.Length < 2)
                continue;
            var completion = parts.Max(p => p.Completion);
            if (completion < bestCompletion)
                (best, bestCompletion) = (parts, completion);
        }
        return best;
    }

    private static ImmutableArray<PartPlan> AtEarliestCommonStart(PoolOffer[] subset, int tasks, Func<int, ArcTimeline> profile)
    {
        var runtime = subset.Max(o => o.Runtime);
        var ticks = PoolOffer.Ticks(runtime);
        var t = subset.Max(o => o.StagedAt).UtcTicks;
        var free = new long[subset.Length];
        while (true)
        {
            long total = 0;
            for (var i = 0; i < subset.Length; i++)
            {
                var o = subset[i];
                var end = t > long.MaxValue - ticks ? long.MaxValue : t + ticks;
                free[i] = Math.Max(0, o.NodeCount - profile(o.Pool).MaxUsage(t, end)) * o.TasksPerNode;
                total += free[i];
            }
            if (total >= tasks)
                return Fill(subset, free, tasks, new DateTimeOffset(t, TimeSpan.Zero));
            var next = long.MaxValue;
            foreach (var o in subset)
                next = Math.Min(next, profile(o.Pool).NextChangeAfter(t));
            if (next == long.MaxValue)
                return default; // cannot happen: past every breakpoint each pool is empty, and together they hold the gang
            t = next;
        }
    }

    /// <summary>Gives the tasks to the pools with the most free capacity first (ties by topology order).</summary>
    private static ImmutableArray<PartPlan> Fill(PoolOffer[] subset, long[] freeTasks, int tasks, DateTimeOffset start)
    {
        var order = Enumerable.Range(0, subset.Length).OrderByDescending(i => freeTasks[i]).ThenBy(i => subset[i].Pool).ToArray();
        var given = new List<(PoolOffer Offer, int Tasks)>();
        var left = tasks;
        foreach (var i in order)
        {
            if (left == 0)
                break;
            var take = (int)Math.Min(left, freeTasks[i]);
            if (take == 0)
                continue;
            given.Add((subset[i], take));
            left -= take;
        }
        // Lock-step: every part holds its nodes for the slowest used pool's run time (≤ the window that was checked).
        var runtime = given.Max(g => g.Offer.Runtime);
        return [.. given.OrderBy(g => g.Offer.Pool).Select(g => new PartPlan(g.Offer, g.Tasks, g.Offer.NodesFor(g.Tasks), start, runtime))];
    }
}
