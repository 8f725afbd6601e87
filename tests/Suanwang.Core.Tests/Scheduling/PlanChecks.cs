using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using Suanwang.Core.Model;
using Suanwang.Core.Scheduling;

namespace Suanwang.Core.Tests.Scheduling;

/// <summary>Helpers the scheduler properties share: planning with every policy, canonical JSON, independent latencies.</summary>
internal static class PlanChecks
{
    /// <summary>Cases per property: enough to meet every kind of bad job many times, few enough to stay fast.</summary>
    public const int Cases = 150;

    private static readonly JsonSerializerOptions CanonicalOptions = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>
    /// The explanation contract (docs/scheduler.md): a decision refused before filtering has no
    /// candidates; every other has one per pool in topology order, each exactly one of rejected,
    /// scored or not scored; a placed job's pool is scored.
    /// </summary>
    public static void AssertEveryPoolAccountedFor(SchedulingSnapshot snapshot, Plan plan)
    {
        foreach (var decision in plan.Decisions)
        {
            if (decision.Candidates.IsEmpty)
            {
                Assert.NotEqual(DecisionKind.Placed, decision.Kind);
                continue;
            }
            // One per pool in topology order; after them, only candidates over several pools (gangs, split arrays).
            Assert.Equal(snapshot.Pools.Select(p => p.Pool.Id), decision.Candidates.Take(snapshot.Pools.Length).Select(c => c.PoolId));
            Assert.All(decision.Candidates.Skip(snapshot.Pools.Length), c => Assert.Contains('+', c.PoolId));
            Assert.All(decision.Candidates, c => Assert.True(new object?[] { c.Rejection, c.Score, c.NotScored }.Count(x => x is not null) == 1, $"{decision.JobId}: {c}"));
            if (decision.Placement is { } placement)
            {
                var won = placement.Parts.Length == 1 ? placement.PoolId : string.Join('+', placement.Parts.Select(p => p.PoolId));
                Assert.NotNull(decision.Candidates.Single(c => c.PoolId == won).Score);
            }
        }
    }

    /// <summary>The plan of every named policy on the built snapshot.</summary>
    public static IEnumerable<(SchedulingPolicy Policy, Plan Plan)> PlanEveryPolicy(World world, BuiltWorld built) =>
        SchedulingPolicy.All.Select(policy => (policy, Scheduler.Plan(built.Snapshot, world.Pending, world.Now, policy)));

    /// <summary>A plan as JSON: records holding immutable arrays compare by reference, their JSON compares by value.</summary>
    public static string Canonical<T>(T value) => JsonSerializer.Serialize(value, CanonicalOptions);

    /// <summary>The job a decision is about (a job listed twice is the same job both times).</summary>
    public static PendingJob JobOf(World world, Decision decision) => world.Pending.First(j => j.Id == decision.JobId);

    /// <summary>Every part of every placement in the plan, with its decision: the pools really held.</summary>
    public static IEnumerable<(Decision Decision, PlacementPart Part)> PlacedParts(Plan plan) =>
        plan.Placed.SelectMany(d => d.Placement!.Parts.Select(p => (d, p)));

    /// <summary>"policy job: " prefix of assertion messages.</summary>
    public static string Where(SchedulingPolicy policy, Decision decision) => $"{policy.Name} {decision.JobId}: ";

    /// <summary>One-way shortest-path latency between every pair of points, by Floyd–Warshall over the links (not the scheduler's path finder).</summary>
    public static double[,] Latencies(World world)
    {
        var n = world.PointsOfPresence.Length;
        var index = world.PointsOfPresence.Select((p, i) => (p.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        var latency = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
                latency[i, j] = i == j ? 0 : double.PositiveInfinity;
        }
        foreach (var link in world.Links)
        {
            var (a, b) = (index[link.A], index[link.B]);
            latency[a, b] = latency[b, a] = Math.Min(latency[a, b], link.LatencyMs);
        }
        for (var k = 0; k < n; k++)
        {
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                    latency[i, j] = Math.Min(latency[i, j], latency[i, k] + latency[k, j]);
            }
        }
        return latency;
    }

    /// <summary>The point of presence a user location names (id, or id or name ignoring case), or −1.</summary>
    public static int UserPoint(World world, string location)
    {
        var exact = world.PointsOfPresence.Select(p => p.Id).ToList().IndexOf(location);
        return exact >= 0 ? exact : world.PointsOfPresence.ToList().FindIndex(p =>
            string.Equals(p.Id, location, StringComparison.OrdinalIgnoreCase) || string.Equals(p.Name, location, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Index of a site's point of presence.</summary>
    public static int SitePoint(World world, string siteId) =>
        world.PointsOfPresence.Select(p => p.Id).ToList().IndexOf(world.Sites.Single(s => s.Id == siteId).AttachedTo!);

    /// <summary>The upper bound of a latency tier (DESIGN §1): city 1 ms, region 5 ms, national 20 ms.</summary>
    public static double TierBoundMs(LatencyTier tier) => tier switch
    {
        LatencyTier.City => 1,
        LatencyTier.Region => 5,
        LatencyTier.National => 20,
        _ => double.PositiveInfinity,
    };

    /// <summary>Tasks of the job that fit on one node of the pool by cores, memory and accelerator count alone (model ignored).</summary>
    public static long TasksPerNodeBySize(Pool pool, TaskResources task)
    {
        var node = pool.Node;
        long fit = Math.Min(node.Cores / Math.Max(1, task.Cpu), node.Memory.Bytes / Math.Max(1, task.Memory.Bytes));
        if (task.Accelerators is { Count: > 0 } wanted)
            fit = Math.Min(fit, (node.Accelerators?.Count ?? 0) / wanted.Count);
        return fit;
    }

    /// <summary>
    /// True when no pool of the world could hold the job even if it were empty and every model matched
    /// — nor, for a splittable array, all pools together, nor, for a gang, the pools of any one site together.
    /// </summary>
    public static bool TooBigForEveryPool(World world, JobDemand demand)
    {
        long Holds(Pool pool) => Math.Max(0, TasksPerNodeBySize(pool, demand.Resources)) * pool.NodeCount;
        var pools = world.Sites.SelectMany(s => s.Pools).ToList();
        if (demand is { Type: JobType.Array, Flags.Splittable: true })
            return pools.Sum(Holds) < demand.Tasks;
        var noPool = pools.All(pool => Holds(pool) < demand.Tasks);
        return demand.Type == JobType.Gang ? noPool && world.Sites.All(s => s.Pools.Sum(Holds) < demand.Tasks) : noPool;
    }

    /// <summary>Instants where a sum of half-open holds can reach its maximum: the starts of the holds.</summary>
    public static IEnumerable<DateTimeOffset> Breakpoints<T>(IEnumerable<T> holds, Func<T, DateTimeOffset> start) =>
        holds.Select(start).Distinct().Order();

    /// <summary>Every arc index used by the built world's graph.</summary>
    public static ImmutableArray<int> ArcIndices(BuiltWorld built) => [.. Enumerable.Range(0, built.Topology.Network.ArcCount)];
}
