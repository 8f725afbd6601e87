using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Suanwang.Core.Validation;
using Suanwang.Core.Measurement;
using Suanwang.Core.Model;
using Suanwang.Core.Network;

namespace Suanwang.Core.Scheduling;

/// <summary>
/// Answers a snapshot gives again and again, computed once on first use: whether each pool's site
/// is down, how a task shape fits each pool (tasks per node or the reason it does not, and the
/// speed-up), each pool's billable CU per node, and the staging routes from a dataset's replicas to
/// a point of presence. Everything here depends only on the world (topology, catalogue, datasets), the
/// sites that are down and the job's demand — never on allocations, reservations or time — so it is
/// shared by every cycle planned on the snapshot and, the same object, by every later state of the
/// world with the same sites down (<see cref="SchedulingSnapshot.Next"/>; it reads only world facts of
/// the snapshot it was made for). Like <see cref="PathFinder"/> it is safe to share between threads and
/// never changes its answers.
/// </summary>
internal sealed class SchedulingMemo
{
    private readonly SchedulingSnapshot _snapshot;
    private readonly string?[] _downReason;
    private readonly Candidate?[] _downCandidate;
    private readonly int[] _nodeCounts;
    private readonly FrozenDictionary<string, int> _datasetIndex;
    private readonly Dictionary<PoolFacts, int> _poolIndex;
    private readonly double[] _billable;
    private readonly bool[] _billableKnown;
    private readonly ConcurrentDictionary<TaskResources, FitTable> _fits;
    private readonly ConcurrentDictionary<AcceleratorDemand, KindTable> _kinds;
    private readonly KindTable _cpuKind;
    private readonly ConcurrentDictionary<long, RouteOptions> _routes;
    private readonly ConcurrentDictionary<(int Pool, string Jurisdictions), Candidate> _jurisdictionRejections;
    private readonly ConcurrentDictionary<(int Pool, string Dataset), Candidate> _datasetRejections;
    private readonly ConcurrentDictionary<string, Candidate?[]> _jurisdictionLayers;
    private readonly ConcurrentDictionary<(string Jurisdictions, string Inputs, TierTable? Tier), Candidate?[]> _placeLayers;
    private readonly Candidate?[]?[] _datasetJurisdictionLayers;
    private readonly ConcurrentDictionary<(string Location, int UserPoint, LatencyTier Tier), TierTable> _tiers;
    private readonly ConcurrentDictionary<(int Pool, int Nodes), Candidate> _tooFewNodes;
    private readonly ConcurrentDictionary<(int Pool, string Avoided), Candidate> _avoided;
    private readonly ConcurrentDictionary<(int Pool, string Reason), Candidate> _misfits;
    private readonly ConcurrentDictionary<(int Pool, int Check, long Value), Candidate> _misfitChecks;
    private readonly bool[]?[] _replicaAtPool;
    private readonly Candidate?[]?[] _unreachableAtPool;
    private readonly StagingBound?[]?[] _stagingBounds;
    private readonly Candidate[] _outboundCandidate;
    private readonly Candidate[] _assignedElsewhere;
    private readonly Candidate[] _blockedQueue;
    private readonly string?[] _easyHolds;
    private readonly string?[] _strictHolds;
    private readonly ConcurrentDictionary<PlacedReasonKey, string> _placedReasons;
    private readonly ConditionalWeakTable<JobDemand, string> _invalidDemands;
    private readonly ConditionalWeakTable<PendingJob, HoldFacts> _holdFacts;
    private static readonly string Valid = "";

    public SchedulingMemo(SchedulingSnapshot snapshot, IEnumerable<string> datasetIds)
    {
        _snapshot = snapshot;
        _fits = new();
        _kinds = new();
        _routes = new();
        _jurisdictionRejections = new();
        _datasetRejections = new();
        _jurisdictionLayers = new(StringComparer.Ordinal);
        _placeLayers = new();
        _tiers = new();
        _tooFewNodes = new();
        _avoided = new();
        _misfits = new();
        _misfitChecks = new();
        _invalidDemands = new();
        _holdFacts = new();
        var pools = snapshot.Pools;
        _downReason = new string?[pools.Length];
        _downCandidate = new Candidate?[pools.Length];
        _nodeCounts = [.. pools.Select(p => p.Pool.NodeCount)];
        _outboundCandidate = new Candidate[pools.Length];
        _assignedElsewhere = new Candidate[pools.Length];
        _blockedQueue = new Candidate[pools.Length];
        _easyHolds = new string?[pools.Length];
        _strictHolds = new string?[pools.Length];
        _placedReasons = new();
        AnySiteWithSeveralPools = snapshot.Topology.Sites.Any(site => site.Pools.Length >= 2);
        for (var i = 0; i < pools.Length; i++)
        {
            _outboundCandidate[i] = new Candidate(pools[i].Pool.Id, null, null, OutboundNote);
            _assignedElsewhere[i] = new Candidate(pools[i].Pool.Id, null, null, AssignedElsewhereNote);
            _blockedQueue[i] = new Candidate(pools[i].Pool.Id, null, null, BlockedQueueNote);
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
        _datasetJurisdictionLayers = new Candidate?[]?[_datasetIndex.Count];
        _stagingBounds = new StagingBound?[]?[_datasetIndex.Count];
        _billable = new double[pools.Length];
        _cpuKind = new KindTable(snapshot, null);
        _billableKnown = new bool[pools.Length];
    }

    /// <summary>
    /// Why the demand is invalid ("invalid demand: …", every problem), or null: checked once per demand
    /// object (a pending job is planned again and again) against the catalogue, which never changes.
    /// </summary>
    public string? InvalidDemand(JobDemand demand)
    {
        // Looked up first: GetValue's callback captures this memo, a closure made on every call otherwise.
        if (_invalidDemands.TryGetValue(demand, out var known))
            return ReferenceEquals(known, Valid) ? null : known;
        var verdict = _invalidDemands.GetValue(demand, d =>
        {
            var errors = JobDemandValidator.Validate(d, model => _snapshot.Catalog.TryFind(model, out _));
            return errors.IsEmpty ? Valid : $"invalid demand: {string.Join("; ", errors.Select(e => e.ToString()))}";
        });
        return ReferenceEquals(verdict, Valid) ? null : verdict;
    }

    /// <summary>
    /// What decides whether a pending job can be held behind a queue head (<see cref="Scheduler.PlanChanges(SchedulingSnapshot, IReadOnlyList{PendingJob}, DateTimeOffset, SchedulingPolicy)"/>),
    /// worked out once per job object by <paramref name="make"/>: it depends on the job and the world with
    /// these sites down, never on allocations, reservations or time.
    /// </summary>
    public HoldFacts HoldFactsOf(PendingJob job, Func<PendingJob, HoldFacts> make) =>
        _holdFacts.TryGetValue(job, out var known) ? known : _holdFacts.GetValue(job, new ConditionalWeakTable<PendingJob, HoldFacts>.CreateValueCallback(make));

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

    /// <summary>True when some site has two or more pools (a gang can only span pools of one site).</summary>
    public bool AnySiteWithSeveralPools { get; }

    /// <summary>Why a pool that passed the hard filters was not estimated: strict FCFS, an earlier job holds the head of its queue.</summary>
    public const string BlockedQueueNote = "not scored: strict FCFS, an earlier job holds the head of this pool's queue";

    /// <summary>The pool's shared candidate with <see cref="BlockedQueueNote"/>.</summary>
    public Candidate BlockedQueue(int pool) => _blockedQueue[pool];

    /// <summary>
    /// Why the queue discipline holds a job back on a pool whose head is taken: under strict FCFS an
    /// earlier job holds the head of its queue; under EASY it cannot start now and the pool's one
    /// reservation is held. One string per pool and discipline (a long queue waits on every cycle).
    /// </summary>
    public string HoldReason(int pool, bool strict)
    {
        var reasons = strict ? _strictHolds : _easyHolds;
        if (Volatile.Read(ref reasons[pool]) is { } known)
            return known;
        var id = _snapshot.Pools[pool].Pool.Id;
        var reason = strict
            ? $"FCFS: an earlier job holds the head of pool {id}'s queue"
            : $"EASY: cannot start now, and pool {id}'s one reservation is held by an earlier job";
        return Interlocked.CompareExchange(ref reasons[pool], reason, null) ?? reason;
    }

    /// <summary>
    /// The reason of a placed decision (<see cref="CandidateSearch.Reason"/>), which depends only on what
    /// <paramref name="key"/> holds and the number of pools: made by <paramref name="make"/> once per key.
    /// </summary>
    public string PlacedReason<TArg>(PlacedReasonKey key, Func<PlacedReasonKey, TArg, string> make, TArg arg) =>
        _placedReasons.TryGetValue(key, out var known) ? known : _placedReasons.GetOrAdd(key, make, arg);

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

    /// <summary><see cref="JurisdictionRejection"/> of every pool for a job that may run only in <paramref name="jurisdictions"/> (null where allowed).</summary>
    public Candidate?[] JurisdictionLayer(string list, EquatableArray<string> jurisdictions) =>
        _jurisdictionLayers.GetOrAdd(list, static (key, state) =>
        {
            var (memo, allowed) = state;
            var layer = new Candidate?[memo._snapshot.Pools.Length];
            for (var i = 0; i < layer.Length; i++)
            {
                if (!allowed.AsImmutableArray().Contains(memo._snapshot.Pools[i].Site.Jurisdiction))
                    layer[i] = memo.JurisdictionRejection(i, key);
            }
            return layer;
        }, (this, jurisdictions));

    /// <summary><see cref="DatasetJurisdictionRejection"/> of every pool for a dataset (null where it may be processed).</summary>
    public Candidate?[] DatasetJurisdictionLayer(int datasetIndex, Dataset dataset)
    {
        if (Volatile.Read(ref _datasetJurisdictionLayers[datasetIndex]) is { } known)
            return known;
        var layer = new Candidate?[_snapshot.Pools.Length];
        var allowed = dataset.Jurisdictions.AsImmutableArray();
        for (var i = 0; i < layer.Length; i++)
        {
            if (!allowed.IsEmpty && !allowed.Contains(_snapshot.Pools[i].Site.Jurisdiction))
                layer[i] = DatasetJurisdictionRejection(i, dataset.Id);
        }
        return Interlocked.CompareExchange(ref _datasetJurisdictionLayers[datasetIndex], layer, null) ?? layer;
    }

    /// <summary>
    /// The first rejection of every pool among the filters that depend only on where a job may run and
    /// what it reads — site down, job jurisdictions, each input's jurisdictions, latency tier,
    /// unreachable inputs, in that order — shared by every job with the same jurisdictions, inputs and
    /// tier (the avoid filter, which comes second, is applied on top by the caller).
    /// </summary>
    public Candidate?[] PlaceLayer(JobContext job)
    {
        var key = (job.JurisdictionList, job.InputList, job.Tier);
        if (_placeLayers.TryGetValue(key, out var known))
            return known;
        var demand = job.Demand;
        var jurisdictions = demand.Jurisdictions.IsEmpty ? null : JurisdictionLayer(job.JurisdictionList, demand.Jurisdictions);
        var (datasetJurisdictions, unreachable) = job.DatasetLayers();
        var tier = job.Tier;
        var layer = new Candidate?[_snapshot.Pools.Length];
        for (var p = 0; p < layer.Length; p++)
        {
            var verdict = _downCandidate[p] ?? jurisdictions?[p];
            for (var k = 0; verdict is null && k < datasetJurisdictions.Length; k++)
                verdict = datasetJurisdictions[k][p];
            verdict ??= tier?.Verdict(p);
            for (var k = 0; verdict is null && k < unreachable.Length; k++)
                verdict = unreachable[k][p];
            layer[p] = verdict;
        }
        return _placeLayers.GetOrAdd(key, layer);
    }

    /// <summary>Every pool's shared "not scored: its lower bound …" candidate, by pool index (never changed).</summary>
    internal Candidate[] OutboundLayer => _outboundCandidate;

    /// <summary>Every pool's shared <see cref="AssignedElsewhereNote"/> candidate, by pool index (never changed).</summary>
    internal Candidate[] AssignedElsewhereLayer => _assignedElsewhere;

    /// <summary>Nodes of every pool.</summary>
    public ReadOnlySpan<int> NodeCounts => _nodeCounts;

    /// <summary>The down-site candidate of every pool (null where the site is up).</summary>
    public ReadOnlySpan<Candidate?> DownLayer => _downCandidate;

    /// <summary>The pool's candidate refused because <paramref name="dataset"/> may not be processed in its site's jurisdiction.</summary>
    public Candidate DatasetJurisdictionRejection(int pool, string dataset) =>
        _datasetRejections.GetOrAdd((pool, dataset), static (key, pools) =>
            new Candidate(pools[key.Pool].Pool.Id, $"dataset '{key.Dataset}' may not be processed in {pools[key.Pool].Site.Jurisdiction}", null), _snapshot.Pools);

    /// <summary>The pool's candidate refused because a job needs <paramref name="nodes"/> nodes, more than it has.</summary>
    public Candidate TooFewNodes(int pool, int nodes) =>
        _tooFewNodes.GetOrAdd((pool, nodes), static (key, pools) => new Candidate(pools[key.Pool].Pool.Id,
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the job needs {key.Nodes} nodes; the pool has {pools[key.Pool].Pool.NodeCount}"), null), _snapshot.Pools);

    /// <summary>The pool's candidate refused because the job avoids <paramref name="avoided"/> (its site, pool or provider).</summary>
    public Candidate Avoided(int pool, string avoided) =>
        _avoided.GetOrAdd((pool, avoided), static (key, pools) => new Candidate(pools[key.Pool].Pool.Id, $"the job avoids '{key.Avoided}'", null), _snapshot.Pools);

    /// <summary>The pool's candidate refused for a misfit reason of a task shape: one object per (pool, reason) however many shapes give it.</summary>
    public Candidate Misfit(int pool, string reason) =>
        _misfits.GetOrAdd((pool, reason), static (key, pools) => new Candidate(pools[key.Pool].Pool.Id, key.Reason, null), _snapshot.Pools);

    /// <summary>
    /// The pool's candidate for a task shape failing fit check <paramref name="check"/> (1 cores, 2
    /// memory, 4 accelerator count) with <paramref name="value"/> (the count or bytes asked): the text
    /// depends on nothing else, so it is made (by <see cref="JobFit.TasksPerNode(PoolFacts, TaskResources, string)"/>) once.
    /// </summary>
    public Candidate Misfit(int pool, int check, long value, PoolFacts facts, TaskResources task) =>
        _misfitChecks.GetOrAdd((pool, check, value), static (key, state) =>
            state.Memo.Misfit(key.Pool, JobFit.TasksPerNode(state.Facts, state.Task, (string?)null).Rejection!), (Memo: this, Facts: facts, Task: task));

    /// <summary>The latency-tier verdicts on every pool for a service whose user is at <paramref name="location"/> (point <paramref name="userPoint"/>).</summary>
    public TierTable Tiers(string location, int userPoint, LatencyTier tier) =>
        _tiers.GetOrAdd((location, userPoint, tier), static (key, snapshot) => new TierTable(snapshot, key.Location, key.UserPoint, key.Tier), _snapshot);

    /// <summary>How a task shape fits every pool, filled per pool on first use.</summary>
    public FitTable Fit(TaskResources resources) =>
        _fits.GetOrAdd(resources, static (r, memo) => new FitTable(memo, memo._snapshot, r, memo.Kind(KindTable.KeyOf(r))), this);

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

    /// <summary>Whether the pool's site holds a replica of the dataset (<c>dataset.ReplicaSites.Contains(site id)</c>), from a per-dataset table made on first use.</summary>
    public bool HoldsReplica(int datasetIndex, Dataset dataset, int pool)
    {
        var table = Volatile.Read(ref _replicaAtPool[datasetIndex]);
        if (table is null)
        {
            table = new bool[_snapshot.Pools.Length];
            for (var i = 0; i < table.Length; i++)
                table[i] = dataset.ReplicaSites.AsImmutableArray().Contains(_snapshot.Pools[i].Site.Id);
            Volatile.Write(ref _replicaAtPool[datasetIndex], table);
        }
        return table[pool];
    }

    /// <summary>
    /// The pool's shared candidate refused because no replica of the dataset can ever reach its site
    /// (<see cref="StagingPlanner.UnreachableInput"/> for this one input), or null; from a per-dataset table made on first use.
    /// </summary>
    public Candidate? Unreachable(int datasetIndex, Dataset dataset, int pool) => UnreachableLayer(datasetIndex, dataset)[pool];

    /// <summary><see cref="Unreachable"/> of every pool for the dataset.</summary>
    public Candidate?[] UnreachableLayer(int datasetIndex, Dataset dataset)
    {
        var table = Volatile.Read(ref _unreachableAtPool[datasetIndex]);
        if (table is null)
        {
            // StagingPlanner.Unreachable per pool, with the replicas' points and each point's answer worked out once.
            table = new Candidate?[_snapshot.Pools.Length];
            var network = _snapshot.Topology.Network;
            var sources = new List<int>();
            foreach (var replica in dataset.ReplicaSites)
            {
                if (_snapshot.Topology.FindSite(replica) is { AttachedTo: { } at } && !_snapshot.IsDown(replica))
                    sources.Add(network.IndexOf(at));
            }
            var reachable = new bool?[network.Nodes.Length];
            for (var i = 0; i < table.Length; i++)
            {
                var facts = _snapshot.Pools[i];
                if (HoldsReplica(datasetIndex, dataset, i))
                    continue;
                var point = facts.PointOfPresence;
                var reaches = point >= 0 && (reachable[point] ??= Reaches(sources, point));
                if (!reaches)
                    table[i] = new Candidate(facts.Pool.Id, $"no replica of dataset '{dataset.Id}' can reach site '{facts.Site.Id}'", null);
            }
            table = Interlocked.CompareExchange(ref _unreachableAtPool[datasetIndex], table, null) ?? table;
        }
        return table;
    }

    private bool Reaches(List<int> sources, int point)
    {
        foreach (var from in sources)
        {
            if (from >= 0 && (from == point || _snapshot.Paths.LatencyMs(from, point) is not null))
                return true;
        }
        return false;
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

/// <summary>What the reason of a placed decision says (see <see cref="SchedulingMemo.PlacedReason"/>).</summary>
/// <param name="Winner">The pool placed on.</param>
/// <param name="Scored">Pools scored.</param>
/// <param name="Passed">Pools that passed the hard filters.</param>
/// <param name="Outbound">Pools not scored by their bound.</param>
/// <param name="Assigned">Assigned by the batch round.</param>
/// <param name="Chooser">The policy's chooser.</param>
internal readonly record struct PlacedReasonKey(int Winner, int Scored, int Passed, int Outbound, bool Assigned, Chooser Chooser);
