using System.Collections.Immutable;

namespace Suanwang.Simulation.Reporting;

/// <summary>Counts of jobs by how they ended; <c>Completed + Failed + Queued == Submitted</c> always.</summary>
/// <param name="Submitted">Jobs that arrived.</param>
/// <param name="Completed">Jobs that ran to completion.</param>
/// <param name="Failed">Jobs that could not run.</param>
/// <param name="Queued">Jobs unfinished at the horizon.</param>
public sealed record JobCounts(int Submitted, int Completed, int Failed, int Queued);

/// <summary>Mean and nearest-rank percentiles of a set of values (all zero for an empty set).</summary>
/// <param name="Mean">Arithmetic mean.</param>
/// <param name="P50">Median.</param>
/// <param name="P95">95th percentile.</param>
/// <param name="P99">99th percentile.</param>
public sealed record Distribution(double Mean, double P50, double P95, double P99)
{
    /// <summary>The distribution of <paramref name="values"/>: nearest-rank percentiles (the ⌈p·n⌉-th smallest value).</summary>
    public static Distribution Of(IEnumerable<double> values)
    {
        // Array.Sort orders doubles as Order() does (same comparer; equal doubles are indistinguishable here, as
        // the values are finite and never −0), without a stable sort's index map.
        var sorted = values.ToArray();
        Array.Sort(sorted);
        if (sorted.Length == 0)
            return new Distribution(0, 0, 0, 0);
        double Rank(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Distribution(sorted.Average(), Rank(0.50), Rank(0.95), Rank(0.99));
    }
}

/// <summary>Data moved to run jobs.</summary>
/// <param name="Bytes">Bytes staged.</param>
/// <param name="Hours">Hours spent staging, summed over transfers.</param>
public sealed record StagingTotals(double Bytes, double Hours);

/// <summary>
/// One policy's row of <c>suanwang simulate</c> (DESIGN §10): counts, wait and completion-time
/// distributions, bounded slowdown, utilization, SLA attainment, staging, cost, energy, carbon,
/// fairness and the scheduler's speed. The definitions are in docs/validation.md.
/// </summary>
/// <param name="Policy">Policy name.</param>
/// <param name="Jobs">Counts by outcome.</param>
/// <param name="WaitSeconds">Start − submit over jobs that started.</param>
/// <param name="JctSeconds">Finish − submit over completed jobs.</param>
/// <param name="BoundedSlowdownMean">Mean over completed jobs of max(1, (wait + run) ÷ max(run, τ)), τ = 10 s.</param>
/// <param name="Utilization">Node-seconds held by jobs ÷ (nodes × simulated span).</param>
/// <param name="SlaAttainment">Share of jobs with an SLA that met it (1 when no job had one).</param>
/// <param name="Staging">Data staged.</param>
/// <param name="Cost">Money spent, in major units (yuan).</param>
/// <param name="EnergyKwh">Energy.</param>
/// <param name="CarbonKg">Emissions.</param>
/// <param name="FairnessJain">Jain's index over tenants of their mean bounded slowdown (1 = all tenants served alike).</param>
/// <param name="SchedulerMicrosecondsPerDecision">Wall time inside the scheduler ÷ decisions it made.</param>
public sealed record PolicyReport(
    string Policy,
    JobCounts Jobs,
    Distribution WaitSeconds,
    Distribution JctSeconds,
    double BoundedSlowdownMean,
    double Utilization,
    double SlaAttainment,
    StagingTotals Staging,
    double Cost,
    double EnergyKwh,
    double CarbonKg,
    double FairnessJain,
    double SchedulerMicrosecondsPerDecision)
{
    /// <summary>The τ of bounded slowdown, seconds: jobs shorter than this count as this long.</summary>
    public const double SlowdownBoundSeconds = 10;

    /// <summary>Computes the row from the outcomes of one run.</summary>
    /// <param name="policy">Policy name.</param>
    /// <param name="outcomes">One per submitted job.</param>
    /// <param name="totalNodes">Nodes of every pool (the utilization denominator).</param>
    /// <param name="spanSeconds">Simulated time from the first arrival to the end of the run.</param>
    /// <param name="schedulerSeconds">Wall time spent in the scheduler.</param>
    /// <param name="decisions">Decisions the scheduler made.</param>
    public static PolicyReport Summarize(string policy, IReadOnlyList<JobOutcome> outcomes, long totalNodes, double spanSeconds, double schedulerSeconds, long decisions)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var completed = outcomes.Where(o => o.End == JobEnd.Completed).ToArray();
        var counts = new JobCounts(outcomes.Count, completed.Length, outcomes.Count(o => o.End == JobEnd.Failed), outcomes.Count(o => o.End == JobEnd.Queued));
        var withSla = outcomes.Where(o => o.HasSla).ToArray();
        var capacity = totalNodes * spanSeconds;
        return new PolicyReport(
            policy,
            counts,
            Distribution.Of(outcomes.Where(o => o.Start is not null).Select(o => o.Start!.Value - o.Submit)),
            Distribution.Of(completed.Select(o => o.Finish!.Value - o.Submit)),
            completed.Length == 0 ? 0 : completed.Average(BoundedSlowdown),
            capacity > 0 ? outcomes.Sum(o => o.NodeSeconds) / capacity : 0,
            withSla.Length == 0 ? 1 : (double)withSla.Count(o => o.SlaMet) / withSla.Length,
            new StagingTotals(outcomes.Sum(o => o.StagedBytes), outcomes.Sum(o => o.StagingSeconds) / 3600),
            outcomes.Sum(o => o.CostMinorUnits) / 100.0,
            outcomes.Sum(o => o.EnergyKwh),
            outcomes.Sum(o => o.CarbonKg),
            Jain(completed.GroupBy(o => o.Tenant, StringComparer.Ordinal).Select(g => g.Average(BoundedSlowdown)).ToImmutableArray()),
            decisions > 0 ? schedulerSeconds * 1e6 / decisions : 0);
    }

    /// <summary>max(1, (wait + run) ÷ max(run, τ)) of a completed job (Feitelson's bounded slowdown).</summary>
    public static double BoundedSlowdown(JobOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var response = outcome.Finish!.Value - outcome.Submit;
        return Math.Max(1, response / Math.Max(outcome.RunSeconds, SlowdownBoundSeconds));
    }

    /// <summary>Jain's fairness index (Σx)² ÷ (n·Σx²): 1 when all are equal, 1/n when one takes everything; 1 for no values.</summary>
    public static double Jain(ImmutableArray<double> values)
    {
        if (values.IsEmpty)
            return 1;
        var sum = values.Sum();
        var squares = values.Sum(v => v * v);
        return squares > 0 ? sum * sum / (values.Length * squares) : 1;
    }
}
