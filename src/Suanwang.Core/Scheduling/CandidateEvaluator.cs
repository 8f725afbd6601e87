using System.Globalization;
using Suanwang.Core.Model;
using Suanwang.Core.Network;

namespace Suanwang.Core.Scheduling;

/// <summary>A feasible pool for a job, with everything needed to score and bind it (a value: one is made per feasible pool per job).</summary>
internal readonly record struct Estimate(
    int Pool,
    int Nodes,
    int TasksPerNode,
    TimeSpan Runtime,
    DateTimeOffset StagedAt,
    DateTimeOffset Start,
    DateTimeOffset Completion,
    TimeSpan OutputReturn,
    Money ComputeCost,
    Money Cost,
    double EnergyKwh,
    double CarbonKg,
    int FreeNodesNow,
    double Load,
    string? StagingRejection = null);

/// <summary>What a job costs at least on a pool, before its estimate (see <see cref="CandidateEvaluator.LowerBound"/>).</summary>
/// <param name="ComputeMinor">The exact compute cost (nodes × billable CU × run hours × price), rounded to minor units.</param>
/// <param name="Seconds">A lower bound of the seconds from now to completion: shortest staging + run time + output return (the last two only for policies that see the network).</param>
/// <param name="CostMinor">A lower bound of the cost: compute + each input's cheapest route (when the policy sees the network).</param>
/// <param name="CarbonKg">The exact carbon.</param>
/// <param name="FreeNodesNow">The exact free nodes now (only when asked; else 0).</param>
internal readonly record struct PoolBound(long ComputeMinor, double Seconds, long CostMinor, double CarbonKg, int FreeNodesNow);

/// <summary>
/// The cycle's <em>filter</em> and <em>score</em> extension points for one (job, pool) pair: hard
/// filters first (site up, exclusions, jurisdictions, latency tier, inputs reachable, fit), then the time, cost and
/// energy estimate, then the deadline and budget filters on that estimate.
/// </summary>
internal sealed class CandidateEvaluator
{
    private readonly SchedulingSnapshot _snapshot;
    private readonly StagingPlanner _staging;
    private readonly bool _calendarsOnlyGrow;
    private JobContext? _job;
    private StagingCache? _stagingCache;

    /// <param name="snapshot">The snapshot planned on.</param>
    /// <param name="staging">Its staging planner.</param>
    /// <param name="calendarsOnlyGrow">
    /// True when the calendars passed to <see cref="Estimate"/> only gain reservations while this
    /// evaluator is used (a scheduling cycle), so staging answers may be kept between jobs (<see cref="StagingCache"/>).
    /// </param>
    public CandidateEvaluator(SchedulingSnapshot snapshot, StagingPlanner staging, bool calendarsOnlyGrow = false)
    {
        _snapshot = snapshot;
        _staging = staging;
        _calendarsOnlyGrow = calendarsOnlyGrow;
    }

    /// <summary>The point of presence of the user's location (id or name, case-insensitive), or −1.</summary>
    public int UserPointOfPresence(JobDemand demand)
    {
        if (demand.User is not { } user)
            return -1;
        var network = _snapshot.Topology.Network;
        var index = network.IndexOf(user.Location);
        if (index >= 0)
            return index;
        for (var i = 0; i < network.Nodes.Length; i++)
        {
            if (string.Equals(network.Nodes[i].Id, user.Location, StringComparison.OrdinalIgnoreCase)
                || string.Equals(network.Nodes[i].Name, user.Location, StringComparison.OrdinalIgnoreCase))
                return i;
        }
        return -1;
    }

    /// <summary>The place and fit layers the last <see cref="FilterAll"/> read (shared by the memo; an explanation may refer to them).</summary>
    public (Candidate?[] Place, Candidate?[] Fit) LastLayers { get; private set; }

    /// <summary>The first hard filter the pool fails for the job, or null; these do not depend on time or load.</summary>
    public string? HardFilter(PendingJob job, PoolFacts pool, int userPoint, SchedulingPolicy policy) =>
        Reject(job, pool, _snapshot.Memo.IndexOf(pool), userPoint, policy)?.Rejection;

    /// <summary>
    /// <see cref="HardFilter(PendingJob, PoolFacts, int, SchedulingPolicy)"/> for the snapshot's pool at
    /// <paramref name="pool"/>, as the candidate to report (shared between jobs when the reason is the same).
    /// </summary>
    public Candidate? Reject(PendingJob job, int pool, int userPoint, SchedulingPolicy policy) =>
        Reject(job, _snapshot.Pools[pool], pool, userPoint, policy);

    /// <summary>
    /// <see cref="Reject(PendingJob, int, int, SchedulingPolicy)"/> of every pool of the snapshot in one
    /// pass over per-filter layers (one shared candidate or null per pool): rejected pools get their
    /// candidate in <paramref name="candidates"/>, the others are listed in <paramref name="open"/> in
    /// topology order. Returns how many are open.
    /// </summary>
    public int FilterAll(PendingJob job, int userPoint, SchedulingPolicy policy, Candidate?[] candidates, int[] open)
    {
        var context = Context(job, userPoint);
        var demand = context.Demand;
        var memo = _snapshot.Memo;
        var pools = _snapshot.Pools;
        var down = memo.DownLayer;
        var place = memo.PlaceLayer(context);
        var misfits = context.Fit.Misfits;
        LastLayers = (place, context.Fit.MisfitLayer);
        var perNode = context.Fit.PerNode;
        var taskCapacity = context.Fit.TaskCapacity;
        var tasks = demand.Tasks;
        var dataLocal = policy.DataLocalOnly && !demand.Inputs.IsEmpty;
        var count = 0;
        for (var p = 0; p < pools.Length; p++)
        {
            var verdict = place[p];
            // The avoid filter comes right after the site-down filter, before the ones the place layer merges.
            if (context.HasAvoid && (verdict is null || !ReferenceEquals(verdict, down[p])) && Avoided(demand, pools[p], p) is { } avoided)
                verdict = avoided;
            verdict ??= misfits[p];
            if (verdict is null)
            {
                // ⌈tasks ÷ per node⌉ > nodes exactly when tasks > nodes × per node.
                if (tasks > taskCapacity[p])
                    verdict = memo.TooFewNodes(p, (tasks + perNode[p] - 1) / perNode[p]);
                else if (dataLocal && !HoldsData(context, pools[p].Site.Id))
                    verdict = new Candidate(pools[p].Pool.Id, $"data-local: site '{pools[p].Site.Id}' holds no replica of {context.DataLocalTarget()}", null);
            }
            if (verdict is null)
                open[count++] = p;
            else
                candidates[p] = verdict;
        }
        return count;
    }

    private Candidate? Avoided(JobDemand demand, PoolFacts pool, int index)
    {
        var avoid = demand.Placement.Avoid.AsImmutableArray();
        var site = pool.Site;
        var avoided = avoid.Contains(site.Id) ? site.Id : avoid.Contains(pool.Pool.Id) ? pool.Pool.Id : avoid.Contains(site.ProviderId) ? site.ProviderId : null;
        return avoided is null ? null : index >= 0 ? _snapshot.Memo.Avoided(index, avoided) : new Candidate(pool.Pool.Id, $"the job avoids '{avoided}'", null);
    }

    /// <summary>The filters in order; <paramref name="index"/> is the pool's index in the snapshot, or −1 (no memo).</summary>
    private Candidate? Reject(PendingJob job, PoolFacts pool, int index, int userPoint, SchedulingPolicy policy)
    {
        var context = Context(job, userPoint);
        var demand = context.Demand;
        var site = pool.Site;
        Candidate Rejected(string reason) => new(pool.Pool.Id, reason, null);
        if (index >= 0)
        {
            if (_snapshot.Memo.DownCandidate(index) is { } down)
                return down;
        }
        else if (_snapshot.IsDown(site.Id))
        {
            return Rejected($"site '{site.Id}' is down");
        }
        if (context.HasAvoid && Avoided(demand, pool, index) is { } avoided)
            return avoided;
        if (!demand.Jurisdictions.IsEmpty && !demand.Jurisdictions.AsImmutableArray().Contains(site.Jurisdiction))
            return index >= 0 ? _snapshot.Memo.JurisdictionRejection(index, context.JurisdictionList)
                : Rejected($"site '{site.Id}' is in {site.Jurisdiction}; the job may run only in {context.JurisdictionList}");
        for (var k = 0; k < context.Datasets.Length; k++)
        {
            var dataset = context.Datasets[k]!;
            if (!dataset.Jurisdictions.IsEmpty && !dataset.Jurisdictions.AsImmutableArray().Contains(site.Jurisdiction))
                return index >= 0 ? _snapshot.Memo.DatasetJurisdictionRejection(index, demand.Inputs[k])
                    : Rejected($"dataset '{demand.Inputs[k]}' may not be processed in {site.Jurisdiction}");
        }
        if (index >= 0 && context.Tier is { } tiers)
        {
            if (tiers.Verdict(index) is { } far)
                return far;
        }
        else if (demand.Type == JobType.Service && demand.User is { Latency: { } tier } && userPoint >= 0)
        {
            if (pool.PointOfPresence < 0)
                return Rejected($"site '{site.Id}' is not reachable from the user in {demand.User.Location}");
            if (context.TierRejection(pool.PointOfPresence, tier, site.Id) is { } far)
                return Rejected(far);
        }
        if (index >= 0)
        {
            for (var k = 0; k < context.Datasets.Length; k++)
            {
                if (_snapshot.Memo.Unreachable(context.DatasetIndices[k], context.Datasets[k]!, index) is { } unreachable)
                    return unreachable;
            }
        }
        else if (!demand.Inputs.IsEmpty && _staging.UnreachableInput(demand, pool) is { } unreachable)
        {
            return Rejected($"no replica of dataset '{unreachable}' can reach site '{site.Id}'");
        }
        int perNode;
        if (index >= 0)
        {
            (perNode, var misfit) = context.Fit.TasksPerNode(index);
            if (misfit is not null)
                return context.Fit.MisfitCandidate(index);
        }
        else
        {
            (perNode, var misfit) = JobFit.TasksPerNode(pool, demand.Resources, _snapshot.Catalog);
            if (misfit is not null)
                return Rejected(misfit);
        }
        var nodes = (demand.Tasks + perNode - 1) / perNode;
        if (nodes > pool.Pool.NodeCount && index >= 0)
            return _snapshot.Memo.TooFewNodes(index, nodes);
        if (nodes > pool.Pool.NodeCount)
            return Rejected(string.Create(CultureInfo.InvariantCulture, $"the job needs {nodes} nodes; the pool has {pool.Pool.NodeCount}"));
        if (policy.DataLocalOnly && !demand.Inputs.IsEmpty && !HoldsData(context, site.Id))
            return Rejected($"data-local: site '{site.Id}' holds no replica of {context.DataLocalTarget()}");
        return null;
    }

    private static bool HoldsData(JobContext context, string siteId)
    {
        var all = true;
        foreach (var dataset in context.Datasets)
        {
            if (!dataset!.ReplicaSites.AsImmutableArray().Contains(siteId))
            {
                all = false;
                break;
            }
        }
        if (all || context.AnySiteHoldsAll())
            return all;
        // No site holds every input: run where the largest input is.
        return context.Datasets[context.Demand.Inputs.AsImmutableArray().IndexOf(context.DataLocalTarget())]!.ReplicaSites.AsImmutableArray().Contains(siteId);
    }

    /// <summary>Time, cost and energy of running the job on the pool given the cycle's working state (nothing is reserved).</summary>
    public Estimate Estimate(PendingJob job, int poolIndex, CycleState state, DateTimeOffset now, bool seesNetwork, int userPoint)
    {
        var context = Context(job, userPoint);
        var pool = _snapshot.Pools[poolIndex];
        var demand = context.Demand;
        var perNode = context.Fit.TasksPerNode(poolIndex).TasksPerNode;
        var nodes = (demand.Tasks + perNode - 1) / perNode;
        var runtime = TimeSpan.FromTicks((long)Math.Ceiling(demand.Duration.Ticks / context.Fit.Speedup(poolIndex)));
        var (stagedAt, stagingMinor, unstaged) = seesNetwork ? Staging(state.Calendar, now).Estimate(context, poolIndex) : (now, 0L, null);
        var profile = state.Profile(poolIndex);
        var limit = pool.Pool.NodeCount - nodes;
        var start = new DateTimeOffset(profile.EarliestFit(stagedAt.UtcTicks, Math.Max(1, runtime.Ticks), limit), TimeSpan.Zero);
        var outputReturn = context.OutputReturn(pool.PointOfPresence);
        var completion = start + runtime + (seesNetwork ? outputReturn : TimeSpan.Zero);
        var hours = runtime.TotalHours;
        var computeMinor = _snapshot.Memo.BillableNodeUnits(poolIndex) * nodes * hours * pool.Pool.PricePerCuHour.MinorUnits;
        var energy = pool.NodePowerKw * nodes * hours * pool.Pool.Pue;
        var busyNow = profile.MaxUsage(now.UtcTicks, now.UtcTicks + 1);
        var currency = pool.Pool.PricePerCuHour.Currency;
        return new Estimate(poolIndex, nodes, perNode, runtime, stagedAt, start, completion, outputReturn,
            new Money((long)Math.Round(computeMinor), currency),
            new Money((long)Math.Round(computeMinor) + stagingMinor, currency),
            energy, energy * pool.Pool.CarbonGramsPerKwh / 1000, (int)(pool.Pool.NodeCount - busyNow),
            pool.Pool.NodeCount == 0 ? 1 : (double)busyNow / pool.Pool.NodeCount,
            unstaged is null ? null : $"dataset '{unstaged}' cannot be staged to site '{pool.Site.Id}': no path has the bandwidth free at any time");
    }

    /// <summary>
    /// What the job costs at least on a pool that passed the hard filters, whatever the cycle has
    /// reserved: the exact run time, compute cost, carbon (and, when asked, free nodes now), and lower
    /// bounds of the seconds to completion and of the cost (see <see cref="PoolBound"/>).
    /// </summary>
    public PoolBound LowerBound(PendingJob job, int poolIndex, CycleState state, DateTimeOffset now, bool seesNetwork, int userPoint, bool freeNodes) =>
        BoundOf(Context(job, userPoint), poolIndex, state, now, seesNetwork, freeNodes);

    /// <summary><see cref="LowerBound(PendingJob, int, CycleState, DateTimeOffset, bool, int, bool)"/> of each pool of <paramref name="open"/>, into <paramref name="bounds"/> (the job's context looked up once).</summary>
    public void LowerBounds(PendingJob job, ReadOnlySpan<int> open, CycleState state, DateTimeOffset now, bool seesNetwork, int userPoint, bool freeNodes, Span<PoolBound> bounds)
    {
        var context = Context(job, userPoint);
        for (var k = 0; k < open.Length; k++)
            bounds[k] = BoundOf(context, open[k], state, now, seesNetwork, freeNodes);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private PoolBound BoundOf(JobContext context, int poolIndex, CycleState state, DateTimeOffset now, bool seesNetwork, bool freeNodes)
    {
        var pool = _snapshot.Pools[poolIndex];
        var demand = context.Demand;
        var perNode = context.Fit.PerNode[poolIndex];
        var nodes = (demand.Tasks + perNode - 1) / perNode;
        var runtime = (long)Math.Ceiling(demand.Duration.Ticks / context.Fit.Speedup(poolIndex));
        var hours = TimeSpan.FromTicks(runtime).TotalHours;
        var computeMinor = (long)Math.Round(_snapshot.Memo.BillableNodeUnits(poolIndex) * nodes * hours * pool.Pool.PricePerCuHour.MinorUnits);
        var energy = pool.NodePowerKw * nodes * hours * pool.Pool.Pue;
        long staging = 0, stagingCost = 0, output = 0;
        if (seesNetwork)
        {
            (staging, stagingCost) = StagingLowerBound(context, poolIndex);
            output = context.OutputReturn(pool.PointOfPresence).Ticks;
        }
        var free = freeNodes ? (int)(pool.Pool.NodeCount - state.Profile(poolIndex).MaxUsage(now.UtcTicks, now.UtcTicks + 1)) : 0;
        var cost = stagingCost > long.MaxValue - computeMinor ? long.MaxValue : computeMinor + stagingCost;
        return new PoolBound(computeMinor, TimeSpan.FromTicks(staging + runtime + output).TotalSeconds, cost, energy * pool.Pool.CarbonGramsPerKwh / 1000, free);
    }

    /// <summary>
    /// A lower bound of the ticks from now until the job (one task) would finish on a pool that passed the
    /// hard filters, whatever the cycle's reservations do: the shortest conceivable staging, run time and
    /// output return (staging and output only when the policy sees the network; the same terms as the seconds
    /// of <see cref="LowerBound"/>); and the tasks one node holds.
    /// </summary>
    public (long Ticks, int TasksPerNode) OneTaskBound(PendingJob job, int poolIndex, bool seesNetwork, int userPoint)
    {
        var context = Context(job, userPoint);
        var perNode = context.Fit.TasksPerNode(poolIndex).TasksPerNode;
        var runtime = (long)Math.Ceiling(context.Demand.Duration.Ticks / context.Fit.Speedup(poolIndex));
        long staging = 0, output = 0;
        if (seesNetwork)
        {
            staging = StagingLowerBound(context, poolIndex).Ticks;
            output = context.OutputReturn(_snapshot.Pools[poolIndex].PointOfPresence).Ticks;
        }
        return (staging + runtime + output, perNode);
    }

    /// <summary>
    /// Lower bounds of <see cref="StagingCache.Estimate"/>: every input takes at least its shortest
    /// route's duration (transfers start no earlier than now) and costs at least its cheapest route;
    /// an input without a route makes the estimate count every input as staged at once for free.
    /// </summary>
    private (long Ticks, long CostMinor) StagingLowerBound(JobContext job, int poolIndex)
    {
        if (job.Datasets.Length == 0)
            return (0, 0);
        var point = _snapshot.Pools[poolIndex].PointOfPresence;
        var held = false;
        for (var k = 0; k < job.Datasets.Length && !held; k++)
            held = _snapshot.Memo.HoldsReplica(job.DatasetIndices[k], job.Datasets[k]!, poolIndex);
        // Without a replica at the pool's site the bound depends only on the point of presence.
        if (!held && point >= 0)
            return job.StagingBoundAt(point, static (job, point, evaluator) => evaluator.StagingLowerBound(job, point, -1), this);
        return StagingLowerBound(job, point, poolIndex);
    }

    /// <summary>The bound for a pool at <paramref name="point"/>; <paramref name="poolIndex"/> −1 means no input is held at its site.</summary>
    private (long Ticks, long CostMinor) StagingLowerBound(JobContext job, int point, int poolIndex)
    {
        long ticks = 0, cost = 0;
        for (var k = 0; k < job.Datasets.Length; k++)
        {
            var dataset = job.Datasets[k]!;
            if (poolIndex >= 0 && _snapshot.Memo.HoldsReplica(job.DatasetIndices[k], dataset, poolIndex))
                continue;
            if (point < 0)
                return (0, 0);
            var bound = _snapshot.Memo.StagingLowerBound(dataset, job.DatasetIndices[k], point);
            if (!bound.Routed)
                return (0, 0);
            ticks = Math.Max(ticks, bound.DurationTicks);
            cost = bound.CostMinor > long.MaxValue - cost ? long.MaxValue : cost + bound.CostMinor;
        }
        return (ticks, cost);
    }

    /// <summary>The job's context; callers weigh every pool for one job in turn, so one entry is enough.</summary>
    internal JobContext Context(PendingJob job, int userPoint)
    {
        if (_job is { } context && ReferenceEquals(context.Job, job) && context.UserPoint == userPoint)
            return context;
        return _job = new JobContext(_snapshot, job, userPoint);
    }

    private StagingCache Staging(ReservationCalendar calendar, DateTimeOffset now)
    {
        if (_stagingCache is { } cache && cache.Serves(calendar, now))
            return cache;
        return _stagingCache = new StagingCache(_snapshot, calendar, now, _calendarsOnlyGrow);
    }
}
