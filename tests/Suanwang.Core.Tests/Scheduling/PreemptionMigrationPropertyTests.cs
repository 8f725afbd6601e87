using FsCheck.Xunit;
using Suanwang.Core.Model;
using Suanwang.Core.Scheduling;
using static Suanwang.Core.Tests.Scheduling.PlanChecks;

namespace Suanwang.Core.Tests.Scheduling;

/// <summary>
/// Preemption and migration on busy random worlds (<see cref="RunningWorkGenerators"/>), for every
/// named policy. Each check recomputes what it needs from the world's plain data.
/// </summary>
public class PreemptionMigrationPropertyTests
{
    [Property(MaxTest = Cases, Arbitrary = [typeof(RunningWorkGenerators)])]
    public void Wasted_work_is_as_defined_and_within_the_bound(World world)
    {
        var built = world.Build();
        foreach (var (policy, plan) in PlanWithBounds(world, built))
        {
            foreach (var group in plan.Preemptions.GroupBy(p => p.ForJobId))
            {
                var decision = plan.Decisions.Single(d => d.JobId == group.Key && d.Kind == DecisionKind.Placed);
                foreach (var preemption in group)
                {
                    var victim = world.Running.Single(r => r.JobId == preemption.VictimJobId);
                    Assert.Equal(Waste(world, victim), preemption.WastedNodeHours, 9);
                }
                var placement = decision.Placement!;
                var bound = Math.Min(policy.PreemptionMaxWasteFraction * placement.Nodes * placement.Runtime.TotalHours, policy.PreemptionMaxWasteNodeHours);
                var waste = group.Sum(p => p.WastedNodeHours);
                Assert.True(waste <= bound + 1e-9, $"{policy.Name} {group.Key}: wastes {waste} node-hours, bound {bound}");
            }
        }
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(RunningWorkGenerators)])]
    public void Victims_are_preemptible_running_work_of_strictly_lower_priority_on_the_preemptors_pool(World world)
    {
        var built = world.Build();
        foreach (var (policy, plan) in PlanWithBounds(world, built))
        {
            Assert.Equal(plan.Preemptions.Length, plan.Preemptions.Select(p => p.VictimJobId).Distinct().Count());
            foreach (var preemption in plan.Preemptions)
            {
                var victim = world.Running.Single(r => r.JobId == preemption.VictimJobId);
                var preemptor = world.Pending.First(j => j.Id == preemption.ForJobId);
                var placement = plan.Decisions.Single(d => d.JobId == preemption.ForJobId && d.Kind == DecisionKind.Placed).Placement!;
                var where = $"{policy.Name}: {preemption.VictimJobId} for {preemption.ForJobId}: ";
                Assert.True(victim.Demand is { Flags.Preemptible: true }, where + "not preemptible");
                Assert.True(victim.Demand!.Priority < preemptor.Demand.Priority, where + $"{victim.Demand.Priority} is not below {preemptor.Demand.Priority}");
                Assert.True(victim.Start <= world.Now && world.Now < victim.ExpectedEnd, where + "not running now");
                Assert.Equal((victim.PoolId, victim.Nodes), (preemption.PoolId, preemption.Nodes));
                Assert.Equal(victim.PoolId, placement.PoolId);
                Assert.DoesNotContain(plan.Relocations, r => r.JobId == victim.JobId);
            }
        }
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(RunningWorkGenerators)])]
    public void No_pool_is_over_committed_counting_freed_and_moved_work(World world)
    {
        var built = world.Build();
        foreach (var (policy, plan) in PlanWithBounds(world, built))
        {
            var stopped = plan.Preemptions.Select(p => p.VictimJobId).Concat(plan.Relocations.Select(r => r.JobId)).ToHashSet(StringComparer.Ordinal);
            var placements = plan.Placed.Select(d => (Who: d.JobId, P: d.Placement!))
                .Concat(plan.Relocations.Where(r => r.Placement is not null).Select(r => (Who: $"{r.JobId} moved", P: r.Placement!)));
            foreach (var pool in built.Topology.Pools)
            {
                // Stopped or moved work holds its nodes only until now.
                var holds = world.Running.Where(r => r.PoolId == pool.Id)
                    .Select(r => (Who: r.JobId, r.Start, End: stopped.Contains(r.JobId) && r.ExpectedEnd > world.Now ? Min(r.ExpectedEnd, world.Now) : r.ExpectedEnd, r.Nodes))
                    .Concat(placements.SelectMany(x => x.P.Parts.Where(part => part.PoolId == pool.Id).Select(part => (x.Who, part.Start, End: part.Start + part.Runtime, part.Nodes))))
                    .Where(h => h.End > h.Start)
                    .ToList();
                foreach (var instant in Breakpoints(holds, h => h.Start))
                {
                    var busy = holds.Where(h => h.Start <= instant && instant < h.End).ToList();
                    Assert.True(busy.Sum(h => h.Nodes) <= pool.NodeCount,
                        $"{policy.Name}: pool {pool.Id} ({pool.NodeCount} nodes) holds {string.Join(", ", busy.Select(h => $"{h.Who}×{h.Nodes}"))} at {instant:O}");
                }
            }
        }
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(RunningWorkGenerators)])]
    public void No_link_direction_is_over_reserved_counting_checkpoint_transfers(World world)
    {
        var built = world.Build();
        var network = built.Topology.Network;
        foreach (var (policy, plan) in PlanWithBounds(world, built))
        {
            var placements = plan.Placed.Select(d => (Who: d.JobId, P: d.Placement!))
                .Concat(plan.Relocations.Where(r => r.Placement is not null).Select(r => (Who: $"{r.JobId} moved", P: r.Placement!)));
            var holds = built.Booked.Select(b => (Who: "booked", b.Arcs, b.Interval, b.Bandwidth))
                .Concat(placements.SelectMany(x => x.P.Transfers.Select(t => (Who: $"{x.Who} {t.DatasetId}", t.Arcs, t.Interval, t.Bandwidth))))
                .Where(h => !h.Arcs.IsEmpty)
                .ToList();
            foreach (var arc in ArcIndices(built))
            {
                var onArc = holds.Where(h => h.Arcs.Any(a => a.Index == arc)).ToList();
                foreach (var instant in Breakpoints(onArc, h => h.Interval.Start))
                {
                    var sum = onArc.Where(h => h.Interval.Start <= instant && instant < h.Interval.End).Sum(h => h.Bandwidth.BitsPerSecond);
                    Assert.True(sum <= network.Links[arc / 2].Capacity.BitsPerSecond, $"{policy.Name}: arc {arc} over-reserved at {instant:O}");
                }
            }
        }
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(RunningWorkGenerators)])]
    public void Every_running_job_on_a_down_site_is_relocated_or_requeued_with_a_reason(World world)
    {
        var built = world.Build();
        var affected = world.Running
            .Where(r => r.ExpectedEnd > world.Now && built.Topology.FindPool(r.PoolId) is { } pool && world.DownSites.Contains(pool.SiteId))
            .Select(r => r.JobId).Order(StringComparer.Ordinal).ToList();
        foreach (var (policy, plan) in PlanWithBounds(world, built))
        {
            var siteDown = plan.Relocations.Where(r => r.Reason == RelocationReason.SiteDown).ToList();
            Assert.Equal(affected, siteDown.Select(r => r.JobId).Order(StringComparer.Ordinal));
            foreach (var relocation in siteDown)
            {
                var before = world.Running.Single(r => r.JobId == relocation.JobId);
                Assert.False(string.IsNullOrWhiteSpace(relocation.Explanation));
                Assert.Equal(Waste(world, before), relocation.WastedNodeHours, 9);
                if (relocation.Placement is { } placement)
                {
                    Assert.DoesNotContain(placement.SiteId, world.DownSites);
                    Assert.True(placement.Start >= world.Now);
                    Assert.Equal(relocation.CheckpointTransfer is not null, placement.Transfers.Any(t => t.DatasetId == $"checkpoint:{relocation.JobId}"));
                }
                if (relocation.ResumesFromCheckpoint)
                    Assert.DoesNotContain(before.Checkpoint!.SiteId, world.DownSites);
            }
        }
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(RunningWorkGenerators)])]
    public void Migrations_for_a_better_placement_beat_staying_by_the_margin(World world)
    {
        var built = world.Build();
        foreach (var (policy, plan) in PlanWithBounds(world, built))
        {
            foreach (var relocation in plan.Relocations.Where(r => r.Reason == RelocationReason.BetterPlacement))
            {
                var before = world.Running.Single(r => r.JobId == relocation.JobId);
                var placement = relocation.Placement!;
                Assert.True(before.Demand is { Flags.Checkpointable: true } && before.Checkpoint is { } c && !world.DownSites.Contains(c.SiteId));
                Assert.NotEqual(before.PoolId, placement.PoolId);
                var moved = (placement.Start + placement.Runtime - world.Now).Ticks;
                var stay = (before.ExpectedEnd - world.Now).Ticks;
                Assert.True(moved <= (1 - policy.MigrationMinGain) * stay, $"{policy.Name} {relocation.JobId}: {moved} vs staying {stay}");
            }
        }
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(RunningWorkGenerators)])]
    public void Same_inputs_give_the_same_preemptions_and_relocations(World world)
    {
        var built = world.Build();
        var rebuilt = world.Build();
        foreach (var policy in SchedulingPolicy.All)
        {
            var first = Scheduler.Plan(built.Snapshot, world.Pending, world.Now, policy);
            var fresh = Scheduler.Plan(rebuilt.Snapshot, world.Pending, world.Now, policy);
            Assert.Equal(Canonical(first), Canonical(fresh));
            Assert.Equal(Canonical(first.Preemptions), Canonical(fresh.Preemptions));
            Assert.Equal(Canonical(first.Relocations), Canonical(fresh.Relocations));
        }
    }

    /// <summary>
    /// Every named policy, plus network-aware with a generous bound (20 × the preemptor's node-hours) and a
    /// small migration margin (5 %), so that preemption and migration happen often enough to be checked.
    /// </summary>
    private static IEnumerable<(SchedulingPolicy Policy, Plan Plan)> PlanWithBounds(World world, BuiltWorld built) =>
        PlanEveryPolicy(world, built).Append((Generous, Scheduler.Plan(built.Snapshot, world.Pending, world.Now, Generous)));

    internal static SchedulingPolicy Generous { get; } =
        SchedulingPolicy.NetworkAware with { Name = "generous", PreemptionMaxWasteFraction = 20, MigrationMinGain = 0.05 };

    /// <summary>Nodes × hours since the usable checkpoint (checkpointable, checkpoint site up and known), else since the start; never before now.</summary>
    private static double Waste(World world, RunningAllocation allocation)
    {
        var since = allocation.Start;
        if (allocation is { Demand.Flags.Checkpointable: true, Checkpoint: { } c } && !world.DownSites.Contains(c.SiteId)
            && world.Sites.Any(s => s.Id == c.SiteId) && c.TakenAt > since)
            since = c.TakenAt;
        return since >= world.Now ? 0 : allocation.Nodes * (world.Now - since).TotalHours;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}

/// <summary>The busy worlds really exercise preemption and both kinds of relocation (so the properties above are not vacuous).</summary>
public class RunningWorkCoverageTests
{
    [Fact]
    public void Busy_worlds_preempt_relocate_requeue_and_migrate()
    {
        var worlds = FsCheck.Fluent.Gen.Sample(RunningWorkGenerators.Worlds(), 120, new FsCheck.Rnd(20260302UL, 7UL), 150);
        var plans = worlds.Select(w => Scheduler.Plan(w.Build().Snapshot, w.Pending, w.Now, PreemptionMigrationPropertyTests.Generous)).ToList();
        var preemptions = plans.Sum(p => p.Preemptions.Length);
        var moved = plans.Sum(p => p.Relocations.Count(r => r.Reason == RelocationReason.SiteDown && !r.Requeued));
        var requeued = plans.Sum(p => p.Relocations.Count(r => r.Requeued));
        var migrated = plans.Sum(p => p.Relocations.Count(r => r.Reason == RelocationReason.BetterPlacement));
        // 120 worlds (size 150) with a fixed seed: thresholds well below what they give, so the check is about non-vacuity, not exact counts.
        Assert.True(preemptions >= 5 && moved >= 10 && requeued >= 5 && migrated >= 10,
            $"{worlds.Length} worlds: preemptions {preemptions}, site-down moves {moved}, re-queued {requeued}, migrations {migrated}");
    }
}
