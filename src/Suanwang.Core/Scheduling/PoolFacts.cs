using Suanwang.Core.Measurement;
using Suanwang.Core.Model;
using Suanwang.Core.Network;

namespace Suanwang.Core.Scheduling;

/// <summary>
/// What the scheduler needs to know about a pool that does not change between cycles: its site and
/// network attachment, the speed of its nodes in CU, its accelerators' canonical model and grade,
/// and the electrical power of a busy node.
/// </summary>
/// <param name="Pool">The pool.</param>
/// <param name="Site">Its site.</param>
/// <param name="PointOfPresence">Index of the site's point of presence in the network graph (−1 when unattached).</param>
/// <param name="NodeComputeUnits">CU of one node for the pool's workload class (accelerators plus declared CPU share); 0 when unknown.</param>
/// <param name="AcceleratorModel">Canonical catalogue model of the accelerators, or null.</param>
/// <param name="AcceleratorComputeUnits">AI CU of one accelerator (FP16-based), or 0.</param>
/// <param name="AcceleratorGrade">AI grade of the accelerators, or null.</param>
/// <param name="CoreComputeUnits">CU of one CPU core for the pool's workload class, or null when the CPU model is not declared.</param>
/// <param name="NodePowerKw">Electrical power of one busy node in kW, before PUE.</param>
/// <param name="Capacity">Total cores, memory and accelerators of the pool.</param>
public sealed record PoolFacts(
    Pool Pool,
    Site Site,
    int PointOfPresence,
    double NodeComputeUnits,
    string? AcceleratorModel,
    double AcceleratorComputeUnits,
    ComputeGrade? AcceleratorGrade,
    double? CoreComputeUnits,
    double NodePowerKw,
    ResourceVector Capacity)
{
    /// <summary>Power of a node's CPUs, memory, disks and fans when the CPU model is not catalogued, in kW.</summary>
    public const double DefaultHostPowerKw = 0.35;

    /// <summary>Power of an accelerator whose TDP is not catalogued, in kW.</summary>
    public const double DefaultAcceleratorPowerKw = 0.4;

    /// <summary>Derives the facts of one pool; models missing from the catalogue count as unknown (0 CU, default power).</summary>
    public static PoolFacts Create(Pool pool, Site site, DeviceCatalog catalog, NetworkGraph network)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(network);
        var workload = WorkloadClasses.For(pool.Kind);
        var nodeRating = ComputeUnits.ForNode(pool.Node, catalog, workload).Value;

        string? model = null;
        double acceleratorUnits = 0;
        ComputeGrade? grade = null;
        var acceleratorPower = 0.0;
        if (pool.Node.Accelerators is { Count: > 0 } accelerators && catalog.TryFind(accelerators.Model, out var device))
        {
            model = device.Model;
            if (ComputeUnits.Rate(device, WorkloadClass.Ai).Value is { } rating)
            {
                acceleratorUnits = rating.ComputeUnits;
                grade = rating.Grade;
            }
            acceleratorPower = accelerators.Count * (device.TdpWatts is { } watts ? watts / 1000.0 : DefaultAcceleratorPowerKw);
        }
        else if (pool.Node.Accelerators is { Count: > 0 } unknown)
        {
            model = unknown.Model;
            acceleratorPower = unknown.Count * DefaultAcceleratorPowerKw;
        }

        double? coreUnits = null;
        var hostPower = DefaultHostPowerKw;
        if (pool.Node.CpuModel is { } cpuModel && catalog.TryFind(cpuModel, out var cpu) && cpu.Cpu is { } details)
        {
            if (ComputeUnits.Rate(cpu, workload).Value is { } socket)
                coreUnits = socket.ComputeUnits / details.Cores;
            if (cpu.TdpWatts is { } tdp)
                hostPower = tdp / 1000.0 * ((double)pool.Node.Cores / details.Cores) + 0.1;
        }

        var capacity = new ResourceVector(
            (double)pool.Node.Cores * pool.NodeCount,
            (double)pool.Node.Memory.Bytes * pool.NodeCount,
            (double)(pool.Node.Accelerators?.Count ?? 0) * pool.NodeCount);
        var pointOfPresence = site.AttachedTo is { } at ? network.IndexOf(at) : -1;
        return new PoolFacts(pool, site, pointOfPresence, nodeRating?.ComputeUnits ?? 0, model, acceleratorUnits, grade,
            coreUnits, hostPower + acceleratorPower, capacity);
    }
}
