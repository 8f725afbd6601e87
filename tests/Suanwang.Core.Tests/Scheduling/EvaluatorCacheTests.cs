using System.Collections.Immutable;
using Suanwang.Core.Measurement;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Scheduling;
using Suanwang.Core.Topologies;

namespace Suanwang.Core.Tests.Scheduling;

/// <summary>
/// The evaluator's caches (snapshot memo, per-job context, staging answers kept between jobs) give
/// exactly what the same code gives without them: filters on a copy of a pool (which the memo does not
/// know) and estimates on an evaluator that keeps no staging answers, while reservations pile up.
/// </summary>
public sealed class EvaluatorCacheTests
{
    private static readonly DeviceCatalog Catalog = DeviceCatalog.LoadEmbedded();
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static JobDemand Demand(string name, JobType type, int tasks, TaskResources resources, TimeSpan duration, params string[] inputs) =>
        new(name, JobPriority.Normal, type, tasks, resources, duration, [.. inputs], null, null, null, null, [],
            PlacementPreference.None, JobFlags.None, null);

    private static IReadOnlyList<PendingJob> Jobs()
    {
        var cpu = new TaskResources(16, ByteSize.FromGibibytes(64), null);
        var gpu = new TaskResources(16, ByteSize.FromGibibytes(256), new AcceleratorDemand(8, ComputeGrade.B, null, null));
        var demands = new List<JobDemand>
        {
            Demand("big-input", JobType.Batch, 4, cpu, TimeSpan.FromHours(2), "corpus"),
            Demand("two-inputs", JobType.Gang, 16, cpu, TimeSpan.FromHours(1), "corpus", "images") with { Jurisdictions = ["CN"] },
            Demand("by-model", JobType.Batch, 2, gpu with { Accelerators = new AcceleratorDemand(4, null, "h800", null) }, TimeSpan.FromHours(3), "images"),
            Demand("by-cu", JobType.Array, 32, gpu with { Accelerators = new AcceleratorDemand(2, null, null, 300) }, TimeSpan.FromHours(5), "logs", "corpus"),
            Demand("service", JobType.Service, 1, cpu, TimeSpan.FromDays(1), "logs") with
            {
                User = new UserSpec("shanghai", LatencyTier.Region),
                Output = new OutputSpec(ByteSize.FromGigabytes(20), OutputDestination.User),
            },
            Demand("avoids", JobType.Batch, 1, gpu, TimeSpan.FromHours(1), "images") with
            {
                Placement = new PlacementPreference([], ["p-west"]),
                Deadline = Now.AddHours(2),
                Budget = new Money(50_000_00, "CNY"),
            },
            Demand("huge-gang", JobType.Gang, 5000, cpu, TimeSpan.FromHours(1)),
        };
        // Each shape twice, so the second meets warm caches and the reservations the first one made.
        return [.. demands.Concat(demands).Select((d, i) => new PendingJob($"job-{i}", $"t-{i % 3}", d with { Name = $"job-{i}" }, Now.AddMinutes(-i)))];
    }

    private static SchedulingSnapshot Snapshot()
    {
        var topology = TopologyPresets.Load("china-national").Topology!;
        var sites = topology.Sites.Select(s => s.Id).ToArray();
        Dataset Data(string id, double terabytes, params int[] replicas) =>
            new(id, "t-0", ByteSize.FromGigabytes(terabytes * 1000), [.. replicas.Select(r => sites[r])], ["CN"]);
        return new SchedulingSnapshot(topology, Catalog,
            [Data("corpus", 40, 0, 12), Data("images", 8, 3), Data("logs", 0.5, 20, 25, 30)],
            [], downSites: [sites[5]]);
    }

    [Theory]
    [InlineData("network-aware")]
    [InlineData("data-local")]
    [InlineData("greedy-oblivious")]
    public void Cached_filters_and_estimates_equal_uncached_ones_while_reservations_pile_up(string policyName)
    {
        var policy = SchedulingPolicy.ByName(policyName)!;
        var snapshot = Snapshot();
        var planner = new StagingPlanner(snapshot);
        var cached = new CandidateEvaluator(snapshot, planner, calendarsOnlyGrow: true);
        var fresh = new CandidateEvaluator(snapshot, planner);
        var state = new CycleState(snapshot, Now);
        var compared = 0;

        foreach (var job in Jobs())
        {
            var userPoint = fresh.UserPointOfPresence(job.Demand);
            Estimate? first = null;
            for (var i = 0; i < snapshot.Pools.Length; i++)
            {
                var rejected = cached.Reject(job, i, userPoint, policy);
                var copy = snapshot.Pools[i] with { };
                Assert.Equal(fresh.HardFilter(job, copy, userPoint, policy), rejected?.Rejection);
                Assert.Equal(rejected?.Rejection, cached.HardFilter(job, snapshot.Pools[i], userPoint, policy));
                if (rejected is not null)
                    continue;
                var estimate = cached.Estimate(job, i, state, Now, policy.SeesNetwork, userPoint);
                Assert.Equal(fresh.Estimate(job, i, state, Now, policy.SeesNetwork, userPoint), estimate);
                first ??= estimate;
                compared++;
            }
            if (first is not { } chosen)
                continue;
            // Bind the first feasible pool as the cycle would: staging bandwidth, then nodes.
            var (transfers, _, _) = planner.Plan(job.Demand, snapshot.Pools[chosen.Pool], state.Calendar, Now, reserve: true);
            state.ReserveNodes(chosen.Pool, chosen.Start, chosen.Start + chosen.Runtime, chosen.Nodes);
            Assert.All(transfers, t => Assert.True(t.Arcs.IsEmpty || state.Calendar.Count > 0));
        }
        Assert.True(compared > 20, $"only {compared} feasible estimates compared");
    }

    [Fact]
    public void A_released_reservation_drops_every_kept_staging_answer()
    {
        var snapshot = Snapshot();
        var planner = new StagingPlanner(snapshot);
        var cached = new CandidateEvaluator(snapshot, planner, calendarsOnlyGrow: true);
        var fresh = new CandidateEvaluator(snapshot, planner);
        var state = new CycleState(snapshot, Now);
        var job = Jobs()[0];
        var pool = Enumerable.Range(0, snapshot.Pools.Length).First(i => cached.Reject(job, i, -1, SchedulingPolicy.NetworkAware) is null
            && !snapshot.FindDataset("corpus")!.ReplicaSites.Contains(snapshot.Pools[i].Site.Id));
        var before = cached.Estimate(job, pool, state, Now, seesNetwork: true, -1);

        // Fill the path the estimate used, then give the bandwidth back: the count falls back, the answer must too.
        var transfer = planner.Plan(job.Demand, snapshot.Pools[pool], state.Calendar, Now, reserve: false).Transfers.Single();
        var blocking = state.Calendar.TryReserve(transfer.Arcs, new TimeInterval(Now, Now.AddDays(30)), state.Calendar.FreeCapacity(transfer.Arcs, new TimeInterval(Now, Now.AddDays(30))));
        Assert.True(blocking.Reserved);
        var during = cached.Estimate(job, pool, state, Now, seesNetwork: true, -1);
        Assert.Equal(fresh.Estimate(job, pool, state, Now, seesNetwork: true, -1), during);
        Assert.NotEqual(before.StagedAt, during.StagedAt);

        Assert.True(state.Calendar.Release(blocking.Id));
        Assert.Equal(before, cached.Estimate(job, pool, state, Now, seesNetwork: true, -1));
    }
}
