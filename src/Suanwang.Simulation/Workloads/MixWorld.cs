using System.Collections.Immutable;
using Suanwang.Core.Measurement;
using Suanwang.Core.Model;
using Suanwang.Core.Topologies;

namespace Suanwang.Simulation.Workloads;

/// <summary>
/// A kind of accelerator a generated job may ask for, with the node it comes in: one per accelerator
/// pool of the topology (so common hardware is drawn more often), or one per accelerator of the
/// catalogue on an assumed node of 8 devices, 12 cores and 128 GiB per device.
/// </summary>
/// <param name="Model">Canonical catalogue model.</param>
/// <param name="Grade">AI grade of one device.</param>
/// <param name="ComputeUnits">AI CU of one device (0 when the catalogue cannot rate it).</param>
/// <param name="PerNode">Devices per node.</param>
/// <param name="NodeCores">Cores per node.</param>
/// <param name="NodeMemory">Memory per node.</param>
internal sealed record AcceleratorOption(string Model, ComputeGrade Grade, double ComputeUnits, int PerNode, int NodeCores, ByteSize NodeMemory);

/// <summary>
/// What the generator knows about the scenario before drawing jobs: the accelerators on offer,
/// node shapes (to prefer tasks some pool can hold), datasets by size and the users' points of presence.
/// </summary>
internal sealed class MixWorld
{
    /// <summary>Reference speed of one CPU core in CU when the catalogue lacks the reference CPU.</summary>
    private const double FallbackCoreComputeUnits = 0.05;

    private readonly ImmutableArray<NodeShape> _nodes;
    private readonly DeviceCatalog _catalog;

    public MixWorld(Topology topology, ImmutableArray<Dataset> datasets, DeviceCatalog catalog, ImmutableSortedDictionary<string, double> users)
    {
        _catalog = catalog;
        _nodes = [.. topology.Pools.Select(p => p.Node)];
        var topologyOptions = ImmutableArray.CreateBuilder<AcceleratorOption>();
        foreach (var pool in topology.Pools)
        {
            if (pool.Node.Accelerators is { Count: > 0 } set && catalog.TryFind(set.Model, out var device))
                topologyOptions.Add(Option(device, set.Count, pool.Node.Cores, pool.Node.Memory));
        }
        TopologyAccelerators = topologyOptions.ToImmutable();
        CatalogueAccelerators = [.. catalog.Devices.Where(d => d.IsAccelerator).Select(d => Option(d, 8, 8 * 12, ByteSize.FromGibibytes(8 * 128)))];
        // Largest first, ties by id, so "prefer the largest" is a fixed order.
        DatasetsBySize = [.. (datasets.IsDefault ? [] : datasets).OrderByDescending(d => d.Size.Bytes).ThenBy(d => d.Id, StringComparer.Ordinal)];
        Points = [.. topology.Network.Nodes.Select(n => n.Id)];
        UserShares = [.. users.OrderBy(u => u.Key, StringComparer.Ordinal).Select(u => (Resolve(topology, u.Key), u.Value))];
        CoreComputeUnits = catalog.TryFind("Xeon-Platinum-8480+", out var cpu) && cpu.Cpu is { Cores: > 0 } details
            && ComputeUnits.Rate(cpu, WorkloadClass.General).Value is { } rating
            ? rating.ComputeUnits / details.Cores
            : FallbackCoreComputeUnits;
    }

    /// <summary>One option per accelerator pool of the topology whose model the catalogue knows, in topology order.</summary>
    public ImmutableArray<AcceleratorOption> TopologyAccelerators { get; }

    /// <summary>One option per accelerator of the catalogue, on an assumed 8-device node.</summary>
    public ImmutableArray<AcceleratorOption> CatalogueAccelerators { get; }

    /// <summary>The scenario's datasets, largest first (ties by id).</summary>
    public ImmutableArray<Dataset> DatasetsBySize { get; }

    /// <summary>Point-of-presence ids of the topology, in topology order.</summary>
    public ImmutableArray<string> Points { get; }

    /// <summary>The workload's users: point-of-presence id and share, in ordinal order of the city names.</summary>
    public ImmutableArray<(string Point, double Share)> UserShares { get; }

    /// <summary>General-class CU of one core of the reference CPU (Xeon-Platinum-8480+), used to price CPU work for budgets.</summary>
    public double CoreComputeUnits { get; }

    /// <summary>True when some pool's node can hold one task of this shape (cores, memory, and accelerators of the kind and number asked).</summary>
    public bool FitsSomewhere(TaskResources task)
    {
        foreach (var node in _nodes)
        {
            if (node.Cores < task.Cpu || node.Memory < task.Memory)
                continue;
            if (task.Accelerators is not { } wanted)
                return true;
            if (node.Accelerators is { } have && have.Count >= wanted.Count && _catalog.TryFind(have.Model, out var device) && Matches(device, wanted))
                return true;
        }
        return false;
    }

    private bool Matches(DeviceSpec device, AcceleratorDemand wanted)
    {
        if (wanted.Model is { } model)
            return _catalog.TryFind(model, out var asked) && asked.Model == device.Model;
        var rating = ComputeUnits.Rate(device, WorkloadClass.Ai).Value;
        if (wanted.Grade is { } grade)
            return rating is not null && rating.Grade <= grade;
        return wanted.ComputeUnits is not { } cu || (rating is not null && rating.ComputeUnits >= cu);
    }

    private static AcceleratorOption Option(DeviceSpec device, int perNode, int cores, ByteSize memory)
    {
        var rating = ComputeUnits.Rate(device, WorkloadClass.Ai).Value;
        return new AcceleratorOption(device.Model, rating?.Grade ?? ComputeGrade.D, rating?.ComputeUnits ?? 0, perNode, cores, memory);
    }

    /// <summary>
    /// The point of presence a user city names (its id or its name, case-insensitive). In a flat
    /// scenario (one point, no links) every user is on that point, whatever city was written.
    /// </summary>
    private static string Resolve(Topology topology, string city)
    {
        if (topology.FindPointOfPresence(city) is { } exact)
            return exact.Id;
        foreach (var point in topology.Network.Nodes)
        {
            if (string.Equals(point.Id, city, StringComparison.OrdinalIgnoreCase) || string.Equals(point.Name, city, StringComparison.OrdinalIgnoreCase))
                return point.Id;
        }
        if (topology.Network.Nodes.Length == 1 && topology.Network.Links.IsEmpty)
            return topology.Network.Nodes[0].Id;
        throw new ArgumentException($"unknown user location '{city}': not a point of presence of topology '{topology.Name}'", nameof(city));
    }
}
