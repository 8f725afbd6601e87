using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Suanwang.Server.Access;
using Suanwang.Server.Store;

namespace Suanwang.Server.Tests.Api;

/// <summary>
/// The real application (real SQLite store, real authentication, rate limits and endpoints) on
/// ASP.NET Core's in-memory test server instead of a socket, with tokens made straight in the store.
/// </summary>
public sealed class TestApi : IAsyncDisposable
{
    private readonly string _directory;
    private readonly WebApplication _app;

    private TestApi(string directory, ControlStore store, WebApplication app, ManualClock clock)
    {
        _directory = directory;
        Store = store;
        _app = app;
        Clock = clock;
    }

    /// <summary>The store behind the API.</summary>
    public ControlStore Store { get; }

    /// <summary>The server's clock.</summary>
    public ManualClock Clock { get; }

    /// <summary>
    /// Starts an API on a fresh SQLite store; without <paramref name="schedule"/> no scheduling loop runs, so
    /// jobs stay as the API left them (the API's own tests); with it, the loop runs on the manual clock.
    /// </summary>
    public static async Task<TestApi> StartAsync(int requestsPerSecond = 20_000, int burst = 20_000, bool schedule = false, StoreLocation? location = null,
        IReadOnlyList<Suanwang.Server.Southbound.ConfiguredProvider>? providers = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"suanwang-api-{Guid.NewGuid():N}");
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        location ??= new StoreLocation(StoreKind.Sqlite, Path.Combine(directory, "state.db"));
        var store = await ControlStore.OpenAsync(location, clock, default);
        var settings = new ServerSettings(location, ["http://127.0.0.1:0"], directory, requestsPerSecond, burst, Schedule: schedule) { Providers = providers ?? [] };
        var app = ServerApp.Build(settings, store, clock, builder => builder.WebHost.UseTestServer());
        await app.StartAsync();
        return new TestApi(directory, store, app, clock);
    }

    /// <summary>The application's services (the scheduling loop, the ledger and its feeder).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>A client with no token.</summary>
    public HttpClient Anonymous() => _app.GetTestClient();

    /// <summary>A client holding a new token of <paramref name="role"/> for <paramref name="subject"/>.</summary>
    public async Task<HttpClient> ClientAsync(Role role, string subject)
    {
        var (token, record) = ApiToken.Create(role, subject, Clock.GetUtcNow());
        await Store.AddTokenAsync(record, default);
        var client = _app.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Store.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
