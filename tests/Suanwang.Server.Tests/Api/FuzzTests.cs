using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Suanwang.Server.Store;
using static Suanwang.Server.Tests.Api.JobsApiTests;

namespace Suanwang.Server.Tests.Api;

/// <summary>
/// Issue 5's bad-input check: at least 10,000 malformed, oversized and wrongly typed requests, from a
/// seeded generator, each answered 4xx (never 2xx, never 5xx), and the server healthy and correct afterwards.
/// </summary>
public sealed class FuzzTests
{
    private const int Requests = 10_500;

    [Fact]
    public async Task Ten_thousand_malformed_requests_all_get_4xx_and_the_server_stays_healthy()
    {
        await using var api = await TestApi.StartAsync();
        var tenant = await api.ClientAsync(Role.Tenant, "fuzz");
        var random = new Random(20261123);
        var statuses = new Dictionary<int, int>();
        for (var i = 0; i < Requests; i++)
        {
            // Probing unknown ids lowers a token's trust until it is blocked (correctly); a fresh token now
            // and then keeps the requests reaching the validation they are meant to exercise.
            if (i % 50 == 0)
                tenant = await api.ClientAsync(Role.Tenant, "fuzz");
            using var request = Malformed(random, i);
            using var response = await tenant.SendAsync(request);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (status is < 400 or >= 500)
            {
                var body = request.Content is null ? "no body" : await request.Content.ReadAsStringAsync();
                Assert.Fail($"request {i} ({request.Method} {request.RequestUri}, {body[..Math.Min(200, body.Length)]}) answered {status}");
            }
            if (response.Content.Headers.ContentLength > 0)
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        foreach (var expected in new[] { 400, 404, 405, 413, 415 })
            Assert.True(statuses.ContainsKey(expected), $"no request was answered {expected}: {string.Join(", ", statuses)}");
        Assert.True(statuses[400] > Requests / 2, $"most requests should reach validation: {string.Join(", ", statuses)}");

        Assert.Equal(HttpStatusCode.OK, (await api.Anonymous().GetAsync("/healthz")).StatusCode);
        Assert.Empty((await api.Store.ListJobsAsync(new JobQuery(null, null, null, 10), default)).Jobs); // nothing malformed was stored
        var fresh = await api.ClientAsync(Role.Tenant, "after");
        Assert.Equal(HttpStatusCode.Created, (await fresh.PostAsync("/v1/jobs", Json(JsonJob("after-fuzz")))).StatusCode);
    }

    private static HttpRequestMessage Malformed(Random random, int i) => (i % 12) switch
    {
        0 => Post(RandomBytes(random, random.Next(1, 2000)), "application/json"),
        1 => Post(Encoding.UTF8.GetBytes(Truncate(random, JsonJob("ok"))), "application/json"),
        2 => Post(Encoding.UTF8.GetBytes(WrongType(random)), "application/json"),
        3 => Post(Encoding.UTF8.GetBytes(new string('[', random.Next(65, 5000))), "application/json"),
        4 => Post(Encoding.UTF8.GetBytes(YamlGarbage(random)), "application/yaml"),
        5 => Post(Encoding.UTF8.GetBytes(JsonJob("x")), random.Next(3) switch { 0 => "text/plain", 1 => "application/xml", _ => "image/png" }),
        6 => new HttpRequestMessage(HttpMethod.Get, $"/v1/jobs?{BadQuery(random)}"),
        7 => new HttpRequestMessage(new[] { HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch }[random.Next(3)], "/v1/jobs"),
        8 => new HttpRequestMessage(HttpMethod.Get, $"/v1/jobs/j-{Convert.ToHexStringLower(RandomBytes(random, 16))}"),
        9 => new HttpRequestMessage(HttpMethod.Get, $"/v1/{Convert.ToHexStringLower(RandomBytes(random, 4))}"),
        10 => i % 120 == 10
            ? Post(new byte[RequestBodyLimit + random.Next(1, 1000)], "application/json") // oversized, now and then (they are slow)
            : Post(Encoding.UTF8.GetBytes($"[{string.Join(',', Enumerable.Repeat(JsonJob("b"), 1001))}]"[..(random.Next(100, 5000))]), "application/json"),
        _ => Post(Encoding.UTF8.GetBytes(JsonJob("x").Replace("\"kind\":\"Job\"", $"\"kind\":\"Job\",\"{Word(random)}\":{random.Next()}", StringComparison.Ordinal)), "application/json"),
    };

    private const int RequestBodyLimit = 4 * 1024 * 1024;

    private static HttpRequestMessage Post(byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return new HttpRequestMessage(HttpMethod.Post, "/v1/jobs") { Content = content };
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        bytes[0] = (byte)random.Next(0, 32); // a control character first: never a valid spec in any encoding
        return bytes;
    }

    private static string Truncate(Random random, string text) => text[..random.Next(1, text.Length - 1)];

    private static string WrongType(Random random)
    {
        var field = new[] { "\"cpu\":2", "\"duration\":\"30m\"", "\"memory\":\"4GiB\"", "\"name\":\"x\"" }[random.Next(4)];
        var replacement = new[] { "[]", "{}", "null", "true", "-1", "1e309", "\"\"", "\"\\u0000\"", "99999999999999999999" }[random.Next(9)];
        return JsonJob("x").Replace(field, field.Split(':')[0] + ":" + replacement, StringComparison.Ordinal);
    }

    private static string YamlGarbage(Random random) => random.Next(4) switch
    {
        0 => "kind: Job\napiVersion: suanwang/v1\nname: [unclosed",
        1 => "- &a [*a]\n" + new string('-', random.Next(1, 50)),
        2 => $"apiVersion: suanwang/v1\nkind: Job\nname: y\nresources: {{cpu: {Word(random)}}}\nduration: 1h\n",
        _ => "\t" + Word(random) + ": : :",
    };

    private static string BadQuery(Random random) => random.Next(5) switch
    {
        0 => $"limit={random.Next(-1000, 1)}",
        1 => $"limit={Word(random)}",
        2 => $"state={Word(random)}",
        3 => $"{Word(random)}=1",
        _ => $"limit={random.Next(1001, int.MaxValue)}",
    };

    private static string Word(Random random) => "z" + Convert.ToHexStringLower(BitConverter.GetBytes(random.Next()));
}
