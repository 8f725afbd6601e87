using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Suanwang.Server;
using Suanwang.Server.Demo;
using Suanwang.Server.Southbound;
using Suanwang.Server.Store;

namespace Suanwang.Cli;

/// <summary><c>suanwang serve</c>: run the control plane until Ctrl-C.</summary>
internal static class ServeCommand
{
    /// <summary>The directory the embedded default lives in, relative to where the command runs.</summary>
    public const string DefaultDataDirectory = ".suanwang";

    public static Command Create(CliConsole console)
    {
        var db = new Option<string>("--db") { Description = "sqlite:PATH (default sqlite:.suanwang/state.db) or postgres:CONNECTION-STRING." };
        var urls = new Option<string[]>("--urls") { Description = $"Addresses to listen on (default {ServerSettings.DefaultUrl}).", AllowMultipleArgumentsPerToken = true };
        var dataDir = new Option<string>("--data-dir") { Description = "Directory for the ledger key and demo tokens (default .suanwang).", DefaultValueFactory = _ => DefaultDataDirectory };
        var demo = new Option<bool>("--demo") { Description = "Print demo operator and tenant tokens and submit a trickle of example jobs." };
        var agentTimeout = new Option<string>("--agent-timeout") { Description = "How long an agent may stay silent before its site counts as down and its work is re-placed (default 30s)." };
        var providersFile = new Option<string>("--providers") { Description = "A providers file (YAML/JSON): Slurm clusters and Kubernetes clusters that run pools of the network (docs/providers.md)." };
        var command = new Command("serve", "Run the control plane: HTTP API, store, scheduling loop and ledger (Ctrl-C stops cleanly; a restart resumes).")
        {
            db, urls, dataDir, demo, providersFile, agentTimeout,
        };
        command.SetAction((parse, cancel) => RunAsync(console, parse.GetValue(db), parse.GetValue(urls), parse.GetValue(dataDir)!, parse.GetValue(demo),
            parse.GetValue(providersFile), parse.GetValue(agentTimeout), cancel));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, string? db, string[]? urls, string dataDirectory, bool demo, string? providersFile, string? agentTimeout, CancellationToken cancel)
    {
        if (!StoreLocation.TryParse(db ?? $"sqlite:{Path.Combine(dataDirectory, "state.db")}", out var location, out var error))
            return console.InvalidInput(error!);
        foreach (var url in urls ?? [])
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                return console.InvalidInput($"--urls '{url}': expected an absolute http:// or https:// address such as {ServerSettings.DefaultUrl}");
        }
        // The demo's simulated providers run an hour of work in a minute, so jobs visibly finish.
        var settings = new ServerSettings(location!, urls is { Length: > 0 } ? urls : [ServerSettings.DefaultUrl], dataDirectory, SpeedUp: demo ? 60 : 1);
        if (agentTimeout is not null)
        {
            if (Suanwang.Core.Model.Quantity.ParseDuration(agentTimeout) is not { Success: true, Value: var timeout } || timeout < TimeSpan.FromSeconds(1) || timeout > TimeSpan.FromHours(1))
                return console.InvalidInput($"--agent-timeout '{agentTimeout}': a duration from 1s to 1h, e.g. 30s");
            settings = settings with { AgentHeartbeatTimeout = timeout };
        }
        if (providersFile is not null)
        {
            string text;
            try
            {
                text = await File.ReadAllTextAsync(providersFile, cancel).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return console.InvalidInput($"{providersFile}: {ex.Message}");
            }
            var (providers, errors) = ProvidersFile.Read(text, providersFile);
            if (errors.Length > 0)
                return console.InvalidInput(errors);
            settings = settings with { Providers = providers };
        }
        ControlStore store;
        try
        {
            store = await ControlStore.OpenAsync(location!, TimeProvider.System, cancel).ConfigureAwait(false);
        }
        catch (StoreException ex)
        {
            return console.InvalidInput(ex.Message);
        }
        await using (store)
        {
            if (settings.Providers.Count > 0)
            {
                var siteOfPool = await ProvidersFile.SiteOfPoolAsync(settings, store, cancel).ConfigureAwait(false);
                if (settings.Providers.SelectMany(p => p.Check(siteOfPool)).ToList() is { Count: > 0 } unknown)
                    return console.InvalidInput(string.Join(Environment.NewLine, unknown.Select(u => $"{providersFile}: {u}")));
            }
            var app = ServerApp.Build(settings, store, TimeProvider.System, builder =>
            {
                if (demo)
                    builder.Services.AddHostedService<DemoTrickle>();
            });
            await using (app)
            {
                if (demo)
                {
                    var tokens = await DemoTokens.EnsureAsync(store, dataDirectory, cancel).ConfigureAwait(false);
                    console.Output.WriteLine("Suanwang demo: china-national preset, simulated providers (60× speed), example jobs every 5 s.");
                    console.Output.WriteLine($"  store:    {location}");
                    console.Output.WriteLine($"  listen:   {string.Join(", ", settings.Urls)}");
                    console.Output.WriteLine($"  operator: export SUANWANG_TOKEN={tokens.Operator}");
                    console.Output.WriteLine($"  tenant:   export SUANWANG_TOKEN={tokens.Tenant}");
                    console.Output.WriteLine($"  provider: {tokens.Provider}");
                    console.Output.WriteLine($"  then:     suanwang jobs --server {settings.Urls[0]}    (tokens are kept in {Path.Combine(dataDirectory, DemoTokens.FileName)})");
                }
                try
                {
                    await app.StartAsync(cancel).ConfigureAwait(false);
                }
                catch (IOException ex)
                {
                    return console.InvalidInput($"cannot listen on {string.Join(", ", settings.Urls)}: {ex.Message}");
                }
                console.Output.WriteLine($"listening on {string.Join(", ", settings.Urls)}; Ctrl-C stops");
                console.Output.Flush();
                // The host turns SIGINT and SIGTERM into a graceful stop; the command line's own token is a second way in.
                using (cancel.Register(() => app.Lifetime.StopApplication()))
                    await app.WaitForShutdownAsync(CancellationToken.None).ConfigureAwait(false);
                console.Output.WriteLine("stopped");
            }
        }
        return ExitCodes.Ok;
    }
}
