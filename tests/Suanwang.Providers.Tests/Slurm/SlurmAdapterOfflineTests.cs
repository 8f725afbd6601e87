using System.Net;
using System.Text;
using Suanwang.Providers.Adapters;
using Suanwang.Providers.Slurm;

namespace Suanwang.Providers.Tests.Slurm;

/// <summary>What the adapter decides without a cluster: refusals before any request, wait statuses, and
/// remembering a job Slurm has forgotten (slurmrestd's answers scripted, in its own JSON shapes).</summary>
public sealed class SlurmAdapterOfflineTests
{
    private const string Root = "/srv/suanwang";

    private static (SlurmAdapter Adapter, ScriptedSlurm Slurm) Offline(string workRoot = Root)
    {
        var slurm = new ScriptedSlurm();
        var adapter = new SlurmAdapter(new SlurmOptions
        {
            BaseAddress = new Uri("http://slurm.invalid/"),
            UserName = "nobody",
            Token = () => "t",
            Pools = [new SlurmPool("hpc/debug", "hpc", "debug")],
            WorkRoot = workRoot,
        }, http: new HttpClient(slurm));
        return (adapter, slurm);
    }

    public static TheoryData<string, string, string, string, string> BadTasks => new()
    {
        // task id, tenant, command, environment name, environment value  -> refused
        { "j-1#0", "acme", "", "A", "b" },                    // missing command
        { "j-1#0", "acme", "   ", "A", "b" },                 // blank command
        { "../../etc#0", "acme", "true", "A", "b" },          // traversal in the task id (a directory and file name)
        { "j/../../x#0", "acme", "true", "A", "b" },          // a separator in the task id
        { "..", "acme", "true", "A", "b" },                   // a dot-only task id
        { "j-1#0", "../etc", "true", "A", "b" },              // traversal in the tenant
        { "j-1#0\n", "acme", "true", "A", "b" },              // a line break in the task id
        { "j-1#0", "acme", "true", "A=B", "b" },              // '=' in an environment name
        { "j-1#0", "acme", "true", "A\nB", "b" },             // a newline in an environment name
        { "j-1#0", "acme", "true", "A", "b\nexport X=1" },    // a newline in an environment value
        { "j-1#0", "acme", "true", "A", "b\0" },              // NUL in an environment value
        { "j-1#0", "acme", "true", "SLURM_JOB_ID", "1" },     // a variable Slurm sets
        { "j-1#0", "acme", "true", "1A", "b" },               // a name starting with a digit
    };

    [Theory]
    [MemberData(nameof(BadTasks))]
    public async Task An_unsafe_task_is_refused_before_any_request_reaches_Slurm(string taskId, string tenant, string command, string name, string value)
    {
        var (adapter, slurm) = Offline();
        using var _ = adapter;
        var task = SlurmAdapterTests.Task(taskId, command, environment: new Dictionary<string, string> { [name] = value }, tenant: tenant);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => adapter.SubmitAsync(task, default));
        Assert.DoesNotContain('\n', error.Message); // control characters are shown escaped, never echoed
        Assert.Empty(slurm.Requests);
    }

    [Fact]
    public async Task A_task_without_a_run_or_with_an_image_or_for_a_foreign_pool_is_refused_before_any_request()
    {
        var (adapter, slurm) = Offline();
        using var _ = adapter;
        var task = SlurmAdapterTests.Task("j-1#0", "true");
        await Assert.ThrowsAsync<ArgumentException>(() => adapter.SubmitAsync(task with { Run = null }, default));
        await Assert.ThrowsAsync<ArgumentException>(() => adapter.SubmitAsync(task with { Run = task.Run! with { Workdir = "../../etc" } }, default));
        await Assert.ThrowsAsync<ArgumentException>(() => adapter.SubmitAsync(task with { Run = task.Run! with { Workdir = "/tmp" } }, default));
        await Assert.ThrowsAsync<ArgumentException>(() => adapter.SubmitAsync(task with { Run = task.Run! with { Image = "python:3" } }, default));
        await Assert.ThrowsAsync<ArgumentException>(() => adapter.SubmitAsync(task with { PoolId = "other/pool" }, default));
        Assert.Empty(slurm.Requests);
    }

    [Fact]
    public async Task A_safe_task_is_submitted_once_after_looking_for_its_name_whatever_the_work_roots_trailing_slash()
    {
        var (adapter, slurm) = Offline(Root + "/");
        using var _ = adapter;
        var handle = await adapter.SubmitAsync(SlurmAdapterTests.Task("j-1#0", "true"), default);
        Assert.Equal(("41", TaskPhase.Queued), (handle.ExternalId, handle.Phase));
        Assert.Equal(["GET jobs", "POST job/submit"], slurm.Requests);
    }

    [Theory]
    [InlineData(0, 0, null)]     // exit(0)
    [InlineData(768, 3, null)]   // exit(3): 3 << 8
    [InlineData(65280, 255, null)] // exit(255)
    [InlineData(9, 137, 9)]      // SIGKILL: 128 + 9, as a shell reports it
    [InlineData(15, 143, 15)]    // SIGTERM
    public void Slurms_exit_code_is_decoded_as_a_wait_status(int status, int exit, int? signal) =>
        Assert.Equal((exit, signal), SlurmJobStates.DecodeWaitStatus(status));

    [Fact]
    public async Task A_finished_job_that_Slurm_forgot_keeps_its_last_seen_state_and_an_unfinished_one_fails()
    {
        var (adapter, slurm) = Offline();
        using var _ = adapter;
        slurm.Jobs = [];
        Assert.Equal("41", (await adapter.SubmitAsync(SlurmAdapterTests.Task("done#0", "true"), default)).ExternalId);
        Assert.Equal("42", (await adapter.SubmitAsync(SlurmAdapterTests.Task("lost#0", "true"), default)).ExternalId);
        slurm.Jobs = [Job(41, "done#0", "COMPLETED", 0), Job(42, "lost#0", "RUNNING", 0)];
        var seen = await adapter.StatusAsync(["done#0", "lost#0"], default);
        Assert.Equal([TaskPhase.Succeeded, TaskPhase.Running], seen.Select(r => r.Phase));
        slurm.Jobs = []; // MinJobAge passed: slurmctld purged both
        var later = await adapter.StatusAsync(["done#0", "lost#0", "never#0"], default);
        Assert.Equal((TaskPhase.Succeeded, 0), (later[0].Phase, later[0].ExitCode));
        Assert.Equal(TaskPhase.Failed, later[1].Phase);
        Assert.Contains("Slurm job 42 disappeared while running", later[1].Message, StringComparison.Ordinal);
        Assert.Equal(TaskPhase.Unknown, later[2].Phase);
        // Submitting a remembered task again starts nothing, even though Slurm no longer lists it.
        Assert.Equal("41", (await adapter.SubmitAsync(SlurmAdapterTests.Task("done#0", "true"), default)).ExternalId);
        Assert.Equal(2, slurm.Requests.Count(r => r == "POST job/submit"));
    }

    [Fact]
    public async Task Get_and_delete_errors_have_their_own_shape_and_an_unknown_job_id_cancels_nothing()
    {
        var (adapter, slurm) = Offline();
        using var _ = adapter;
        slurm.Jobs = [Job(7, "run#0", "RUNNING", 0)];
        slurm.DeleteAnswer = """{"errors":[{"description":"unable to kill JobId=7 with signal 9: Invalid job id specified","error_number":2017,"error":"Invalid job id specified","source":"slurm_kill_job"}]}""";
        Assert.False(await adapter.CancelAsync("run#0", default)); // gone between the look-up and the kill
        slurm.DeleteAnswer = """{"errors":[{"description":"Access/permission denied","error_number":2002,"error":"Access/permission denied","source":"slurm_kill_job"}]}""";
        var error = await Assert.ThrowsAsync<SlurmException>(() => adapter.CancelAsync("run#0", default));
        Assert.Equal(2002, error.ErrorNumber);
        Assert.Contains("Slurm refused to cancel job 7 (HTTP 500): Access/permission denied (Slurm error 2002)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("héllo", 2, 1)] // é is 2 bytes: a slice of 2 bytes ends inside it, so only "h" (1 byte) is returned
    [InlineData("h€", 3, 1)]    // € is 3 bytes
    [InlineData("ab", 2, 2)]
    public void An_output_slice_never_ends_inside_a_character(string text, int count, int expected) =>
        Assert.Equal(expected, SlurmOutputFile.CompleteCharacters(Encoding.UTF8.GetBytes(text), count));

    private static string Job(long id, string name, string state, int exit) =>
        $$"""{"job_id":{{id}},"name":"{{name}}","job_state":"{{state}}","exit_code":{{exit}},"start_time":1795457069,"end_time":1795457070,"user_name":"nobody","state_reason":"None"}""";

    /// <summary>Answers like slurmrestd: submissions get ids from 41, listings return <see cref="Jobs"/>.</summary>
    private sealed class ScriptedSlurm : HttpMessageHandler
    {
        private long _next = 41;

        public List<string> Requests { get; } = [];

        public IReadOnlyList<string> Jobs { get; set; } = [];

        public string DeleteAnswer { get; set; } = """{"errors":[]}""";

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath.Replace("/slurm/v0.0.38/", "", StringComparison.Ordinal);
            Requests.Add($"{request.Method} {path}");
            var (status, body) = (request.Method.Method, path) switch
            {
                ("POST", "job/submit") => (HttpStatusCode.OK, $$"""{"errors":[],"job_id":{{_next++}},"step_id":"BATCH"}"""),
                ("GET", "jobs") => (HttpStatusCode.OK, $$"""{"errors":[],"jobs":[{{string.Join(',', Jobs)}}]}"""),
                ("DELETE", _) => (DeleteAnswer.Contains("error_number", StringComparison.Ordinal) ? HttpStatusCode.InternalServerError : HttpStatusCode.OK, DeleteAnswer),
                _ => (HttpStatusCode.NotFound, "not scripted"),
            };
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
