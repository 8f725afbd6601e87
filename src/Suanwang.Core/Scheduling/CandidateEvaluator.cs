using System.Globalization;
using Suanwang.Core.Model;
using Suanwang.Core.Network;

namespace Suanwang.Core.Scheduling;

/// <summary>A feasible pool for a job, with everything needed to score and bind it.</summary>
internal sealed record Estimate(
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
    double Load);

/// <summary>
/// The cycle's <em>filter</em> and <em>score</em> extension points for one (job, pool) pair: hard
/// filters first (site up, exclusions, jurisdictions, latency tier, inputs reachable, fit), then the time, cost and
/// energy estimate, then the deadline and budget filters on that estimate.
/// </summary>
internal sealed class CandidateEvaluator
{
    private readonly SchedulingSnapshot _snapshot;
    private readonly StagingPlanner _staging;

    public CandidateEvaluator(SchedulingSnapshot snapshot, StagingPlanner staging)
    {
        _snapshot = snapshot;
        _staging = staging;
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

    /// <summary>The first hard filter the pool fails for the job, or null; these do not depend on time or load.</summary>
    public string? HardFilter(PendingJob job, PoolFacts pool, int userPoint, SchedulingPolicy policy)
    {
        var demand = job.Demand;
        var site = pool.Site;
        if (_snapshot.IsDown(site.Id))
            return $"site '{site.Id}' is down";
        if (demand.Placement.Avoid.Contains(site.Id) || demand.Placement.Avoid.Contains(site.ProviderId) || demand.Placement.Avoid.Contains(pool.Pool.Id))
            return $"the job avoids '{(demand.Placement.Avoid.Contains(site.Id) ? site.Id : demand.Placement.Avoid.Contains(pool.Pool.Id) ? pool.Pool.Id : site.ProviderId)}'";
        if (!demand.Jurisdictions.IsEmpty && !demand.Jurisdictions.Contains(site.Jurisdiction))
            return $"site '{site.Id}' is in {site.Jurisdiction}; the job may run only in {string.Join(", ", demand.Jurisdictions)}";
        foreach (var input in demand.Inputs)
        {
            var dataset = _snapshot.FindDataset(input)!;
            if (!dataset.Jurisdictions.IsEmpty && !dataset.Jurisdictions.Contains(site.Jurisdiction))
                return $"dataset '{input}' may not be processed in {site.Jurisdiction}";
        }
        if (demand.Type == JobType.Service && demand.User is { Latency: { } tier } && userPoint >= 0)
        {
            var latency = pool.PointOfPresence >= 0 ? _snapshot.Paths.LatencyMs(userPoint, pool.PointOfPresence) : null;
            if (latency is null)
                return $"site '{site.Id}' is not reachable from the user in {demand.User.Location}";
            if (latency > LatencyTiers.MaxLatencyMs(tier))
                return string.Create(CultureInfo.InvariantCulture,
                    $"{latency:0.00} ms from the user in {demand.User.Location} exceeds the {tier.ToString().ToLowerInvariant()} tier (≤ {LatencyTiers.MaxLatencyMs(tier):0} ms)");
        }
        if (_staging.UnreachableInput(demand, pool) is { } unreachable)
            return $"no replica of dataset '{unreachable}' can reach site '{site.Id}'";
        var (perNode, misfit) = JobFit.TasksPerNode(pool, demand.Resources, _snapshot.Catalog);
        if (misfit is not null)
            return misfit;
        var nodes = (demand.Tasks + perNode - 1) / perNode;
        if (nodes > pool.Pool.NodeCount)
            return string.Create(CultureInfo.InvariantCulture, $"the job needs {nodes} nodes; the pool has {pool.Pool.NodeCount}");
        if (policy.DataLocalOnly && !demand.Inputs.IsEmpty && !HoldsData(demand, site.Id))
            return $"data-local: site '{site.Id}' holds no replica of {DataLocalTarget(demand)}";
        return null;
    }

    private bool HoldsData(JobDemand demand, string siteId)
    {
        var all = demand.Inputs.All(id => _snapshot.FindDataset(id)!.ReplicaSites.Contains(siteId));
        if (all || AnySiteHoldsAll(demand))
            return all;
        // No site holds every input: run where the largest input is.
        return _snapshot.FindDataset(DataLocalTarget(demand))!.ReplicaSites.Contains(siteId);
    }

    private bool AnySiteHoldsAll(JobDemand demand) =>
        _snapshot.Topology.Sites.Any(s => demand.Inputs.All(id => _snapshot.FindDataset(id)!.ReplicaSites.Contains(s.Id)));

    private string DataLocalTarget(JobDemand demand) =>
        demand.Inputs.OrderByDescending(id => _snapshot.FindDataset(id)!.Size.Bytes).ThenBy(id => id, StringComparer.Ordinal).First();

    /// <summary>Time, cost and energy of running the job on the pool given the cycle's working state (nothing is reserved).</summary>
    public Estimate Estimate(PendingJob job, int poolIndex, CycleState state, DateTimeOffset now, bool seesNetwork, int userPoint)
    {
        var pool = _snapshot.Pools[poolIndex];
        var demand = job.Demand;
        var perNode = JobFit.TasksPerNode(pool, demand.Resources, _snapshot.Catalog).TasksPerNode;
        var nodes = (demand.Tasks + perNode - 1) / perNode;
        var runtime = TimeSpan.FromTicks((long)Math.Ceiling(demand.Duration.Ticks / JobFit.Speedup(pool, demand, _snapshot.Catalog)));
        var staging = seesNetwork ? _staging.Plan(demand, pool, state.Calendar, now, reserve: false) : default;
        var stagedAt = seesNetwork ? staging.StagedAt : now;
        var profile = state.Profile(poolIndex);
        var limit = pool.Pool.NodeCount - nodes;
        var start = new DateTimeOffset(profile.EarliestFit(stagedAt.UtcTicks, Math.Max(1, runtime.Ticks), limit), TimeSpan.Zero);
        var outputReturn = OutputReturn(demand, pool, userPoint);
        var completion = start + runtime + (seesNetwork ? outputReturn : TimeSpan.Zero);
        var hours = runtime.TotalHours;
        var computeMinor = JobFit.BillableNodeUnits(pool, _snapshot.Catalog) * nodes * hours * pool.Pool.PricePerCuHour.MinorUnits;
        var stagingMinor = seesNetwork ? staging.Transfers.Sum(t => t.Cost.MinorUnits) : 0;
        var energy = pool.NodePowerKw * nodes * hours * pool.Pool.Pue;
        var busyNow = profile.MaxUsage(now.UtcTicks, now.UtcTicks + 1);
        var currency = pool.Pool.PricePerCuHour.Currency;
        return new Estimate(poolIndex, nodes, perNode, runtime, stagedAt, start, completion, outputReturn,
            new Money((long)Math.Round(computeMinor), currency),
            new Money((long)Math.Round(computeMinor) + stagingMinor, currency),
            energy, energy * pool.Pool.CarbonGramsPerKwh / 1000, (int)(pool.Pool.NodeCount - busyNow),
            pool.Pool.NodeCount == 0 ? 1 : (double)busyNow / pool.Pool.NodeCount);
    }

    /// <summary>Time to send the output back to the user over the shortest path (estimated, not reserved).</summary>
    private TimeSpan OutputReturn(JobDemand demand, PoolFacts pool, int userPoint)
    {
        if (demand.Output is not { To: OutputDestination.User, Size.Bytes: > 0 } output || userPoint < 0 || pool.PointOfPresence < 0)
            return TimeSpan.Zero;
        if (userPoint == pool.PointOfPresence)
            return StagingPlanner.TransferTime(output.Size, StagingPlanner.MetroBandwidth, 0);
        if (_snapshot.Paths.ShortestPath(userPoint, pool.PointOfPresence) is not { } path)
            return TimeSpan.Zero;
        var bandwidth = new Bandwidth(Math.Min(StagingPlanner.MaxTransferBandwidth.BitsPerSecond, (long)(path.Bottleneck.BitsPerSecond * StagingPlanner.MaxLinkShare)));
        return StagingPlanner.TransferTime(output.Size, bandwidth, path.LatencyMs);
    }
}
