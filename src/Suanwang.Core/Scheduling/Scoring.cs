using System.Collections.Immutable;
using Suanwang.Core.Model;

namespace Suanwang.Core.Scheduling;

/// <summary>
/// The cycle's <em>score</em> extension point: turns feasible estimates into score parts and picks a
/// winner by the policy's chooser. Lower totals win; ties go to the earlier completion, then to the
/// pool that comes first in the topology, so the choice is deterministic.
/// </summary>
internal static class Scoring
{
    /// <summary>Bonus subtracted from a weighted total for a preferred site or provider (first preference counts most).</summary>
    public const double PreferenceBonus = 0.05;

    public static ImmutableArray<ScoreParts> Score(IReadOnlyList<Estimate> feasible, SchedulingPolicy policy, JobDemand demand, SchedulingSnapshot snapshot, DateTimeOffset now)
    {
        double Seconds(Estimate e) => (e.Completion - now).TotalSeconds;
        var (completion, cost, carbon, load) = Ranges(feasible, now);
        var result = ImmutableArray.CreateBuilder<ScoreParts>(feasible.Count);
        for (var k = 0; k < feasible.Count; k++)
        {
            var e = feasible[k];
            var total = policy.Chooser switch
            {
                Chooser.WeightedScore =>
                    policy.TimeWeight * Normalize(Seconds(e), completion)
                    + policy.CostWeight * Normalize(e.Cost.MinorUnits, cost)
                    + policy.CarbonWeight * Normalize(e.CarbonKg, carbon)
                    + policy.LoadWeight * Normalize(e.Load, load)
                    - Preference(demand, snapshot.Pools[e.Pool]),
                Chooser.MostFreeCapacity => -e.FreeNodesNow,
                Chooser.Cheapest => e.Cost.MinorUnits,
                _ => Seconds(e),
            };
            result.Add(new ScoreParts(e.StagedAt, e.Start, e.Completion, Math.Max(0, (e.StagedAt - now).TotalSeconds),
                e.Runtime.TotalSeconds, e.Cost, e.EnergyKwh, e.CarbonKg, e.Load, total));
        }
        return result.MoveToImmutable();
    }

    public static int Winner(IReadOnlyList<Estimate> feasible, ImmutableArray<ScoreParts> scores)
    {
        var best = 0;
        for (var k = 1; k < feasible.Count; k++)
        {
            var order = scores[k].Total.CompareTo(scores[best].Total);
            if (order == 0)
                order = feasible[k].Completion.CompareTo(feasible[best].Completion);
            if (order == 0)
                order = feasible[k].Pool.CompareTo(feasible[best].Pool);
            if (order < 0)
                best = k;
        }
        return best;
    }

    public static string Describe(Chooser chooser) => chooser switch
    {
        Chooser.WeightedScore => "weighted completion time, cost, carbon and load",
        Chooser.MostFreeCapacity => "most free nodes now",
        Chooser.Cheapest => "lowest cost",
        _ => "earliest completion",
    };

    private static double Preference(JobDemand demand, PoolFacts pool)
    {
        var prefer = demand.Placement.Prefer;
        for (var i = 0; i < prefer.Length; i++)
        {
            if (prefer[i] == pool.Site.Id || prefer[i] == pool.Site.ProviderId || prefer[i] == pool.Pool.Id)
                return PreferenceBonus * (prefer.Length - i) / prefer.Length;
        }
        return 0;
    }

    /// <summary>The range of completion seconds, cost, carbon and load over the candidates, in one pass.</summary>
    private static ((double Min, double Max) Completion, (double Min, double Max) Cost, (double Min, double Max) Carbon, (double Min, double Max) Load) Ranges(
        IReadOnlyList<Estimate> feasible, DateTimeOffset now)
    {
        var completion = (Min: double.PositiveInfinity, Max: double.NegativeInfinity);
        var (cost, carbon, load) = (completion, completion, completion);
        for (var k = 0; k < feasible.Count; k++)
        {
            var e = feasible[k];
            Widen(ref completion, (e.Completion - now).TotalSeconds);
            Widen(ref cost, e.Cost.MinorUnits);
            Widen(ref carbon, e.CarbonKg);
            Widen(ref load, e.Load);
        }
        return (completion, cost, carbon, load);
    }

    private static void Widen(ref (double Min, double Max) range, double value)
    {
        range.Min = Math.Min(range.Min, value);
        range.Max = Math.Max(range.Max, value);
    }

    private static double Normalize(double value, (double Min, double Max) range) =>
        range.Max > range.Min ? (value - range.Min) / (range.Max - range.Min) : 0;
}
