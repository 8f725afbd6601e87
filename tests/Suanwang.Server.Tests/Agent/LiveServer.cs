using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Suanwang.Server.Access;
using Suanwang.Server.Agents;
using Suanwang.Server.Scheduling;
using Suanwang.Server.Store;

namespace Suanwang.Server.Tests.Agent;

/// <summary>
/// The real server on Kestrel on a loopback port (agents reach it over real HTTP), with a SQLite store in a
/// directory that outlives it, so a test can stop it and start it again on the same port and state. The scheduling
/// loop runs on a manual clock (agents never time out unless the test moves it; cycles run when the test asks or an
/// agent reports).
/// </summary>
internal sealed class LiveServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ControlStore _store;

    private LiveServer(WebApplication app, ControlStore store, Uri url)
    {
        _app = app;
        _store = store;
        Url = url;
    }

    public Uri Url { get; }

    public IServiceProvider Services => _app.Services;

    public SchedulingLoop Loop => Services.GetRequiredService<SchedulingLoop>();

    public AgentAdapter Agents => Services.GetRequiredService<AgentAdapter>();

    public static async Task<LiveServer> StartAsync(string directory, int port, ManualClock clock)
    {
        var location = new StoreLocation(StoreKind.Sqlite, Path.Combine(directory, "state.db"));
        var store = await ControlStore.OpenAsync(location, clock, default);
        var url = new Uri($"http://127.0.0.1:{port}");
        var app = ServerApp.Build(new ServerSettings(location, [url.ToString().TrimEnd('/')], directory, Schedule: true), store, clock);
        await app.StartAsync();
        return new LiveServer(app, store, url);
    }

    /// <summary>A new token of <paramref name="role"/> for <paramref name="subject"/> (stored, so it survives a restart).</summary>
    public async Task<string> TokenAsync(Role role, string subject, ManualClock clock)
    {
        var (token, record) = ApiToken.Create(role, subject, clock.GetUtcNow());
        await _store.AddTokenAsync(record, default);
        return token;
    }

    public HttpClient Client(string token)
    {
        var client = new HttpClient { BaseAddress = Url };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _store.DisposeAsync();
    }
}
