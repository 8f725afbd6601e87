using System.Globalization;
using Suanwang.Core.Measurement;
using Suanwang.Core.Model;

namespace Suanwang.Core.Scheduling;

/// <summary>
/// How a job's tasks fit on a pool's nodes and how fast they run there. Pure arithmetic on the
/// job's demand, the pool's node shape and the catalogue; documented in <c>docs/scheduler.md</c>.
/// </summary>
internal static class JobFit
{
    /// <summary>The CPU the duration of CPU-only work refers to: a job's duration is its run time on cores of this model.</summary>
    public const string ReferenceCpu = "Xeon-Platinum-8480+";

    /// <summary>
    /// Tasks that fit on one node (cores, memory and accelerators each divide), or 0 with the reason.
    /// A task never spans nodes: a task larger than a node does not fit.
    /// </summary>
    public static (int TasksPerNode, string? Rejection) TasksPerNode(PoolFacts pool, TaskResources task, DeviceCatalog catalog) =>
        TasksPerNode(pool, task, task.Accelerators is { } wanted ? AcceleratorMismatch(pool, wanted, catalog) : null);

    /// <summary>
    /// <see cref="TasksPerNode(PoolFacts, TaskResources, DeviceCatalog)"/> given the task's
    /// <see cref="AcceleratorMismatch"/> with the pool (null when it asks for none, or they match),
    /// which depends only on the kind of accelerator asked, so callers may work it out once.
    /// </summary>
    public static (int TasksPerNode, string? Rejection) TasksPerNode(PoolFacts pool, TaskResources task, string? acceleratorMismatch)
    {
        var node = pool.Pool.Node;
        if (task.Cpu > node.Cores)
            return (0, Invariant($"a task needs {task.Cpu} cores; a node has {node.Cores}"));
        if (task.Memory.Bytes > node.Memory.Bytes)
            return (0, $"a task needs {task.Memory} of memory; a node has {node.Memory}");
        var perNode = Math.Min(task.Cpu > 0 ? node.Cores / task.Cpu : int.MaxValue,
            task.Memory.Bytes > 0 ? (int)Math.Min(int.MaxValue, node.Memory.Bytes / task.Memory.Bytes) : int.MaxValue);
        if (task.Accelerators is { } wanted)
        {
            if (acceleratorMismatch is { } mismatch)
                return (0, mismatch);
            var have = node.Accelerators?.Count ?? 0;
            if (wanted.Count > have)
                return (0, Invariant($"a task needs {wanted.Count} accelerators; a node has {have}"));
            perNode = Math.Min(perNode, have / wanted.Count);
        }
        return (Math.Max(perNode, 0), perNode > 0 ? null : "a task does not fit on a node");
    }

    /// <summary>Why the pool's accelerators are not the kind asked (model, grade or CU; the count is not compared), or null.</summary>
    public static string? AcceleratorMismatch(PoolFacts pool, AcceleratorDemand wanted, DeviceCatalog catalog) =>
        AcceleratorMismatchWith(pool, wanted, CanonicalModel(wanted, catalog));

    /// <summary>The catalogue's name for the model a demand asks for (the name as given when not catalogued), or null when it asks by grade or CU.</summary>
    public static string? CanonicalModel(AcceleratorDemand wanted, DeviceCatalog catalog) =>
        wanted.Model is { } model ? (catalog.TryFind(model, out var device) ? device.Model : model) : null;

    /// <summary><see cref="AcceleratorMismatch"/> given the demand's <see cref="CanonicalModel"/>, which depends on the demand alone.</summary>
    public static string? AcceleratorMismatchWith(PoolFacts pool, AcceleratorDemand wanted, string? canonicalModel)
    {
        if (pool.AcceleratorModel is null)
            return "the pool has no accelerators";
        if (wanted.Model is not null && canonicalModel is { } canonical)
        {
            return string.Equals(canonical, pool.AcceleratorModel, StringComparison.OrdinalIgnoreCase)
                ? null
                : $"the job asks for {canonical}; the pool has {pool.AcceleratorModel}";
        }
        if (wanted.Grade is { } grade)
        {
            return pool.AcceleratorGrade is { } have && have <= grade
                ? null
                : $"the job asks for grade {grade} accelerators; the pool's {pool.AcceleratorModel} is grade {pool.AcceleratorGrade?.ToString() ?? "unrated"}";
        }
        if (wanted.ComputeUnits is { } cu && pool.AcceleratorComputeUnits < cu)
            return Invariant($"the job asks for {cu:0.#} CU per accelerator; the pool's {pool.AcceleratorModel} has {pool.AcceleratorComputeUnits:0.#}");
        return null;
    }

    /// <summary>
    /// How much faster than the job's reference this pool runs it (≥ 1 for accelerator work, since
    /// filters admit only devices at least as good as the reference). Accelerator work: the pool's
    /// per-device AI CU ÷ the reference's (the named model; the grade's lower CU bound; or the asked CU).
    /// CPU work: the pool's per-core CU ÷ <see cref="ReferenceCpu"/>'s, or 1 when either is unknown.
    /// </summary>
    public static double Speedup(PoolFacts pool, JobDemand demand, DeviceCatalog catalog)
    {
        if (demand.Resources.Accelerators is { } wanted)
            return AcceleratorSpeedup(pool, ReferenceAcceleratorUnits(wanted, catalog));
        if (pool.CoreComputeUnits is null)
            return 1;
        return CpuSpeedup(pool, ReferenceCoreUnits(pool.Pool.Kind, catalog));
    }

    /// <summary><see cref="Speedup"/> of accelerator work given <see cref="ReferenceAcceleratorUnits"/>, which depends on the demand alone.</summary>
    public static double AcceleratorSpeedup(PoolFacts pool, double reference) =>
        reference > 0 && pool.AcceleratorComputeUnits > 0 ? pool.AcceleratorComputeUnits / reference : 1;

    /// <summary><see cref="Speedup"/> of CPU work given <see cref="ReferenceCoreUnits"/> for the pool's kind.</summary>
    public static double CpuSpeedup(PoolFacts pool, double? referenceCore) =>
        pool.CoreComputeUnits is not { } core || referenceCore is not { } reference ? 1 : core / reference;

    /// <summary>CU of one core of <see cref="ReferenceCpu"/> for a pool kind's workload class, or null when it cannot be rated.</summary>
    public static double? ReferenceCoreUnits(PoolKind kind, DeviceCatalog catalog)
    {
        if (!catalog.TryFind(ReferenceCpu, out var cpu) || cpu.Cpu is not { } details)
            return null;
        var rating = ComputeUnits.Rate(cpu, WorkloadClasses.For(kind)).Value;
        return rating is null ? null : rating.ComputeUnits / details.Cores;
    }

    /// <summary>The per-device AI CU a demand's duration refers to: the asked CU, the named model's, or the grade's lower bound.</summary>
    public static double ReferenceAcceleratorUnits(AcceleratorDemand wanted, DeviceCatalog catalog)
    {
        if (wanted.ComputeUnits is { } cu)
            return cu;
        if (wanted.Model is { } model && catalog.TryFind(model, out var device))
            return ComputeUnits.Rate(device, WorkloadClass.Ai).Value?.ComputeUnits ?? 0;
        if (wanted.Grade is { } grade)
        {
            // A grade's reference is its lower CU bound; grade D has none, so half of C's bound stands in.
            var thresholds = ComputeGrading.ThresholdsFor(WorkloadClass.Ai);
            var bound = thresholds.FirstOrDefault(t => t.Grade == grade);
            return bound is not null ? bound.MinComputeUnits : thresholds[^1].MinComputeUnits / 2;
        }
        return 0;
    }

    /// <summary>CU of one node for billing: the catalogued rating, else the cores at the reference CPU's per-core CU, else one CU per core.</summary>
    public static double BillableNodeUnits(PoolFacts pool, DeviceCatalog catalog)
    {
        if (pool.NodeComputeUnits > 0)
            return pool.NodeComputeUnits;
        if (catalog.TryFind(ReferenceCpu, out var cpu) && cpu.Cpu is { } details
            && ComputeUnits.Rate(cpu, WorkloadClasses.For(pool.Pool.Kind)).Value is { } rating)
            return rating.ComputeUnits / details.Cores * pool.Pool.Node.Cores;
        return pool.Pool.Node.Cores;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
