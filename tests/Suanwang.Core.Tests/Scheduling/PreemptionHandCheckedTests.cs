using Suanwang.Core.Model;
using Suanwang.Core.Scheduling;
using static Suanwang.Core.Tests.Scheduling.SchedulingWorld;

namespace Suanwang.Core.Tests.Scheduling;

/// <summary>
/// Preemption on one CPU pool of 64-core nodes (no network): a task of 64 cores takes a whole node, the
/// pool declares no CPU model so run time = duration, and the default bound is
/// min(0.5 × the preemptor's node-hours, 1,024 node-hours).
/// </summary>
public sealed class PreemptionHandCheckedTests
{
    private static RunningAllocation Running(string id, int nodes, double startedHoursAgo, JobPriority priority, bool preemptible,
        double endsInHours = 5, JobCheckpoint? checkpoint = null, bool checkpointable = false) =>
        new(id, "t-other", "lab/hpc", nodes, Now.AddHours(-startedHoursAgo), Now.AddHours(endsInHours),
            Demand(id, tasks: nodes, cpu: 64) with { Priority = priority, Flags = new JobFlags(preemptible, false, checkpointable) },
            checkpoint);

    private static PendingJob Urgent(int nodes, double hours) =>
        Job("urgent", Demand("urgent", tasks: nodes, cpu: 64, duration: TimeSpan.FromHours(hours)) with { Priority = JobPriority.Urgent });

    /// <summary>
    /// 4 nodes, all busy: two low-priority preemptible jobs of 2 nodes, one started 3 h ago (wastes
    /// 2 × 3 = 6 node-hours if stopped), one 1 h ago (wastes 2). The urgent job needs 2 nodes for 4 h:
    /// 8 node-hours, so the bound is 4. The younger job (waste 2 ≤ 4) is stopped, the job starts now.
    /// </summary>
    [Fact]
    public void An_urgent_job_preempts_the_low_priority_job_that_wastes_least()
    {
        var snapshot = SinglePool(4, [Running("r-old", 2, 3, JobPriority.Low, true), Running("r-young", 2, 1, JobPriority.Low, true)]);

        var plan = Scheduler.Plan(snapshot, [Urgent(2, 4)], Now, SchedulingPolicy.NetworkAware);

        var decision = Assert.Single(plan.Decisions);
        Assert.Equal(DecisionKind.Placed, decision.Kind);
        Assert.Equal(Now, decision.Placement!.Start);
        var preemption = Assert.Single(plan.Preemptions);
        Assert.Equal(("r-young", "lab/hpc", 2, "urgent", false), (preemption.VictimJobId, preemption.PoolId, preemption.Nodes, preemption.ForJobId, preemption.ResumesFromCheckpoint));
        Assert.Equal(2.0, preemption.WastedNodeHours, 9);
        Assert.Contains("preempted r-young", decision.Reason, StringComparison.Ordinal);
    }

    /// <summary>
    /// Lowest priority goes first, then only as many as needed. 4 nodes: r-low-young (1 node, 1 h:
    /// waste 1), r-low-old (2 nodes, 3 h: waste 6), r-normal (1 node, 6 min: waste 0.1). The urgent job
    /// needs 2 nodes for 8 h (bound min(0.5 × 16, 1,024) = 8). Greedy: r-low-young (1 free), then
    /// r-low-old (3 free: fits). Pruning, last taken first: without stopping r-low-old only 1 node is
    /// free (keep it); without stopping r-low-young 2 are free (spare it). One victim, r-low-old,
    /// waste 6 ≤ 8; r-normal is untouched although it would waste least: it has a higher priority.
    /// </summary>
    [Fact]
    public void Victims_go_lowest_priority_first_and_only_as_many_as_needed()
    {
        var snapshot = SinglePool(4, [
            Running("r-low-young", 1, 1, JobPriority.Low, true),
            Running("r-low-old", 2, 3, JobPriority.Low, true),
            Running("r-normal", 1, 0.1, JobPriority.Normal, true),
        ]);

        var plan = Scheduler.Plan(snapshot, [Urgent(2, 8)], Now, SchedulingPolicy.NetworkAware);

        var preemption = Assert.Single(plan.Preemptions);
        Assert.Equal("r-low-old", preemption.VictimJobId);
        Assert.Equal(6.0, preemption.WastedNodeHours, 9);
        Assert.Equal(Now, Assert.Single(plan.Decisions).Placement!.Start);
    }

    /// <summary>
    /// As the first case, but the urgent job needs 2 nodes for only 1 h: 2 node-hours, bound 1. The
    /// least wasteful victim would waste 2 &gt; 1, so nothing is preempted and the job takes a reservation
    /// at the first moment 2 nodes are free: when both running jobs end, in 5 h.
    /// </summary>
    [Fact]
    public void The_waste_bound_forbids_preemption_so_the_job_waits()
    {
        var snapshot = SinglePool(4, [Running("r-old", 2, 3, JobPriority.Low, true), Running("r-young", 2, 1, JobPriority.Low, true)]);

        var plan = Scheduler.Plan(snapshot, [Urgent(2, 1)], Now, SchedulingPolicy.NetworkAware);

        Assert.Empty(plan.Preemptions);
        Assert.Equal(Now.AddHours(5), Assert.Single(plan.Decisions).Placement!.Start);
        // A negative fraction turns preemption off even where the bound would allow it.
        var off = Scheduler.Plan(snapshot, [Urgent(2, 4)], Now, SchedulingPolicy.NetworkAware with { PreemptionMaxWasteFraction = -1 });
        Assert.Empty(off.Preemptions);
    }

    /// <summary>
    /// 6 nodes: r-pinned (low, not preemptible, 10 min old: waste 0.33), r-peer (urgent, preemptible,
    /// 10 min old: waste 0.33 — but not of strictly lower priority), r-low (low, preemptible, 3 h:
    /// waste 6). The urgent job needs 2 nodes for 8 h (bound 8): only r-low may go, so it does.
    /// Without r-low nothing may be stopped and the job waits for the first 2 nodes to free up (5 h).
    /// </summary>
    [Fact]
    public void Non_preemptible_and_equal_priority_work_is_never_preempted()
    {
        RunningAllocation pinned = Running("r-pinned", 2, 1.0 / 6, JobPriority.Low, false);
        RunningAllocation peer = Running("r-peer", 2, 1.0 / 6, JobPriority.Urgent, true);

        var plan = Scheduler.Plan(SinglePool(6, [pinned, peer, Running("r-low", 2, 3, JobPriority.Low, true)]), [Urgent(2, 8)], Now, SchedulingPolicy.NetworkAware);
        Assert.Equal("r-low", Assert.Single(plan.Preemptions).VictimJobId);

        var without = Scheduler.Plan(SinglePool(4, [pinned, peer]), [Urgent(2, 8)], Now, SchedulingPolicy.NetworkAware);
        Assert.Empty(without.Preemptions);
        Assert.Equal(Now.AddHours(5), Assert.Single(without.Decisions).Placement!.Start);
    }

    /// <summary>
    /// A checkpointable victim wastes only the work since its checkpoint: r-ckpt (2 nodes, started 3 h
    /// ago, checkpoint 30 min ago: waste 2 × 0.5 = 1) goes before r-plain (2 nodes, 1 h: waste 2),
    /// and the applier resumes it from the checkpoint.
    /// </summary>
    [Fact]
    public void A_checkpointable_victim_wastes_only_the_work_since_its_checkpoint()
    {
        var checkpoint = new JobCheckpoint(Now.AddMinutes(-30), ByteSize.FromGigabytes(10), "lab");
        var snapshot = SinglePool(4, [
            Running("r-plain", 2, 1, JobPriority.Low, true),
            Running("r-ckpt", 2, 3, JobPriority.Low, true, checkpoint: checkpoint, checkpointable: true),
        ]);

        var preemption = Assert.Single(Scheduler.Plan(snapshot, [Urgent(2, 4)], Now, SchedulingPolicy.NetworkAware).Preemptions);

        Assert.Equal(("r-ckpt", true), (preemption.VictimJobId, preemption.ResumesFromCheckpoint));
        Assert.Equal(1.0, preemption.WastedNodeHours, 9);
    }
}
