using System.Collections.Immutable;
using k8s;
using Suanwang.Core.Model;
using Suanwang.Providers.Adapters;
using Suanwang.Providers.Kubernetes;

namespace Suanwang.Providers.Tests.Kubernetes;

/// <summary>A clock the test sets.</summary>
internal sealed class SettableClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>
/// The pools, tasks and paths the Kubernetes tests share. The recorded answers under Recorded/ were written for
/// task <c>j-7f3a#0</c> of tenant <c>acme</c> in namespace <c>suanwang-east</c>, whose Job name is
/// <see cref="JobName"/> (checked by hand: <c>printf 'j-7f3a#0' | sha256sum</c> starts 35b169c129).
/// </summary>
internal static class KubernetesFixtures
{
    public const string TaskId = "j-7f3a#0";
    public const string JobName = "sw-j-7f3a-0-35b169c129";
    public const string East = "suanwang-east";
    public const string West = "suanwang-west";
    public const string EastJobs = "/apis/batch/v1/namespaces/suanwang-east/jobs";
    public const string WestJobs = "/apis/batch/v1/namespaces/suanwang-west/jobs";
    public const string Selector = "?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dsuanwang";
    public const string EastPods = "/api/v1/namespaces/suanwang-east/pods";
    public const string WestPods = "/api/v1/namespaces/suanwang-west/pods";

    /// <summary>08:00 UTC on 1 March 2026, the recorded answers' morning.</summary>
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    public static readonly KubernetesPool Gpu = new("k8s-east/gpu", "k8s-east", East,
        new Dictionary<string, string> { ["suanwang.io/pool"] = "gpu", ["nvidia.com/gpu.present"] = "true" }, PriorityClassName: "batch-high");

    public static readonly KubernetesPool Cpu = new("k8s-east/cpu", "k8s-east", East, new Dictionary<string, string> { ["suanwang.io/pool"] = "cpu" });

    public static readonly KubernetesPool WestCpu = new("k8s-west/cpu", "k8s-west", West,
        new Dictionary<string, string> { ["suanwang.io/pool"] = "cpu-west" }, ServiceAccountName: "suanwang-task");

    public static KubernetesAdapter Adapter(Uri server, TimeProvider? clock = null, KubernetesOptions? options = null) =>
        new(new KubernetesClientConfiguration { Host = server.ToString(), AccessToken = "recorded-token" },
            options ?? new KubernetesOptions { Pools = [Gpu, Cpu, WestCpu], RequestTimeout = TimeSpan.FromSeconds(10) },
            clock ?? new SettableClock(Now));

    public static TaskRequest Task(string id = TaskId, string command = "python train.py --epochs 3", string image = "registry.example.com/acme/train:1.4",
        IReadOnlyDictionary<string, string>? environment = null, int tasks = 1, KubernetesPool? pool = null, DateTimeOffset? notBefore = null,
        int cpu = 4, int gpus = 1, string tenant = "acme") =>
        new(id, id.Split('#')[0], tenant, (pool ?? Gpu).PoolId, (pool ?? Gpu).SiteId, tasks, tasks, 1,
            new TaskResources(cpu, ByteSize.FromGibibytes(16), gpus == 0 ? null : new AcceleratorDemand(gpus, ComputeGrade.A, null, null)),
            new RunSpec(command, (environment ?? new Dictionary<string, string>()).ToImmutableSortedDictionary(StringComparer.Ordinal), image),
            notBefore ?? Now.AddMinutes(-1), TimeSpan.FromMinutes(10));
}
