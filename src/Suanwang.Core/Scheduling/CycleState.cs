using Suanwang.Core.Network;

namespace Suanwang.Core.Scheduling;

/// <summary>
/// The working state of one scheduling cycle: a private copy of the reservation calendar, node-usage
/// profiles copied on first change, and the resources each tenant holds (for fair share). The
/// snapshot itself is never changed, so the same snapshot can be planned again with the same result.
/// </summary>
internal sealed class CycleState
{
    private readonly SchedulingSnapshot _snapshot;
    private readonly ArcTimeline?[] _profiles;
    private readonly Dictionary<string, ResourceVector> _tenantUsage;

    public CycleState(SchedulingSnapshot snapshot, DateTimeOffset now)
    {
        _snapshot = snapshot;
        Calendar = snapshot.Calendar.Clone();
        _profiles = new ArcTimeline?[snapshot.Pools.Length];
        // What running allocations hold at 'now' is the same for every cycle at that time: summed once per snapshot.
        _tenantUsage = new Dictionary<string, ResourceVector>(snapshot.Memo.RunningUsage(now), StringComparer.Ordinal);
    }

    /// <summary>Resources each tenant's running allocations hold at <paramref name="now"/>, summed in allocation order.</summary>
    internal static Dictionary<string, ResourceVector> RunningUsage(SchedulingSnapshot snapshot, DateTimeOffset now)
    {
        var usage = new Dictionary<string, ResourceVector>(StringComparer.Ordinal);
        foreach (var allocation in snapshot.Running)
        {
            if (allocation.ExpectedEnd > now && snapshot.PoolIndex.TryGetValue(allocation.PoolId, out var pool))
                Add(usage, allocation.TenantId, snapshot.Pools[pool], allocation.Nodes);
        }
        return usage;
    }

    public ReservationCalendar Calendar { get; }

    /// <summary>The node-usage profile of a pool for reading.</summary>
    public ArcTimeline Profile(int pool) => _profiles[pool] ?? _snapshot.NodeProfile(pool);

    /// <summary>Reserves nodes of a pool over [start, end) in this cycle's copy.</summary>
    public void ReserveNodes(int pool, DateTimeOffset start, DateTimeOffset end, int nodes)
    {
        var profile = _profiles[pool] ??= _snapshot.NodeProfile(pool).CopyFor(this);
        profile.Add(start.UtcTicks, end.UtcTicks, nodes);
    }

    /// <summary>
    /// Gives back nodes of a pool over [start, end) in this cycle's copy: a preempted or relocated
    /// running allocation from now on. Profiles can therefore shrink within a cycle (only in those two cases).
    /// </summary>
    public void ReleaseNodes(int pool, DateTimeOffset start, DateTimeOffset end, int nodes)
    {
        if (end <= start)
            return;
        var profile = _profiles[pool] ??= _snapshot.NodeProfile(pool).CopyFor(this);
        profile.Add(start.UtcTicks, end.UtcTicks, -nodes);
    }

    /// <summary>Stops counting nodes of a pool as held by a tenant (a stopped or moved running allocation).</summary>
    public void RemoveUsage(string tenant, PoolFacts pool, int nodes) => Add(_tenantUsage, tenant, pool, -nodes);

    /// <summary>The dominant share of a tenant (DRF) over all pools.</summary>
    public double DominantShare(string tenant) =>
        _tenantUsage.TryGetValue(tenant, out var usage) ? usage.DominantShare(_snapshot.TotalCapacity) : 0;

    /// <summary>Counts nodes of a pool as held by a tenant.</summary>
    public void AddUsage(string tenant, PoolFacts pool, int nodes) => Add(_tenantUsage, tenant, pool, nodes);

    private static void Add(Dictionary<string, ResourceVector> usage, string tenant, PoolFacts pool, int nodes)
    {
        var node = pool.Pool.Node;
        var add = new ResourceVector((double)node.Cores * nodes, (double)node.Memory.Bytes * nodes, (double)(node.Accelerators?.Count ?? 0) * nodes);
        usage[tenant] = usage.TryGetValue(tenant, out var held) ? held + add : add;
    }
}
