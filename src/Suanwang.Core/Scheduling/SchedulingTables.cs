using Suanwang.Core.Measurement;
using Suanwang.Core.Model;
using Suanwang.Core.Network;

namespace Suanwang.Core.Scheduling;

/// <summary>
/// How one task shape fits each pool: <see cref="JobFit.TasksPerNode(PoolFacts, TaskResources, string)"/>
/// (with the rejected <see cref="Candidate"/>, shared between jobs of the shape) computed per pool on
/// first use, and — through the shape's <see cref="KindTable"/> — the accelerator verdict and <see cref="JobFit.Speedup"/>.
/// </summary>
internal sealed class FitTable
{
    private readonly int[] _perNode;
    private readonly Candidate?[] _misfit;
    private readonly double[] _speedup;
    private readonly long[] _taskCapacity;

    /// <summary>Works out every pool at once: a job weighs every pool, so none would stay unused.</summary>
    public FitTable(SchedulingMemo memo, SchedulingSnapshot snapshot, TaskResources resources, KindTable kind)
    {
        var pools = snapshot.Pools.Length;
        _perNode = new int[pools];
        _misfit = new Candidate?[pools];
        _speedup = new double[pools];
        _taskCapacity = new long[pools];
        for (var pool = 0; pool < pools; pool++)
        {
            // JobFit.TasksPerNode's checks in its order; a failing check's candidate is shared by every
            // shape failing it the same way, so its text is only formatted the first time.
            var facts = snapshot.Pools[pool];
            var node = facts.Pool.Node;
            var mismatch = resources.Accelerators is null ? null : kind.Mismatch(pool);
            var (check, value) = resources.Cpu > node.Cores ? (1, resources.Cpu)
                : resources.Memory.Bytes > node.Memory.Bytes ? (2, resources.Memory.Bytes)
                : mismatch is not null ? (3, 0L)
                : resources.Accelerators is { } wanted && wanted.Count > (node.Accelerators?.Count ?? 0) ? (4, wanted.Count)
                : (0, 0L);
            if (check == 3)
            {
                _misfit[pool] = kind.MismatchCandidate(pool, memo);
            }
            else if (check != 0)
            {
                _misfit[pool] = memo.Misfit(pool, check, value, facts, resources);
            }
            else
            {
                var (perNode, misfit) = JobFit.TasksPerNode(facts, resources, (string?)null);
                _perNode[pool] = perNode;
                _misfit[pool] = misfit is null ? null : memo.Misfit(pool, misfit);
                _speedup[pool] = kind.Speedup(pool);
                _taskCapacity[pool] = (long)perNode * facts.Pool.NodeCount;
            }
        }
    }

    /// <summary><see cref="JobFit.TasksPerNode(PoolFacts, TaskResources, DeviceCatalog)"/> of the pool.</summary>
    public (int TasksPerNode, string? Rejection) TasksPerNode(int pool) => (_perNode[pool], _misfit[pool]?.Rejection);

    /// <summary>Tasks per node of every pool (0 where a task does not fit).</summary>
    public ReadOnlySpan<int> PerNode => _perNode;

    /// <summary>Tasks every pool can hold at once: nodes × tasks per node (0 where a task does not fit).</summary>
    public ReadOnlySpan<long> TaskCapacity => _taskCapacity;

    /// <summary>The shared rejected candidate of every pool whose nodes cannot hold a task (null where one fits).</summary>
    public ReadOnlySpan<Candidate?> Misfits => _misfit;

    /// <summary>The same verdicts as an array, for explanations that refer to it (never changed after construction).</summary>
    internal Candidate?[] MisfitLayer => _misfit;

    /// <summary>The shared rejected candidate for a pool whose nodes cannot hold a task (after <see cref="TasksPerNode"/>).</summary>
    public Candidate MisfitCandidate(int pool) => _misfit[pool]!;

    /// <summary><see cref="JobFit.Speedup"/> of the pool for a demand with these task resources (only where a task fits).</summary>
    public double Speedup(int pool) => _speedup[pool];
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
    private readonly Candidate?[] _mismatchCandidate;
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
        _mismatchCandidate = new Candidate?[pools];
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

    /// <summary>The shared candidate for <see cref="Mismatch"/> (non-null) of the pool, kept per kind so shapes of the kind need no lookup.</summary>
    public Candidate MismatchCandidate(int pool, SchedulingMemo memo) =>
        Volatile.Read(ref _mismatchCandidate[pool]) ?? (_mismatchCandidate[pool] = memo.Misfit(pool, Mismatch(pool)!));

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
    private readonly Candidate?[] _verdict;

    /// <summary>Works out every pool at once; the text of a rejection is made once per point of presence.</summary>
    public TierTable(SchedulingSnapshot snapshot, string location, int userPoint, LatencyTier tier)
    {
        _verdict = new Candidate?[snapshot.Pools.Length];
        var byPoint = new string?[snapshot.Topology.Network.Nodes.Length];
        var known = new bool[byPoint.Length];
        for (var pool = 0; pool < _verdict.Length; pool++)
        {
            var facts = snapshot.Pools[pool];
            var point = facts.PointOfPresence;
            string? rejection;
            if (point < 0)
            {
                rejection = $"site '{facts.Site.Id}' is not reachable from the user in {location}";
            }
            else if (known[point])
            {
                rejection = byPoint[point];
            }
            else
            {
                var latency = snapshot.Paths.LatencyMs(userPoint, point);
                rejection = null;
                if (latency is null)
                    rejection = $"site '{facts.Site.Id}' is not reachable from the user in {location}"; // names the site: not shared
                else if (latency > LatencyTiers.MaxLatencyMs(tier))
                    rejection = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"{latency:0.00} ms from the user in {location} exceeds the {tier.ToString().ToLowerInvariant()} tier (≤ {LatencyTiers.MaxLatencyMs(tier):0} ms)");
                if (latency is not null)
                {
                    byPoint[point] = rejection;
                    known[point] = true;
                }
            }
            _verdict[pool] = rejection is null ? null : new Candidate(facts.Pool.Id, rejection, null);
        }
    }

    /// <summary>The pool's rejected candidate when it is out of the tier (or unreachable), else null.</summary>
    public Candidate? Verdict(int pool) => _verdict[pool];

    /// <summary>Every pool's verdict.</summary>
    public ReadOnlySpan<Candidate?> Verdicts => _verdict;
}
