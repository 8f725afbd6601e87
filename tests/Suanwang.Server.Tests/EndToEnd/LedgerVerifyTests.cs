using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Suanwang.Cli;
using Suanwang.Server.Access;
using Suanwang.Server.Ledger;
using Suanwang.Server.Scheduling;
using Suanwang.Server.Store;
using Suanwang.Server.Tests.Processes;

namespace Suanwang.Server.Tests.EndToEnd;

/// <summary>
/// Placements and cancellations made through the real server reach the ledger, and the real
/// `suanwang ledger verify` accepts the log, accepts its growth, and fails once any stored entry is altered.
/// The server runs on a loopback port with a manual clock; the test drives the scheduling loop and the
/// ledger feeder itself.
/// </summary>
public sealed class LedgerVerifyTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"suanwang-e2e-{Guid.NewGuid():N}");
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
    private ControlStore? _store;
    private WebApplication? _app;
    private string _url = "";
    private string _operator = "";
    private string _tenant = "";

    private string Database => Path.Combine(_directory, "state.db");

    public async Task InitializeAsync()
    {
        await StartServer();
        (_operator, var op) = ApiToken.Create(Role.Operator, "ops", _clock.GetUtcNow());
        (_tenant, var tenant) = ApiToken.Create(Role.Tenant, "acme", _clock.GetUtcNow());
        await _store!.AddTokenAsync(op, default);
        await _store.AddTokenAsync(tenant, default);
    }

    private async Task StartServer()
    {
        var location = new StoreLocation(StoreKind.Sqlite, Database);
        _store = await ControlStore.OpenAsync(location, _clock, default);
        _url = $"http://127.0.0.1:{ServerProcess.FreePort()}";
        _app = ServerApp.Build(new ServerSettings(location, [_url], _directory), _store, _clock);
        await _app.StartAsync();
    }

    private async Task StopServer()
    {
        await _app!.StopAsync();
        await _app.DisposeAsync();
        await _store!.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }

    public async Task DisposeAsync()
    {
        await StopServer();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task Drive()
    {
        var loop = _app!.Services.GetRequiredService<SchedulingLoop>();
        await loop.RunCycleAsync(default);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await loop.RunCycleAsync(default);
        await _app.Services.GetRequiredService<LedgerFeeder>().FeedOnceAsync(1000, default);
    }

    private async Task<string> Submit(string name)
    {
        using var http = new HttpClient { BaseAddress = new Uri(_url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _tenant);
        using var body = new StringContent($$"""{"apiVersion":"suanwang/v1","kind":"Job","name":"{{name}}","resources":{"cpu":4,"memory":"8GiB"},"duration":"1h"}""",
            Encoding.UTF8, "application/json");
        var response = await http.PostAsync("/v1/jobs", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private CliRunResult Verify(string token, params string[] more)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = SuanwangCommand.Run(["ledger", "verify", "--server", _url, "--token", token, "--state", Path.Combine(_directory, $"verify-{token[3..15]}.json"), .. more], output, error);
        return new CliRunResult(exit, output.ToString(), error.ToString());
    }

    private sealed record CliRunResult(int Exit, string Out, string Err);

    [Fact]
    public async Task Placements_and_cancellations_are_logged_and_verify_until_an_entry_is_altered()
    {
        var first = await Submit("a");
        await Submit("b");
        await Drive();
        using (var http = new HttpClient { BaseAddress = new Uri(_url) })
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _tenant);
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsync($"/v1/jobs/{first}/cancel", null)).StatusCode);
        }
        await Drive();

        var ledger = _app!.Services.GetRequiredService<Suanwang.Server.Ledger.Ledger>();
        var types = Enumerable.Range(0, (int)ledger.Size).Select(i => LedgerEntryEncoding.Decode(ledger.Entry(i)!.Entry).Event).ToList();
        Assert.Equal(2, types.Count(e => e.Type == "placement"));
        var cancellation = Assert.Single(types, e => e.Type == "cancellation");
        Assert.Equal(first, cancellation.Subject);
        Assert.Equal("acme", cancellation.Tenant);
        Assert.Contains(types, e => e.Type == "placement" && e.Data.GetProperty("placement").TryGetProperty("parts", out _));

        var firstRun = Verify(_operator, "--all");
        Assert.True(firstRun.Exit == 0, firstRun.Err + firstRun.Out);
        Assert.Contains("first visit", firstRun.Out, StringComparison.Ordinal);
        var tenantRun = Verify(_tenant, "--all");
        Assert.True(tenantRun.Exit == 0, tenantRun.Err + tenantRun.Out);

        await Submit("c");
        await Drive();
        var grown = Verify(_operator, "--all");
        Assert.True(grown.Exit == 0, grown.Err + grown.Out);
        Assert.Contains("extends the head of", grown.Out, StringComparison.Ordinal);

        // Alter one stored entry's bytes (a placement's pool, say) behind the server's back.
        await using (var connection = new SqliteConnection($"Data Source={Database};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE ledger_entries SET entry = CAST(replace(CAST(entry AS TEXT), '\"acme\"', '\"evil\"') AS BLOB) WHERE idx = 0";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }
        var altered = Verify(_operator, "--all");
        Assert.Equal(1, altered.Exit);
        Assert.Contains("EntryAltered entry 0", altered.Err, StringComparison.Ordinal);

        // A forger who also rewrites the leaf hash and restarts the server gets a different tree: the head no longer extends the one seen.
        await StopServer();
        await using (var connection = new SqliteConnection($"Data Source={Database};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var read = connection.CreateCommand();
            read.CommandText = "SELECT entry FROM ledger_entries WHERE idx = 0";
            var bytes = (byte[])(await read.ExecuteScalarAsync())!;
            await using var update = connection.CreateCommand();
            update.CommandText = "UPDATE ledger_entries SET leaf_hash = $h WHERE idx = 0";
            update.Parameters.AddWithValue("$h", MerkleHashing.LeafHash(bytes));
            await update.ExecuteNonQueryAsync();
        }
        await StartServer();
        var forged = Verify(_operator, "--all");
        Assert.Equal(1, forged.Exit);
        Assert.Contains("InconsistentHeads", forged.Err, StringComparison.Ordinal);
    }
}
