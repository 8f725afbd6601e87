using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Collections.Immutable;
using Suanwang.Core.Measurement;
using Suanwang.Core.Model;
using Suanwang.Core.Network;

namespace Suanwang.Core.Scheduling;

/// <summary>
/// Answers a snapshot gives again and again, computed once on first use: whether each pool's site
/// is down, how a task shape fits each pool (tasks per node or the reason it does not, and the
/// speed-up), each pool's billable CU per node, and the staging routes from a dataset's replicas to
/// a point of presence. Everything here depends only on the snapshot and the job's demand, never on
/// a cycle's reservations, so it is shared by every cycle planned on the snapshot. Like
/// <see cref="PathFinder"/> it is safe to share between threads and never changes its answers.
/// </summary>
internal sealed class SchedulingMemo
{
    private readonly SchedulingSnapshot _snapshot;
    private readonly string?[] _downReason;
    private readonly Candidate?[] _downCandidate;
    private readonly FrozenDictionary<string, int> _datasetIndex;
    private readonly Dictionary<PoolFacts, int> _poolIndex;
    private readonly double[] _billable;
    private readonly bool[] _billableKnown;
    private readonly ConcurrentDictionary<TaskResources, FitTable> _fits = new();
    private readonly ConcurrentDictionary<AcceleratorDemand, KindTable> _kinds = new();
    private readonly KindTable _cpuKind;
    private readonly ConcurrentDictionary<long, RouteOptions> _routes = new();
    private readonly ConcurrentDictionary<(int Pool, string Jurisdictions), Candidate> _jurisdictionRejections = new();
    private readonly ConcurrentDictionary<(int Pool, string Dataset), Candidate> _datasetRejections = new();
    private readonly ConcurrentDictionary<(string Location, int UserPoint, LatencyTier Tier), TierTable> _tiers = new();
    private readonly ConcurrentDictionary<(int Pool, int Nodes), Candidate> _tooFewNodes = new();
    private readonly bool[]?[] _replicaAtPool;
    private readonly Candidate?[]?[] _unreachableAtPool;
    private readonly StagingBound?[]?[] _stagingBounds;
    private readonly Candidate[] _outboundCandidate;
    private readonly Candidate[] _assignedElsewhere;
    private UsageAt? _runningUsage;

    public SchedulingMemo(SchedulingSnapshot snapshot, IEnumerable<string> datasetIds)
    {
        _snapshot = snapshot;
        var pools = snapshot.Pools;
        _downReason = new string?[pools.Length];
        _downCandidate = new Candidate?[pools.Length];
        _outboundCandidate = new Candidate[pools.Length];
        _assignedElsewhere = new Candidate[pools.Length];
        for (var i = 0; i < pools.Length; i++)
        {
            _outboundCandidate[i] = new Candidate(pools[i].Pool.Id, null, null, OutboundNote);
            _assignedElsewhere[i] = new Candidate(pools[i].Pool.Id, null, null, AssignedElsewhereNote);
            if (snapshot.IsDown(pools[i].Site.Id))
            {
                _downReason[i] = $"site '{pools[i].Site.Id}' is down";
                _downCandidate[i] = new Candidate(pools[i].Pool.Id, _downReason[i], null);
            }
        }
        _poolIndex = new Dictionary<PoolFacts, int>(pools.Length, ReferenceEqualityComparer.Instance);
        for (var i = 0; i < pools.Length; i++)
            _poolIndex.Add(pools[i], i);
        _datasetIndex = datasetIds.Select((id, i) => KeyValuePair.Create(id, i)).ToFrozenDictionary(StringComparer.Ordinal);
        _replicaAtPool = new bool[]?[_datasetIndex.Count];
        _unreachableAtPool = new Candidate?[]?[_datasetIndex.Count];
        _stagingBounds = new StagingBound?[]?[_datasetIndex.Count];
        _billable = new double[pools.Length];
        _cpuKind = new KindTable(snapshot, null);
        _billableKnown = new bool[pools.Length];
    }

    /// <summary>The index of this very <see cref="PoolFacts"/> object in the snapshot, or −1 for any other object.</summary>
    public int IndexOf(PoolFacts pool) => _poolIndex.TryGetValue(pool, out var index) ? index : -1;

    /// <summary>Why nothing may be placed on the pool because its site is down, or null.</summary>
    public string? DownReason(int pool) => _downReason[pool];

    /// <summary>The (shared) rejected candidate of a pool whose site is down, or null.</summary>
    public Candidate? DownCandidate(int pool) => _downCandidate[pool];

    /// <summary>Why a pool that passed the hard filters was not estimated: its lower bound exceeds the winner's total.</summary>
    public const string OutboundNote = "not scored: its lower bound on the total exceeds the winner's total";

    /// <summary>Why a pool that passed the hard filters was not estimated: the batch round placed the job elsewhere.</summary>
    public const string AssignedElsewhereNote = "not scored: the batch round assigned the job to another pool";

    /// <summary>The pool's shared candidate with <see cref="OutboundNote"/>.</summary>
    public Candidate Outbound(int pool) => _outboundCandidate[pool];

    /// <summary>The pool's shared candidate with <see cref="AssignedElsewhereNote"/>.</summary>
    public Candidate AssignedElsewhere(int pool) => _assignedElsewhere[pool];

    /// <summary>The pool's candidate refused because its site is outside <paramref name="jurisdictions"/> (the job's list, comma-separated).</summary>
    public Candidate JurisdictionRejection(int pool, string jurisdictions) =>
        _jurisdictionRejections.GetOrAdd((pool, jurisdictions), static (key, pools) =>
        {
            var site = pools[key.Pool].Site;
            return new Candidate(pools[key.Pool].Pool.Id, $"site '{site.Id}' is in {site.Jurisdiction}; the job may run only in {key.Jurisdictions}", null);
        }, _snapshot.Pools);

    /// <summary>The pool's candidate refused because <paramref name="dataset"/> may not be processed in its site's jurisdiction.</summary>
    public Candidate DatasetJurisdictionRejection(int pool, string dataset) =>
        _datasetRejections.GetOrAdd((pool, dataset), static (key, pools) =>
            new Candidate(pools[key.Pool].Pool.Id, $"dataset '{key.Dataset}' may not be processed in {pools[key.Pool].Site.Jurisdiction}", null), _snapshot.Pools);

    /// <summary>The pool's candidate refused because a job needs <paramref name="nodes"/> nodes, more than it has.</summary>
    public Candidate TooFewNodes(int pool, int nodes) =>
        _tooFewNodes.GetOrAdd((pool, nodes), static (key, pools) => new Candidate(pools[key.Pool].Pool.Id,
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the job needs {key.Nodes} nodes; the pool has {pools[key.Pool].Pool.NodeCount}"), null), _snapshot.Pools);

    /// <summary>The latency-tier verdicts on every pool for a service whose user is at <paramref name="location"/> (point <paramref name="userPoint"/>).</summary>
    public TierTable Tiers(string location, int userPoint, LatencyTier tier) =>
        _tiers.GetOrAdd((location, userPoint, tier), static (key, snapshot) => new TierTable(snapshot, key.Location, key.UserPoint, key.Tier), _snapshot);

    /// <summary>How a task shape fits every pool, filled per pool on first use.</summary>
    public FitTable Fit(TaskResources resources) =>
        _fits.GetOrAdd(resources, static (r, memo) => new FitTable(memo._snapshot, r, memo.Kind(KindTable.KeyOf(r))), this);

    private KindTable Kind(AcceleratorDemand? key) =>
        key is null ? _cpuKind : _kinds.GetOrAdd(key, static (k, snapshot) => new KindTable(snapshot, k), _snapshot);

    /// <summary><see cref="JobFit.BillableNodeUnits"/> of a pool.</summary>
    public double BillableNodeUnits(int pool)
    {
        if (Volatile.Read(ref _billableKnown[pool]))
            return _billable[pool];
        var units = JobFit.BillableNodeUnits(_snapshot.Pools[pool], _snapshot.Catalog);
        _billable[pool] = units;
        Volatile.Write(ref _billableKnown[pool], true);
        return units;
    }

    /// <summary>A dense index of a known dataset (for cache keys).</summary>
    public int DatasetIndex(string id) => _datasetIndex[id];

    /// <summary>
    /// What each tenant's running allocations hold at <paramref name="now"/> (for fair share): the last
    /// answer is kept, since cycles on one snapshot usually share their time. Callers copy it.
    /// </summary>
    public IReadOnlyDictionary<string, ResourceVector> RunningUsage(DateTimeOffset now)
    {
        if (Volatile.Read(ref _runningUsage) is { } known && known.UtcTicks == now.UtcTicks)
            return known.Usage;
        var usage = CycleState.RunningUsage(_snapshot, now);
        Volatile.Write(ref _runningUsage, new UsageAt(now.UtcTicks, usage));
        return usage;
    }

    private sealed record UsageAt(long UtcTicks, Dictionary<string, ResourceVector> Usage);

    /// <summary>Whether the pool's site holds a replica of the dataset (<c>dataset.ReplicaSites.Contains(site id)</c>), from a per-dataset table made on first use.</summary>
    public bool HoldsReplica(int datasetIndex, Dataset dataset, int pool)
    {
        var table = Volatile.Read(ref _replicaAtPool[datasetIndex]);
        if (table is null)
        {
            table = new bool[_snapshot.Pools.Length];
            for (var i = 0; i < table.Length; i++)
                table[i] = dataset.ReplicaSites.Contains(_snapshot.Pools[i].Site.Id);
            Volatile.Write(ref _replicaAtPool[datasetIndex], table);
        }
        return table[pool];
    }

    /// <summary>
    /// The pool's shared candidate refused because no replica of the dataset can ever reach its site
    /// (<see cref="StagingPlanner.UnreachableInput"/> for this one input), or null; from a per-dataset table made on first use.
    /// </summary>
    public Candidate? Unreachable(int datasetIndex, Dataset dataset, int pool)
    {
        var table = Volatile.Read(ref _unreachableAtPool[datasetIndex]);
        if (table is null)
        {
            table = new Candidate?[_snapshot.Pools.Length];
            var planner = new StagingPlanner(_snapshot);
            for (var i = 0; i < table.Length; i++)
            {
                var facts = _snapshot.Pools[i];
                if (planner.Unreachable(dataset, facts))
                    table[i] = new Candidate(facts.Pool.Id, $"no replica of dataset '{dataset.Id}' can reach site '{facts.Site.Id}'", null);
            }
            table = Interlocked.CompareExchange(ref _unreachableAtPool[datasetIndex], table, null) ?? table;
        }
        return table[pool];
    }

    /// <summary>
    /// What staging the dataset to a point of presence costs at least, whatever is reserved: the
    /// shortest duration and the lowest price over its routes (not routed when it
    /// has none, in which case the estimate counts the inputs as staged at once for free).
    /// </summary>
    public StagingBound StagingLowerBound(Dataset dataset, int datasetIndex, int pointOfPresence)
    {
        var table = Volatile.Read(ref _stagingBounds[datasetIndex]);
        if (table is null)
        {
            table = new StagingBound?[_snapshot.Topology.Network.Nodes.Length];
            table = Interlocked.CompareExchange(ref _stagingBounds[datasetIndex], table, null) ?? table;
        }
        if (Volatile.Read(ref table[pointOfPresence]) is { } known)
            return known;
        var bound = StagingBound.Of(Routes(dataset, datasetIndex, pointOfPresence), dataset);
        Volatile.Write(ref table[pointOfPresence], bound);
        return bound;
    }

    /// <summary>The staging routes of a dataset to a point of presence (≥ 0), in the order <see cref="StagingPlanner"/> weighs them.</summary>
    public RouteOptions Routes(Dataset dataset, int datasetIndex, int pointOfPresence) =>
        _routes.GetOrAdd((long)datasetIndex * _snapshot.Topology.Network.Nodes.Length + pointOfPresence,
            _ => RouteOptions.Create(_snapshot, dataset, pointOfPresence));
}

/// <summary>
/// How one task shape fits each pool: <see cref="JobFit.TasksPerNode(PoolFacts, TaskResources, string)"/>
/// (with the rejected <see cref="Candidate"/>, shared between jobs of the shape) computed per pool on
/// first use, and — through the shape's <see cref="KindTable"/> — the accelerator verdict and <see cref="JobFit.Speedup"/>.
/// </summary>
internal sealed class FitTable
{
    private readonly SchedulingSnapshot _snapshot;
    private readonly TaskResources _resources;
    private readonly KindTable _kind;
    private readonly int[] _perNode;
    private readonly Candidate?[] _misfit;
    private readonly bool[] _known;

    public FitTable(SchedulingSnapshot snapshot, TaskResources resources, KindTable kind)
    {
        _snapshot = snapshot;
        _resources = resources;
        _kind = kind;
        var pools = snapshot.Pools.Length;
        _perNode = new int[pools];
        _misfit = new Candidate?[pools];
        _known = new bool[pools];
    }

    /// <summary><see cref="JobFit.TasksPerNode(PoolFacts, TaskResources, DeviceCatalog)"/> of the pool.</summary>
    public (int TasksPerNode, string? Rejection) TasksPerNode(int pool)
    {
        if (!Volatile.Read(ref _known[pool]))
        {
            var facts = _snapshot.Pools[pool];
            var (perNode, misfit) = JobFit.TasksPerNode(facts, _resources, _resources.Accelerators is null ? null : _kind.Mismatch(pool));
            _perNode[pool] = perNode;
            _misfit[pool] = misfit is null ? null : new Candidate(facts.Pool.Id, misfit, null);
            Volatile.Write(ref _known[pool], true);
        }
        return (_perNode[pool], _misfit[pool]?.Rejection);
    }

    /// <summary>The shared rejected candidate for a pool whose nodes cannot hold a task (after <see cref="TasksPerNode"/>).</summary>
    public Candidate MisfitCandidate(int pool) => _misfit[pool]!;

    /// <summary><see cref="JobFit.Speedup"/> of the pool for a demand with these task resources.</summary>
    public double Speedup(int pool) => _kind.Speedup(pool);
}

/// <summary>
/// What depends only on the kind of accelerator a task asks for (grade, model or CU, not the count)
/// — or on its asking for none: the reference the speed-up divides by, the catalogue's name of the
/// model asked, and per pool <see cref="JobFit.AcceleratorMismatch"/> (made on first use). Few kinds
/// recur across many task shapes.
/// </summary>
internal sealed class KindTable
{
    private readonly SchedulingSnapshot _snapshot;
    private readonly AcceleratorDemand? _wanted;
    private readonly string?[] _mismatch;
    private readonly bool[] _mismatchKnown;
    private readonly Lazy<string?> _canonicalModel;
    private readonly Lazy<double> _referenceUnits;
    private readonly Lazy<double?>[] _referenceCore;

    public KindTable(SchedulingSnapshot snapshot, AcceleratorDemand? wanted)
    {
        _snapshot = snapshot;
        _wanted = wanted;
        var pools = snapshot.Pools.Length;
        _mismatch = new string?[pools];
        _mismatchKnown = new bool[pools];
        var catalog = snapshot.Catalog;
        _canonicalModel = new(() => JobFit.CanonicalModel(wanted!, catalog));
        _referenceUnits = new(() => JobFit.ReferenceAcceleratorUnits(wanted!, catalog));
        _referenceCore = [.. Enum.GetValues<PoolKind>().Select(kind => new Lazy<double?>(() => JobFit.ReferenceCoreUnits(kind, catalog)))];
    }

    /// <summary>The key of a task's kind: its accelerator demand with the count left out, or null for CPU-only work.</summary>
    public static AcceleratorDemand? KeyOf(TaskResources resources) => resources.Accelerators is { } wanted ? wanted with { Count = 0 } : null;

    /// <summary><see cref="JobFit.AcceleratorMismatch"/> of the pool (only for a kind that asks for accelerators).</summary>
    public string? Mismatch(int pool)
    {
        if (Volatile.Read(ref _mismatchKnown[pool]))
            return _mismatch[pool];
        var mismatch = JobFit.AcceleratorMismatchWith(_snapshot.Pools[pool], _wanted!, _canonicalModel.Value);
        _mismatch[pool] = mismatch;
        Volatile.Write(ref _mismatchKnown[pool], true);
        return mismatch;
    }

    /// <summary><see cref="JobFit.Speedup"/> of the pool for work of this kind.</summary>
    public double Speedup(int pool)
    {
        var facts = _snapshot.Pools[pool];
        if (_wanted is not null)
            return JobFit.AcceleratorSpeedup(facts, _referenceUnits.Value);
        if (facts.CoreComputeUnits is null)
            return 1;
        var kind = (int)facts.Pool.Kind;
        return JobFit.CpuSpeedup(facts, (uint)kind < (uint)_referenceCore.Length
            ? _referenceCore[kind].Value
            : JobFit.ReferenceCoreUnits(facts.Pool.Kind, _snapshot.Catalog));
    }
}

/// <summary>
/// The latency-tier filter for services whose users are at one location with one tier: per pool, the
/// rejected candidate (shared by every such job) or null when the pool is within the tier, computed on
/// first use.
/// </summary>
internal sealed class TierTable
{
    private readonly SchedulingSnapshot _snapshot;
    private readonly string _location;
    private readonly int _userPoint;
    private readonly LatencyTier _tier;
    private readonly Candidate?[] _verdict;
    private readonly bool[] _known;

    public TierTable(SchedulingSnapshot snapshot, string location, int userPoint, LatencyTier tier)
    {
        _snapshot = snapshot;
        _location = location;
        _userPoint = userPoint;
        _tier = tier;
        _verdict = new Candidate?[snapshot.Pools.Length];
        _known = new bool[snapshot.Pools.Length];
    }

    /// <summary>The pool's rejected candidate when it is out of the tier (or unreachable), else null.</summary>
    public Candidate? Verdict(int pool)
    {
        if (Volatile.Read(ref _known[pool]))
            return _verdict[pool];
        var facts = _snapshot.Pools[pool];
        var latency = facts.PointOfPresence >= 0 ? _snapshot.Paths.LatencyMs(_userPoint, facts.PointOfPresence) : null;
        string? rejection = null;
        if (latency is null)
            rejection = $"site '{facts.Site.Id}' is not reachable from the user in {_location}";
        else if (latency > LatencyTiers.MaxLatencyMs(_tier))
            rejection = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{latency:0.00} ms from the user in {_location} exceeds the {_tier.ToString().ToLowerInvariant()} tier (≤ {LatencyTiers.MaxLatencyMs(_tier):0} ms)");
        _verdict[pool] = rejection is null ? null : new Candidate(facts.Pool.Id, rejection, null);
        Volatile.Write(ref _known[pool], true);
        return _verdict[pool];
    }
}

/// <summary>
/// The ways a dataset can reach one point of presence, in the order <see cref="StagingPlanner"/>
/// weighs them (replicas in ordinal id order; for each, a metro copy when the replica shares the
/// point, else up to k latency-first paths with positive bandwidth).
/// </summary>
/// <param name="Options">The routes in evaluation order.</param>
internal sealed record RouteOptions(ImmutableArray<RouteOption> Options)
{
    public static RouteOptions Create(SchedulingSnapshot snapshot, Dataset dataset, int pointOfPresence)
    {
        var options = ImmutableArray.CreateBuilder<RouteOption>();
        foreach (var replica in dataset.ReplicaSites.Order(StringComparer.Ordinal))
        {
            var source = snapshot.Topology.FindSite(replica);
            if (source is null || snapshot.IsDown(replica) || source.AttachedTo is null)
                continue;
            var from = snapshot.Topology.Network.IndexOf(source.AttachedTo);
            if (from == pointOfPresence)
            {
                options.Add(new RouteOption(null, StagingPlanner.MetroBandwidth, StagingPlanner.TransferTime(dataset.Size, StagingPlanner.MetroBandwidth, 0)));
                continue;
            }
            foreach (var path in snapshot.Paths.KShortestPaths(from, pointOfPresence, StagingPlanner.PathAlternatives))
            {
                var bandwidth = StagingPlanner.TransferBandwidth(path);
                if (bandwidth.BitsPerSecond <= 0)
                    continue;
                options.Add(new RouteOption(path, bandwidth, StagingPlanner.TransferTime(dataset.Size, bandwidth, path.LatencyMs)));
            }
        }
        return new RouteOptions(options.ToImmutable());
    }
}

/// <summary>One way a dataset can reach a point of presence.</summary>
/// <param name="Path">The backbone path, or null for a metro copy between sites on the same point.</param>
/// <param name="Bandwidth">Bandwidth a transfer would reserve.</param>
/// <param name="Duration">How long the transfer takes at that bandwidth, latency included.</param>
internal sealed record RouteOption(NetworkPath? Path, Bandwidth Bandwidth, TimeSpan Duration)
{
    /// <summary>The path's arcs as an array, which the calendar reads without boxing.</summary>
    public Arc[] Arcs { get; } = Path is null ? [] : [.. Path.Arcs];
}

/// <summary>The least time and money staging one dataset to one point of presence can take (see <see cref="SchedulingMemo.StagingLowerBound"/>).</summary>
/// <param name="Routed">True when the dataset has at least one route to the point.</param>
/// <param name="DurationTicks">The shortest route's duration.</param>
/// <param name="CostMinor">The cheapest route's price for the dataset (0 for a metro copy or a path without a currency).</param>
internal sealed record StagingBound(bool Routed, long DurationTicks, long CostMinor)
{
    /// <summary>The bound over a dataset's routes; the prices are rounded as <see cref="StagingCache"/> rounds them.</summary>
    public static StagingBound Of(RouteOptions routes, Dataset dataset)
    {
        if (routes.Options.IsEmpty)
            return new StagingBound(false, 0, 0);
        var duration = long.MaxValue;
        var cost = long.MaxValue;
        foreach (var option in routes.Options)
        {
            duration = Math.Min(duration, option.Duration.Ticks);
            var price = option.Path is not { } path || path.PricePerGb.Currency is null
                ? 0
                : checked((long)Math.Round(path.PricePerGb.MinorUnits * dataset.Size.Gigabytes));
            cost = Math.Min(cost, price);
        }
        return new StagingBound(true, duration, cost);
    }
}
