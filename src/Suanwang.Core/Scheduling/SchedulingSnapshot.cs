using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Suanwang.Core.Measurement;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Topologies;

namespace Suanwang.Core.Scheduling;

/// <summary>A job waiting for a placement.</summary>
/// <param name="Id">Stable job id (unique in the snapshot).</param>
/// <param name="TenantId">The tenant that submitted it (fair share is computed per tenant).</param>
/// <param name="Demand">What it needs.</param>
/// <param name="SubmittedAt">When it was submitted (FCFS order and age).</param>
public sealed record PendingJob(string Id, string TenantId, JobDemand Demand, DateTimeOffset SubmittedAt);

/// <summary>Nodes of a pool held by a running (or already planned) job until its expected end.</summary>
/// <param name="JobId">The job.</param>
/// <param name="TenantId">Its tenant.</param>
/// <param name="PoolId">The pool.</param>
/// <param name="Nodes">Nodes held.</param>
/// <param name="Start">When it started.</param>
/// <param name="ExpectedEnd">When the nodes are expected back (start + wall-time limit).</param>
/// <param name="Demand">
/// What the running job asked for (priority, flags, inputs; its <see cref="JobDemand.Duration"/> is the
/// work of this run, so a job resumed from a checkpoint is described by its remaining work), or null
/// when unknown: such an allocation is never preempted nor migrated, and on a down site it is
/// reported as re-queued.
/// </param>
/// <param name="Checkpoint">The job's last checkpoint, or null when it has none (see <see cref="JobCheckpoint"/>).</param>
public sealed record RunningAllocation(string JobId, string TenantId, string PoolId, int Nodes, DateTimeOffset Start, DateTimeOffset ExpectedEnd,
    JobDemand? Demand = null, JobCheckpoint? Checkpoint = null);

/// <summary>
/// Everything one scheduling cycle reads, immutable (as in Nomad): the topology, the device
/// catalogue, datasets, running allocations, bandwidth already reserved and sites that are down.
/// Derived facts that every cycle needs — paths, pool ratings, node-time profiles — are computed once
/// here, so a cycle only clones what it changes.
/// </summary>
public sealed class SchedulingSnapshot
{
    private readonly FrozenDictionary<string, Dataset> _datasets;
    private readonly ImmutableArray<ArcTimeline> _nodeProfiles;

    /// <summary>Builds a snapshot.</summary>
    /// <param name="topology">Sites, pools and the network.</param>
    /// <param name="catalog">The device catalogue (for CU, grades and power).</param>
    /// <param name="datasets">Datasets and their replicas.</param>
    /// <param name="running">Allocations holding nodes now; allocations on unknown pools are ignored.</param>
    /// <param name="calendar">Bandwidth already reserved; null for an empty calendar. The snapshot keeps a private copy.</param>
    /// <param name="downSites">Sites that are down: nothing is placed there.</param>
    /// <param name="version">Version of the state this snapshot was taken from (the applier checks it).</param>
    public SchedulingSnapshot(
        Topology topology,
        DeviceCatalog catalog,
        IEnumerable<Dataset> datasets,
        IEnumerable<RunningAllocation> running,
        ReservationCalendar? calendar = null,
        IEnumerable<string>? downSites = null,
        long version = 0)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(catalog);
        Topology = topology;
        Catalog = catalog;
        Version = version;
        _datasets = datasets.GroupBy(d => d.Id, StringComparer.Ordinal).ToFrozenDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        Running = [.. running];
        DownSites = [.. (downSites ?? []).Order(StringComparer.Ordinal)];
        Calendar = calendar?.Clone() ?? new ReservationCalendar(topology.Network);
        Paths = new PathFinder(topology.Network);
        Pools = [.. topology.Sites.SelectMany(s => s.Pools.Select(p => PoolFacts.Create(p, s, catalog, topology.Network)))];
        var poolIndex = Pools.Select((p, i) => (p.Pool.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        var profiles = Pools.Select(_ => new ArcTimeline(this)).ToArray();
        foreach (var allocation in Running)
        {
            if (poolIndex.TryGetValue(allocation.PoolId, out var index) && allocation.ExpectedEnd > allocation.Start)
                profiles[index].Add(allocation.Start.UtcTicks, allocation.ExpectedEnd.UtcTicks, allocation.Nodes);
        }
        _nodeProfiles = [.. profiles];
        PoolIndex = poolIndex.ToFrozenDictionary(StringComparer.Ordinal);
        (AnyPreemptible, AnyMovable) = MovableWork(Running, PoolIndex);
        TotalCapacity = ResourceVector.Sum(Pools.Select(p => p.Capacity));
        Memo = new SchedulingMemo(this, _datasets.Keys);
    }

    /// <summary>A later state of the same world: shares what the world determines and rebuilds what the state does.</summary>
    private SchedulingSnapshot(SchedulingSnapshot world, IEnumerable<RunningAllocation> running, ReservationCalendar? calendar,
        IEnumerable<string>? downSites, long version)
    {
        Topology = world.Topology;
        Catalog = world.Catalog;
        Version = version;
        _datasets = world._datasets;
        Running = [.. running];
        DownSites = SortedSites(downSites, world.DownSites);
        Calendar = calendar?.Clone() ?? new ReservationCalendar(Topology.Network);
        Paths = world.Paths;
        Pools = world.Pools;
        PoolIndex = world.PoolIndex;
        TotalCapacity = world.TotalCapacity;
        _nodeProfiles = ProfilesAfter(world);
        (AnyPreemptible, AnyMovable) = MovableWork(Running, PoolIndex);
        // The memo's answers depend on the world and on which sites are down, never on allocations or reservations.
        Memo = DownSites.SequenceEqual(world.DownSites, StringComparer.Ordinal)
            ? world.Memo
            : new SchedulingMemo(this, _datasets.Keys);
    }

    /// <summary>
    /// The node profiles of this state, made from <paramref name="before"/>'s: a pool none of whose
    /// allocations changed (the same <see cref="RunningAllocation"/> objects, by reference) shares the
    /// earlier profile; any other pool gets a copy with the allocations that appeared added and those that
    /// went taken off. A profile is a canonical step function (<see cref="ArcTimeline"/>), so the result is
    /// exactly the one built from scratch, whatever the order of the changes.
    /// </summary>
    private ImmutableArray<ArcTimeline> ProfilesAfter(SchedulingSnapshot before)
    {
        var old = before.Running;
        var common = 0;
        while (common < old.Length && common < Running.Length && ReferenceEquals(old[common], Running[common]))
            common++;
        if (common == old.Length && common == Running.Length)
            return before._nodeProfiles;
        var profiles = before._nodeProfiles.ToArray();
        var owned = new bool[profiles.Length];
        // Past the common prefix and suffix, each allocation of the earlier state is matched with at most one of this state's.
        int oldEnd = old.Length, newEnd = Running.Length;
        while (oldEnd > common && newEnd > common && ReferenceEquals(old[oldEnd - 1], Running[newEnd - 1]))
            (oldEnd, newEnd) = (oldEnd - 1, newEnd - 1);
        if (oldEnd - common <= SmallDifference)
        {
            // A few changes between two states (the usual case): matched by scanning, nothing allocated for it.
            Span<bool> matched = stackalloc bool[oldEnd - common];
            for (var i = common; i < newEnd; i++)
            {
                var k = 0;
                while (k < matched.Length && (matched[k] || !ReferenceEquals(old[common + k], Running[i])))
                    k++;
                if (k < matched.Length)
                    matched[k] = true; // still there
                else
                    Change(Running[i], +1);
            }
            for (var k = 0; k < matched.Length; k++)
            {
                if (!matched[k])
                    Change(old[common + k], -1);
            }
            return ImmutableCollectionsMarshal.AsImmutableArray(profiles);
        }
        // Allocations of the earlier state in between, by reference, with their multiplicity.
        var gone = new Dictionary<RunningAllocation, int>(oldEnd - common, ReferenceEqualityComparer.Instance);
        for (var i = common; i < oldEnd; i++)
            gone[old[i]] = gone.GetValueOrDefault(old[i]) + 1;
        for (var i = common; i < newEnd; i++)
        {
            var allocation = Running[i];
            if (gone.TryGetValue(allocation, out var left) && left > 0)
                gone[allocation] = left - 1; // still there
            else
                Change(allocation, +1);
        }
        foreach (var (allocation, times) in gone)
        {
            for (var k = 0; k < times; k++)
                Change(allocation, -1);
        }
        return ImmutableCollectionsMarshal.AsImmutableArray(profiles);

        void Change(RunningAllocation allocation, int sign)
        {
            if (!PoolIndex.TryGetValue(allocation.PoolId, out var index) || allocation.ExpectedEnd <= allocation.Start)
                return;
            if (!owned[index])
            {
                profiles[index] = profiles[index].CopyFor(this);
                owned[index] = true;
            }
            profiles[index].Add(allocation.Start.UtcTicks, allocation.ExpectedEnd.UtcTicks, sign * (long)allocation.Nodes);
        }
    }

    /// <summary>Allocations of the earlier state, past what both states share at the ends, that <see cref="ProfilesAfter"/> matches by scanning.</summary>
    private const int SmallDifference = 64;

    /// <summary>Whether some allocation on a known pool is preemptible, and whether one is checkpointable with a checkpoint (see <see cref="Scheduling.RunningIndex"/>).</summary>
    private static (bool Preemptible, bool Movable) MovableWork(ImmutableArray<RunningAllocation> running, FrozenDictionary<string, int> poolIndex)
    {
        bool preemptible = false, movable = false;
        foreach (var allocation in running)
        {
            if (allocation.Demand is not { } demand || !poolIndex.ContainsKey(allocation.PoolId))
                continue;
            preemptible |= demand.Flags.Preemptible;
            movable |= demand.Flags.Checkpointable && allocation.Checkpoint is not null;
        }
        return (preemptible, movable);
    }

    /// <summary>The sites sorted; <paramref name="same"/> itself when they are the same sites (no new array per state).</summary>
    private static ImmutableArray<string> SortedSites(IEnumerable<string>? sites, ImmutableArray<string> same)
    {
        if (sites is null || sites is IReadOnlyCollection<string> { Count: 0 })
            return same.IsEmpty ? same : [];
        ImmutableArray<string> sorted = [.. sites.Order(StringComparer.Ordinal)];
        return sorted.AsSpan().SequenceEqual(same.AsSpan()) ? same : sorted;
    }

    /// <summary>
    /// A snapshot of the same world (topology, catalogue, datasets) in another state: other running
    /// allocations, reservations, down sites and version. It shares everything the world alone
    /// determines — pool facts, paths, and (while the same sites are down) the memo of fits, routes,
    /// latency tiers and filter verdicts — so a shell that plans again and again (the simulator, the
    /// server's loop) pays for those once. Plans are exactly those of a snapshot built from scratch.
    /// </summary>
    /// <param name="running">Allocations holding nodes now.</param>
    /// <param name="calendar">Bandwidth already reserved; null for an empty calendar. The snapshot keeps a private copy.</param>
    /// <param name="downSites">Sites that are down.</param>
    /// <param name="version">Version of the state.</param>
    public SchedulingSnapshot Next(IEnumerable<RunningAllocation> running, ReservationCalendar? calendar = null, IEnumerable<string>? downSites = null, long version = 0)
    {
        ArgumentNullException.ThrowIfNull(running);
        return new SchedulingSnapshot(this, running, calendar, downSites, version);
    }

    /// <summary>Sites, pools and the network.</summary>
    public Topology Topology { get; }

    /// <summary>The device catalogue.</summary>
    public DeviceCatalog Catalog { get; }

    /// <summary>Version of the state the snapshot was taken from.</summary>
    public long Version { get; }

    /// <summary>Allocations holding nodes.</summary>
    public ImmutableArray<RunningAllocation> Running { get; }

    /// <summary>Sites that are down, sorted.</summary>
    public ImmutableArray<string> DownSites { get; }

    /// <summary>Bandwidth already reserved (the scheduler plans on a clone).</summary>
    public ReservationCalendar Calendar { get; }

    /// <summary>Latency-first paths of the network, cached per source.</summary>
    public PathFinder Paths { get; }

    /// <summary>Per-pool facts in topology order.</summary>
    public ImmutableArray<PoolFacts> Pools { get; }

    /// <summary>Index of each pool in <see cref="Pools"/>.</summary>
    public FrozenDictionary<string, int> PoolIndex { get; }

    /// <summary>Total cores, memory and accelerators of every pool (the denominators of dominant resource fairness).</summary>
    public ResourceVector TotalCapacity { get; }

    /// <summary>The dataset with this id, or null.</summary>
    public Dataset? FindDataset(string id) => _datasets.GetValueOrDefault(id);

    /// <summary>True when the site is down.</summary>
    public bool IsDown(string siteId) => DownSites.BinarySearch(siteId, StringComparer.Ordinal) >= 0;

    /// <summary>Answers every cycle on this snapshot needs again and again (pool fits, staging routes), computed on first use.</summary>
    internal SchedulingMemo Memo { get; }

    /// <summary>Running allocations by pool, and those preemption or migration could touch; built on first use (only those two need it).</summary>
    internal RunningIndex RunningIndex => _runningIndex ?? Interlocked.CompareExchange(ref _runningIndex, new RunningIndex(Running, PoolIndex, Pools.Length), null) ?? _runningIndex!;

    private RunningIndex? _runningIndex;

    /// <summary>True when some allocation on a known pool is preemptible (<see cref="RunningIndex.AnyPreemptible"/>, without building the index).</summary>
    internal bool AnyPreemptible { get; }

    /// <summary>True when some allocation on a known pool is checkpointable and has a checkpoint (<see cref="RunningIndex.Movable"/> is not empty).</summary>
    internal bool AnyMovable { get; }

    /// <summary>
    /// What each tenant's running allocations hold at <paramref name="now"/> (for fair share): the last
    /// answer is kept, since cycles on one snapshot usually share their time. Callers copy it.
    /// </summary>
    internal IReadOnlyDictionary<string, ResourceVector> RunningUsage(DateTimeOffset now)
    {
        if (Volatile.Read(ref _runningUsage) is { } known && known.UtcTicks == now.UtcTicks)
            return known.Usage;
        var usage = CycleState.RunningUsage(this, now);
        Volatile.Write(ref _runningUsage, new UsageAt(now.UtcTicks, usage));
        return usage;
    }

    private UsageAt? _runningUsage;

    private sealed record UsageAt(long UtcTicks, Dictionary<string, ResourceVector> Usage);

    /// <summary>Node-usage profile of a pool, for a cycle to copy before changing.</summary>
    internal ArcTimeline NodeProfile(int pool) => _nodeProfiles[pool];
}

/// <summary>Cores, memory and accelerators: the resources dominant resource fairness compares.</summary>
/// <param name="Cores">CPU cores.</param>
/// <param name="MemoryBytes">Memory in bytes.</param>
/// <param name="Accelerators">Accelerator devices.</param>
public readonly record struct ResourceVector(double Cores, double MemoryBytes, double Accelerators)
{
    /// <summary>Adds two vectors.</summary>
    public static ResourceVector operator +(ResourceVector a, ResourceVector b) =>
        new(a.Cores + b.Cores, a.MemoryBytes + b.MemoryBytes, a.Accelerators + b.Accelerators);

    /// <summary>The sum of many vectors.</summary>
    public static ResourceVector Sum(IEnumerable<ResourceVector> vectors) => vectors.Aggregate(default(ResourceVector), (a, b) => a + b);

    /// <summary>Adds two vectors.</summary>
    public static ResourceVector Add(ResourceVector a, ResourceVector b) => a + b;

    /// <summary>The largest share of <paramref name="total"/> this vector takes in any resource (DRF's dominant share).</summary>
    public double DominantShare(ResourceVector total) => Math.Max(
        Share(Cores, total.Cores), Math.Max(Share(MemoryBytes, total.MemoryBytes), Share(Accelerators, total.Accelerators)));

    private static double Share(double used, double total) => total > 0 ? used / total : 0;
}
