using Suanwang.Core.Model;

namespace Suanwang.Core.Scheduling;

/// <summary>
/// The fixed scales of one job's weighted score: each part is divided by the best value any pool that
/// passes the job's hard filters could conceivably reach (its lower bound, ignoring the queue and the
/// reserved bandwidth), so a part reads "times the best conceivable" (1 = as good as it gets). The
/// scales depend on the job and on the pools that pass its hard filters, never on the cycle's
/// reservations or on which pools are estimated, so a pool's total can be bounded before its estimate.
/// </summary>
/// <param name="Seconds">The smallest positive lower bound of the seconds to completion (1 when none is positive).</param>
/// <param name="CostMinor">The smallest positive compute cost, in minor units (1 when none is positive).</param>
/// <param name="CarbonKg">The smallest positive carbon (1 when none is positive).</param>
internal readonly record struct ScoreScales(double Seconds, double CostMinor, double CarbonKg)
{
    /// <summary>Scales from the smallest positive values seen (∞ when none was positive).</summary>
    public static ScoreScales For(double smallestSeconds, double smallestCost, double smallestCarbon) => new(
        double.IsFinite(smallestSeconds) ? smallestSeconds : 1,
        double.IsFinite(smallestCost) ? smallestCost : 1,
        double.IsFinite(smallestCarbon) ? smallestCarbon : 1);
}

/// <summary>
/// The cycle's <em>score</em> extension point: the total of a pool's estimate under the policy's
/// chooser (lower wins), the same formula on lower bounds (which is a lower bound of the total, so
/// pools whose bound exceeds the best total need no estimate), and the tie-breaks: the earlier
/// completion, then the pool that comes first in the topology. Formulas in docs/scheduler.md.
/// </summary>
internal static class Scoring
{
    /// <summary>Bonus subtracted from a weighted total for a preferred site or provider (first preference counts most).</summary>
    public const double PreferenceBonus = 0.05;

    /// <summary>
    /// The total for completion <paramref name="seconds"/> from now, <paramref name="costMinor"/>,
    /// <paramref name="carbonKg"/>, <paramref name="load"/> and free nodes now. Non-decreasing in
    /// seconds, cost, carbon and load (for non-negative weights) and non-increasing in free nodes, so
    /// feeding it lower bounds of the first four and an upper bound of the last gives a lower bound.
    /// </summary>
    public static double Total(SchedulingPolicy policy, in ScoreScales scales, double seconds, long costMinor, double carbonKg, double load,
        int freeNodesNow, double preference) => policy.Chooser switch
        {
            Chooser.WeightedScore =>
                policy.TimeWeight * (seconds / scales.Seconds)
                + policy.CostWeight * (costMinor / scales.CostMinor)
                + policy.CarbonWeight * (carbonKg / scales.CarbonKg)
                + policy.LoadWeight * load
                - preference,
            Chooser.MostFreeCapacity => -freeNodesNow,
            Chooser.Cheapest => costMinor,
            _ => seconds,
        };

    /// <summary>True when <see cref="Total"/> on lower bounds is a lower bound of the total (every weight non-negative).</summary>
    public static bool Bounded(SchedulingPolicy policy) =>
        policy.Chooser != Chooser.WeightedScore
        || (policy.TimeWeight >= 0 && policy.CostWeight >= 0 && policy.CarbonWeight >= 0 && policy.LoadWeight >= 0);

    /// <summary>The score parts of a feasible estimate.</summary>
    public static ScoreParts Parts(in Estimate e, SchedulingPolicy policy, in ScoreScales scales, JobDemand demand, SchedulingSnapshot snapshot, DateTimeOffset now)
    {
        var total = Total(policy, scales, (e.Completion - now).TotalSeconds, e.Cost.MinorUnits, e.CarbonKg, e.Load, e.FreeNodesNow,
            Preference(demand, snapshot.Pools[e.Pool]));
        return new ScoreParts(e.StagedAt, e.Start, e.Completion, Math.Max(0, (e.StagedAt - now).TotalSeconds),
            e.Runtime.TotalSeconds, e.Cost, e.EnergyKwh, e.CarbonKg, e.Load, total);
    }

    /// <summary>True when (total, completion, pool) of a is lexicographically before b's: a wins.</summary>
    public static bool Beats(double totalA, in Estimate a, double totalB, in Estimate b)
    {
        var order = totalA.CompareTo(totalB);
        if (order == 0)
            order = a.Completion.CompareTo(b.Completion);
        if (order == 0)
            order = a.Pool.CompareTo(b.Pool);
        return order < 0;
    }

    public static string Describe(Chooser chooser) => chooser switch
    {
        Chooser.WeightedScore => "weighted completion time, cost, carbon and load",
        Chooser.MostFreeCapacity => "most free nodes now",
        Chooser.Cheapest => "lowest cost",
        _ => "earliest completion",
    };

    /// <summary>The preference bonus of a pool for the job: 0.05 × (n − i) ÷ n for the i-th of n preferences it matches first, else 0.</summary>
    public static double Preference(JobDemand demand, PoolFacts pool)
    {
        var prefer = demand.Placement.Prefer;
        for (var i = 0; i < prefer.Length; i++)
        {
            if (prefer[i] == pool.Site.Id || prefer[i] == pool.Site.ProviderId || prefer[i] == pool.Pool.Id)
                return PreferenceBonus * (prefer.Length - i) / prefer.Length;
        }
        return 0;
    }
}
