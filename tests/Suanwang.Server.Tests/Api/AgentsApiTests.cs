using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Suanwang.Server.Agents;
using Suanwang.Server.Scheduling;
using Suanwang.Server.Store;
using static Suanwang.Server.Tests.Api.JobsApiTests;

namespace Suanwang.Server.Tests.Api;

/// <summary>
/// The server's side of <c>suanwang agent</c>, driven over HTTP as an agent would (the agent process itself
/// is issue 6): a provider registers its site, its agent pulls (attaching the pool), the loop places a
/// job there, the agent receives the task, reports it running and then succeeded, and the job follows.
/// </summary>
public sealed class AgentsApiTests
{
    private const string Site = """
        {"id": "sg-edge", "at": "Beijing", "tier": "edge", "jurisdiction": "SG", "provider": "p-new",
         "pools": [{"id": "sg-edge/cpu", "kind": "general", "nodes": 4, "node": {"cpu": 32, "memory": "128GiB"},
                    "price_per_cu_hour": "0.50 CNY", "pue": 1.3, "carbon_g_per_kwh": 400}]}
        """;

    private static readonly string SgJob = JsonJob("in-sg").Replace("\"duration\":\"30m\"", "\"duration\":\"30m\",\"jurisdictions\":[\"SG\"],\"run\":{\"command\":\"echo hi\"}", StringComparison.Ordinal);

    [Fact]
    public async Task A_job_without_a_command_is_never_placed_on_a_pool_that_real_machines_run()
    {
        await using var api = await TestApi.StartAsync(schedule: true);
        var loop = api.Services.GetRequiredService<SchedulingLoop>();
        var agent = await api.ClientAsync(Role.Provider, "p-new");
        var tenant = await api.ClientAsync(Role.Tenant, "acme");
        Assert.Equal(HttpStatusCode.Created, (await agent.PutAsync("/v1/sites/sg-edge", Json(Site))).StatusCode);
        await agent.PostAsync("/v1/agents/pull/sg-edge/cpu", null); // the agent attaches the pool
        // Simulated work (no run) whose only allowed site is run by an agent: it waits instead of failing at the agent.
        var simulated = JsonJob("no-command").Replace("\"duration\":\"30m\"", "\"duration\":\"30m\",\"jurisdictions\":[\"SG\"]", StringComparison.Ordinal);
        var id = (await Body(await tenant.PostAsync("/v1/jobs", Json(simulated)))).GetProperty("id").GetString()!;
        var real = (await Body(await tenant.PostAsync("/v1/jobs", Json(SgJob)))).GetProperty("id").GetString()!;
        await loop.RunCycleAsync(default);

        var waiting = await Body(await tenant.GetAsync($"/v1/jobs/{id}"));
        Assert.NotEqual("placed", waiting.GetProperty("state").GetString());
        Assert.NotEqual("failed", waiting.GetProperty("state").GetString());
        Assert.StartsWith("unschedulable", waiting.GetProperty("reason").GetString(), StringComparison.Ordinal); // sg-edge/cpu, the only SG pool, is excluded
        Assert.Equal("placed", (await Body(await tenant.GetAsync($"/v1/jobs/{real}"))).GetProperty("state").GetString()); // the same pool takes real work
    }

    [Fact]
    public async Task A_job_runs_through_an_agent_that_pulls_and_reports()
    {
        await using var api = await TestApi.StartAsync(schedule: true);
        var loop = api.Services.GetRequiredService<SchedulingLoop>();
        var agent = await api.ClientAsync(Role.Provider, "p-new");
        var stranger = await api.ClientAsync(Role.Provider, "p-other");
        var tenant = await api.ClientAsync(Role.Tenant, "acme");
        Assert.Equal(HttpStatusCode.Created, (await agent.PutAsync("/v1/sites/sg-edge", Json(Site))).StatusCode);
        var id = (await Body(await tenant.PostAsync("/v1/jobs", Json(SgJob)))).GetProperty("id").GetString()!;

        await loop.RunCycleAsync(default);
        Assert.Equal("pending", (await Body(await tenant.GetAsync($"/v1/jobs/{id}"))).GetProperty("state").GetString()); // no agent yet

        Assert.Empty((await Body(await agent.PostAsync("/v1/agents/pull/sg-edge/cpu", null))).GetProperty("run").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync("/v1/agents/pull/sg-edge/cpu", null)).StatusCode);
        await loop.RunCycleAsync(default);
        Assert.Equal("placed", (await Body(await tenant.GetAsync($"/v1/jobs/{id}"))).GetProperty("state").GetString());

        var work = await Body(await agent.PostAsync("/v1/agents/pull/sg-edge/cpu", null));
        var task = Assert.Single(work.GetProperty("run").EnumerateArray());
        var taskId = task.GetProperty("task_id").GetString()!;
        Assert.Equal(id, task.GetProperty("job_id").GetString());
        Assert.Equal("echo hi", task.GetProperty("run").GetProperty("command").GetString());

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync("/v1/agents/reports", Json($$"""{"task_id":"{{taskId}}","phase":"running"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await agent.PostAsync("/v1/agents/reports", Json($$"""{"task_id":"{{taskId}}","phase":"sleeping"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await agent.PostAsync("/v1/agents/reports", Json($$"""{"task_id":"{{taskId}}","phase":"running"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await agent.PostAsync($"/v1/agents/logs/{Uri.EscapeDataString(taskId)}", new StringContent("hi\n"))).StatusCode);
        await loop.RunCycleAsync(default);
        Assert.Equal("running", (await Body(await tenant.GetAsync($"/v1/jobs/{id}"))).GetProperty("state").GetString());

        Assert.Equal(HttpStatusCode.OK, (await agent.PostAsync("/v1/agents/reports", Json($$"""{"task_id":"{{taskId}}","phase":"succeeded","exit_code":0}"""))).StatusCode);
        await loop.RunCycleAsync(default);
        Assert.Equal("completed", (await Body(await tenant.GetAsync($"/v1/jobs/{id}"))).GetProperty("state").GetString());
        var log = await api.Services.GetRequiredService<AgentAdapter>().LogsAsync(taskId, 0, 100, default);
        Assert.Equal("hi\n", log.Text);
        var output = await Body(await tenant.GetAsync($"/v1/jobs/{id}/logs"));
        Assert.Equal("hi\n", output.GetProperty("text").GetString());
        Assert.Equal(3, output.GetProperty("next_offset").GetInt64());
        var nosy = await api.ClientAsync(Role.Tenant, "zeta");
        Assert.Equal(HttpStatusCode.NotFound, (await nosy.GetAsync($"/v1/jobs/{id}/logs")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await tenant.GetAsync($"/v1/jobs/{id}/logs?part=3")).StatusCode);
        Assert.Empty((await Body(await agent.PostAsync("/v1/agents/pull/sg-edge/cpu", null))).GetProperty("run").EnumerateArray());
    }

    [Fact]
    public async Task A_cancelled_job_is_stopped_through_the_agent_and_a_silent_agent_takes_its_site_down()
    {
        await using var api = await TestApi.StartAsync(schedule: true);
        var loop = api.Services.GetRequiredService<SchedulingLoop>();
        var agent = await api.ClientAsync(Role.Provider, "p-new");
        var tenant = await api.ClientAsync(Role.Tenant, "acme");
        var (id, taskId) = await RunningOnTheAgent(agent, tenant, loop);

        Assert.Equal(HttpStatusCode.OK, (await tenant.PostAsync($"/v1/jobs/{id}/cancel", null)).StatusCode);
        await loop.RunCycleAsync(default); // the loop stops the task at its adapter
        var work = await Body(await agent.PostAsync("/v1/agents/pull/sg-edge/cpu", null));
        Assert.Equal([taskId], work.GetProperty("stop").EnumerateArray().Select(t => t.GetString()));
        Assert.Empty(work.GetProperty("run").EnumerateArray());

        // The agent goes silent past the timeout: its site is down, so a new SG job is not placed there.
        api.Clock.Advance(AgentAdapter.DefaultHeartbeatTimeout + TimeSpan.FromSeconds(1));
        var next = (await Body(await tenant.PostAsync("/v1/jobs", Json(SgJob.Replace("in-sg", "in-sg-2", StringComparison.Ordinal))))).GetProperty("id").GetString()!;
        await loop.RunCycleAsync(default);
        Assert.Equal("pending", (await Body(await tenant.GetAsync($"/v1/jobs/{next}"))).GetProperty("state").GetString());
        await agent.PostAsync("/v1/agents/pull/sg-edge/cpu", null); // back
        await loop.RunCycleAsync(default);
        Assert.Equal("placed", (await Body(await tenant.GetAsync($"/v1/jobs/{next}"))).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Work_on_a_silent_agent_is_requeued_and_a_returning_agent_stops_its_stale_copy_and_runs_the_new_one()
    {
        await using var api = await TestApi.StartAsync(schedule: true);
        var loop = api.Services.GetRequiredService<SchedulingLoop>();
        var agent = await api.ClientAsync(Role.Provider, "p-new");
        var tenant = await api.ClientAsync(Role.Tenant, "acme");
        var (id, first) = await RunningOnTheAgent(agent, tenant, loop);

        api.Clock.Advance(AgentAdapter.DefaultHeartbeatTimeout + TimeSpan.FromSeconds(1)); // the agent falls silent
        await loop.RunCycleAsync(default);
        // (The loop's own timer may run a cycle too when the clock moves, so read the event rather than the latest reason.)
        Assert.Equal("pending", (await Body(await tenant.GetAsync($"/v1/jobs/{id}"))).GetProperty("state").GetString());
        var healed = (await Body(await tenant.GetAsync($"/v1/jobs/{id}/events"))).EnumerateArray().Single(e => e.GetProperty("type").GetString() == "healed");
        Assert.StartsWith("re-queued: site 'sg-edge' went down", healed.GetProperty("data").GetProperty("reason").GetString(), StringComparison.Ordinal);
        await loop.RunCycleAsync(default); // stops the old task at the adapter; nowhere else to run (only SG)

        // The agent comes back: it is told to stop its stale copy, and after the next cycle it gets the new attempt.
        var back = await Body(await agent.PostAsync("/v1/agents/pull/sg-edge/cpu", null));
        Assert.Equal([first], back.GetProperty("stop").EnumerateArray().Select(t => t.GetString()));
        Assert.Empty(back.GetProperty("run").EnumerateArray());
        await loop.RunCycleAsync(default);
        var again = await Body(await agent.PostAsync("/v1/agents/pull/sg-edge/cpu", null));
        var second = Assert.Single(again.GetProperty("run").EnumerateArray()).GetProperty("task_id").GetString()!;
        Assert.NotEqual(first, second);
        Assert.EndsWith("@2", second, StringComparison.Ordinal);
        Assert.Equal("placed", (await Body(await tenant.GetAsync($"/v1/jobs/{id}"))).GetProperty("state").GetString());
    }

    // The agent's site registered and attached, an SG job placed there, handed to the agent and reported running.
    private static async Task<(string JobId, string TaskId)> RunningOnTheAgent(HttpClient agent, HttpClient tenant, SchedulingLoop loop)
    {
        await agent.PutAsync("/v1/sites/sg-edge", Json(Site));
        await agent.PostAsync("/v1/agents/pull/sg-edge/cpu", null);
        var id = (await Body(await tenant.PostAsync("/v1/jobs", Json(SgJob)))).GetProperty("id").GetString()!;
        await loop.RunCycleAsync(default);
        var taskId = Assert.Single((await Body(await agent.PostAsync("/v1/agents/pull/sg-edge/cpu", null))).GetProperty("run").EnumerateArray()).GetProperty("task_id").GetString()!;
        await agent.PostAsync("/v1/agents/reports", Json($$"""{"task_id":"{{taskId}}","phase":"running"}"""));
        await loop.RunCycleAsync(default);
        Assert.Equal("running", (await Body(await tenant.GetAsync($"/v1/jobs/{id}"))).GetProperty("state").GetString());
        return (id, taskId);
    }
}
