using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Suanwang.Server.Access;
using Suanwang.Server.Store;

namespace Suanwang.Server.Tests.Processes;

/// <summary>
/// Issue 5's crash-safety check: SIGKILL the real server in the middle of 10,000 concurrent
/// submissions, start it again on the same store, and find every acknowledged job exactly once.
/// </summary>
[Collection(PostgresGroup.Name)]
public sealed class CrashSafetyTests(PostgresServer postgres)
{
    private const int Submissions = 10_000;
    private const int KillAfterAcknowledged = 3_000;

    [Fact]
    public async Task Every_acknowledged_job_survives_sigkill_exactly_once_on_sqlite()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"suanwang-crash-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            await Run(directory, $"sqlite:{Path.Combine(directory, "state.db")}");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Every_acknowledged_job_survives_sigkill_exactly_once_on_postgres()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"suanwang-crash-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            await Run(directory, $"postgres:{await postgres.NewDatabaseAsync()}");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task Run(string directory, string db)
    {
        Assert.True(StoreLocation.TryParse(db, out var location, out _));
        string tenantToken, operatorToken;
        await using (var store = await ControlStore.OpenAsync(location!, TimeProvider.System, default))
        {
            var (t, tenant) = ApiToken.Create(Role.Tenant, "crash", DateTimeOffset.UtcNow);
            var (o, op) = ApiToken.Create(Role.Operator, "ops", DateTimeOffset.UtcNow);
            await store.AddTokenAsync(tenant, default);
            await store.AddTokenAsync(op, default);
            (tenantToken, operatorToken) = (t, o);
        }

        var port = ServerProcess.FreePort();
        var acknowledged = new ConcurrentDictionary<string, string>(); // name → id
        await using (var server = await ServerProcess.StartAsync(directory, port, "--db", db, "--data-dir", directory))
        {
            using var http = Client(server.Url, tenantToken);
            var killed = new TaskCompletionSource();
            async Task Submit(int i)
            {
                var name = $"crash-{i}";
                try
                {
                    using var body = new StringContent(
                        $$"""{"apiVersion":"suanwang/v1","kind":"Job","name":"{{name}}","resources":{"cpu":1,"memory":"1GiB"},"duration":"1m"}""",
                        Encoding.UTF8, "application/json");
                    using var response = await http.PostAsync("/v1/jobs", body);
                    if (response.StatusCode != HttpStatusCode.Created)
                        return;
                    var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
                    acknowledged[name] = id; // the 201 has been read: this job was acknowledged
                    if (acknowledged.Count >= KillAfterAcknowledged)
                        killed.TrySetResult();
                }
                catch (HttpRequestException)
                {
                    // The server died under this request: not acknowledged.
                }
                catch (TaskCanceledException)
                {
                }
            }
            var all = Enumerable.Range(0, Submissions).Select(Submit).ToArray();
            await Task.WhenAny(killed.Task, Task.WhenAll(all));
            server.KillHard();
            await Task.WhenAll(all);
        }
        Assert.True(acknowledged.Count >= KillAfterAcknowledged, $"only {acknowledged.Count} acknowledged before the kill");
        Assert.True(acknowledged.Count < Submissions, "every submission finished before the kill; the test did not kill mid-way");

        // A fresh port: the killed process's may linger in TIME_WAIT on a busy machine; the store is what must survive.
        await using (var restarted = await ServerProcess.StartAsync(directory, ServerProcess.FreePort(), "--db", db, "--data-dir", directory))
        {
            using var http = Client(restarted.Url, operatorToken);
            var stored = new List<(string Name, string Id)>();
            string? after = null;
            do
            {
                var page = JsonDocument.Parse(await http.GetStringAsync($"/v1/jobs?tenant=crash&limit=1000{(after is null ? "" : $"&after={after}")}")).RootElement;
                stored.AddRange(page.GetProperty("jobs").EnumerateArray().Select(j => (j.GetProperty("name").GetString()!, j.GetProperty("id").GetString()!)));
                after = page.GetProperty("next").GetString();
            }
            while (after is not null);

            var byName = stored.GroupBy(s => s.Name).ToDictionary(g => g.Key, g => g.Select(s => s.Id).ToList());
            Assert.All(byName, entry => Assert.Single(entry.Value)); // nothing duplicated, acknowledged or not
            foreach (var (name, id) in acknowledged)
            {
                Assert.True(byName.TryGetValue(name, out var ids), $"acknowledged job {name} ({id}) is missing after the restart");
                Assert.Equal(id, ids[0]);
            }
        }
    }

    private static HttpClient Client(Uri url, string token)
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(120) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}
