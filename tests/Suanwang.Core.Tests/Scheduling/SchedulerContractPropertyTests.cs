using FsCheck.Xunit;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Scheduling;
using Suanwang.Core.Validation;
using static Suanwang.Core.Tests.Scheduling.PlanChecks;

namespace Suanwang.Core.Tests.Scheduling;

/// <summary>
/// The scheduler's contract on random worlds, for every named policy: it never throws, decides each
/// pending job exactly once with a reason, keeps times in order, turns bad jobs into unschedulable
/// decisions, is deterministic, and leaves the snapshot as it found it.
/// </summary>
public class SchedulerContractPropertyTests
{
    [Property(MaxTest = Cases, Arbitrary = [typeof(WorldGenerators)])]
    public void Every_job_gets_one_decision_with_a_reason_and_times_in_order(World world)
    {
        var built = world.Build();
        foreach (var policy in SchedulingPolicy.All)
        {
            Plan? plan = null;
            var thrown = Record.Exception(() => plan = Scheduler.Plan(built.Snapshot, world.Pending, world.Now, policy));
            Assert.Null(thrown);
            Assert.Equal((policy.Name, 7L, world.Now), (plan!.Policy, plan.SnapshotVersion, plan.Now));
            AssertEveryPoolAccountedFor(built.Snapshot, plan);
            Assert.Equal(world.Pending.Select(j => j.Id).Order(StringComparer.Ordinal), plan.Decisions.Select(d => d.JobId).Order(StringComparer.Ordinal));
            foreach (var group in plan.Decisions.GroupBy(d => d.JobId))
            {
                // A job listed twice is decided once; the extra entry is refused as a duplicate.
                Assert.True(group.Count(d => !d.Reason.Contains("appears twice", StringComparison.Ordinal)) == 1, $"{policy.Name} {group.Key}: decisions {string.Join(", ", group.Select(d => d.Kind))}");
            }
            foreach (var decision in plan.Decisions)
            {
                var where = Where(policy, decision);
                Assert.False(string.IsNullOrWhiteSpace(decision.Reason), where + $"{decision.Kind} without a reason");
                Assert.DoesNotContain("could not be evaluated", decision.Reason, StringComparison.Ordinal);
                Assert.True((decision.Kind == DecisionKind.Placed) == (decision.Placement is not null), where + $"{decision.Kind} with placement {decision.Placement}");
                if (decision.Placement is not { } placement)
                    continue;
                Assert.False(placement.Parts.IsDefaultOrEmpty, where + "no parts");
                // The top-level fields summarise the parts exactly as documented (Placement.FromParts).
                Assert.Equal(Canonical(Placement.FromParts(placement.Parts)), Canonical(placement));
                foreach (var part in placement.Parts)
                {
                    Assert.True(part.Start >= world.Now, where + $"{part.PoolId} starts at {part.Start:O}, before now");
                    Assert.True(part.Runtime > TimeSpan.Zero, where + $"{part.PoolId} runtime {part.Runtime}");
                    Assert.True(part.Completion >= part.Start + part.Runtime, where + $"{part.PoolId} completes at {part.Completion:O}, before start + runtime");
                    // A site's copy is carried by its first part, but every part at that site waits for it.
                    foreach (var transfer in placement.Transfers.Where(t => t.ToSite == part.SiteId))
                    {
                        Assert.True(transfer.Interval.Start >= world.Now && transfer.Interval.End <= part.Start,
                            where + $"staging of {transfer.DatasetId} to {transfer.ToSite} over {transfer.Interval} does not end by {part.PoolId}'s start {part.Start:O}");
                    }
                }
            }
        }
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(WorldGenerators)])]
    public void Bad_jobs_are_unschedulable_with_their_reason(World world)
    {
        var built = world.Build();
        foreach (var (policy, plan) in PlanEveryPolicy(world, built))
        {
            // The extra entry of a job listed twice is refused as a duplicate; the other property checks that.
            foreach (var decision in plan.Decisions.DistinctBy(d => d.JobId))
            {
                var job = JobOf(world, decision);
                var demand = job.Demand;
                var where = Where(policy, decision);
                var invalid = !JobDemandValidator.Validate(demand, model => World.Catalog.TryFind(model, out _)).IsEmpty;
                var unknownInput = demand.Inputs.FirstOrDefault(id => world.Datasets.All(d => d.Id != id));
                string? defect =
                    invalid ? "invalid demand"
                    : unknownInput is not null ? unknownInput
                    : demand.Type == JobType.Service && demand.User is { Latency: not null } user && UserPoint(world, user.Location) < 0 ? user.Location
                    : demand.Deadline < world.Now || TooBigForEveryPool(world, demand) ? "no pool"
                    : null;
                if (defect is null)
                    continue;
                Assert.True(decision.Kind == DecisionKind.Unschedulable, where + $"should be unschedulable ({defect}) but is {decision.Kind}: {decision.Reason}");
                Assert.Contains(defect, decision.Reason, StringComparison.Ordinal);
            }
        }
    }

    // Three plans and three serializations per policy: fewer cases keep it as fast as the others.
    [Property(MaxTest = 100, Arbitrary = [typeof(WorldGenerators)])]
    public void Plans_are_deterministic(World world)
    {
        var built = world.Build();
        var rebuilt = world.Build();
        foreach (var policy in SchedulingPolicy.All)
        {
            var first = Canonical(Scheduler.Plan(built.Snapshot, world.Pending, world.Now, policy));
            var again = Canonical(Scheduler.Plan(built.Snapshot, world.Pending, world.Now, policy));
            var fresh = Canonical(Scheduler.Plan(rebuilt.Snapshot, world.Pending, world.Now, policy));
            Assert.Equal(first, again);
            Assert.Equal(first, fresh);
        }
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(WorldGenerators)])]
    public void Planning_leaves_the_snapshot_unchanged(World world)
    {
        var snapshot = world.Build().Snapshot;
        var arcs = Enumerable.Range(0, snapshot.Topology.Network.ArcCount).Select(i => new Arc(i / 2, i % 2 == 0)).ToList();
        string State() => Canonical(new
        {
            snapshot.Calendar.Count,
            Reservations = snapshot.Calendar.ActiveReservations(),
            ArcSteps = arcs.Select(a => snapshot.Calendar.Steps(a).Select(s => new[] { s.Time, s.Usage })),
            NodeSteps = Enumerable.Range(0, snapshot.Pools.Length).Select(p => snapshot.NodeProfile(p).Steps().Select(s => new[] { s.Time, s.Usage })),
        });
        var before = State();
        var count = snapshot.Calendar.Count;
        foreach (var policy in SchedulingPolicy.All)
        {
            Scheduler.Plan(snapshot, world.Pending, world.Now, policy);
            Assert.Equal(count, snapshot.Calendar.Count);
            Assert.Equal(before, State());
        }
    }

    /// <summary>
    /// Policies that see the network choose with the staging time and cost, so what they bind keeps the
    /// promises they checked: completion by the deadline, cost within a budget in the pool's currency.
    /// </summary>
    [Property(MaxTest = Cases, Arbitrary = [typeof(WorldGenerators)])]
    public void Network_aware_placements_meet_deadline_and_budget(World world)
    {
        var built = world.Build();
        foreach (var (policy, plan) in PlanEveryPolicy(world, built).Where(p => p.Policy.SeesNetwork))
        {
            foreach (var decision in plan.Placed)
            {
                var demand = JobOf(world, decision).Demand;
                var placement = decision.Placement!;
                Assert.True(demand.Deadline is not { } deadline || placement.Completion <= deadline,
                    Where(policy, decision) + $"completes at {placement.Completion:O}, after the deadline {demand.Deadline:O}");
                Assert.True(demand.Budget is not { } budget || budget.Currency != placement.Cost.Currency || placement.Cost.MinorUnits <= budget.MinorUnits,
                    Where(policy, decision) + $"costs {placement.Cost}, over the budget {demand.Budget}");
            }
        }
    }
}
