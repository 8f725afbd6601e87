using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Suanwang.Server.Scheduling;
using Suanwang.Server.Store;
using static Suanwang.Server.Tests.Api.JobsApiTests;

namespace Suanwang.Server.Tests.Api;

/// <summary><c>PUT /v1/agents/pools/{site}/{name}</c>: an agent registers the pool it measured into its provider's site.</summary>
public sealed class AgentPoolsApiTests
{
    private const string Site = """
        {"id": "sg-edge", "at": "Beijing", "tier": "edge", "jurisdiction": "SG", "provider": "p-new",
         "pools": [{"id": "sg-edge/cpu", "kind": "general", "nodes": 4, "node": {"cpu": 32, "memory": "128GiB"},
                    "price_per_cu_hour": "0.50 CNY", "pue": 1.3, "carbon_g_per_kwh": 400}]}
        """;

    private static string Pool(int cpu = 2, string memory = "8GiB", string extra = "") =>
        $$"""{"kind":"general","cpu":{{cpu}},"memory":"{{memory}}","cu":0.0004,"grade":"D","price_per_cu_hour":"1.00 CNY","pue":1.5,"carbon_g_per_kwh":550{{extra}}}""";

    [Fact]
    public async Task An_agent_adds_its_pool_to_its_site_and_re_registering_updates_it_in_the_world()
    {
        await using var api = await TestApi.StartAsync();
        var agent = await api.ClientAsync(Role.Provider, "p-new");
        await agent.PutAsync("/v1/sites/sg-edge", Json(Site));

        var created = await agent.PutAsync("/v1/agents/pools/sg-edge/box-1", Json(Pool()));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode); // the site existed: 200, not 201
        Assert.Equal("sg-edge/box-1", (await Body(created)).GetProperty("pool").GetString());
        var world = api.Services.GetRequiredService<ServerWorld>();
        Assert.Equal(2, world.Topology.FindPool("sg-edge/box-1")!.Node.Cores);
        Assert.NotNull(world.Topology.FindPool("sg-edge/cpu")); // the site's other pool is kept

        Assert.Equal(HttpStatusCode.OK, (await agent.PutAsync("/v1/agents/pools/sg-edge/box-1", Json(Pool(cpu: 4, memory: "16GiB")))).StatusCode);
        var pool = world.Topology.FindPool("sg-edge/box-1")!;
        Assert.Equal((4, 16L << 30, 1), (pool.Node.Cores, pool.Node.Memory.Bytes, pool.NodeCount));
        Assert.Equal(Core.Model.AccessMode.Agent, pool.Access);
        var view = await Body(await agent.GetAsync("/v1/sites/sg-edge"));
        Assert.Equal(["sg-edge/cpu", "sg-edge/box-1"], view.GetProperty("pools").EnumerateArray().Select(p => p.GetString()));
        Assert.Contains("\"grade\":\"D\"", (await api.Store.FindObjectAsync("agent-pools", "sg-edge/box-1", default))!.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_agents_of_one_site_registering_at_once_keep_both_pools()
    {
        await using var api = await TestApi.StartAsync();
        var agent = await api.ClientAsync(Role.Provider, "p-new");
        await agent.PutAsync("/v1/sites/sg-edge", Json(Site));
        var names = Enumerable.Range(1, 8).Select(i => $"box-{i}").ToList();
        var answers = await Task.WhenAll(names.Select(n => agent.PutAsync($"/v1/agents/pools/sg-edge/{n}", Json(Pool()))));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var pools = (await Body(await agent.GetAsync("/v1/sites/sg-edge"))).GetProperty("pools").EnumerateArray().Select(p => p.GetString()).ToHashSet();
        Assert.Equal(9, pools.Count); // the site's own pool and all eight
    }

    [Fact]
    public async Task A_foreign_or_unknown_site_is_404_and_a_bad_body_is_400_with_every_field_named()
    {
        await using var api = await TestApi.StartAsync();
        var agent = await api.ClientAsync(Role.Provider, "p-new");
        var stranger = await api.ClientAsync(Role.Provider, "p-other");
        await agent.PutAsync("/v1/sites/sg-edge", Json(Site));

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PutAsync("/v1/agents/pools/sg-edge/box", Json(Pool()))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.PutAsync("/v1/agents/pools/nowhere/box", Json(Pool()))).StatusCode);
        Assert.Null(api.Services.GetRequiredService<ServerWorld>().Topology.FindPool("sg-edge/box"));

        var bad = await agent.PutAsync("/v1/agents/pools/sg-edge/box", Json("""{"kind":"laptop","cpu":0,"memory":"lots","grade":"E","pue":0.5,"carbon_g_per_kwh":550}"""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await Body(bad)).GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
        // Expected: kind, cpu, memory, grade, price (missing) and pue, each named — six errors.
        Assert.Equal(["kind", "cpu", "memory", "grade", "price_per_cu_hour", "pue"], errors.Select(e => e.Split(':')[0]));

        var unknownField = await agent.PutAsync("/v1/agents/pools/sg-edge/box", Json(Pool(extra: ",\"owner\":\"me\"")));
        Assert.Equal(HttpStatusCode.BadRequest, unknownField.StatusCode);
        var wrongType = await agent.PutAsync("/v1/agents/pools/sg-edge/box", Json(Pool().Replace("\"cpu\":2", "\"cpu\":\"2\"", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        var badName = await agent.PutAsync("/v1/agents/pools/sg-edge/-x", Json(Pool()));
        Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);
        var unknownModel = await agent.PutAsync("/v1/agents/pools/sg-edge/gpu", Json(Pool(extra: ",\"accelerators\":{\"model\":\"GeForce-GTX-1\",\"count\":1}")));
        Assert.Equal(HttpStatusCode.BadRequest, unknownModel.StatusCode); // not in the device catalogue: does not fit the network
    }

    [Fact]
    public async Task An_agent_creates_its_site_only_when_it_says_where_and_never_on_a_preset_site()
    {
        await using var api = await TestApi.StartAsync();
        var agent = await api.ClientAsync(Role.Provider, "p-new");
        var created = await agent.PutAsync("/v1/agents/pools/lab/box", Json(Pool(extra: ",\"site\":{\"at\":\"Beijing\",\"tier\":\"edge\",\"jurisdiction\":\"CN\"}")));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True((await Body(created)).GetProperty("site_created").GetBoolean());
        var site = await Body(await agent.GetAsync("/v1/sites/lab"));
        Assert.Equal("p-new", site.GetProperty("provider").GetString());

        var preset = api.Services.GetRequiredService<ServerWorld>().Preset.Sites[0];
        var owner = await api.ClientAsync(Role.Provider, preset.ProviderId);
        Assert.Equal(HttpStatusCode.Conflict, (await owner.PutAsync($"/v1/agents/pools/{preset.Id}/box", Json(Pool()))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.PutAsync($"/v1/agents/pools/{preset.Id}/box", Json(Pool()))).StatusCode);
    }
}
