using Suanwang.Core.Model;
using Suanwang.Core.Scheduling;
using static Suanwang.Core.Tests.Scheduling.SchedulingWorld;

namespace Suanwang.Core.Tests.Scheduling;

/// <summary>Cases small enough to work out by hand; the comments carry the arithmetic.</summary>
public sealed class SchedulerHandCheckedTests
{
    private static readonly AcceleratorDemand EightGradeA = new(8, ComputeGrade.A, null, null);

    /// <summary>
    /// A 2-node gang on grade-A accelerators reading a 40 TB corpus held in Shanghai. Shanghai has 4
    /// free H800 nodes; Zhongwei has 64. Copying 40 TB to Zhongwei at the 50 Gbps one transfer may
    /// reserve (half of a 100 Gbps link) takes 40e12 × 8 ÷ 50e9 = 6,400 s, far longer than the job
    /// (1 h at the grade-A reference, 36 min on an H800). Network-aware runs it in Shanghai at once;
    /// greedy-oblivious picks the emptiest pool, Zhongwei, and the job waits for its data.
    /// </summary>
    [Fact]
    public void Network_aware_beats_greedy_oblivious_when_staging_dominates()
    {
        var snapshot = EastWest();
        var job = Job("train", Demand("train", tasks: 2, accelerators: EightGradeA, type: JobType.Gang, inputs: ["corpus"]));

        var aware = Single(Scheduler.Plan(snapshot, [job], Now, SchedulingPolicy.NetworkAware));
        var greedy = Single(Scheduler.Plan(snapshot, [job], Now, SchedulingPolicy.GreedyOblivious));

        Assert.Equal("shanghai-region/ai", aware.PoolId);
        Assert.Equal(Now, aware.Start);
        Assert.Empty(aware.Transfers);
        Assert.Equal("zhongwei-hub/ai", greedy.PoolId);
        var transfer = Assert.Single(greedy.Transfers);
        Assert.Equal(("corpus", "shanghai-region", 50.0), (transfer.DatasetId, transfer.FromSite, transfer.Bandwidth.Gbps));
        Assert.InRange((transfer.Interval.End - Now).TotalSeconds, 6400, 6401);
        Assert.True(greedy.Start >= transfer.Interval.End);
        // Same hardware, same run time: the whole difference is the staging.
        Assert.Equal(aware.Runtime, greedy.Runtime);
        Assert.InRange((greedy.Completion - aware.Completion).TotalSeconds, 6400, 6401);
    }

    [Fact]
    public void Run_time_is_the_duration_scaled_by_the_pool_speed_relative_to_the_grade_reference()
    {
        // Grade A's reference is its 300 CU lower bound; an H800 is rated 494.75 AI CU (989.5 dense FP16 TFLOPS × 0.5).
        var placement = Single(Scheduler.Plan(EastWest(), [Job("j", Demand("j", accelerators: EightGradeA))], Now, SchedulingPolicy.NetworkAware));
        var expected = TimeSpan.FromHours(1).TotalSeconds * 300 / 494.75;
        Assert.InRange(placement.Runtime.TotalSeconds, expected - 0.01, expected + 0.01);
    }

    /// <summary>
    /// A city-tier inference service for a user in Shanghai: Zhongwei is free and cheapest, but it is
    /// about 12 ms from Shanghai, far beyond the 1 ms city tier, so every policy must stay in Shanghai.
    /// </summary>
    [Theory]
    [MemberData(nameof(AllPolicies))]
    public void A_latency_bound_service_stays_within_its_tier_even_when_a_cheaper_hub_is_free(string policyName)
    {
        var policy = SchedulingPolicy.ByName(policyName)!;
        var service = Job("chat", Demand("chat", accelerators: new AcceleratorDemand(1, null, null, 100), type: JobType.Service,
            duration: TimeSpan.FromDays(1), user: new UserSpec("Shanghai", LatencyTier.City)));

        var decision = Assert.Single(Scheduler.Plan(EastWest(), [service], Now, policy).Decisions);

        Assert.Equal(DecisionKind.Placed, decision.Kind);
        Assert.StartsWith("shanghai-", decision.Placement!.SiteId, StringComparison.Ordinal);
        var hub = Assert.Single(decision.Candidates, c => c.PoolId == "zhongwei-hub/ai");
        Assert.Contains("exceeds the city tier", hub.Rejection, StringComparison.Ordinal);
    }

    [Fact]
    public void Cost_only_takes_the_cheapest_pool_in_the_tier_and_network_aware_explains_every_candidate()
    {
        var service = Job("chat", Demand("chat", accelerators: new AcceleratorDemand(1, null, null, 100), type: JobType.Service,
            duration: TimeSpan.FromDays(1), user: new UserSpec("Shanghai", LatencyTier.City)));
        var snapshot = EastWest();

        // Nodes are allocated whole: an edge node (4 × L40S, 4 × 181 CU at 2.80 CNY) costs 2,027 CNY per hour,
        // a region node (8 × H800, 3,958 CU at 1.60 CNY) 6,333 CNY per hour.
        var cheapest = Single(Scheduler.Plan(snapshot, [service], Now, SchedulingPolicy.CostOnly));
        Assert.Equal("shanghai-edge/edge", cheapest.PoolId);

        // Network-aware: each part is relative to the best any of the two pools in the tier could reach.
        // Region: 24 h ÷ 4.9475 (494.75 ÷ 100 CU) = 17,463.4 s, the fastest (1.0); 30,720.00 CNY, 2.2586 × the
        // edge's 13,601.48; 23.639 kg, 1.1611 × the edge's 20.359. Total 0.6 + 0.25 × 2.2586 + 0.1 × 1.1611 = 1.2808.
        // Edge: 24 h ÷ 1.81 = 47,728.2 s, 2.7331 × the region's, cheapest and cleanest: 0.6 × 2.7331 + 0.25 + 0.1 = 1.9898.
        // Both start now with no data to move, so the edge's lower bound is its total, above 1.2808: it is not scored.
        // (Before fixed scales, min-max normalization gave region 0.35 and edge 0.6: the same winner.)
        var decision = Assert.Single(Scheduler.Plan(snapshot, [service], Now, SchedulingPolicy.NetworkAware).Decisions);
        Assert.Equal("shanghai-region/ai", decision.Placement!.PoolId);
        Assert.Equal(3, decision.Candidates.Length);
        Assert.All(decision.Candidates, c => Assert.True(new[] { c.Rejection, c.Score, (object?)c.NotScored }.Count(x => x is not null) == 1, c.PoolId));
        var region = decision.Candidates.Single(c => c.PoolId == "shanghai-region/ai").Score!;
        Assert.InRange(region.Total, 1.2807, 1.2808);
        Assert.NotNull(decision.Candidates.Single(c => c.PoolId == "shanghai-edge/edge").NotScored);

        // The edge's total, from its estimate alone (plan avoiding the region) on the two pools' scales, really is higher.
        var edgeOnly = Assert.Single(Scheduler.Plan(snapshot, [service with { Demand = service.Demand with { Placement = new PlacementPreference([], ["shanghai-region"]) } }],
            Now, SchedulingPolicy.NetworkAware).Decisions);
        var edge = edgeOnly.Candidates.Single(c => c.PoolId == "shanghai-edge/edge").Score!;
        var edgeTotal = 0.6 * (edge.Completion - Now).TotalSeconds / (region.Completion - Now).TotalSeconds + 0.25 + 0.1;
        Assert.InRange(edgeTotal, 1.9898, 1.9899);
    }

    [Fact]
    public void Data_local_runs_where_the_data_is_and_cost_only_where_compute_is_cheapest()
    {
        var job = Job("scan", Demand("scan", accelerators: EightGradeA, inputs: ["corpus"], duration: TimeSpan.FromHours(10)));
        var snapshot = EastWest();
        Assert.Equal("shanghai-region/ai", Single(Scheduler.Plan(snapshot, [job], Now, SchedulingPolicy.DataLocal)).PoolId);
        var decision = Assert.Single(Scheduler.Plan(snapshot, [job], Now, SchedulingPolicy.DataLocal).Decisions);
        Assert.Contains("holds no replica of corpus", decision.Candidates.Single(c => c.PoolId == "zhongwei-hub/ai").Rejection, StringComparison.Ordinal);
        // 10 h at 0.78 instead of 1.60 CNY per CU-hour outweighs 40,000 GB × 0.02 CNY of transfer.
        Assert.Equal("zhongwei-hub/ai", Single(Scheduler.Plan(snapshot, [job], Now, SchedulingPolicy.CostOnly)).PoolId);
    }

    [Fact]
    public void Bad_jobs_are_unschedulable_with_their_reason_and_do_not_stop_the_others()
    {
        PendingJob[] jobs =
        [
            Job("too-big", Demand("too-big", accelerators: new AcceleratorDemand(16, ComputeGrade.A, null, null))),
            Job("too-late", Demand("too-late", accelerators: EightGradeA, deadline: Now.AddMinutes(10))),
            Job("no-data", Demand("no-data", inputs: ["nope"])),
            Job("fine", Demand("fine", accelerators: EightGradeA)),
        ];

        var plan = Scheduler.Plan(EastWest(), jobs, Now, SchedulingPolicy.NetworkAware);

        var byId = plan.Decisions.ToDictionary(d => d.JobId);
        Assert.Equal(DecisionKind.Unschedulable, byId["too-big"].Kind);
        Assert.Contains("a task needs 16 accelerators; a node has 8", byId["too-big"].Reason, StringComparison.Ordinal);
        Assert.Equal(DecisionKind.Unschedulable, byId["too-late"].Kind);
        Assert.Contains("after the deadline", byId["too-late"].Reason, StringComparison.Ordinal);
        Assert.Equal(DecisionKind.Unschedulable, byId["no-data"].Kind);
        Assert.Equal("unknown dataset 'nope'", byId["no-data"].Reason);
        Assert.Equal(DecisionKind.Placed, byId["fine"].Kind);
    }

    [Fact]
    public void A_down_site_is_never_used()
    {
        var job = Job("j", Demand("j", accelerators: EightGradeA));
        var placement = Single(Scheduler.Plan(EastWest(down: ["shanghai-region"]), [job], Now, SchedulingPolicy.NetworkAware));
        Assert.Equal("zhongwei-hub/ai", placement.PoolId);
    }

    /// <summary>
    /// One pool of 10 nodes; a running job holds 8 until +10 h. In FCFS order: A wants all 10 for 1 h
    /// (it can start only at +10 h); B wants 2 for 5 h (it fits now and ends before +10 h); C wants 2
    /// for 12 h (starting now it would still hold 2 nodes at +10 h and delay A).
    /// EASY: A reserves +10 h, B backfills now, C waits. Strict FCFS: A reserves, B and C wait.
    /// Reservations (conservative): A at +10 h, B now, C after A at +11 h.
    /// </summary>
    [Fact]
    public void Easy_backfill_lets_in_exactly_the_jobs_that_do_not_delay_the_head()
    {
        var running = new RunningAllocation("old", "t-other", "lab/hpc", 8, Now.AddHours(-1), Now.AddHours(10));
        var snapshot = SinglePool(10, [running]);
        PendingJob[] jobs =
        [
            Job("a", Demand("a", tasks: 10, cpu: 64, duration: TimeSpan.FromHours(1)), submittedSecondsAgo: 30),
            Job("b", Demand("b", tasks: 2, cpu: 64, duration: TimeSpan.FromHours(5)), submittedSecondsAgo: 20),
            Job("c", Demand("c", tasks: 2, cpu: 64, duration: TimeSpan.FromHours(12)), submittedSecondsAgo: 10),
        ];

        var easy = Starts(Scheduler.Plan(snapshot, jobs, Now, SchedulingPolicy.FcfsEasy));
        Assert.Equal<(string, DecisionKind, double?)>([("a", DecisionKind.Placed, 10), ("b", DecisionKind.Placed, 0), ("c", DecisionKind.Waiting, null)], easy);

        var strict = Starts(Scheduler.Plan(snapshot, jobs, Now, SchedulingPolicy.Fcfs));
        Assert.Equal<(string, DecisionKind, double?)>([("a", DecisionKind.Placed, 10), ("b", DecisionKind.Waiting, null), ("c", DecisionKind.Waiting, null)], strict);

        var conservative = Starts(Scheduler.Plan(snapshot, jobs, Now, SchedulingPolicy.GreedyOblivious with { Order = QueueOrder.FirstComeFirstServed }));
        Assert.Equal<(string, DecisionKind, double?)>([("a", DecisionKind.Placed, 10), ("b", DecisionKind.Placed, 0), ("c", DecisionKind.Placed, 11)], conservative);
    }

    [Fact]
    public void Fair_share_serves_the_tenant_with_the_smaller_dominant_share_first()
    {
        // t-big already holds 8 of 10 nodes; t-small holds none. Both submit a 2-node job; t-big's is older.
        var running = new RunningAllocation("old", "t-big", "lab/hpc", 8, Now.AddHours(-1), Now.AddHours(10));
        PendingJob[] jobs =
        [
            Job("big-2", Demand("big-2", tasks: 2, cpu: 64), submittedSecondsAgo: 100, tenant: "t-big"),
            Job("small-1", Demand("small-1", tasks: 2, cpu: 64), submittedSecondsAgo: 10, tenant: "t-small"),
        ];
        var plan = Scheduler.Plan(SinglePool(10, [running]), jobs, Now, SchedulingPolicy.NetworkAware);
        Assert.Equal(["small-1", "big-2"], plan.Decisions.Select(d => d.JobId));
        Assert.Equal(Now, plan.Decisions[0].Placement!.Start);
        Assert.Equal(Now.AddHours(1), plan.Decisions[1].Placement!.Start); // when small-1 gives its 2 nodes back
    }

    public static TheoryData<string> AllPolicies() => [.. SchedulingPolicy.All.Select(p => p.Name)];

    private static Placement Single(Plan plan)
    {
        var decision = Assert.Single(plan.Decisions);
        Assert.True(decision.Kind == DecisionKind.Placed, decision.Reason);
        return decision.Placement!;
    }

    private static List<(string, DecisionKind, double?)> Starts(Plan plan) =>
        [.. plan.Decisions.Select(d => (d.JobId, d.Kind, d.Placement is { } p ? (double?)(p.Start - Now).TotalHours : null))];
}
