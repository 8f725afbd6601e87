using Suanwang.Providers.Adapters;
using Suanwang.Providers.Kubernetes;
using static Suanwang.Providers.Tests.Kubernetes.KubernetesFixtures;

namespace Suanwang.Providers.Tests.Kubernetes;

/// <summary>
/// Pool capacity and health against a FAKE API server with recorded node and quota answers (no real Kubernetes API
/// server can run on this machine), and against no server at all (connection refused).
/// </summary>
public sealed class KubernetesCapacityRecordedApiTests
{
    private const string GpuNodes = "/api/v1/nodes?labelSelector=nvidia.com%2Fgpu.present%3Dtrue%2Csuanwang.io%2Fpool%3Dgpu&watch=false";
    private const string CpuNodes = "/api/v1/nodes?labelSelector=suanwang.io%2Fpool%3Dcpu&watch=false";
    private const string WestNodes = "/api/v1/nodes?labelSelector=suanwang.io%2Fpool%3Dcpu-west&watch=false";
    private const string EastQuotas = "/api/v1/namespaces/suanwang-east/resourcequotas?watch=false";
    private const string WestQuotas = "/api/v1/namespaces/suanwang-west/resourcequotas?watch=false";

    /// <summary>
    /// East: GPU nodes gpu-a and gpu-b Ready (gpu-b runs the recorded pod), gpu-c unreachable; CPU nodes cpu-a Ready and
    /// cpu-b cordoned; the east quota has 48 CPUs, 384Gi, 4 GPUs and 47 pods left. West: its only node is NotReady.
    /// </summary>
    private static RecordedApiServer Cluster(bool quota = true) => new RecordedApiServer()
        .On("GET", "/version/", Answer.File("version.json"))
        .On("GET", GpuNodes, RecordedApiServer.List("NodeList", "v1", "node-gpu-a-ready.json", "node-gpu-b-ready.json", "node-gpu-c-unreachable.json"))
        .On("GET", CpuNodes, RecordedApiServer.List("NodeList", "v1", "node-cpu-a-ready.json", "node-cpu-b-cordoned.json"))
        .On("GET", WestNodes, RecordedApiServer.List("NodeList", "v1", "node-west-a-not-ready.json"))
        .On("GET", EastQuotas, quota ? RecordedApiServer.List("ResourceQuotaList", "v1", "resourcequota-east-compute.json") : RecordedApiServer.List("ResourceQuotaList", "v1"))
        .On("GET", WestQuotas, RecordedApiServer.List("ResourceQuotaList", "v1"))
        .On("GET", EastPods + Selector + "&watch=false", RecordedApiServer.List("PodList", "v1", "pod-running.json"))
        .On("GET", WestPods + Selector + "&watch=false", RecordedApiServer.List("PodList", "v1"));

    [Fact]
    public async Task Nodes_are_read_per_selector_with_readiness_cordons_allocatable_amounts_and_the_quota_room()
    {
        using var server = Cluster();
        using var adapter = Adapter(server.Address);
        var pools = await adapter.DescribeNodePoolsAsync(default);

        Assert.Equal([GpuNodes, CpuNodes, WestNodes, EastQuotas, EastPods + Selector + "&watch=false", WestQuotas, WestPods + Selector + "&watch=false"],
            server.Requests.Select(r => r.Url));
        var gpu = pools.Single(p => p.PoolId == "k8s-east/gpu");
        // 31850m CPUs; 257543212Ki = 263724249088 bytes; 8 GPUs; gpu-b runs the recorded pod (spec.nodeName gpu-b).
        Assert.Equal(
            [
                new KubernetesNodeReport("gpu-a", true, false, 31.85m, 263724249088, 8, false),
                new KubernetesNodeReport("gpu-b", true, false, 31.85m, 263724249088, 8, true),
                new KubernetesNodeReport("gpu-c", false, false, 31.85m, 263724249088, 8, false),
            ], gpu.Nodes);
        // Hard − used of the recorded quota: 64 − 16 CPUs, 512Gi − 128Gi, 8 − 4 GPUs, 50 − 3 pods.
        Assert.Equal(new KubernetesQuotaRoom(48m, 384m * (1L << 30), 4m, 47m), gpu.Quota);
        var cpu = pools.Single(p => p.PoolId == "k8s-east/cpu");
        Assert.Equal([("cpu-a", true), ("cpu-b", false)], cpu.Nodes.Select(n => (n.Name, n.Usable)));
        Assert.True(cpu.Nodes[1].Unschedulable && cpu.Nodes[1].Ready);
    }

    [Fact]
    public async Task The_quota_caps_free_nodes_by_whole_nodes_worth_and_unready_or_cordoned_nodes_are_never_free()
    {
        using var server = Cluster();
        using var adapter = Adapter(server.Address);
        var pools = await adapter.DescribePoolsAsync(default);
        // GPU pool: gpu-a is the only usable idle node, but 4 GPUs left < 8 per node gives ⌊4/8⌋ = 0 (CPU ⌊48/31.85⌋ = 1,
        // memory ⌊384Gi/251.5Gi⌋ = 1, pods 47). CPU pool: cpu-a free (CPU ⌊48/15.9⌋ = 3, no GPU limit applies to
        // GPU-less nodes). West: its only node is NotReady, so the pool is unhealthy with nothing free.
        Assert.Equal(
            [
                new PoolReport("k8s-east/cpu", "k8s-east", 2, 1, true),
                new PoolReport("k8s-east/gpu", "k8s-east", 3, 0, true),
                new PoolReport("k8s-west/cpu", "k8s-west", 1, 0, false),
            ], pools);

        using var unlimited = Cluster(quota: false);
        using var second = Adapter(unlimited.Address);
        Assert.Equal(1, (await second.DescribePoolsAsync(default)).Single(p => p.PoolId == "k8s-east/gpu").FreeNodes); // gpu-a, without the quota
    }

    [Fact]
    public async Task Health_is_reachable_with_the_site_whose_only_node_is_not_ready_down()
    {
        using var server = Cluster();
        using var adapter = Adapter(server.Address);
        var health = await adapter.HealthAsync(default);
        Assert.True(health.Reachable);
        Assert.Equal(["k8s-west"], health.DownSites);
        Assert.Equal("pool k8s-west/cpu has no Ready schedulable node among 1 matching 'suanwang.io/pool=cpu-west'", health.Message);
        Assert.Equal("GET /version/", server.Requests[0].ToString());
    }

    [Fact]
    public async Task A_site_whose_every_node_is_unready_or_cordoned_is_down_too()
    {
        using var server = Cluster()
            .On("GET", GpuNodes, RecordedApiServer.List("NodeList", "v1", "node-gpu-c-unreachable.json"))
            .On("GET", CpuNodes, RecordedApiServer.List("NodeList", "v1", "node-cpu-b-cordoned.json"));
        using var adapter = Adapter(server.Address);
        Assert.Equal(["k8s-east", "k8s-west"], (await adapter.HealthAsync(default)).DownSites);
    }

    [Fact]
    public async Task With_the_API_server_refusing_connections_health_is_unreachable_with_no_site_down_and_other_calls_throw()
    {
        var nowhere = new Uri($"http://127.0.0.1:{RecordedApiServer.FreePort()}/"); // nothing listens: connection refused
        using var adapter = Adapter(nowhere);
        var health = await adapter.HealthAsync(default);
        Assert.Equal((false, 0), (health.Reachable, health.DownSites.Count));
        Assert.Contains("did not answer (read the version)", health.Message, StringComparison.Ordinal);

        foreach (var call in new Func<Task>[]
        {
            () => adapter.StatusAsync([TaskId], default),
            () => adapter.SubmitAsync(Task(), default),
            () => adapter.DescribePoolsAsync(default),
            () => adapter.CancelAsync(TaskId, default),
            () => adapter.LogsAsync(TaskId, 0, 100, default),
        })
        {
            var error = await Assert.ThrowsAsync<KubernetesException>(call);
            Assert.True(error.Unreachable, error.Message);
        }
    }

    [Fact]
    public async Task Health_says_so_when_the_server_answers_but_nodes_may_not_be_listed()
    {
        using var server = Cluster().On("GET", GpuNodes, Answer.File("status-403-nodes-forbidden.json", 403));
        using var adapter = Adapter(server.Address);
        var health = await adapter.HealthAsync(default);
        Assert.Equal((true, 0), (health.Reachable, health.DownSites.Count));
        Assert.StartsWith("Kubernetes v1.33.4 answers but its pools cannot be described: Kubernetes refused to list nodes labelled nvidia.com/gpu.present=true,suanwang.io/pool=gpu (HTTP 403 Forbidden)",
            health.Message, StringComparison.Ordinal);
    }
}
