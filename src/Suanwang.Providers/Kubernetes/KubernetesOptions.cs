namespace Suanwang.Providers.Kubernetes;

/// <summary>One control-plane pool served by a set of nodes of a Kubernetes cluster.</summary>
/// <param name="PoolId">The control plane's pool id.</param>
/// <param name="SiteId">The pool's site.</param>
/// <param name="Namespace">The namespace its Jobs are created in (several pools may share one).</param>
/// <param name="NodeSelector">The node labels that make a node part of the pool (the pod's <c>nodeSelector</c>); empty for every node.</param>
/// <param name="PriorityClassName">The pods' <c>priorityClassName</c>, or null for the cluster's default.</param>
/// <param name="ServiceAccountName">The pods' service account, or null to run without one's token mounted.</param>
public sealed record KubernetesPool(
    string PoolId,
    string SiteId,
    string Namespace,
    IReadOnlyDictionary<string, string> NodeSelector,
    string? PriorityClassName = null,
    string? ServiceAccountName = null);

/// <summary>What a <see cref="KubernetesAdapter"/> runs and how (where the API server is comes from a <c>KubernetesClientConfiguration</c>).</summary>
public sealed record KubernetesOptions
{
    /// <summary>The pools this adapter runs, each a namespace plus a node selector.</summary>
    public required IReadOnlyList<KubernetesPool> Pools { get; init; }

    /// <summary>The adapter's name in logs and metrics (default <c>kubernetes</c>).</summary>
    public string Name { get; init; } = "kubernetes";

    /// <summary>How long one request to the API server may take before the adapter reports it unreachable.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The extended resource a task's accelerators are requested as (default <c>nvidia.com/gpu</c>).</summary>
    public string AcceleratorResource { get; init; } = "nvidia.com/gpu";

    /// <summary>
    /// When set, the Job's <c>ttlSecondsAfterFinished</c>: Kubernetes deletes a finished Job (and its pods and logs) this
    /// long after it ends. Null (the default) leaves finished Jobs for the cluster's own clean-up.
    /// </summary>
    public TimeSpan? FinishedJobTtl { get; init; }
}
