using System.Net;
using System.Text.Json;
using Suanwang.Server.Access;
using Suanwang.Server.Store;
using static Suanwang.Server.Tests.Api.JobsApiTests;

namespace Suanwang.Server.Tests.Api;

/// <summary>The API on real SQLite; <see cref="PostgresAccessTests"/> runs the same tests on a real PostgreSQL.</summary>
public class AccessTests
{
    /// <summary>Starts the API under test.</summary>
    protected virtual Task<TestApi> Start(int requestsPerSecond = 20_000, int burst = 20_000) => TestApi.StartAsync(requestsPerSecond, burst);

    [Fact]
    public async Task Only_healthz_answers_without_a_token()
    {
        await using var api = await Start();
        var anonymous = api.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        foreach (var path in new[] { "/v1/jobs", "/metrics", "/openapi/v1.json", "/v1/jobs/j-1" })
        {
            var response = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        }
    }

    [Fact]
    public async Task Tenant_b_cannot_read_list_cancel_or_infer_tenant_a_jobs()
    {
        await using var api = await Start();
        var a = await api.ClientAsync(Role.Tenant, "tenant-a");
        var b = await api.ClientAsync(Role.Tenant, "tenant-b");
        var id = (await Body(await a.PostAsync("/v1/jobs", Json(JsonJob("secret"))))).GetProperty("id").GetString()!;
        var absent = "j-" + Guid.CreateVersion7().ToString("N");

        foreach (var (method, path) in new[] { ("GET", "/v1/jobs/{0}"), ("GET", "/v1/jobs/{0}/events"), ("GET", "/v1/jobs/{0}/explanation"), ("POST", "/v1/jobs/{0}/cancel") })
        {
            var foreign = await b.SendAsync(new HttpRequestMessage(new HttpMethod(method), string.Format(null, path, id)));
            var missing = await b.SendAsync(new HttpRequestMessage(new HttpMethod(method), string.Format(null, path, absent)));
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
            Assert.Equal(missing.StatusCode, foreign.StatusCode);
            // Same answer apart from the id echoed back and the trace id.
            Assert.Equal(Normalize(await missing.Content.ReadAsStringAsync(), absent), Normalize(await foreign.Content.ReadAsStringAsync(), id));
        }
        Assert.Equal(0, (await Body(await b.GetAsync("/v1/jobs"))).GetProperty("jobs").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await b.GetAsync("/v1/jobs?tenant=tenant-a")).StatusCode);
        Assert.Equal("pending", (await Body(await a.GetAsync($"/v1/jobs/{id}"))).GetProperty("state").GetString());
    }

    private static string Normalize(string problem, string id)
    {
        var element = JsonDocument.Parse(problem.Replace(id, "ID", StringComparison.Ordinal)).RootElement;
        return string.Join("|", element.EnumerateObject().Where(p => p.Name != "trace_id").Select(p => $"{p.Name}={p.Value}"));
    }

    [Fact]
    public async Task Roles_are_enforced()
    {
        await using var api = await Start();
        var provider = await api.ClientAsync(Role.Provider, "p-east");
        var tenant = await api.ClientAsync(Role.Tenant, "acme");
        var op = await api.ClientAsync(Role.Operator, "ops");
        Assert.Equal(HttpStatusCode.Forbidden, (await provider.PostAsync("/v1/jobs", Json(JsonJob("x")))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await provider.GetAsync("/v1/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.GetAsync("/metrics")).StatusCode);
        var metrics = await op.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("http_requests_received_total", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var openApi = await tenant.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        Assert.Contains("/v1/jobs/{id}/cancel", await openApi.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failed_authentications_block_the_client_until_trust_recovers()
    {
        await using var api = await Start();
        var good = await api.ClientAsync(Role.Tenant, "acme");
        var (forged, _) = ApiToken.Create(Role.Operator, "ops", api.Clock.GetUtcNow()); // never stored
        var bad = api.Anonymous();
        bad.DefaultRequestHeaders.Authorization = new("Bearer", forged);
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await bad.GetAsync("/v1/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await good.GetAsync("/v1/jobs")).StatusCode); // 50 left: not yet blocked
        Assert.Equal(HttpStatusCode.Unauthorized, (await bad.GetAsync("/v1/jobs")).StatusCode);
        // The test server's clients share one (unknown) address: the address is now blocked, good token or not.
        var blocked = await good.GetAsync("/v1/jobs");
        Assert.Equal(HttpStatusCode.Forbidden, blocked.StatusCode);
        Assert.Equal("Blocked", (await Body(blocked)).GetProperty("title").GetString());
        api.Clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(HttpStatusCode.OK, (await good.GetAsync("/v1/jobs")).StatusCode);
    }

    [Fact]
    public async Task A_principal_over_its_rate_gets_429()
    {
        await using var api = await Start(requestsPerSecond: 10, burst: 5);
        var acme = await api.ClientAsync(Role.Tenant, "acme");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
            statuses.Add((await acme.GetAsync("/v1/jobs")).StatusCode);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(HttpStatusCode.OK, statuses[0]);
    }
}

/// <summary>The same API tests on a real PostgreSQL server.</summary>
[Collection(PostgresGroup.Name)]
public sealed class PostgresAccessTests(PostgresServer server) : AccessTests
{
    /// <inheritdoc/>
    protected override async Task<TestApi> Start(int requestsPerSecond = 20_000, int burst = 20_000) =>
        await TestApi.StartAsync(requestsPerSecond, burst, location: new StoreLocation(StoreKind.Postgres, await server.NewDatabaseAsync()));
}
