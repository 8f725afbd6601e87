using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Suanwang.Server.Store;

namespace Suanwang.Server.Tests.Api;

/// <summary>The API on real SQLite; <see cref="PostgresJobsApiTests"/> runs the same tests on a real PostgreSQL.</summary>
public class JobsApiTests
{
    /// <summary>Starts the API under test.</summary>
    protected virtual Task<TestApi> Start(int requestsPerSecond = 20_000, int burst = 20_000) => TestApi.StartAsync(requestsPerSecond, burst);

    internal const string YamlJob = """
        apiVersion: suanwang/v1
        kind: Job
        name: render
        tasks: 2
        resources: { cpu: 4, memory: 8GiB }
        duration: 1h
        """;

    internal static string JsonJob(string name) =>
        $$"""{"apiVersion":"suanwang/v1","kind":"Job","name":"{{name}}","resources":{"cpu":2,"memory":"4GiB"},"duration":"30m"}""";

    internal static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    internal static async Task<JsonElement> Body(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task A_tenant_submits_yaml_and_json_then_gets_lists_and_cancels()
    {
        await using var api = await Start();
        var acme = await api.ClientAsync(Role.Tenant, "acme");

        var yaml = await acme.PostAsync("/v1/jobs", new StringContent(YamlJob, Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.Created, yaml.StatusCode);
        var job = await Body(yaml);
        Assert.Equal("render", job.GetProperty("name").GetString());
        Assert.Equal("acme", job.GetProperty("tenant").GetString());
        Assert.Equal("pending", job.GetProperty("state").GetString());
        // Stored as JSON whatever was sent; numbers stay numbers.
        Assert.Equal(2, job.GetProperty("spec").GetProperty("tasks").GetInt32());

        var json = await acme.PostAsync("/v1/jobs", Json(JsonJob("etl")));
        Assert.Equal(HttpStatusCode.Created, json.StatusCode);
        var id = (await Body(json)).GetProperty("id").GetString()!;

        var got = await Body(await acme.GetAsync($"/v1/jobs/{id}"));
        Assert.Equal("etl", got.GetProperty("name").GetString());
        var list = await Body(await acme.GetAsync("/v1/jobs?limit=1"));
        Assert.Single(list.GetProperty("jobs").EnumerateArray());
        var next = list.GetProperty("next").GetString();
        var rest = await Body(await acme.GetAsync($"/v1/jobs?after={next}"));
        Assert.Single(rest.GetProperty("jobs").EnumerateArray());

        var cancel = await acme.PostAsync($"/v1/jobs/{id}/cancel", null);
        Assert.Equal("cancelled", (await Body(cancel)).GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await acme.PostAsync($"/v1/jobs/{id}/cancel", null)).StatusCode);
        var events = await Body(await acme.GetAsync($"/v1/jobs/{id}/events"));
        Assert.Equal(["submitted", "cancelled"], events.EnumerateArray().Select(e => e.GetProperty("type").GetString()));
        var pending = await Body(await acme.GetAsync("/v1/jobs?state=pending"));
        Assert.Equal(["render"], pending.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task A_batch_is_accepted_whole_or_refused_whole()
    {
        await using var api = await Start();
        var acme = await api.ClientAsync(Role.Tenant, "acme");
        var good = await acme.PostAsync("/v1/jobs", Json($"[{JsonJob("a")},{JsonJob("b")},{JsonJob("c")}]"));
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
        Assert.Equal(3, (await Body(good)).GetProperty("jobs").GetArrayLength());

        var bad = await acme.PostAsync("/v1/jobs", Json($"[{JsonJob("d")},{JsonJob("e").Replace("\"cpu\":2", "\"cpu\":-2", StringComparison.Ordinal)}]"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType!.MediaType);
        var problem = await Body(bad);
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.StartsWith("[1].resources.cpu", error.GetProperty("path").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, (await Body(await acme.GetAsync("/v1/jobs"))).GetProperty("jobs").GetArrayLength());
    }

    [Fact]
    public async Task The_same_idempotency_key_gives_the_same_job()
    {
        await using var api = await Start();
        var acme = await api.ClientAsync(Role.Tenant, "acme");
        async Task<string> Submit()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/jobs") { Content = Json(JsonJob("once")) };
            request.Headers.Add("Idempotency-Key", "retry-1");
            return (await Body(await acme.SendAsync(request))).GetProperty("id").GetString()!;
        }
        Assert.Equal(await Submit(), await Submit());
        Assert.Equal(1, (await Body(await acme.GetAsync("/v1/jobs"))).GetProperty("jobs").GetArrayLength());
    }

    [Fact]
    public async Task Bad_requests_get_precise_problem_details()
    {
        await using var api = await Start();
        var acme = await api.ClientAsync(Role.Tenant, "acme");
        var op = await api.ClientAsync(Role.Operator, "ops");
        async Task Expect(HttpStatusCode status, HttpResponseMessage response, string detailPart)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            Assert.Contains(detailPart, (await Body(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        await Expect(HttpStatusCode.UnsupportedMediaType, await acme.PostAsync("/v1/jobs", new StringContent("x", Encoding.UTF8, "text/plain")), "application/json");
        await Expect(HttpStatusCode.BadRequest, await acme.PostAsync("/v1/jobs", Json("{")), "error");
        await Expect(HttpStatusCode.BadRequest, await acme.PostAsync("/v1/jobs", Json("")), "empty");
        await Expect(HttpStatusCode.RequestEntityTooLarge, await acme.PostAsync("/v1/jobs", Json(new string(' ', 5 * 1024 * 1024))), "larger");
        await Expect(HttpStatusCode.BadRequest, await acme.PostAsync("/v1/jobs",
            Json(JsonJob("x").Replace("\"kind\":\"Job\"", "\"kind\":\"Job\",\"tenant\":\"zeta\"", StringComparison.Ordinal))), "tenant");
        await Expect(HttpStatusCode.BadRequest, await op.PostAsync("/v1/jobs", Json(JsonJob("x"))), "tenant");
        await Expect(HttpStatusCode.BadRequest, await acme.GetAsync("/v1/jobs?limit=0"), "limit");
        await Expect(HttpStatusCode.BadRequest, await acme.GetAsync("/v1/jobs?state=sleeping"), "state");
        await Expect(HttpStatusCode.BadRequest, await acme.GetAsync("/v1/jobs?colour=red"), "colour");
        await Expect(HttpStatusCode.NotFound, await acme.GetAsync("/v1/nothing-here"), "/v1/nothing-here");
        // JSON is typed strictly: the spec reader alone would take these as text.
        await Expect(HttpStatusCode.BadRequest, await acme.PostAsync("/v1/jobs", Json(JsonJob("x").Replace("\"name\":\"x\"", "\"name\":true", StringComparison.Ordinal))), "wrongly typed");
        await Expect(HttpStatusCode.BadRequest, await acme.PostAsync("/v1/jobs", Json(JsonJob("x").Replace("\"cpu\":2", "\"cpu\":\"2\"", StringComparison.Ordinal))), "wrongly typed");
        var invalidUtf8 = new ByteArrayContent([0x7b, 0xff, 0xfe, 0x7d]);
        invalidUtf8.Headers.ContentType = new("application/json");
        await Expect(HttpStatusCode.BadRequest, await acme.PostAsync("/v1/jobs", invalidUtf8), "UTF-8");
    }

    [Fact]
    public async Task An_operator_submits_for_a_named_tenant_and_sees_every_tenant()
    {
        await using var api = await Start();
        var op = await api.ClientAsync(Role.Operator, "ops");
        var acme = await api.ClientAsync(Role.Tenant, "acme");
        Assert.Equal(HttpStatusCode.Created, (await op.PostAsync("/v1/jobs?tenant=zeta", Json(JsonJob("z")))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await acme.PostAsync("/v1/jobs", Json(JsonJob("a")))).StatusCode);
        Assert.Equal(2, (await Body(await op.GetAsync("/v1/jobs"))).GetProperty("jobs").GetArrayLength());
        Assert.Equal(["z"], (await Body(await op.GetAsync("/v1/jobs?tenant=zeta"))).GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task The_event_stream_sends_past_events_and_ends_when_the_job_finishes()
    {
        await using var api = await Start();
        var acme = await api.ClientAsync(Role.Tenant, "acme");
        var id = (await Body(await acme.PostAsync("/v1/jobs", Json(JsonJob("s"))))).GetProperty("id").GetString()!;
        await acme.PostAsync($"/v1/jobs/{id}/cancel", null);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/jobs/{id}/events");
        request.Headers.Accept.ParseAdd("text/event-stream");
        var response = await acme.SendAsync(request);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var text = await response.Content.ReadAsStringAsync(); // ends: the job is finished
        Assert.Contains("event: submitted", text, StringComparison.Ordinal);
        Assert.Contains("event: cancelled", text, StringComparison.Ordinal);
    }
}

/// <summary>The same API tests on a real PostgreSQL server.</summary>
[Collection(PostgresGroup.Name)]
public sealed class PostgresJobsApiTests(PostgresServer server) : JobsApiTests
{
    /// <inheritdoc/>
    protected override async Task<TestApi> Start(int requestsPerSecond = 20_000, int burst = 20_000) =>
        await TestApi.StartAsync(requestsPerSecond, burst, location: new StoreLocation(StoreKind.Postgres, await server.NewDatabaseAsync()));
}
