using Suanwang.Simulation.Reporting;

namespace Suanwang.Simulation.Tests.Reporting;

public sealed class PolicyReportTests
{
    private static JobOutcome Done(string id, string tenant, double submit, double start, double run, double nodes = 1) =>
        new(id, tenant, JobEnd.Completed, "", submit, start, start + run, run, run * nodes, false, false, 0, 0, 0, 0, 0);

    [Fact]
    public void Two_jobs_on_one_node_worked_by_hand()
    {
        // A runs 0–100 s; B arrives at 0, waits for A and runs 100–105 s.
        // Wait: A 0, B 100 → mean 50. JCT: 100 and 105. Bounded slowdown: A 100/100 = 1, B 105/max(5, 10) = 10.5 → mean 5.75.
        // Utilization: 105 node-seconds over 1 node × 105 s = 1. Jain over tenants (1, 10.5): 11.5² / (2 × (1 + 110.25)) = 0.59438...
        var report = PolicyReport.Summarize("fcfs", [Done("a", "t1", 0, 0, 100), Done("b", "t2", 0, 100, 5)], totalNodes: 1, spanSeconds: 105, schedulerSeconds: 0.002, decisions: 4);

        Assert.Equal(new JobCounts(2, 2, 0, 0), report.Jobs);
        Assert.Equal((50.0, 0.0, 100.0), (report.WaitSeconds.Mean, report.WaitSeconds.P50, report.WaitSeconds.P99));
        Assert.Equal((102.5, 100.0, 105.0), (report.JctSeconds.Mean, report.JctSeconds.P50, report.JctSeconds.P95));
        Assert.Equal(5.75, report.BoundedSlowdownMean, 12);
        Assert.Equal(1, report.Utilization, 12);
        Assert.Equal(132.25 / 222.5, report.FairnessJain, 12);
        Assert.Equal(500, report.SchedulerMicrosecondsPerDecision, 9);
        Assert.Equal(1, report.SlaAttainment); // no job had an SLA
    }

    [Fact]
    public void Counts_always_add_up_and_only_jobs_with_an_sla_count_for_attainment()
    {
        var failed = new JobOutcome("f", "t", JobEnd.Failed, "no pool", 0, null, null, 0, 0, true, false, 0, 0, 0, 0, 0);
        var queued = new JobOutcome("q", "t", JobEnd.Queued, "horizon", 5, null, null, 0, 0, false, false, 0, 0, 0, 0, 0);
        var met = Done("m", "t", 0, 0, 10) with { HasSla = true, SlaMet = true, StagedBytes = 1e9, StagingSeconds = 1800, CostMinorUnits = 1234 };

        var report = PolicyReport.Summarize("x", [failed, queued, met], totalNodes: 2, spanSeconds: 10, schedulerSeconds: 0, decisions: 0);

        Assert.Equal(new JobCounts(3, 1, 1, 1), report.Jobs);
        Assert.Equal(0.5, report.SlaAttainment); // f missed, m met; q had none
        Assert.Equal(new StagingTotals(1e9, 0.5), report.Staging);
        Assert.Equal(12.34, report.Cost);
        Assert.Equal(0.5, report.Utilization); // 10 node-seconds of 20
    }

    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        var d = Distribution.Of(Enumerable.Range(1, 200).Select(i => (double)i));
        Assert.Equal((100.5, 100.0, 190.0, 198.0), (d.Mean, d.P50, d.P95, d.P99));
        Assert.Equal(new Distribution(0, 0, 0, 0), Distribution.Of([]));
    }

    [Fact]
    public void Jain_is_one_for_equal_shares_and_one_over_n_when_one_takes_all()
    {
        Assert.Equal(1, PolicyReport.Jain([3, 3, 3]));
        Assert.Equal(0.25, PolicyReport.Jain([8, 0, 0, 0]));
    }
}
