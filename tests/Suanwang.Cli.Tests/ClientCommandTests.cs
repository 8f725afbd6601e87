using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Suanwang.Server;
using Suanwang.Server.Store;

namespace Suanwang.Cli.Tests;

/// <summary>The user's commands (token create, submit, jobs, job, cancel) against a real server on a loopback port.</summary>
public sealed class ClientCommandTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"suanwang-cli-{Guid.NewGuid():N}");
    private ControlStore? _store;
    private WebApplication? _app;
    private string _server = "";
    private string _db = "";

    public async Task InitializeAsync()
    {
        _db = $"sqlite:{Path.Combine(_directory, "state.db")}";
        Assert.True(StoreLocation.TryParse(_db, out var location, out _));
        _store = await ControlStore.OpenAsync(location!, TimeProvider.System, default);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        _server = $"http://127.0.0.1:{port}";
        _app = ServerApp.Build(new ServerSettings(location!, [_server], _directory, Schedule: false), _store, TimeProvider.System);
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _app!.StopAsync();
        await _app.DisposeAsync();
        await _store!.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private string Token(string role, params string[] more)
    {
        var run = Cli.Run(["token", "create", "--role", role, .. more, "--db", _db]);
        Assert.True(run.Exit == 0, run.ToString());
        return run.Out.Trim();
    }

    [Fact]
    public void A_tenant_submits_lists_inspects_and_cancels_from_the_command_line()
    {
        var token = Token("tenant", "--tenant", "acme");
        Assert.StartsWith("sw_", token, StringComparison.Ordinal);
        string[] Auth(params string[] args) => [.. args, "--server", _server, "--token", token];

        var submit = Cli.Run(Auth("submit", Cli.RepoPath("examples", "jobs", "llm-finetune-gang.yaml")));
        Assert.True(submit.Exit == 0, submit.ToString());
        var id = submit.Out.Split(' ')[1];
        Assert.StartsWith("j-", id, StringComparison.Ordinal);

        var jobs = Cli.Run(Auth("jobs"));
        Assert.True(jobs.Exit == 0, jobs.ToString());
        Assert.Contains(id, jobs.Out, StringComparison.Ordinal);
        Assert.Contains("pending", jobs.Out, StringComparison.Ordinal);

        var cancel = Cli.Run(Auth("cancel", id));
        Assert.Equal($"cancelled {id}", cancel.Out.Trim());
        var again = Cli.Run(Auth("cancel", id));
        Assert.Equal(1, again.Exit);
        Assert.Contains("409", again.Err, StringComparison.Ordinal);

        var job = Cli.Run(Auth("job", id));
        Assert.True(job.Exit == 0, job.ToString());
        Assert.Contains("state     cancelled", job.Out, StringComparison.Ordinal);
        Assert.Contains("submitted", job.Out, StringComparison.Ordinal);
        Assert.Contains("cancelled by tenant acme", job.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Mistakes_are_reported_with_exit_code_1()
    {
        var token = Token("tenant", "--tenant", "acme");
        var invalid = Cli.Run("submit", Cli.RepoPath("examples", "invalid", "bad-job.yaml"), "--server", _server, "--token", token);
        Assert.Equal(1, invalid.Exit);
        Assert.Contains("bad-job.yaml:6:11: priority", invalid.Err, StringComparison.Ordinal);

        var noToken = Cli.Run("jobs", "--server", _server, "--token", "sw_000000000000_" + new string('a', 43));
        Assert.Equal(1, noToken.Exit);
        Assert.Contains("401", noToken.Err, StringComparison.Ordinal);

        var unknown = Cli.Run("job", "j-0123", "--server", _server, "--token", token);
        Assert.Equal(1, unknown.Exit);
        Assert.Contains("404", unknown.Err, StringComparison.Ordinal);

        var unreachable = Cli.Run("jobs", "--server", "http://127.0.0.1:1", "--token", token);
        Assert.Equal(1, unreachable.Exit);
        Assert.Contains("cannot reach the server", unreachable.Err, StringComparison.Ordinal);

        Assert.Equal(1, Cli.Run("token", "create", "--role", "wizard", "--db", _db).Exit);
        Assert.Equal(1, Cli.Run("token", "create", "--role", "tenant", "--db", _db).Exit);
        Assert.Equal(1, Cli.Run("serve", "--db", "mysql:x").Exit);
    }
}
