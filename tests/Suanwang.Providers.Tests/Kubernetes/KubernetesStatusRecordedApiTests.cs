using System.Text.Json.Nodes;
using Suanwang.Providers.Adapters;
using static Suanwang.Providers.Tests.Kubernetes.KubernetesFixtures;

namespace Suanwang.Providers.Tests.Kubernetes;

/// <summary>
/// Status, cancel and logs against a FAKE API server with recorded Job and pod answers (no real Kubernetes API server
/// can run on this machine).
/// </summary>
public sealed class KubernetesStatusRecordedApiTests
{
    private const string JobsList = EastJobs + Selector + "&watch=false";
    private const string PodsList = EastPods + Selector + "&watch=false";

    private static RecordedApiServer Listing(string[] jobs, params string[] pods) => new RecordedApiServer()
        .On("GET", JobsList, RecordedApiServer.List("JobList", "batch/v1", jobs))
        .On("GET", PodsList, RecordedApiServer.List("PodList", "v1", pods))
        .On("GET", WestJobs + Selector + "&watch=false", RecordedApiServer.List("JobList", "batch/v1"))
        .On("GET", WestPods + Selector + "&watch=false", RecordedApiServer.List("PodList", "v1"));

    private static DateTimeOffset? At(string time) => time.Length == 0 ? null : DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture);

    public static TheoryData<string, string?, TaskPhase, int?, string?, string, string> Conditions => new()
    {
        // job, pod, phase, exit code, message (prefix), started, ended — times from the recorded answers.
        { "job-created.json", null, TaskPhase.Queued, null, "no pod created yet", "", "" },
        { "job-pending.json", "pod-unschedulable.json", TaskPhase.Queued, null, "pending in Kubernetes: Unschedulable (0/5 nodes are available: 2 Insufficient nvidia.com/gpu", "", "" },
        { "job-pending.json", "pod-image-pull.json", TaskPhase.Queued, null, "pending in Kubernetes: ImagePullBackOff (Back-off pulling image \"registry.example.com/acme/train:1.4\")", "", "" },
        // Running from the container's own start (08:00:03), not the Job's (07:59:58, before the image was pulled).
        { "job-running.json", "pod-running.json", TaskPhase.Running, null, null, "2026-03-01T08:00:03Z", "" },
        { "job-complete.json", "pod-succeeded.json", TaskPhase.Succeeded, 0, null, "2026-03-01T08:00:03Z", "2026-03-01T08:04:41Z" },
        { "job-failed-backoff.json", "pod-failed-exit3.json", TaskPhase.Failed, 3, "a pod failed (Kubernetes BackoffLimitExceeded), exit code 3", "2026-03-01T08:00:03Z", "2026-03-01T08:01:07Z" },
        { "job-failed-backoff.json", "pod-oom-killed.json", TaskPhase.Failed, 137, "a pod failed (Kubernetes BackoffLimitExceeded), exit code 137, killed for exceeding its memory limit (OOMKilled)", "2026-03-01T08:00:03Z", "2026-03-01T08:01:07Z" },
        // The Failed condition's time (08:10:29), after the pods were stopped; FailureTarget came at 08:09:58.
        { "job-failed-deadline.json", "pod-deadline-killed.json", TaskPhase.Failed, 143, "exceeded its wall time of 600 s (Kubernetes DeadlineExceeded), exit code 143", "2026-03-01T08:00:03Z", "2026-03-01T08:10:29Z" },
        { "job-suspended.json", null, TaskPhase.Queued, null, "suspended until its start time 2026-03-01T08:30:00Z", "", "" },
    };

    [Theory]
    [MemberData(nameof(Conditions))]
    public async Task Each_recorded_Job_condition_maps_to_its_phase_exit_code_message_and_times(string job, string? pod, TaskPhase phase, int? exit, string? message, string started, string ended)
    {
        using var server = Listing([job], pod is null ? [] : [pod]);
        using var adapter = Adapter(server.Address);
        var report = Assert.Single(await adapter.StatusAsync([TaskId], default));
        Assert.Equal((TaskId, JobName, phase, exit), (report.TaskId, report.ExternalId, report.Phase, report.ExitCode));
        if (message is null)
            Assert.Null(report.Message);
        else
            Assert.StartsWith(message, report.Message, StringComparison.Ordinal);
        Assert.Equal((At(started), At(ended)), (report.StartedAt, report.EndedAt));
    }

    [Fact]
    public async Task One_listing_of_jobs_and_pods_per_namespace_answers_every_id_and_an_unseen_id_is_Unknown()
    {
        using var server = Listing(["job-running.json"], "pod-running.json");
        using var adapter = Adapter(server.Address);
        var reports = await adapter.StatusAsync([TaskId, "never#0", "j-7f3a#1"], default);
        Assert.Equal([TaskPhase.Running, TaskPhase.Unknown, TaskPhase.Unknown], reports.Select(r => r.Phase));
        Assert.Equal([$"GET {JobsList}", $"GET {PodsList}", $"GET {WestJobs}{Selector}&watch=false", $"GET {WestPods}{Selector}&watch=false"],
            server.Requests.Select(r => r.ToString()));
    }

    [Fact]
    public async Task A_suspended_Job_is_resumed_with_a_merge_patch_by_the_first_poll_after_its_start_time()
    {
        using var server = Listing(["job-suspended.json"]).On("PATCH", $"{EastJobs}/{JobName}", Answer.File("job-resumed.json"));
        var clock = new SettableClock(Now.AddMinutes(29));
        using var adapter = Adapter(server.Address, clock);
        Assert.Equal(TaskPhase.Queued, (await adapter.StatusAsync([TaskId], default))[0].Phase);
        Assert.DoesNotContain(server.Requests, r => r.Method == "PATCH"); // 08:29: not yet

        clock.Now = Now.AddMinutes(30).AddSeconds(2);
        var report = (await adapter.StatusAsync([TaskId], default))[0];
        Assert.Equal((TaskPhase.Queued, "no pod created yet"), (report.Phase, report.Message)); // resumed; the controller creates the pod next
        var patch = Assert.Single(server.Requests, r => r.Method == "PATCH");
        Assert.Equal("application/merge-patch+json; charset=utf-8", patch.ContentType);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"spec":{"suspend":false}}"""), JsonNode.Parse(patch.Body)), patch.Body);
    }

    [Fact]
    public async Task Cancelling_deletes_the_Job_in_the_background_once_and_it_then_reports_Cancelled()
    {
        using var server = Listing(["job-running.json"], "pod-running.json")
            .On("DELETE", $"{EastJobs}/{JobName}?propagationPolicy=Background", Answer.File("status-200-job-deleted.json"));
        using var adapter = Adapter(server.Address);
        Assert.True(await adapter.CancelAsync(TaskId, default));
        Assert.Single(server.Requests, r => r.ToString() == $"DELETE {EastJobs}/{JobName}?propagationPolicy=Background");

        server.On("GET", JobsList, RecordedApiServer.List("JobList", "batch/v1")).On("GET", PodsList, RecordedApiServer.List("PodList", "v1"));
        var report = (await adapter.StatusAsync([TaskId], default))[0];
        Assert.Equal((TaskPhase.Cancelled, "cancelled by the control plane", Now), (report.Phase, report.Message, report.EndedAt));
        Assert.False(await adapter.CancelAsync(TaskId, default)); // already ended
        Assert.False(await adapter.CancelAsync("never#0", default)); // unknown
        Assert.Single(server.Requests, r => r.Method == "DELETE");
    }

    [Fact]
    public async Task Cancelling_an_ended_Job_or_one_deleted_meanwhile_is_false()
    {
        using (var done = Listing(["job-complete.json"], "pod-succeeded.json"))
        {
            using var adapter = Adapter(done.Address);
            Assert.False(await adapter.CancelAsync(TaskId, default));
            Assert.DoesNotContain(done.Requests, r => r.Method == "DELETE");
        }
        using var gone = Listing(["job-running.json"], "pod-running.json")
            .On("DELETE", $"{EastJobs}/{JobName}?propagationPolicy=Background", Answer.File("status-404-job-not-found.json", 404));
        using var second = Adapter(gone.Address);
        Assert.False(await second.CancelAsync(TaskId, default));
    }

    [Fact]
    public async Task A_Job_that_vanishes_while_running_fails_and_a_finished_one_keeps_its_state()
    {
        using var server = Listing(["job-running.json"], "pod-running.json");
        using var adapter = Adapter(server.Address);
        Assert.Equal(TaskPhase.Running, (await adapter.StatusAsync([TaskId], default))[0].Phase);
        server.On("GET", JobsList, RecordedApiServer.List("JobList", "batch/v1"));
        var lost = (await adapter.StatusAsync([TaskId], default))[0];
        Assert.Equal(TaskPhase.Failed, lost.Phase);
        Assert.StartsWith("Kubernetes Job suanwang-east/sw-j-7f3a-0-35b169c129 disappeared while running", lost.Message, StringComparison.Ordinal);

        using var finished = Listing(["job-complete.json"], "pod-succeeded.json");
        using var other = Adapter(finished.Address);
        Assert.Equal(TaskPhase.Succeeded, (await other.StatusAsync([TaskId], default))[0].Phase);
        finished.On("GET", JobsList, RecordedApiServer.List("JobList", "batch/v1")); // removed by a TTL
        Assert.Equal((TaskPhase.Succeeded, 0), ((await other.StatusAsync([TaskId], default))[0] is var r ? (r.Phase, r.ExitCode) : default));
    }

    [Fact]
    public async Task Logs_are_sliced_by_byte_offset_with_limitBytes_never_inside_a_character_and_complete_at_the_end()
    {
        // "héllo wörld\n": h(1) é(2) l l o ␠ w ö(2) r l d \n = 14 bytes.
        using var server = Listing(["job-complete.json"], "pod-succeeded.json").OnLog($"{EastPods}/{JobName}-x7k2p", "héllo wörld\n");
        using var adapter = Adapter(server.Address);

        var first = await adapter.LogsAsync(TaskId, 0, 2, default); // bytes 0-1 are 'h' and half of 'é': only 'h'
        Assert.Equal((0L, "h", 1L, false), (first.Offset, first.Text, first.NextOffset, first.Complete));
        Assert.Contains(server.Requests, r => r.ToString() == $"GET {EastPods}/{JobName}-x7k2p/log?container=task&limitBytes=2");
        var second = await adapter.LogsAsync(TaskId, first.NextOffset, 5, default); // bytes 1-5: 'éllo'
        Assert.Equal((1L, "éllo", 6L, false), (second.Offset, second.Text, second.NextOffset, second.Complete));
        var rest = await adapter.LogsAsync(TaskId, second.NextOffset, 1000, default);
        Assert.Equal((6L, " wörld\n", 14L, true), (rest.Offset, rest.Text, rest.NextOffset, rest.Complete));
        var after = await adapter.LogsAsync(TaskId, 14, 1000, default);
        Assert.Equal(("", 14L, true), (after.Text, after.NextOffset, after.Complete));
    }

    [Fact]
    public async Task A_running_pods_log_is_never_complete_and_a_pod_not_started_has_none_to_read()
    {
        using var running = Listing(["job-running.json"], "pod-running.json").OnLog($"{EastPods}/{JobName}-x7k2p", "epoch 1\n");
        using (var adapter = Adapter(running.Address))
            Assert.Equal(("epoch 1\n", 8L, false), (await adapter.LogsAsync(TaskId, 0, 4096, default) is var l ? (l.Text, l.NextOffset, l.Complete) : default));

        using var pulling = Listing(["job-pending.json"], "pod-image-pull.json");
        using var second = Adapter(pulling.Address);
        var none = await second.LogsAsync(TaskId, 0, 4096, default);
        Assert.Equal(("", 0L, false), (none.Text, none.NextOffset, none.Complete));
        Assert.DoesNotContain(pulling.Requests, r => r.Url.Contains("/log", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_arrays_logs_follow_completion_index_order_and_a_later_pod_is_read_only_after_the_earlier_ones_end()
    {
        // Index 1 ended, index 0 still runs: only index 0 is read (reading index 1 now would shift its offsets later).
        var zeroRunning = Indexed("pod-running.json", "a0000", 0);
        var oneDone = Indexed("pod-succeeded.json", "b1111", 1);
        using var server = Listing(["job-running.json"])
            .On("GET", PodsList, new Answer(200, $$"""{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[{{oneDone}},{{zeroRunning}}]}"""))
            .OnLog($"{EastPods}/{JobName}-a0000", "zero\n").OnLog($"{EastPods}/{JobName}-b1111", "one\n");
        using var adapter = Adapter(server.Address);
        Assert.Equal("zero\n", (await adapter.LogsAsync(TaskId, 0, 4096, default)).Text);
        Assert.DoesNotContain(server.Requests, r => r.Url.Contains("b1111/log", StringComparison.Ordinal));

        var zeroDone = Indexed("pod-succeeded.json", "a0000", 0);
        server.On("GET", PodsList, new Answer(200, $$"""{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[{{oneDone}},{{zeroDone}}]}"""));
        var both = await adapter.LogsAsync(TaskId, 0, 4096, default);
        Assert.Equal(("zero\none\n", 9L), (both.Text, both.NextOffset));
    }

    /// <summary>A recorded pod renamed and given the completion index an Indexed Job's controller sets.</summary>
    private static string Indexed(string file, string suffix, int index)
    {
        var pod = JsonNode.Parse(RecordedApiServer.Recorded(file))!;
        pod["metadata"]!["name"] = $"{JobName}-{suffix}";
        pod["metadata"]!["annotations"] = new JsonObject { ["batch.kubernetes.io/job-completion-index"] = index.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        return pod.ToJsonString();
    }
}
