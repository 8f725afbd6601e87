using Suanwang.Core.Model;
using Suanwang.Core.Scheduling;
using static Suanwang.Core.Tests.Scheduling.SchedulingWorld;

namespace Suanwang.Core.Tests.Scheduling;

/// <summary>
/// Migration in the east–west world (<see cref="SchedulingWorld.EastWest"/>): Shanghai region (4 H800
/// nodes), Shanghai edge (2 L40S nodes) and the Zhongwei hub (64 H800 nodes), 100 Gbps links. An
/// H800 is rated 494.75 AI CU, an L40S 181; one transfer may reserve 50 Gbps of a 100 Gbps link; two
/// sites on one point of presence copy at 100 Gbps.
/// </summary>
public sealed class MigrationHandCheckedTests
{
    private static readonly AcceleratorDemand EightGradeA = new(8, ComputeGrade.A, null, null);

    private static JobDemand Checkpointable(string name, int tasks, AcceleratorDemand accelerators, double hours, bool checkpointable = true) =>
        Demand(name, tasks: tasks, accelerators: accelerators, duration: TimeSpan.FromHours(hours))
            with { Flags = new JobFlags(false, false, checkpointable) };

    /// <summary>
    /// Shanghai region fails. r-ckpt (2 nodes, grade A, duration 4 h) started 2 h ago, expected to end
    /// in 2 h (a 4 h run), with a 1 TB checkpoint written 1 h ago and kept at Shanghai edge (up):
    /// 1 h of the 4 h run was done at the checkpoint, so 3 h of the 4 h work remains; the hour since
    /// the checkpoint on 2 nodes is lost (2 node-hours). Only the Zhongwei hub has grade-A devices
    /// left (L40S is grade B). Copying the checkpoint Shanghai → Zhongwei at 50 Gbps takes
    /// 1e12 × 8 ÷ 50e9 = 160 s plus the link's latency and costs 1,000 GB × 0.02 CNY = 20 CNY; the
    /// job starts when it arrives and runs 3 h × 300 ÷ 494.75 ≈ 1.82 h.
    /// r-plain (1 node, not checkpointable, started 3 h ago) restarts from zero in Zhongwei: all 4 h
    /// of work remain, 1 × 3 = 3 node-hours are lost. r-unknown has no demand: reported re-queued.
    /// </summary>
    [Fact]
    public void A_checkpointable_job_on_a_failed_site_resumes_elsewhere_with_the_checkpoint_transfer_counted()
    {
        var checkpoint = new JobCheckpoint(Now.AddHours(-1), Quantity.ParseSize("1TB").Value, "shanghai-edge");
        RunningAllocation[] running =
        [
            new("r-ckpt", "t-acme", "shanghai-region/ai", 2, Now.AddHours(-2), Now.AddHours(2), Checkpointable("r-ckpt", 2, EightGradeA, 4), checkpoint),
            new("r-plain", "t-acme", "shanghai-region/ai", 1, Now.AddHours(-3), Now.AddHours(1), Checkpointable("r-plain", 1, EightGradeA, 4, checkpointable: false)),
            new("r-unknown", "t-acme", "shanghai-region/ai", 1, Now.AddHours(-1), Now.AddHours(1)),
        ];

        var plan = Scheduler.Plan(EastWest(running, down: ["shanghai-region"]), [], Now, SchedulingPolicy.NetworkAware);

        Assert.Equal(["r-ckpt", "r-plain", "r-unknown"], plan.Relocations.Select(r => r.JobId).Order(StringComparer.Ordinal));
        Assert.All(plan.Relocations, r => Assert.Equal(RelocationReason.SiteDown, r.Reason));
        var resumed = plan.Relocations.Single(r => r.JobId == "r-ckpt");
        Assert.True(resumed.ResumesFromCheckpoint);
        Assert.Equal(TimeSpan.FromHours(3), resumed.RemainingWork);
        Assert.Equal(2.0, resumed.WastedNodeHours, 9);
        var copy = resumed.CheckpointTransfer!;
        Assert.Equal(("shanghai-edge", "zhongwei-hub", 50.0, 2000L), (copy.FromSite, copy.ToSite, copy.Bandwidth.Gbps, copy.Cost.MinorUnits));
        Assert.InRange((copy.Interval.End - Now).TotalSeconds, 160, 160.1);
        var placement = resumed.Placement!;
        Assert.Equal(("zhongwei-hub/ai", 2), (placement.PoolId, placement.Nodes));
        Assert.Equal(copy.Interval.End, placement.Start);
        Assert.Contains(copy, placement.Transfers);
        Assert.InRange(placement.Runtime.TotalHours, 3 * 300 / 494.75 - 1e-6, 3 * 300 / 494.75 + 1e-6);

        var restarted = plan.Relocations.Single(r => r.JobId == "r-plain");
        Assert.False(restarted.ResumesFromCheckpoint);
        Assert.Null(restarted.CheckpointTransfer);
        Assert.Equal(TimeSpan.FromHours(4), restarted.RemainingWork);
        Assert.Equal(3.0, restarted.WastedNodeHours, 9);
        Assert.Equal(("zhongwei-hub/ai", Now), (restarted.Placement!.PoolId, restarted.Placement.Start));
        Assert.Contains("restarts from zero because it is not checkpointable", restarted.Explanation, StringComparison.Ordinal);

        var unknown = plan.Relocations.Single(r => r.JobId == "r-unknown");
        Assert.True(unknown.Requeued);
        Assert.Contains("demand is unknown", unknown.Explanation, StringComparison.Ordinal);
    }

    /// <summary>When the checkpoint is on the failed site too, the job restarts from zero and the plan says so.</summary>
    [Fact]
    public void A_checkpoint_on_the_failed_site_means_a_restart_from_zero()
    {
        var checkpoint = new JobCheckpoint(Now.AddHours(-1), Quantity.ParseSize("1TB").Value, "shanghai-region");
        RunningAllocation lost = new("r-ckpt", "t-acme", "shanghai-region/ai", 2, Now.AddHours(-2), Now.AddHours(2), Checkpointable("r-ckpt", 2, EightGradeA, 4), checkpoint);

        var relocation = Assert.Single(Scheduler.Plan(EastWest([lost], down: ["shanghai-region"]), [], Now, SchedulingPolicy.NetworkAware).Relocations);

        Assert.False(relocation.ResumesFromCheckpoint);
        Assert.Equal(TimeSpan.FromHours(4), relocation.RemainingWork);
        Assert.Equal(4.0, relocation.WastedNodeHours, 9); // 2 nodes × 2 h since the start
        Assert.Contains("checkpoint's site 'shanghai-region' is down", relocation.Explanation, StringComparison.Ordinal);
        Assert.Equal("zhongwei-hub/ai", relocation.Placement!.PoolId);
    }

    /// <summary>
    /// r-slow runs on one Shanghai edge node (4 × L40S) and needs 4 devices of at least 100 CU; its
    /// duration is 10 h at 100 CU. It started 1 h ago and is expected to end in 4 h (a 5 h run); its
    /// 100 GB checkpoint, written 30 min ago at the edge site, marks 0.5 ÷ 5 = 10 % done, so 9 h of
    /// work remain. On a Shanghai region H800 node that is 9 h × 100 ÷ 494.75 ≈ 6,548.8 s, after
    /// copying the checkpoint over the metro network (100e9 × 8 ÷ 100e9 = 8 s): it ends about
    /// 6,557 s from now instead of 14,400 s, 54.5 % sooner. With the default 25 % margin it moves
    /// there (Zhongwei is as fast but its copy takes 16 s plus ~12 ms); with a 60 % margin it stays.
    /// </summary>
    [Fact]
    public void A_checkpointable_job_migrates_only_when_the_gain_is_above_the_margin()
    {
        var checkpoint = new JobCheckpoint(Now.AddMinutes(-30), ByteSize.FromGigabytes(100), "shanghai-edge");
        RunningAllocation slow = new("r-slow", "t-acme", "shanghai-edge/edge", 1, Now.AddHours(-1), Now.AddHours(4),
            Checkpointable("r-slow", 1, new AcceleratorDemand(4, null, null, 100), 10), checkpoint);
        var snapshot = EastWest([slow]);

        var moved = Assert.Single(Scheduler.Plan(snapshot, [], Now, SchedulingPolicy.NetworkAware).Relocations);

        Assert.Equal((RelocationReason.BetterPlacement, "shanghai-edge/edge", true), (moved.Reason, moved.FromPoolId, moved.ResumesFromCheckpoint));
        Assert.Equal(TimeSpan.FromHours(9), moved.RemainingWork);
        Assert.Equal(0.5, moved.WastedNodeHours, 9);
        Assert.Equal("shanghai-region/ai", moved.Placement!.PoolId);
        Assert.Equal(Now.AddSeconds(8), moved.Placement.Start);
        Assert.InRange((moved.Placement.Start + moved.Placement.Runtime - Now).TotalSeconds, 6556, 6557);
        Assert.Equal(100e9, moved.CheckpointTransfer!.Size.Bytes);

        var strict = Scheduler.Plan(snapshot, [], Now, SchedulingPolicy.NetworkAware with { MigrationMinGain = 0.6 });
        Assert.Empty(strict.Relocations);
    }

    /// <summary>A job that is not checkpointable never migrates for a better placement, however much better.</summary>
    [Fact]
    public void Only_checkpointable_jobs_migrate_for_a_better_placement()
    {
        var checkpoint = new JobCheckpoint(Now.AddMinutes(-30), ByteSize.FromGigabytes(100), "shanghai-edge");
        RunningAllocation slow = new("r-slow", "t-acme", "shanghai-edge/edge", 1, Now.AddHours(-1), Now.AddHours(4),
            Checkpointable("r-slow", 1, new AcceleratorDemand(4, null, null, 100), 10, checkpointable: false), checkpoint);

        Assert.Empty(Scheduler.Plan(EastWest([slow]), [], Now, SchedulingPolicy.NetworkAware).Relocations);
    }
}
