using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using k8s;
using Suanwang.Providers.Kubernetes;
using static Suanwang.Providers.Tests.Kubernetes.KubernetesFixtures;

namespace Suanwang.Providers.Tests.Kubernetes;

/// <summary>
/// Unsafe tasks and pool settings refused before any request reaches the (FAKE, recorded-answer) API server, and the
/// deterministic Kubernetes names derived from Suanwang's ids.
/// </summary>
public sealed class KubernetesRefusalAndNamingTests
{
    public static TheoryData<string, string, string, string, string, string> BadTasks => new()
    {
        // task id, tenant, command, image, environment name, environment value  -> refused
        { "j-1#0", "acme", "", "busybox:1.36", "A", "b" },                    // missing command
        { "j-1#0", "acme", "   ", "busybox:1.36", "A", "b" },                 // blank command
        { "j-1#0", "acme", "true\0rm -rf /", "busybox:1.36", "A", "b" },      // NUL in the command
        { "j-1#0", "acme", "true", "", "A", "b" },                            // no image: Kubernetes runs containers only
        { "j-1#0", "acme", "true", "busybox:1.36 --privileged", "A", "b" },   // a space in the image
        { "j-1#0", "acme", "true", "busybox\n:1.36", "A", "b" },              // a line break in the image
        { "j-1#0\n", "acme", "true", "busybox:1.36", "A", "b" },              // a control character in the task id
        { "j-1#0", "ac\rme", "true", "busybox:1.36", "A", "b" },              // ... in the tenant
        { "j-1#0", "acme", "true", "busybox:1.36", "A=B", "b" },              // '=' in an environment name
        { "j-1#0", "acme", "true", "busybox:1.36", "A\nB", "b" },             // a newline in an environment name
        { "j-1#0", "acme", "true", "busybox:1.36", "1A", "b" },               // a name starting with a digit
        { "j-1#0", "acme", "true", "busybox:1.36", "A", "b\nX=1" },           // a newline in a value
        { "j-1#0", "acme", "true", "busybox:1.36", "A", "b\0" },              // NUL in a value
        { "j-1#0", "acme", "true", "busybox:1.36", "SUANWANG_TASK_ID", "x" }, // set by the adapter
        { "j-1#0", "acme", "true", "busybox:1.36", "KUBERNETES_SERVICE_HOST", "evil" }, // set by Kubernetes
        { "j-1#0", "acme", "true", "busybox:1.36", "JOB_COMPLETION_INDEX", "0" },       // set for Indexed Jobs
    };

    [Theory]
    [MemberData(nameof(BadTasks))]
    public async Task An_unsafe_task_is_refused_before_any_request_reaches_the_fake_API_server(string taskId, string tenant, string command, string image, string name, string value)
    {
        using var server = new RecordedApiServer();
        using var adapter = Adapter(server.Address);
        var task = Task(taskId, command, image, new Dictionary<string, string> { [name] = value }, tenant: tenant);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => adapter.SubmitAsync(task, default));
        Assert.DoesNotContain('\n', error.Message); // control characters are shown escaped, never echoed
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_task_without_a_run_with_no_CPU_or_for_a_foreign_pool_or_site_is_refused_before_any_request()
    {
        using var server = new RecordedApiServer();
        using var adapter = Adapter(server.Address);
        await Assert.ThrowsAsync<ArgumentException>(() => adapter.SubmitAsync(Task() with { Run = null }, default));
        await Assert.ThrowsAsync<ArgumentException>(() => adapter.SubmitAsync(Task(cpu: 0), default));
        await Assert.ThrowsAsync<ArgumentException>(() => adapter.SubmitAsync(Task(tasks: 0), default));
        await Assert.ThrowsAsync<ArgumentException>(() => adapter.SubmitAsync(Task() with { PoolId = "other/pool" }, default));
        await Assert.ThrowsAsync<ArgumentException>(() => adapter.SubmitAsync(Task() with { SiteId = "k8s-west" }, default));
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("Suanwang_East", "suanwang.io/pool", "gpu")]    // a namespace is a lower-case DNS label
    [InlineData("suanwang-east", "suanwang.io/pool", "a,b=c")]  // a selector value that would add a term to the label selector
    [InlineData("suanwang-east", "bad key!", "gpu")]            // not a label key
    public void A_pool_that_is_not_a_namespace_and_node_labels_is_refused_when_the_adapter_is_made(string ns, string key, string value)
    {
        var pool = new KubernetesPool("p", "s", ns, new Dictionary<string, string> { [key] = value });
        Assert.Throws<ArgumentException>(() => new KubernetesAdapter(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1/" }, new KubernetesOptions { Pools = [pool] }));
    }

    [Theory]
    [InlineData("j-7f3a#0", "sw-j-7f3a-0-35b169c129")]    // printf 'j-7f3a#0' | sha256sum → 35b169c129…
    [InlineData("j-7f3a#0@2", "sw-j-7f3a-0-2-09c20c1030")] // a re-placed attempt gets its own Job
    [InlineData("##", "sw-76a71fbef8")]                    // nothing slug-worthy: prefix and hash only (printf "##" | sha256sum)
    public void Job_names_are_a_slug_of_the_task_id_and_10_hex_digits_of_its_SHA_256(string taskId, string name) =>
        Assert.Equal(name, KubernetesNames.JobName(taskId));

    [Fact]
    public void A_long_task_id_keeps_its_Job_name_within_52_characters_and_label_values_within_63()
    {
        var id = new string('J', 200) + "#7";
        var name = KubernetesNames.JobName(id);
        Assert.Equal(52, name.Length); // sw- + 38 + - + 10
        Assert.Equal("sw-" + new string('j', 38) + "-", name[..42]);
        Assert.True(KubernetesNames.LabelValue(id).Length <= 63);
        Assert.Equal("acme", KubernetesNames.LabelValue("acme")); // a valid label value is kept as it is
    }

    [Property(MaxTest = 300)]
    public Property Every_task_id_gets_a_DNS_label_Job_name_and_a_valid_label_value(NonNull<string> taskId) =>
        (KubernetesNames.IsDnsLabel(KubernetesNames.JobName(taskId.Get))
            && KubernetesNames.JobName(taskId.Get).Length <= KubernetesNames.MaxJobName
            && KubernetesNames.JobName(taskId.Get) == KubernetesNames.JobName(taskId.Get)
            && KubernetesNames.IsLabelValue(KubernetesNames.LabelValue(taskId.Get))).ToProperty();

    [Property(MaxTest = 300)]
    public Property Task_ids_that_slug_alike_still_get_different_Job_names(NonNull<string> taskId) =>
        (KubernetesNames.JobName(taskId.Get + "#") != KubernetesNames.JobName(taskId.Get + "@")).ToProperty();
}
