namespace Suanwang.Providers.Slurm;

/// <summary>One Slurm node as the adapter senses it.</summary>
/// <param name="Name">Slurm's node name.</param>
/// <param name="State">Slurm's base state (idle, mixed, allocated, down, ...) and flags (DRAIN, NOT_RESPONDING, ...), e.g. <c>idle</c> or <c>idle+DRAIN</c>.</param>
/// <param name="Usable">False when the node is down, drained or draining, not responding, or in an unknown state.</param>
/// <param name="Cpus">CPUs configured.</param>
/// <param name="AllocatedCpus">CPUs running jobs now.</param>
/// <param name="MemoryMiB">Memory configured (<c>RealMemory</c>, MiB).</param>
/// <param name="AllocatedMemoryMiB">Memory allocated to jobs now (MiB).</param>
public sealed record SlurmNodeReport(string Name, string State, bool Usable, int Cpus, int AllocatedCpus, long MemoryMiB, long AllocatedMemoryMiB);

/// <summary>A pool's partition and its nodes.</summary>
/// <param name="PoolId">The control plane's pool.</param>
/// <param name="SiteId">Its site.</param>
/// <param name="Partition">The Slurm partition.</param>
/// <param name="State">The partition's state (UP, DOWN, DRAIN, INACTIVE), or <c>MISSING</c> when Slurm has no such partition.</param>
/// <param name="Nodes">Its nodes, by name.</param>
public sealed record SlurmPartitionReport(string PoolId, string SiteId, string Partition, string State, IReadOnlyList<SlurmNodeReport> Nodes)
{
    /// <summary>CPUs on the partition's nodes.</summary>
    public int Cpus => Nodes.Sum(n => n.Cpus);

    /// <summary>Memory on the partition's nodes (MiB).</summary>
    public long MemoryMiB => Nodes.Sum(n => n.MemoryMiB);

    /// <summary>True when the partition is up and at least one of its nodes is usable.</summary>
    public bool Healthy => State == "UP" && Nodes.Any(n => n.Usable);

    /// <summary>Usable nodes with nothing allocated (Slurm's <c>idle</c>).</summary>
    public int FreeNodes => Nodes.Count(n => n.Usable && n.AllocatedCpus == 0 && n.State == "idle");
}

/// <summary>Reads nodes and partitions from slurmrestd's answers.</summary>
internal static class SlurmCapacity
{
    private static readonly string[] UnusableStates = ["down", "future", "unknown", "error"];

    private static readonly string[] UnusableFlags = ["DRAIN", "DRAINED", "DRAINING", "NOT_RESPONDING", "FAIL", "MAINTENANCE", "REBOOT_ISSUED", "POWERED_DOWN", "POWERING_DOWN"];

    public static SlurmPartitionReport Describe(SlurmPool pool, IReadOnlyList<SlurmPartition> partitions, IReadOnlyList<SlurmNode> nodes)
    {
        var partition = partitions.FirstOrDefault(p => p.Name == pool.Partition);
        if (partition is null)
            return new SlurmPartitionReport(pool.PoolId, pool.SiteId, pool.Partition, "MISSING", []);
        IReadOnlyList<SlurmNodeReport> members = [.. nodes
            .Where(n => n.Partitions?.Contains(pool.Partition, StringComparer.Ordinal) == true)
            .OrderBy(n => n.Name, StringComparer.Ordinal)
            .Select(Node)];
        return new SlurmPartitionReport(pool.PoolId, pool.SiteId, pool.Partition, (partition.State ?? "UNKNOWN").ToUpperInvariant(), members);
    }

    private static SlurmNodeReport Node(SlurmNode node)
    {
        var state = (node.State ?? "unknown").ToLowerInvariant();
        var flags = node.StateFlags ?? [];
        var usable = !UnusableStates.Contains(state) && !flags.Any(f => UnusableFlags.Contains(f.ToUpperInvariant()));
        return new SlurmNodeReport(node.Name, string.Join('+', flags.Prepend(state)), usable,
            node.Cpus ?? 0, node.AllocCpus ?? 0, node.RealMemory ?? 0, node.AllocMemory ?? 0);
    }
}
