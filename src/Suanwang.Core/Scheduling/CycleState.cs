using Suanwang.Core.Network;

namespace Suanwang.Core.Scheduling;

/// <summary>
/// The working state of one scheduling cycle: a private copy of the reservation calendar, node-usage
/// profiles copied on first change, and the resources each tenant holds (for fair share); each is made
/// only when the cycle first needs it, so a small cycle costs in proportion to what it touches. The
/// snapshot itself is never changed, so the same snapshot can be planned again with the same result.
/// </summary>
internal sealed class CycleState
{
    private readonly SchedulingSnapshot _snapshot;
    private readonly ArcTimeline?[] _profiles;
    private readonly DateTimeOffset _now;
    private ReservationCalendar? _calendar;
    private Dictionary<string, ResourceVector>? _tenantUsage;
    private List<(string Tenant, PoolFacts Pool, int Nodes)>? _usageChanges;

    private readonly bool _fairShare;
    private readonly PlanningSession? _session;

    /// <param name="snapshot">The snapshot planned on.</param>
    /// <param name="now">The cycle's time.</param>
    /// <param name="fairShare">False when nothing will ask for a dominant share (an FCFS cycle): usage is then not even noted.</param>
    /// <param name="session">A planning session whose arrays the cycle's profile copies reuse, or null for new ones.</param>
    public CycleState(SchedulingSnapshot snapshot, DateTimeOffset now, bool fairShare = true, PlanningSession? session = null)
    {
        _snapshot = snapshot;
        _now = now;
        _fairShare = fairShare;
        _session = session;
        _profiles = new ArcTimeline?[snapshot.Pools.Length];
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

    /// <summary>
    /// The cycle's private copy of the reservation calendar, cloned on first use: a cycle that stages
    /// nothing and moves nothing (a policy blind to the network, jobs without inputs) never copies it.
    /// </summary>
    public ReservationCalendar Calendar => _calendar ??= _snapshot.Calendar.Clone();

    /// <summary>The node-usage profile of a pool for reading.</summary>
    public ArcTimeline Profile(int pool) => _profiles[pool] ?? _snapshot.NodeProfile(pool);

    /// <summary>Reserves nodes of a pool over [start, end) in this cycle's copy.</summary>
    public void ReserveNodes(int pool, DateTimeOffset start, DateTimeOffset end, int nodes)
    {
        var profile = _profiles[pool] ??= WorkingCopy(pool);
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
        var profile = _profiles[pool] ??= WorkingCopy(pool);
        profile.Add(start.UtcTicks, end.UtcTicks, -nodes);
    }

    /// <summary>The cycle's own copy of a pool's profile, made on its first change.</summary>
    private ArcTimeline WorkingCopy(int pool) =>
        _session?.ProfileCopy(pool, _snapshot.NodeProfile(pool), _session) ?? _snapshot.NodeProfile(pool).CopyFor(this);

    /// <summary>Stops counting nodes of a pool as held by a tenant (a stopped or moved running allocation).</summary>
    public void RemoveUsage(string tenant, PoolFacts pool, int nodes) => ChangeUsage(tenant, pool, -nodes);

    /// <summary>The dominant share of a tenant (DRF) over all pools.</summary>
    public double DominantShare(string tenant) =>
        TenantUsage().TryGetValue(tenant, out var usage) ? usage.DominantShare(_snapshot.TotalCapacity) : 0;

    /// <summary>Counts nodes of a pool as held by a tenant.</summary>
    public void AddUsage(string tenant, PoolFacts pool, int nodes) => ChangeUsage(tenant, pool, nodes);

    /// <summary>
    /// Until fair share is first asked for, changes are only noted (an FCFS cycle never asks, so it neither
    /// copies the running usage nor sums its placements); they are then applied in the order made, so the
    /// sums are exactly those of applying each at once.
    /// </summary>
    private void ChangeUsage(string tenant, PoolFacts pool, int nodes)
    {
        if (!_fairShare)
            return;
        if (_tenantUsage is not null)
            Add(_tenantUsage, tenant, pool, nodes);
        else
            (_usageChanges ??= []).Add((tenant, pool, nodes));
    }

    private Dictionary<string, ResourceVector> TenantUsage()
    {
        if (_tenantUsage is { } usage)
            return usage;
        if (!_fairShare)
            throw new InvalidOperationException("this cycle state was made without fair-share accounting");
        // What running allocations hold at 'now' is the same for every cycle at that time: summed once per snapshot.
        usage = _tenantUsage = new Dictionary<string, ResourceVector>(_snapshot.RunningUsage(_now), StringComparer.Ordinal);
        if (_usageChanges is { } changes)
        {
            foreach (var (tenant, pool, nodes) in changes)
                Add(usage, tenant, pool, nodes);
        }
        _usageChanges = null;
        return usage;
    }

    private static void Add(Dictionary<string, ResourceVector> usage, string tenant, PoolFacts pool, int nodes)
    {
        var node = pool.Pool.Node;
        var add = new ResourceVector((double)node.Cores * nodes, (double)node.Memory.Bytes * nodes, (double)(node.Accelerators?.Count ?? 0) * nodes);
        usage[tenant] = usage.TryGetValue(tenant, out var held) ? held + add : add;
    }
}
