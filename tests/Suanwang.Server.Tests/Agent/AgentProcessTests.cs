using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Suanwang.Providers.Adapters;
using Suanwang.Providers.Agent;
using Suanwang.Server.Scheduling;
using Suanwang.Server.Store;
using Suanwang.Server.Tests.Processes;
using static Suanwang.Server.Tests.Api.JobsApiTests;

namespace Suanwang.Server.Tests.Agent;

/// <summary>
/// The real agent (<see cref="AgentHost"/>, as <c>suanwang agent</c> runs it) against the real server over loopback HTTP:
/// it registers its pool, pulls, runs real processes, streams output and reports; it survives a server restart and its
/// own restart without running a task twice, and runs nothing that was not assigned to it. Waits are on conditions
/// with a timeout, not on sleeps.
/// </summary>
public sealed class AgentProcessTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"suanwang-agent-e2e-{Guid.NewGuid():N}");
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
    private readonly int _port = ServerProcess.FreePort();
    private readonly List<(AgentHost Host, CancellationTokenSource Stop, Task Run)> _agents = [];
    private static readonly StringWriter AgentLog = new();

    private static string Job(string name, string command, string jurisdiction = "SG", string duration = "5m")
    {
        var run = System.Text.Json.JsonSerializer.Serialize(command);
        return $$$"""{"apiVersion":"suanwang/v1","kind":"Job","name":"{{{name}}}","resources":{"cpu":1,"memory":"256MiB"},"duration":"{{{duration}}}","jurisdictions":["{{{jurisdiction}}}"],"run":{"command":{{{run}}}}}""";
    }

    [Fact]
    public async Task An_agent_registers_its_machine_runs_a_failing_task_and_streams_its_output()
    {
        await using var server = await LiveServer.StartAsync(_directory, _port, _clock);
        var provider = await server.TokenAsync(Role.Provider, "p-new", _clock);
        var agent = await StartAgentAsync(server, provider, "sg-edge", "box", "SG");
        var pool = server.Services.GetRequiredService<ServerWorld>().Topology.FindPool("sg-edge/box")!;
        Assert.Equal((Environment.ProcessorCount, Core.Model.AccessMode.Agent), (pool.Node.Cores, pool.Access));

        var tenant = server.Client(await server.TokenAsync(Role.Tenant, "acme", _clock));
        var id = await SubmitAsync(tenant, Job("fails", "echo hi; exit 3"));
        var report = await FinishedAsync(server, $"{id}#0");
        Assert.Equal((TaskPhase.Failed, 3, "exited with code 3"), (report.Phase, report.ExitCode, report.Message));
        Assert.Equal("hi\n", (await server.Agents.LogsAsync($"{id}#0", 0, 1000, default)).Text);
        await server.Loop.RunCycleAsync(default);
        Assert.Equal("failed", (await Body(await tenant.GetAsync($"/v1/jobs/{id}"))).GetProperty("state").GetString());
        Assert.True(agent.Pulls > 0);
    }

    [Fact]
    public async Task A_cancelled_job_is_killed_at_the_agent_through_stop()
    {
        await using var server = await LiveServer.StartAsync(_directory, _port, _clock);
        var provider = await server.TokenAsync(Role.Provider, "p-new", _clock);
        await StartAgentAsync(server, provider, "sg-edge", "box", "SG");
        var tenant = server.Client(await server.TokenAsync(Role.Tenant, "acme", _clock));
        var id = await SubmitAsync(tenant, Job("long", "echo started; sleep 120"));
        await UntilAsync(async () => (await Status(server, $"{id}#0")).Phase == TaskPhase.Running && (await server.Agents.LogsAsync($"{id}#0", 0, 100, default)).Text == "started\n");

        Assert.Equal(HttpStatusCode.OK, (await tenant.PostAsync($"/v1/jobs/{id}/cancel", null)).StatusCode);
        await server.Loop.RunCycleAsync(default); // the loop tells the adapter; the agent sees the task in 'stop' at its next pull
        var report = await FinishedAsync(server, $"{id}#0", cycle: false);
        Assert.Equal(TaskPhase.Cancelled, report.Phase);
        Assert.Equal("stopped by the server; its process group was killed", report.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_task_that_ends_while_the_server_is_down_is_reported_when_it_returns_and_never_run_twice(bool restartAgentToo)
    {
        var server = await LiveServer.StartAsync(_directory, _port, _clock);
        var provider = await server.TokenAsync(Role.Provider, "p-new", _clock);
        var tenant = server.Client(await server.TokenAsync(Role.Tenant, "acme", _clock));
        await StartAgentAsync(server, provider, "sg-edge", "box", "SG");
        // The task counts its runs in the agent's work directory ($HOME is work/tasks/acme/<task>).
        var id = await SubmitAsync(tenant, Job("survivor", "echo run >> \"$HOME/../../../runs\"; echo begun; sleep 1; echo done"));
        var task = $"{id}#0";
        await UntilAsync(async () => (await Status(server, task)).Phase == TaskPhase.Running);

        await server.DisposeAsync(); // the server goes away while the task runs
        var state = Path.Combine(_directory, "agent-box", AgentState.FileName);
        await UntilAsync(() => Task.FromResult(File.ReadAllText(state).Contains("\"phase\":\"succeeded\"", StringComparison.Ordinal)));
        if (restartAgentToo)
        {
            await StopAgentsAsync();
            _agents.Add(Launch(new Uri($"http://127.0.0.1:{_port}"), provider, "sg-edge", "box", "SG")); // retries until the server is back
        }

        await using var again = await LiveServer.StartAsync(_directory, _port, _clock);
        var report = await FinishedAsync(again, task);
        Assert.Equal((TaskPhase.Succeeded, 0), (report.Phase, report.ExitCode));
        await again.Loop.RunCycleAsync(default);
        Assert.Equal("completed", (await Body(await tenant.GetAsync($"/v1/jobs/{id}"))).GetProperty("state").GetString());
        Assert.Equal(["run"], File.ReadAllLines(Path.Combine(_directory, "agent-box", "runs")));
        if (!restartAgentToo)
            Assert.Contains("done\n", (await again.Agents.LogsAsync(task, 0, 1000, default)).Text, StringComparison.Ordinal); // output buffered while disconnected
    }

    [Fact]
    public async Task An_agent_runs_only_what_was_assigned_to_its_own_pool()
    {
        await using var server = await LiveServer.StartAsync(_directory, _port, _clock);
        var provider = await server.TokenAsync(Role.Provider, "p-new", _clock);
        await StartAgentAsync(server, provider, "sg-edge", "box", "SG");
        await StartAgentAsync(server, provider, "my-edge", "other", "MY");
        var tenant = server.Client(await server.TokenAsync(Role.Tenant, "acme", _clock));
        var id = await SubmitAsync(tenant, Job("elsewhere", "echo here", jurisdiction: "MY"));
        var report = await FinishedAsync(server, $"{id}#0");
        Assert.Equal(TaskPhase.Succeeded, report.Phase);
        Assert.True(Directory.Exists(Path.Combine(_directory, "agent-other", "tasks", "acme")));
        Assert.False(Directory.Exists(Path.Combine(_directory, "agent-box", "tasks"))); // the SG agent ran nothing
        Assert.DoesNotContain(id, File.ReadAllText(Path.Combine(_directory, "agent-box", AgentState.FileName)), StringComparison.Ordinal);
    }

    private async Task<AgentHost> StartAgentAsync(LiveServer server, string token, string site, string name, string jurisdiction)
    {
        var agent = Launch(server.Url, token, site, name, jurisdiction);
        _agents.Add(agent);
        await UntilAsync(() => Task.FromResult(agent.Host.Pulls > 0 || agent.Run.IsCompleted));
        if (agent.Run.IsFaulted)
            await agent.Run; // show why
        return agent.Host;
    }

    private (AgentHost Host, CancellationTokenSource Stop, Task Run) Launch(Uri server, string token, string site, string name, string jurisdiction)
    {
        var host = new AgentHost(new AgentOptions
        {
            Server = server, Token = token, Site = site, Name = name, WorkDirectory = Path.Combine(_directory, $"agent-{name}"),
            PollInterval = TimeSpan.FromMilliseconds(200), InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromSeconds(1),
            RequestTimeout = TimeSpan.FromSeconds(10), SkipMeasure = true, Log = AgentLog, CreateSiteAt = "Beijing", CreateSiteJurisdiction = jurisdiction,
        });
        var stop = new CancellationTokenSource();
        return (host, stop, Task.Run(() => host.RunAsync(stop.Token)));
    }

    private static async Task<string> SubmitAsync(HttpClient tenant, string job)
    {
        var created = await tenant.PostAsync("/v1/jobs", Json(job));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await Body(created)).GetProperty("id").GetString()!;
    }

    private static async Task<TaskReport> Status(LiveServer server, string task) => (await server.Agents.StatusAsync([task], default))[0];

    // Runs loop cycles (placing and re-submitting work) until the task has ended at the adapter.
    private static async Task<TaskReport> FinishedAsync(LiveServer server, string task, bool cycle = true)
    {
        TaskReport? last = null;
        await UntilAsync(async () =>
        {
            if (cycle)
                await server.Loop.RunCycleAsync(default);
            last = await Status(server, task);
            return last.IsFinal;
        });
        return last!;
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the condition did not hold within {Patience.TotalSeconds} s; the agents said:\n{AgentLog}");
            await Task.Delay(50); // polling a condition, not timing anything
        }
    }

    private async Task StopAgentsAsync()
    {
        foreach (var (host, stop, run) in _agents)
        {
            await stop.CancelAsync();
            try
            {
                await run;
            }
            catch (OperationCanceledException)
            {
            }
            host.Dispose();
            stop.Dispose();
        }
        _agents.Clear();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // xUnit 2 disposes test classes through IAsyncLifetime, not IAsyncDisposable.
    public async Task DisposeAsync()
    {
        await StopAgentsAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
