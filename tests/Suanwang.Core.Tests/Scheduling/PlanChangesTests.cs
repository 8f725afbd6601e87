using System.Collections.Immutable;
using FsCheck.Xunit;
using Suanwang.Core.Measurement;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Scheduling;
using Suanwang.Core.Topologies;
using static Suanwang.Core.Tests.Scheduling.PlanChecks;

namespace Suanwang.Core.Tests.Scheduling;

/// <summary>
/// <see cref="Scheduler.PlanChanges(SchedulingSnapshot, IReadOnlyList{PendingJob}, DateTimeOffset, SchedulingPolicy)"/>: the plan of <see cref="Scheduler.Plan(SchedulingSnapshot, IReadOnlyList{PendingJob}, DateTimeOffset, SchedulingPolicy)"/>
/// with the jobs that provably wait behind an EASY queue head listed as held instead of decided.
/// </summary>
public class PlanChangesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DeviceCatalog Catalog = DeviceCatalog.LoadEmbedded();

    /// <summary>
    /// Four nodes, all held until +1 h. A (4 nodes) cannot start before +1 h: it is the head and reserves
    /// the pool from +1 h. B and C (1 node) cannot start now (nothing is free) and the reservation is
    /// taken: held. D asks for 5 nodes: unschedulable, decided in full. E has a deadline: decided in full
    /// (it waits). So held = B and C, at their positions 1 and 2, with EASY's waiting reason.
    /// </summary>
    [Fact]
    public void Jobs_behind_the_head_of_a_full_pool_are_held()
    {
        var snapshot = OnePool(4, [Running("r", 4, TimeSpan.FromHours(1))]);
        PendingJob[] pending =
        [
            Job("a", 4, TimeSpan.FromHours(1), -5), Job("b", 1, TimeSpan.FromHours(2), -4), Job("c", 1, TimeSpan.FromMinutes(30), -3),
            Job("d", 5, TimeSpan.FromHours(1), -2), Job("e", 1, TimeSpan.FromHours(1), -1, deadline: Now.AddDays(1)),
        ];
        var (plan, held) = Scheduler.PlanChanges(snapshot, pending, Now, SchedulingPolicy.FcfsEasy);

        Assert.Equal([1, 2], held.Select(h => h.PendingIndex));
        Assert.All(held, h => Assert.Equal("EASY: cannot start now, and pool site/hpc's one reservation is held by an earlier job", h.Reason));
        Assert.Equal(["a", "d", "e"], plan.Decisions.Select(d => d.JobId));
        Assert.Equal(Now.AddHours(1), plan.Decisions[0].Placement!.Start);
        AssertSameAsPlan(snapshot, pending, SchedulingPolicy.FcfsEasy);
    }

    /// <summary>
    /// Three of four nodes held until +1 h; A (4 nodes) reserves the pool from +1 h. B (1 node, 30 min) fits
    /// the free node before A's start: it backfills now, so it is decided (placed), not held. C (1 node, 2 h)
    /// then finds no node free now: held.
    /// </summary>
    [Fact]
    public void A_job_that_can_backfill_is_decided_and_the_next_one_held()
    {
        var snapshot = OnePool(4, [Running("r", 3, TimeSpan.FromHours(1))]);
        PendingJob[] pending = [Job("a", 4, TimeSpan.FromHours(1), -3), Job("b", 1, TimeSpan.FromMinutes(30), -2), Job("c", 1, TimeSpan.FromHours(2), -1)];
        var (plan, held) = Scheduler.PlanChanges(snapshot, pending, Now, SchedulingPolicy.FcfsEasy);

        Assert.Equal([2], held.Select(h => h.PendingIndex));
        Assert.Equal(["a", "b"], plan.Decisions.Select(d => d.JobId));
        Assert.Equal(Now, plan.Decisions[1].Placement!.Start);
        AssertSameAsPlan(snapshot, pending, SchedulingPolicy.FcfsEasy);
    }

    /// <summary>Single-site worlds like a trace replay (one to three pools, busy, long queues, some deadlines, sizes and orders), every policy.</summary>
    [Property(MaxTest = 150)]
    public void Equals_Plan_on_trace_like_worlds(int seed)
    {
        var random = new Random(seed);
        var pools = 1 + (random.Next(4) == 0 ? random.Next(1, 3) : 0);
        var nodes = Enumerable.Range(0, pools).Select(_ => 1 + random.Next(16)).ToArray();
        var running = new List<RunningAllocation>();
        for (var p = 0; p < pools; p++)
        {
            for (var k = random.Next(5); k > 0; k--)
            {
                running.Add(new RunningAllocation($"r{p}-{k}", "t", PoolId(p), 1 + random.Next(nodes[p]),
                    Now.AddMinutes(-random.Next(120)), Now.AddMinutes(random.Next(-10, 240))));
            }
        }
        var pending = new List<PendingJob>();
        for (var j = random.Next(1, 25); j > 0; j--)
        {
            var deadline = random.Next(10) == 0 ? Now.AddMinutes(random.Next(30, 600)) : (DateTimeOffset?)null;
            pending.Add(Job($"j{j:00}", 1 + random.Next(nodes.Max() + 1), TimeSpan.FromMinutes(1 + random.Next(300)), -random.Next(1, 60), deadline));
        }
        if (random.Next(4) == 0)
            pending.Reverse(); // not in queue order: positions are found by the job
        var snapshot = Pools(nodes, running);
        foreach (var policy in SchedulingPolicy.All)
            AssertSameAsPlan(snapshot, pending, policy);
    }

    /// <summary>The random worlds of the other scheduler properties (many pools, filters, inputs, preemptible work).</summary>
    [Property(MaxTest = 60, Arbitrary = [typeof(RunningWorkGenerators)])]
    public void Equals_Plan_on_random_worlds(World world)
    {
        var snapshot = world.Build().Snapshot;
        foreach (var policy in new[] { SchedulingPolicy.FcfsEasy, SchedulingPolicy.Fcfs, SchedulingPolicy.NetworkAware })
            AssertSameAsPlan(snapshot, world.Pending, policy);
    }

    /// <summary>
    /// A planning session kept over a chain of calls (the simulator's use) changes nothing: each call's focused
    /// plan equals the one made without a session — with jobs coming and going, a job passed twice, another
    /// object with a taken id, a list out of order, and snapshots of later states (Next) in between.
    /// </summary>
    [Property(MaxTest = 100)]
    public void A_session_gives_the_plans_made_without_one(int seed)
    {
        var random = new Random(seed);
        var nodes = 1 + random.Next(16);
        var jobs = Enumerable.Range(0, 30).Select(j => Job($"j{j:00}", 1 + random.Next(nodes + 1), TimeSpan.FromMinutes(1 + random.Next(300)), -60 + j,
            random.Next(10) == 0 ? Now.AddMinutes(random.Next(30, 600)) : null)).ToArray();
        PlanningSession[] sessions = [new(), new(minimumSweep: 4)]; // the second forgets jobs between calls (sweeps)
        var snapshot = OnePool(nodes, []);
        for (var call = 0; call < 12; call++)
        {
            var running = Enumerable.Range(0, random.Next(5)).Select(k => Running($"r{call}-{k}", 1 + random.Next(nodes), TimeSpan.FromMinutes(random.Next(1, 240)))).ToList();
            snapshot = snapshot.Next(running, version: call);
            var pending = jobs.Where(_ => random.Next(3) > 0).ToList();
            if (pending.Count > 2 && random.Next(4) == 0)
                pending.Insert(random.Next(pending.Count), pending[random.Next(pending.Count)]); // the same job twice
            if (pending.Count > 0 && random.Next(4) == 0)
                pending.Add(pending[0] with { SubmittedAt = Now.AddMinutes(1) }); // another job with a taken id
            if (random.Next(5) == 0)
                pending.Reverse();
            foreach (var policy in new[] { SchedulingPolicy.FcfsEasy, SchedulingPolicy.Fcfs })
            {
                var without = Scheduler.PlanChanges(snapshot, pending, Now, policy);
                foreach (var session in sessions)
                {
                    var with = Scheduler.PlanChanges(snapshot, pending, Now, policy, session);
                    Assert.Equal(Canonical(without.Plan), Canonical(with.Plan));
                    Assert.Equal(without.Held.ToArray(), with.Held.ToArray());
                }
            }
        }
    }

    /// <summary>
    /// Every decision of the focused plan is the full plan's, in order, with the held jobs left out; each held
    /// job's full decision is waiting with the held reason; preemptions and relocations are the same.
    /// </summary>
    private static void AssertSameAsPlan(SchedulingSnapshot snapshot, IReadOnlyList<PendingJob> pending, SchedulingPolicy policy)
    {
        var full = Scheduler.Plan(snapshot, pending, Now, policy);
        var (plan, held) = Scheduler.PlanChanges(snapshot, pending, Now, policy);
        var heldIds = held.Select(h => pending[h.PendingIndex].Id).ToList();
        Assert.Equal(full.Decisions.Select(d => d.JobId).Where(id => !heldIds.Contains(id)), plan.Decisions.Select(d => d.JobId));
        Assert.Equal(Canonical(full.Decisions.Where(d => !heldIds.Contains(d.JobId))), Canonical(plan.Decisions));
        var fullHeld = full.Decisions.Where(d => heldIds.Contains(d.JobId)).ToList();
        Assert.Equal(heldIds, fullHeld.Select(d => d.JobId));
        for (var k = 0; k < held.Length; k++)
        {
            Assert.Equal(DecisionKind.Waiting, fullHeld[k].Kind);
            Assert.Equal(fullHeld[k].Reason, held[k].Reason);
        }
        Assert.Equal(Canonical(full.Preemptions), Canonical(plan.Preemptions));
        Assert.Equal(Canonical(full.Relocations), Canonical(plan.Relocations));
        Assert.Equal((full.Policy, full.SnapshotVersion, full.Now), (plan.Policy, plan.SnapshotVersion, plan.Now));
    }

    private static string PoolId(int p) => p == 0 ? "site/hpc" : $"site/hpc{p}";

    private static SchedulingSnapshot OnePool(int nodes, IEnumerable<RunningAllocation> running) => Pools([nodes], running);

    private static SchedulingSnapshot Pools(int[] nodes, IEnumerable<RunningAllocation> running)
    {
        var pools = nodes.Select((n, p) => new Pool(PoolId(p), "site", PoolKind.Hpc, new NodeShape(1, ByteSize.FromGibibytes(4), null, null), n,
            new Money(100, "CNY"), 1.3, 550, AccessMode.Simulated)).ToImmutableArray();
        var draft = new TopologyDraft("one-site", [new PointOfPresence("here", "here", null)], [],
            [new Site("site", SiteTier.Region, "CN", "p", "here", null, pools)], [], GeoLatency.Default,
            ImmutableSortedDictionary<string, string>.Empty, []);
        var topology = Topology.Create(draft).Topology!;
        return new SchedulingSnapshot(topology, Catalog, [], running);
    }

    private static RunningAllocation Running(string id, int nodes, TimeSpan left) =>
        new(id, "t", "site/hpc", nodes, Now.AddMinutes(-10), Now + left);

    private static PendingJob Job(string id, int tasks, TimeSpan duration, int submittedMinutes, DateTimeOffset? deadline = null) =>
        new(id, "t", new JobDemand(id, JobPriority.Normal, tasks == 1 ? JobType.Batch : JobType.Gang, tasks,
            new TaskResources(1, ByteSize.FromGibibytes(4), null), duration, [], null, null, deadline, null, [], PlacementPreference.None, JobFlags.None, null),
            Now.AddMinutes(submittedMinutes));
}
