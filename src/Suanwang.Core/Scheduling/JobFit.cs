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
    public static string? AcceleratorMismatch(PoolFacts pool, AcceleratorDemand wanted, DeviceCatalog catalog)
    {
        if (pool.AcceleratorModel is null)
            return "the pool has no accelerators";
        if (wanted.Model is { } model)
        {
            var canonical = catalog.TryFind(model, out var device) ? device.Model : model;
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
        {
            var reference = ReferenceAcceleratorUnits(wanted, catalog);
            return reference > 0 && pool.AcceleratorComputeUnits > 0 ? pool.AcceleratorComputeUnits / reference : 1;
        }
        if (pool.CoreComputeUnits is not { } core || !catalog.TryFind(ReferenceCpu, out var cpu) || cpu.Cpu is not { } details)
            return 1;
        var rating = ComputeUnits.Rate(cpu, WorkloadClasses.For(pool.Pool.Kind)).Value;
        return rating is null ? 1 : core / (rating.ComputeUnits / details.Cores);
    }

    private static double ReferenceAcceleratorUnits(AcceleratorDemand wanted, DeviceCatalog catalog)
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
