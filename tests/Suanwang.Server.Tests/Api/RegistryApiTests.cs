using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Suanwang.Server.Scheduling;
using Suanwang.Server.Store;
using static Suanwang.Server.Tests.Api.JobsApiTests;

namespace Suanwang.Server.Tests.Api;

public sealed class RegistryApiTests
{
    private static async Task<string> ProviderOf(HttpClient client, string site) =>
        (await Body(await client.GetAsync($"/v1/sites/{site}"))).GetProperty("provider").GetString()!;

    [Fact]
    public async Task The_network_is_readable_and_only_a_pools_provider_heartbeats_it()
    {
        await using var api = await TestApi.StartAsync();
        var tenant = await api.ClientAsync(Role.Tenant, "acme");
        Assert.Equal(40, (await Body(await tenant.GetAsync("/v1/sites"))).GetArrayLength());
        Assert.Equal(99, (await Body(await tenant.GetAsync("/v1/links"))).GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.GetAsync("/v1/sites/atlantis")).StatusCode);

        var owner = await ProviderOf(tenant, "zhangjiakou-hub");
        var provider = await api.ClientAsync(Role.Provider, owner);
        var stranger = await api.ClientAsync(Role.Provider, owner + "-not");
        var beat = await provider.PostAsync("/v1/heartbeats/zhangjiakou-hub/ai", Json("""{"free_nodes": 12, "health": "ok"}"""));
        Assert.Equal(HttpStatusCode.OK, beat.StatusCode);
        var pool = await Body(await provider.GetAsync("/v1/pools/zhangjiakou-hub/ai"));
        Assert.Equal(12, pool.GetProperty("heartbeat").GetProperty("free_nodes").GetInt32());

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync("/v1/heartbeats/zhangjiakou-hub/ai", Json("""{"free_nodes": 1, "health": "ok"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync("/v1/pools/zhangjiakou-hub/ai")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.PostAsync("/v1/heartbeats/zhangjiakou-hub/ai", Json("""{"free_nodes": 1, "health": "ok"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await provider.PostAsync("/v1/heartbeats/zhangjiakou-hub/ai", Json("""{"free_nodes": 1, "health": "sleepy"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await provider.PostAsync("/v1/heartbeats/zhangjiakou-hub/ai", Json("""{"free_nodes": 100000, "health": "ok"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await provider.PostAsync("/v1/heartbeats/zhangjiakou-hub/ai", Json("""{"free_nodes": 1, "health": "ok", "colour": 3}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await provider.PostAsync("/v1/heartbeats/zhangjiakou-hub/ai", Json("""{"free_nodes": "1", "health": "ok"}"""))).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await provider.PostAsync("/v1/links/probes", Json("""{"from": "Beijing", "to": "Zhangjiakou", "latency_ms": 1.9, "bandwidth": "80Gbps"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await provider.PostAsync("/v1/links/probes", Json("""{"from": "Beijing", "to": "Lhasa-nowhere", "latency_ms": 1.9}"""))).StatusCode);
    }

    [Fact]
    public async Task Datasets_belong_to_their_tenant()
    {
        await using var api = await TestApi.StartAsync();
        var a = await api.ClientAsync(Role.Tenant, "tenant-a");
        var b = await api.ClientAsync(Role.Tenant, "tenant-b");
        var put = await a.PutAsync("/v1/datasets/corpus-zh", Json("""{"size": "40TB", "replicas": ["qingpu-hub"], "jurisdictions": ["CN"]}"""));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await a.PutAsync("/v1/datasets/corpus-zh", Json("""{"size": "41TB", "replicas": ["qingpu-hub", "zhongwei-hub"]}"""))).StatusCode);
        Assert.Equal("41TB", (await Body(await a.GetAsync("/v1/datasets/corpus-zh"))).GetProperty("dataset").GetProperty("size").GetString());
        Assert.Single((await Body(await a.GetAsync("/v1/datasets"))).EnumerateArray());

        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync("/v1/datasets/corpus-zh")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync("/v1/datasets/no-such")).StatusCode);
        Assert.Empty((await Body(await b.GetAsync("/v1/datasets"))).EnumerateArray());
        // Each tenant names its own datasets: b's corpus-zh is another dataset, and its creation reveals nothing about a's.
        Assert.Equal(HttpStatusCode.Created, (await b.PutAsync("/v1/datasets/corpus-zh", Json("""{"size": "1GB", "replicas": ["qingpu-hub"]}"""))).StatusCode);
        Assert.Equal("1GB", (await Body(await b.GetAsync("/v1/datasets/corpus-zh"))).GetProperty("dataset").GetProperty("size").GetString());
        Assert.Equal("41TB", (await Body(await a.GetAsync("/v1/datasets/corpus-zh"))).GetProperty("dataset").GetProperty("size").GetString());
        Assert.Equal("corpus-zh", (await Body(await a.GetAsync("/v1/datasets")))[0].GetProperty("id").GetString());

        var bad = await a.PutAsync("/v1/datasets/bad", Json("""{"size": "-4TB", "replicas": ["atlantis"], "jurisdictions": ["cn"]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(3, (await Body(bad)).GetProperty("errors").GetArrayLength());
    }

    [Fact]
    public async Task A_dataset_may_list_its_files_with_checksums_which_are_checked_when_registered()
    {
        await using var api = await TestApi.StartAsync();
        var a = await api.ClientAsync(Role.Tenant, "tenant-a");
        const string Hash = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        var good = await a.PutAsync("/v1/datasets/small", Json($$"""{"size": "1kB", "replicas": ["qingpu-hub"], "files": [{"path": "a/b.txt", "size": 3, "sha256": "{{Hash}}"}]}"""));
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
        var files = (await Body(await a.GetAsync("/v1/datasets/small"))).GetProperty("dataset").GetProperty("files");
        Assert.Equal(Hash, files[0].GetProperty("sha256").GetString());

        foreach (var (body, expected) in new[]
        {
            ($$"""[{"path": "../etc/passwd", "size": 3, "sha256": "{{Hash}}"}]""", "'..'"),
            ($$"""[{"path": "x", "size": 3, "sha256": "{{Hash.ToUpperInvariant()}}"}]""", "sha256"),
            ($$"""[{"path": "x", "size": 2000, "sha256": "{{Hash}}"}]""", "more than the declared size"),
            ($$"""[{"path": "x", "size": 1, "sha256": "{{Hash}}"}, {"path": "x", "size": 1, "sha256": "{{Hash}}"}]""", "twice"),
        })
        {
            var bad = await a.PutAsync("/v1/datasets/small", Json($$"""{"size": "1kB", "replicas": ["qingpu-hub"], "files": {{body}}}"""));
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains(expected, (await Body(bad)).GetProperty("errors")[0].GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(3, (await Body(await a.GetAsync("/v1/datasets/small"))).GetProperty("dataset").GetProperty("files")[0].GetProperty("size").GetInt64()); // unchanged
    }

    [Fact]
    public async Task Tenants_and_providers_are_the_operators_to_register()
    {
        await using var api = await TestApi.StartAsync();
        var op = await api.ClientAsync(Role.Operator, "ops");
        var tenant = await api.ClientAsync(Role.Tenant, "acme");
        Assert.Equal(HttpStatusCode.OK, (await op.PutAsync("/v1/tenants/acme", Json("""{"display_name": "Acme Genomics"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await op.PutAsync("/v1/providers/p-east", Json("""{"display_name": "East Cloud"}"""))).StatusCode);
        Assert.Single((await Body(await op.GetAsync("/v1/tenants"))).EnumerateArray());
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.PutAsync("/v1/tenants/acme", Json("""{"display_name": "Mine"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.GetAsync("/v1/providers")).StatusCode);
    }

    [Fact]
    public async Task The_loop_plans_with_registered_datasets_and_avoids_sites_whose_pools_report_down()
    {
        await using var api = await TestApi.StartAsync(schedule: true);
        var loop = api.Services.GetRequiredService<SchedulingLoop>();
        var tenant = await api.ClientAsync(Role.Tenant, "acme");
        var withInput = JsonJob("reads-corpus").Replace("\"duration\":\"30m\"", "\"duration\":\"30m\",\"inputs\":[{\"dataset\":\"corpus\"}]", StringComparison.Ordinal);

        var early = (await Body(await tenant.PostAsync("/v1/jobs", Json(withInput)))).GetProperty("id").GetString()!;
        await loop.RunCycleAsync(default);
        var waiting = await Body(await tenant.GetAsync($"/v1/jobs/{early}"));
        Assert.Equal("pending", waiting.GetProperty("state").GetString());
        Assert.Contains("corpus", waiting.GetProperty("reason").GetString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Created, (await tenant.PutAsync("/v1/datasets/corpus", Json("""{"size": "100MB", "replicas": ["tianfu-hub", "zhongwei-hub"]}"""))).StatusCode);
        await loop.RunCycleAsync(default);
        Assert.NotEqual("pending", (await Body(await tenant.GetAsync($"/v1/jobs/{early}"))).GetProperty("state").GetString());

        // Every pool of tianfu-hub reports down: the next job with the same input runs elsewhere, reading the other
        // replica (a down site serves no data either: with tianfu-hub the only replica the job would be unschedulable).
        var owner = await ProviderOf(tenant, "tianfu-hub");
        var provider = await api.ClientAsync(Role.Provider, owner);
        foreach (var pool in (await Body(await tenant.GetAsync("/v1/sites/tianfu-hub"))).GetProperty("pools").EnumerateArray())
            Assert.Equal(HttpStatusCode.OK, (await provider.PostAsync($"/v1/heartbeats/{pool.GetString()}", Json("""{"free_nodes": 0, "health": "down"}"""))).StatusCode);
        var later = (await Body(await tenant.PostAsync("/v1/jobs", Json(withInput.Replace("reads-corpus", "reads-again", StringComparison.Ordinal))))).GetProperty("id").GetString()!;
        await loop.RunCycleAsync(default);
        var placed = await Body(await tenant.GetAsync($"/v1/jobs/{later}"));
        Assert.True(placed.GetProperty("state").GetString() == "placed", placed.ToString());
        Assert.NotEqual("tianfu-hub", placed.GetProperty("placement").GetProperty("site").GetString());
        Assert.All(placed.GetProperty("placement").GetProperty("transfers").EnumerateArray(),
            t => Assert.NotEqual("tianfu-hub", t.GetProperty("from_site").GetString()));
    }
}

public sealed class SiteRegistrationTests
{
    private const string NewSite = """
        {"id": "sg-edge", "at": "Beijing", "tier": "edge", "jurisdiction": "SG", "provider": "p-new",
         "pools": [{"id": "sg-edge/cpu", "kind": "general", "nodes": 4, "node": {"cpu": 32, "memory": "128GiB"},
                    "price_per_cu_hour": "0.50 CNY", "pue": 1.3, "carbon_g_per_kwh": 400}]}
        """;

    [Fact]
    public async Task A_provider_registers_its_site_and_the_loop_waits_for_its_adapter()
    {
        await using var api = await TestApi.StartAsync(schedule: true);
        var provider = await api.ClientAsync(Role.Provider, "p-new");
        var other = await api.ClientAsync(Role.Provider, "p-other");
        var tenant = await api.ClientAsync(Role.Tenant, "acme");

        var created = await provider.PutAsync("/v1/sites/sg-edge", Json(NewSite));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        Assert.Equal(41, (await Body(await tenant.GetAsync("/v1/sites"))).GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, (await provider.PostAsync("/v1/heartbeats/sg-edge/cpu", Json("""{"free_nodes": 4, "health": "ok"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await provider.PutAsync("/v1/sites/sg-edge", Json(NewSite.Replace("\"nodes\": 4", "\"nodes\": 8", StringComparison.Ordinal)))).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await other.PutAsync("/v1/sites/sg-edge", Json(NewSite.Replace("p-new", "p-other", StringComparison.Ordinal)))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PutAsync("/v1/sites/sg-edge", Json(NewSite))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.PutAsync("/v1/sites/sg-edge", Json(NewSite))).StatusCode);
        var unknownPop = await provider.PutAsync("/v1/sites/sg-edge", Json(NewSite.Replace("Beijing", "Atlantis", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.BadRequest, unknownPop.StatusCode);
        Assert.Contains("Atlantis", await unknownPop.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var badPool = await provider.PutAsync("/v1/sites/sg-edge", Json(NewSite.Replace("\"pue\": 1.3", "\"pue\": 0.2", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.BadRequest, badPool.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await provider.PutAsync("/v1/sites/other-id", Json(NewSite))).StatusCode);

        // Only the new site is in SG; no adapter runs its pool yet, so a job bound to SG waits with the reason.
        var job = JsonJob("in-sg").Replace("\"duration\":\"30m\"", "\"duration\":\"30m\",\"jurisdictions\":[\"SG\"]", StringComparison.Ordinal);
        var id = (await Body(await tenant.PostAsync("/v1/jobs", Json(job)))).GetProperty("id").GetString()!;
        await api.Services.GetRequiredService<SchedulingLoop>().RunCycleAsync(default);
        var waiting = await Body(await tenant.GetAsync($"/v1/jobs/{id}"));
        Assert.Equal("pending", waiting.GetProperty("state").GetString());
        Assert.Contains("of 59 pools", waiting.GetProperty("reason").GetString(), StringComparison.Ordinal); // the new pool is planned on, and refused
    }
}
