using System.Collections.Immutable;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Scheduling;
using static Suanwang.Core.Tests.Scheduling.BatchWorlds;
using static Suanwang.Core.Tests.Scheduling.PlanChecks;

namespace Suanwang.Core.Tests.Scheduling;

public sealed class BatchRoundTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    /// <summary>
    /// Pool "wide" (one 64-core node, cheap) and pool "narrow" (one 32-core node, dearer) at one site.
    /// The first job (32 cores) can use either and greedy gives it the cheaper "wide"; the second job
    /// (64 cores) fits only "wide" and so waits an hour. Both could start now: first on "narrow".
    /// </summary>
    private static (SchedulingSnapshot Snapshot, ImmutableArray<PendingJob> Pending) FirstJobTakesTheOnlyPoolOfTheSecond() =>
        (Snapshot(1, [CpuPool("wide", "s0", cores: 64, nodes: 1, pricePerCuHour: 100), CpuPool("narrow", "s0", cores: 32, nodes: 1, pricePerCuHour: 300)]),
            [Job("job-one", cores: 32, Hour, submittedMinutesAgo: 10), Job("job-two", cores: 64, Hour, submittedMinutesAgo: 5)]);

    /// <summary>
    /// The same contention with gangs of two tasks (which may also span the site's two pools): job-one
    /// (2 × 16 cores) fits one node of either pool, job-two (2 × 32 cores) one node of "wide" only. The
    /// round assigns job-one to "narrow" and job-two to "wide", both now, and binding keeps that
    /// assignment for jobs that could also be placed over several pools.
    /// </summary>
    [Fact]
    public void Assigned_gangs_keep_the_pool_the_round_chose()
    {
        static PendingJob Gang(PendingJob job) => job with { Demand = job.Demand with { Type = JobType.Gang } };
        var (snapshot, _) = FirstJobTakesTheOnlyPoolOfTheSecond();
        PendingJob[] pending = [Gang(Job("job-one", cores: 16, Hour, tasks: 2, submittedMinutesAgo: 10)), Gang(Job("job-two", cores: 32, Hour, tasks: 2, submittedMinutesAgo: 5))];

        var result = BatchRound.Plan(snapshot, pending, Now, SchedulingPolicy.NetworkAware, new BatchOptions(TimeSpan.FromSeconds(1)));

        Assert.True(result.UsedSolver, result.SolverStatus);
        Assert.Equal([("job-one", "narrow", Now), ("job-two", "wide", Now)], Placements(result.Plan));
        Assert.Equal(14_400, result.Objective); // weight 2 × (1 h + 1 h)
    }

    [Theory]
    [InlineData(BatchFormulation.CpSat)]
    [InlineData(BatchFormulation.MinCostFlow)]
    public void Finds_the_assignment_greedy_misses_with_a_strictly_better_objective(BatchFormulation formulation)
    {
        var (snapshot, pending) = FirstJobTakesTheOnlyPoolOfTheSecond();

        var greedy = Scheduler.Plan(snapshot, pending, Now, SchedulingPolicy.NetworkAware);
        var result = BatchRound.Plan(snapshot, pending, Now, SchedulingPolicy.NetworkAware, new BatchOptions(TimeSpan.FromSeconds(1), formulation));

        Assert.Equal([("job-one", "wide", Now), ("job-two", "wide", Now + Hour)], Placements(greedy));
        Assert.Equal([("job-one", "narrow", Now), ("job-two", "wide", Now)], Placements(result.Plan));
        Assert.True(result.UsedSolver, result.SolverStatus);
        // Normal priority weighs 2: greedy 2 × (1 h + 2 h), batch 2 × (1 h + 1 h), in seconds.
        Assert.Equal(21_600, result.GreedyObjective);
        Assert.Equal(14_400, result.Objective);
        Assert.Equal(BatchRound.Objective(greedy, pending), result.GreedyObjective);
        Assert.Equal(2, result.JobsAssigned);
        Assert.Contains("batch round", result.Plan.Decisions[0].Reason, StringComparison.Ordinal);
    }

    /// <summary>
    /// The contention above plus six pools "tiny0".."tiny5" (16 cores per node), which neither job fits.
    /// The round assigns job-one to "narrow"; binding filters it again, so its explanation still lists
    /// every pool: "wide" passed the hard filters and is not scored because the round chose another
    /// pool, the tiny pools are rejected by the fit filter, and "narrow" carries its score parts. (With
    /// eight pools and one differing from the shared layers, the explanation is stored as that difference.)
    /// </summary>
    [Fact]
    public void An_assigned_job_is_explained_over_every_pool()
    {
        var snapshot = Snapshot(1, [CpuPool("wide", "s0", cores: 64, nodes: 1, pricePerCuHour: 100), CpuPool("narrow", "s0", cores: 32, nodes: 1, pricePerCuHour: 300),
            .. Enumerable.Range(0, 6).Select(i => CpuPool($"tiny{i}", "s0", cores: 16, nodes: 4))]);
        PendingJob[] pending = [Job("job-one", cores: 32, Hour, submittedMinutesAgo: 10), Job("job-two", cores: 64, Hour, submittedMinutesAgo: 5)];

        var result = BatchRound.Plan(snapshot, pending, Now, SchedulingPolicy.NetworkAware, new BatchOptions(TimeSpan.FromSeconds(1)));

        Assert.True(result.UsedSolver, result.SolverStatus);
        var one = result.Plan.Decisions.Single(d => d.JobId == "job-one");
        Assert.Equal("narrow", one.Placement!.PoolId);
        Assert.Equal(["wide", "narrow", "tiny0", "tiny1", "tiny2", "tiny3", "tiny4", "tiny5"], one.Candidates.Select(c => c.PoolId));
        Assert.Equal(SchedulingMemo.AssignedElsewhereNote, one.Candidates[0].NotScored);
        Assert.Null(one.Candidates[0].Rejection);
        Assert.NotNull(one.Candidates[1].Score);
        Assert.Null(one.Candidates[1].Rejection);
        Assert.All(one.Candidates.Skip(2), c => Assert.True(c is { Rejection: not null, Score: null }, $"{c.PoolId} should be rejected"));
    }

    /// <summary>
    /// Pools "small" (one free node) and "big" (eight) at one site, equally fast, and one 1-node job of
    /// an hour: it completes at now + 1 h on either, so both arcs cost the same (2 × 3,600). The flow's
    /// tie-break takes the pool where the job uses the smaller share of the free nodes: "big"
    /// (⌊1,023 × 1 ÷ 8⌋ = 127 against ⌊1,023 × 1 ÷ 1⌋ = 1,023), keeping "small"'s only node free.
    /// Without the tie-break the flow takes "small" (the first arc of equal cost).
    /// </summary>
    [Fact]
    public void Among_arcs_of_equal_cost_the_flow_takes_the_pool_where_the_job_uses_the_smaller_share()
    {
        var snapshot = Snapshot(1, [CpuPool("small", "s0", cores: 64, nodes: 1), CpuPool("big", "s0", cores: 64, nodes: 8)]);
        PendingJob[] pending = [Job("one", cores: 32, Hour)];

        var result = BatchRound.Plan(snapshot, pending, Now, SchedulingPolicy.NetworkAware, new BatchOptions(TimeSpan.FromSeconds(1), BatchFormulation.MinCostFlow));

        Assert.Equal([("one", "big", Now)], Placements(result.BatchPlan!));
        Assert.Equal(7_200, result.BatchObjective);
    }

    /// <summary>
    /// <see cref="BatchFormulation.Auto"/> (the default) runs CP-SAT on an instance of at most
    /// <see cref="BatchOptions.CpSatMaxArcs"/> arcs and the min-cost flow alone above that; the status says which.
    /// </summary>
    [Fact]
    public void Auto_runs_CP_SAT_only_up_to_its_arc_limit()
    {
        var world = Random(7, pools: 20, nodesPerPool: 16, jobs: 150);

        var small = BatchRound.Plan(world.Snapshot, world.Pending, world.Now, SchedulingPolicy.NetworkAware);
        var large = BatchRound.Plan(world.Snapshot, world.Pending, world.Now, SchedulingPolicy.NetworkAware,
            BatchOptions.Default with { CpSatMaxArcs = small.Arcs - 1 });

        Assert.Equal(BatchFormulation.Auto, BatchOptions.Default.Formulation);
        Assert.InRange(small.Arcs, 1, BatchOptions.DefaultCpSatMaxArcs);
        Assert.StartsWith("CP-SAT ", small.SolverStatus, StringComparison.Ordinal);
        Assert.StartsWith("min-cost flow ", large.SolverStatus, StringComparison.Ordinal);
        Assert.Contains($"CP-SAT not run ({small.Arcs} arcs > {small.Arcs - 1})", large.SolverStatus, StringComparison.Ordinal);
        Assert.Equal(small.Arcs, large.Arcs);
    }

    [Fact]
    public void A_zero_time_limit_gives_the_greedy_plan_and_says_so()
    {
        var (snapshot, pending) = FirstJobTakesTheOnlyPoolOfTheSecond();

        var result = BatchRound.Plan(snapshot, pending, Now, SchedulingPolicy.NetworkAware, new BatchOptions(TimeSpan.Zero));

        Assert.False(result.UsedSolver);
        Assert.Contains("greedy plan", result.SolverStatus, StringComparison.Ordinal);
        Assert.Equal(Placements(Scheduler.Plan(snapshot, pending, Now, SchedulingPolicy.NetworkAware)), Placements(result.Plan));
        Assert.Equal(result.GreedyObjective, result.Objective);
        Assert.Null(result.BatchObjective);
    }

    [Fact]
    public void A_solver_without_a_solution_in_time_gives_the_greedy_plan_and_says_so()
    {
        // 10⁻⁷ s of deterministic time: CP-SAT stops while loading a model of this size (a tiny model it would still solve).
        var world = Random(7, pools: 20, nodesPerPool: 16, jobs: 150);

        var result = BatchRound.Plan(world.Snapshot, world.Pending, world.Now, SchedulingPolicy.NetworkAware, new BatchOptions(TimeSpan.FromTicks(1)));

        Assert.False(result.UsedSolver);
        Assert.Contains("CP-SAT Unknown", result.SolverStatus, StringComparison.Ordinal);
        Assert.Contains("no solution within the time limit", result.SolverStatus, StringComparison.Ordinal);
        Assert.Equal(Placements(Scheduler.Plan(world.Snapshot, world.Pending, world.Now, SchedulingPolicy.NetworkAware)), Placements(result.Plan));
        Assert.Equal(result.GreedyObjective, result.Objective);
    }

    [Fact]
    public void Jobs_that_cannot_start_anywhere_now_are_left_to_the_greedy_cycle()
    {
        var snapshot = Snapshot(1, [CpuPool("only", "s0", cores: 64, nodes: 1)],
            running: [new RunningAllocation("busy", "t0", "only", 1, Now - Hour, Now + Hour)]);
        ImmutableArray<PendingJob> pending = [Job("later", cores: 64, Hour), Job("too-big", cores: 128, Hour)];

        var result = BatchRound.Plan(snapshot, pending, Now, SchedulingPolicy.NetworkAware);

        Assert.False(result.UsedSolver);
        Assert.Contains("no pending job can start now", result.SolverStatus, StringComparison.Ordinal);
        Assert.Equal([("later", "only", Now + Hour)], Placements(result.Plan));
        Assert.Equal(DecisionKind.Unschedulable, result.Plan.Decisions.Single(d => d.JobId == "too-big").Kind);
    }

    private static readonly IEnumerable<int> SeedRange = Enumerable.Range(1, 12);

    public static TheoryData<int> Seeds => [.. SeedRange];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Never_over_commits_a_pool_or_a_link_and_never_does_worse_than_greedy(int seed)
    {
        var world = Random(seed, pools: 6, nodesPerPool: 8, jobs: 40);
        foreach (var formulation in new[] { BatchFormulation.CpSat, BatchFormulation.MinCostFlow })
        {
            var result = BatchRound.Plan(world.Snapshot, world.Pending, world.Now, SchedulingPolicy.NetworkAware,
                new BatchOptions(TimeSpan.FromSeconds(0.5), formulation));

            foreach (var plan in new[] { result.Plan, result.BatchPlan }.OfType<Plan>())
            {
                AssertNoPoolOverCommitted(world.Snapshot, plan);
                AssertNoLinkOverReserved(world.Snapshot, plan);
                Assert.Equal(world.Pending.Select(j => j.Id).Order(StringComparer.Ordinal), plan.Decisions.Select(d => d.JobId).Order(StringComparer.Ordinal));
                AssertEveryPoolAccountedFor(world.Snapshot, plan);
            }
            Assert.NotNull(result.BatchPlan);
            Assert.True(result.Objective <= result.GreedyObjective, $"{result.Objective} > {result.GreedyObjective}");
            Assert.Equal(BatchRound.Objective(result.Plan, world.Pending), result.Objective);
        }
    }

    [Fact]
    public void The_random_worlds_have_contention_so_the_property_test_means_something()
    {
        var improved = SeedRange.Count(seed => Random(seed, pools: 6, nodesPerPool: 8, jobs: 40) is var world
            && BatchRound.Plan(world.Snapshot, world.Pending, world.Now, SchedulingPolicy.NetworkAware).UsedSolver);
        Assert.True(improved > 0, "no random world gave the solver anything to improve");
    }

    [Theory]
    [InlineData(BatchOptions.DefaultCpSatMaxArcs)] // Auto runs CP-SAT on this instance
    [InlineData(0)] // Auto takes the min-cost flow's assignment
    public void Same_inputs_give_the_same_assignment(int cpSatMaxArcs)
    {
        var world = Random(7, pools: 20, nodesPerPool: 16, jobs: 150);
        var options = new BatchOptions(TimeSpan.FromSeconds(0.3), CpSatMaxArcs: cpSatMaxArcs);

        var first = BatchRound.Plan(world.Snapshot, world.Pending, world.Now, SchedulingPolicy.NetworkAware, options);
        var second = BatchRound.Plan(world.Snapshot, world.Pending, world.Now, SchedulingPolicy.NetworkAware, options);

        Assert.Equal(Placements(first.Plan), Placements(second.Plan));
        Assert.Equal(first.Objective, second.Objective);
        Assert.Equal(first.SolverStatus, second.SolverStatus);
        Assert.True(first.JobsInModel > 0);
    }

    [Fact(Skip = "timing, not a test: run by hand to measure the batch round on 5,000 jobs × 1,000 pools")]
    public void Measure_the_batch_round_on_5000_jobs_and_1000_pools()
    {
        var world = Random(42, pools: 1000, nodesPerPool: 100, jobs: 5000);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = BatchRound.Plan(world.Snapshot, world.Pending, world.Now, SchedulingPolicy.NetworkAware);
        Assert.Fail($"{watch.Elapsed.TotalSeconds:0.000} s; objective {result.Objective} vs greedy {result.GreedyObjective}; {result.SolverStatus}");
    }

    private static List<(string Job, string Pool, DateTimeOffset Start)> Placements(Plan plan) =>
        [.. plan.Placed.Select(d => (d.JobId, d.Placement!.PoolId, d.Placement.Start)).OrderBy(p => p.JobId, StringComparer.Ordinal)];

    private static void AssertNoPoolOverCommitted(SchedulingSnapshot snapshot, Plan plan)
    {
        var usage = snapshot.Running.Select(r => (r.PoolId, r.Start, End: r.ExpectedEnd, r.Nodes))
            .Concat(plan.Placed.Select(d => (d.Placement!.PoolId, d.Placement.Start, End: d.Placement.Start + d.Placement.Runtime, d.Placement.Nodes)));
        foreach (var pool in usage.GroupBy(u => u.PoolId))
        {
            var limit = snapshot.Pools[snapshot.PoolIndex[pool.Key]].Pool.NodeCount;
            var peak = Peak(pool.SelectMany(u => new[] { (u.Start, (long)u.Nodes), (u.End, -(long)u.Nodes) }));
            Assert.True(peak <= limit, $"pool {pool.Key} holds {peak} nodes at once; it has {limit}");
        }
    }

    private static void AssertNoLinkOverReserved(SchedulingSnapshot snapshot, Plan plan)
    {
        var reservations = plan.Placed.SelectMany(d => d.Placement!.Transfers)
            .SelectMany(t => t.Arcs.Select(arc => (Arc: arc, t.Interval, t.Bandwidth)));
        foreach (var arc in reservations.GroupBy(r => r.Arc))
        {
            var capacity = snapshot.Topology.Network.Links[arc.Key.Link].Capacity.BitsPerSecond;
            var peak = Peak(arc.SelectMany(r => new[] { (r.Interval.Start, r.Bandwidth.BitsPerSecond), (r.Interval.End, -r.Bandwidth.BitsPerSecond) }));
            Assert.True(peak <= capacity, $"link {arc.Key.Link} carries {peak} b/s at once; it has {capacity}");
        }
    }

    /// <summary>The largest running sum of the deltas in time order; at equal times releases come first (intervals are half-open).</summary>
    private static long Peak(IEnumerable<(DateTimeOffset Time, long Delta)> events)
    {
        long current = 0, peak = 0;
        foreach (var (_, delta) in events.OrderBy(e => e.Time).ThenBy(e => e.Delta))
            peak = Math.Max(peak, current += delta);
        return peak;
    }
}
