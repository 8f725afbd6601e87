using k8s.Models;

namespace Suanwang.Providers.Kubernetes;

/// <summary>One node of a pool as the adapter senses it.</summary>
/// <param name="Name">The node's name.</param>
/// <param name="Ready">Its <c>Ready</c> condition is <c>True</c>.</param>
/// <param name="Unschedulable">It is cordoned (<c>spec.unschedulable</c>).</param>
/// <param name="Cpu">Allocatable CPUs (may be fractional: <c>3500m</c> is 3.5).</param>
/// <param name="MemoryBytes">Allocatable memory.</param>
/// <param name="Accelerators">Allocatable accelerators (the adapter's accelerator resource).</param>
/// <param name="Busy">A pod of the adapter's that has not ended is bound to it.</param>
public sealed record KubernetesNodeReport(string Name, bool Ready, bool Unschedulable, decimal Cpu, long MemoryBytes, long Accelerators, bool Busy)
{
    /// <summary>Ready and not cordoned: the scheduler may place pods on it.</summary>
    public bool Usable => Ready && !Unschedulable;
}

/// <summary>What the namespace's resource quotas still allow (the least room over every quota that limits a resource); null is unlimited.</summary>
/// <param name="Cpu">CPU requests left.</param>
/// <param name="MemoryBytes">Memory requests left.</param>
/// <param name="Accelerators">Accelerator requests left.</param>
/// <param name="Pods">Pods left.</param>
public sealed record KubernetesQuotaRoom(decimal? Cpu, decimal? MemoryBytes, decimal? Accelerators, decimal? Pods)
{
    /// <summary>No quota limits anything.</summary>
    public static KubernetesQuotaRoom Unlimited { get; } = new(null, null, null, null);
}

/// <summary>A pool's nodes and its namespace's quota room.</summary>
/// <param name="PoolId">The control plane's pool.</param>
/// <param name="SiteId">Its site.</param>
/// <param name="Namespace">The namespace its Jobs run in.</param>
/// <param name="Selector">Its node selector as a label selector (<c>k=v,k2=v2</c>, sorted), empty for every node.</param>
/// <param name="Nodes">Its nodes, by name.</param>
/// <param name="Quota">What the namespace's quotas still allow.</param>
public sealed record KubernetesPoolReport(string PoolId, string SiteId, string Namespace, string Selector, IReadOnlyList<KubernetesNodeReport> Nodes, KubernetesQuotaRoom Quota)
{
    /// <summary>True when at least one node is usable.</summary>
    public bool Healthy => Nodes.Any(n => n.Usable);

    /// <summary>
    /// Usable nodes that run none of the adapter's pods, capped by the quota: for each limited resource, the room left
    /// divided by the largest allocatable amount of a usable node (a whole node's worth), rounded down; pods left count as nodes.
    /// </summary>
    public int FreeNodes
    {
        get
        {
            var usable = Nodes.Where(n => n.Usable).ToList();
            var free = (decimal)usable.Count(n => !n.Busy);
            if (usable.Count == 0)
                return 0;
            free = Cap(free, Quota.Cpu, usable.Max(n => n.Cpu));
            free = Cap(free, Quota.MemoryBytes, usable.Max(n => n.MemoryBytes));
            free = Cap(free, Quota.Accelerators, usable.Max(n => n.Accelerators));
            free = Cap(free, Quota.Pods, 1);
            return (int)free;
        }
    }

    private static decimal Cap(decimal free, decimal? room, decimal perNode) =>
        room is { } left && perNode > 0 ? Math.Min(free, Math.Max(0, Math.Floor(left / perNode))) : free;
}

/// <summary>Reads nodes and resource quotas from the API server's answers.</summary>
internal static class KubernetesCapacity
{
    /// <summary>The node selector as a label selector: <c>key=value</c> pairs sorted by key, comma-separated.</summary>
    public static string Selector(KubernetesPool pool) =>
        string.Join(',', pool.NodeSelector.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    public static KubernetesPoolReport Describe(KubernetesPool pool, IEnumerable<V1Node> nodes, IEnumerable<V1ResourceQuota> quotas,
        IReadOnlySet<string> busyNodes, string acceleratorResource)
    {
        IReadOnlyList<KubernetesNodeReport> members = [.. nodes
            .OrderBy(n => n.Metadata.Name, StringComparer.Ordinal)
            .Select(n => Node(n, busyNodes, acceleratorResource))];
        return new KubernetesPoolReport(pool.PoolId, pool.SiteId, pool.Namespace, Selector(pool), members, Room(quotas, acceleratorResource));
    }

    /// <summary>The least room (hard − used, never below 0) over every quota, per resource; a resource no quota limits is null.</summary>
    public static KubernetesQuotaRoom Room(IEnumerable<V1ResourceQuota> quotas, string acceleratorResource)
    {
        var room = KubernetesQuotaRoom.Unlimited;
        foreach (var quota in quotas)
        {
            var hard = quota.Status?.Hard ?? quota.Spec?.Hard;
            if (hard is null)
                continue;
            var used = quota.Status?.Used;
            room = new KubernetesQuotaRoom(
                Least(room.Cpu, Left(hard, used, "requests.cpu", "cpu", "limits.cpu")),
                Least(room.MemoryBytes, Left(hard, used, "requests.memory", "memory", "limits.memory")),
                Least(room.Accelerators, Left(hard, used, "requests." + acceleratorResource)),
                Least(room.Pods, Left(hard, used, "pods", "count/pods")));
        }
        return room;
    }

    private static KubernetesNodeReport Node(V1Node node, IReadOnlySet<string> busyNodes, string acceleratorResource)
    {
        var allocatable = node.Status?.Allocatable;
        var ready = node.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
        return new KubernetesNodeReport(node.Metadata.Name, ready, node.Spec?.Unschedulable == true,
            Amount(allocatable, "cpu") ?? 0, (long)(Amount(allocatable, "memory") ?? 0), (long)(Amount(allocatable, acceleratorResource) ?? 0),
            busyNodes.Contains(node.Metadata.Name));
    }

    /// <summary>The least room among the given resource names that the quota limits (CPU may be limited as requests.cpu, cpu or limits.cpu).</summary>
    private static decimal? Left(IDictionary<string, ResourceQuantity> hard, IDictionary<string, ResourceQuantity>? used, params string[] names)
    {
        decimal? least = null;
        foreach (var name in names)
        {
            if (Amount(hard, name) is { } limit)
                least = Least(least, Math.Max(0, limit - (Amount(used, name) ?? 0)));
        }
        return least;
    }

    private static decimal? Least(decimal? a, decimal? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);

    private static decimal? Amount(IDictionary<string, ResourceQuantity>? amounts, string name) =>
        amounts is not null && amounts.TryGetValue(name, out var quantity) && quantity is not null ? quantity.ToDecimal() : null;
}
