using System.Net;
using System.Text.Json.Nodes;
using Suanwang.Providers.Adapters;
using Suanwang.Providers.Kubernetes;
using static Suanwang.Providers.Tests.Kubernetes.KubernetesFixtures;

namespace Suanwang.Providers.Tests.Kubernetes;

/// <summary>
/// Submission against a FAKE API server with recorded answers (no real Kubernetes API server can run on this machine):
/// the exact requests and Job bodies the adapter sends, and adopting an existing Job on 409 AlreadyExists.
/// </summary>
public sealed class KubernetesSubmitRecordedApiTests
{
    [Fact]
    public async Task Submit_posts_this_exact_Job_to_the_fake_API_server_and_returns_its_name_queued()
    {
        using var server = new RecordedApiServer().On("POST", EastJobs, Answer.File("job-created.json", 201));
        using var adapter = Adapter(server.Address);
        var handle = await adapter.SubmitAsync(Task(environment: new Dictionary<string, string> { ["B"] = "it's \"ok\"", ["A"] = "1" }), default);

        Assert.Equal((JobName, TaskPhase.Queued), (handle.ExternalId, handle.Phase));
        var request = Assert.Single(server.Requests);
        Assert.Equal(("POST", EastJobs, "Bearer recorded-token"), (request.Method, request.Url, request.Authorization));
        // Expected by hand: one pod (no completionMode), no retries, the 10-minute run time as the deadline, requests =
        // limits with 16 GiB as 16Gi and the GPU as nvidia.com/gpu, the pool's selector and priority class, no service
        // account token, the task's variables sorted then the three SUANWANG_ ones; the pool id has a '/' so its label
        // is its slug plus 10 hex digits of SHA-256 ('k8s-east/gpu' → 5663513c3e).
        var expected = JsonNode.Parse("""
            {"apiVersion":"batch/v1","kind":"Job",
             "metadata":{"name":"sw-j-7f3a-0-35b169c129","namespace":"suanwang-east",
               "annotations":{"suanwang.io/job-id":"j-7f3a","suanwang.io/pool":"k8s-east/gpu","suanwang.io/task-id":"j-7f3a#0","suanwang.io/tenant":"acme"},
               "labels":{"app.kubernetes.io/managed-by":"suanwang","suanwang.io/job":"j-7f3a","suanwang.io/pool":"k8s-east-gpu-5663513c3e","suanwang.io/task":"sw-j-7f3a-0-35b169c129","suanwang.io/tenant":"acme"}},
             "spec":{"activeDeadlineSeconds":600,"backoffLimit":0,"completions":1,"parallelism":1,
               "template":{
                 "metadata":{"labels":{"app.kubernetes.io/managed-by":"suanwang","suanwang.io/job":"j-7f3a","suanwang.io/pool":"k8s-east-gpu-5663513c3e","suanwang.io/task":"sw-j-7f3a-0-35b169c129","suanwang.io/tenant":"acme"}},
                 "spec":{"automountServiceAccountToken":false,"restartPolicy":"Never","priorityClassName":"batch-high",
                   "nodeSelector":{"nvidia.com/gpu.present":"true","suanwang.io/pool":"gpu"},
                   "containers":[{"name":"task","image":"registry.example.com/acme/train:1.4",
                     "command":["/bin/sh","-c","python train.py --epochs 3"],
                     "env":[{"name":"A","value":"1"},{"name":"B","value":"it's \"ok\""},
                            {"name":"SUANWANG_TASK_ID","value":"j-7f3a#0"},{"name":"SUANWANG_JOB_ID","value":"j-7f3a"},{"name":"SUANWANG_TENANT","value":"acme"}],
                     "resources":{"limits":{"cpu":"4","memory":"16Gi","nvidia.com/gpu":"1"},"requests":{"cpu":"4","memory":"16Gi","nvidia.com/gpu":"1"}}}]}}}}
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(request.Body)), request.Body);
    }

    [Fact]
    public async Task With_args_the_command_is_the_executable_and_no_shell_reads_them_and_a_workdir_is_refused()
    {
        using var server = new RecordedApiServer().On("POST", EastJobs, Answer.File("job-created.json", 201));
        using var adapter = Adapter(server.Address);
        var task = Task();
        await adapter.SubmitAsync(task with { Run = task.Run! with { Command = "python", Args = ["train.py", "--name", "it's $HOME"] } }, default);
        var command = JsonNode.Parse(Assert.Single(server.Requests).Body)!["spec"]!["template"]!["spec"]!["containers"]![0]!["command"]!;
        Assert.Equal(["python", "train.py", "--name", "it's $HOME"], command.AsArray().Select(c => c!.GetValue<string>()));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => adapter.SubmitAsync(task with { TaskId = "j-7f3a#1", Run = task.Run! with { Workdir = "src" } }, default));
        Assert.Contains("run.workdir", error.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests); // nothing more was sent
    }

    [Fact]
    public async Task An_array_task_with_a_future_start_becomes_a_suspended_Indexed_Job_with_the_pools_service_account()
    {
        using var server = new RecordedApiServer().On("POST", WestJobs, Answer.File("job-suspended.json", 201));
        using var adapter = Adapter(server.Address);
        var handle = await adapter.SubmitAsync(Task(tasks: 3, pool: WestCpu, gpus: 0, notBefore: Now.AddMinutes(30)), default);

        Assert.Equal(TaskPhase.Queued, handle.Phase);
        var body = JsonNode.Parse(Assert.Single(server.Requests).Body)!;
        var spec = body["spec"]!;
        // Three tasks: three completions, all at once, each pod told its index; it must not start before 08:30.
        Assert.Equal((3, 3, "Indexed", true), ((int)spec["completions"]!, (int)spec["parallelism"]!, (string)spec["completionMode"]!, (bool)spec["suspend"]!));
        Assert.Equal("2026-03-01T08:30:00Z", (string)body["metadata"]!["annotations"]!["suanwang.io/not-before"]!);
        var pod = spec["template"]!["spec"]!;
        Assert.Equal("suanwang-task", (string)pod["serviceAccountName"]!);
        Assert.Null(pod["automountServiceAccountToken"]); // the pool named an account: its token is the point
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"cpu":"4","memory":"16Gi"}"""), pod["containers"]![0]!["resources"]!["limits"]));
    }

    [Fact]
    public async Task Resubmitting_after_409_AlreadyExists_adopts_the_existing_Job_and_creates_nothing_new()
    {
        using var server = new RecordedApiServer()
            .On("POST", EastJobs, Answer.File("status-409-job-already-exists.json", 409))
            .On("GET", $"{EastJobs}/{JobName}", Answer.File("job-running.json"))
            .On("GET", $"{EastPods}{Selector}&watch=false", RecordedApiServer.List("PodList", "v1", "pod-running.json"));
        using var adapter = Adapter(server.Address); // a fresh adapter, as after a control-plane restart
        var handle = await adapter.SubmitAsync(Task(), default);

        Assert.Equal((JobName, TaskPhase.Running), (handle.ExternalId, handle.Phase));
        Assert.Equal([$"POST {EastJobs}", $"GET {EastJobs}/{JobName}", $"GET {EastPods}{Selector}&watch=false"], server.Requests.Select(r => r.ToString()));
        server.Clear();
        Assert.Equal(handle, await adapter.SubmitAsync(Task(), default)); // remembered: no request at all
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_409_for_a_Job_of_another_task_is_an_error_not_an_adoption()
    {
        var foreign = RecordedApiServer.Recorded("job-running.json").Replace("\"suanwang.io/task-id\": \"j-7f3a#0\"", "\"suanwang.io/task-id\": \"someone-else\"", StringComparison.Ordinal);
        using var server = new RecordedApiServer()
            .On("POST", EastJobs, Answer.File("status-409-job-already-exists.json", 409))
            .On("GET", $"{EastJobs}/{JobName}", new Answer(200, foreign));
        using var adapter = Adapter(server.Address);
        var error = await Assert.ThrowsAsync<KubernetesException>(() => adapter.SubmitAsync(Task(), default));
        Assert.Contains("belongs to task 'someone-else'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_submission_carries_the_API_servers_status_reason_and_message()
    {
        using var server = new RecordedApiServer().On("POST", EastJobs, Answer.File("status-403-nodes-forbidden.json", 403));
        using var adapter = Adapter(server.Address);
        var error = await Assert.ThrowsAsync<KubernetesException>(() => adapter.SubmitAsync(Task(), default));
        Assert.Equal((HttpStatusCode.Forbidden, "Forbidden", false), (error.StatusCode, error.Reason, error.Unreachable));
        Assert.StartsWith("Kubernetes refused to create Job suanwang-east/sw-j-7f3a-0-35b169c129 (HTTP 403 Forbidden): nodes is forbidden", error.Message, StringComparison.Ordinal);
    }
}
