using System.CommandLine;
using System.Text;
using Suanwang.Cli.Client;
using Suanwang.Providers.Agent;

namespace Suanwang.Cli;

/// <summary>
/// <c>suanwang agent</c>: turn this Linux machine into a provider pool (docs/providers.md, "The agent"). Runs until
/// interrupted (Ctrl-C / SIGTERM stop its tasks and report them); exits 1 when the server refuses it for good.
/// </summary>
internal static class AgentCommand
{
    public static Command Create(CliConsole console)
    {
        var server = ClientSettings.ServerOption();
        var token = ClientSettings.TokenOption();
        var site = new Option<string>("--site") { Description = "The site this machine belongs to (a site of the token's provider).", Required = true };
        var name = new Option<string>("--name") { Description = "Pool name within the site (default: the host name, sanitised); the pool id is SITE/NAME." };
        var workDir = new Option<string>("--work-dir") { Description = "State, measurement and task directories (default $XDG_STATE_HOME/suanwang/agent or ~/.local/state/suanwang/agent)." };
        var poll = new Option<double>("--poll") { Description = "Seconds between pulls (the heartbeat; the server's timeout is 30 s).", DefaultValueFactory = _ => 3 };
        var kind = new Option<string>("--kind") { Description = "Pool kind: general, hpc, ai or edge.", DefaultValueFactory = _ => "general" };
        var price = new Option<string>("--price") { Description = "List price per CU-hour.", DefaultValueFactory = _ => "1.00 CNY" };
        var pue = new Option<double>("--pue") { Description = "Power usage effectiveness of the facility.", DefaultValueFactory = _ => 1.5 };
        var carbon = new Option<double>("--carbon") { Description = "Carbon intensity of the electricity, g CO2e/kWh.", DefaultValueFactory = _ => 550 };
        var accelerator = new Option<string>("--accelerator-model") { Description = "Catalogue model of this machine's GPUs; without it the pool registers CPU-only (GPUs are still reported)." };
        var at = new Option<string>("--at") { Description = "Create the site at this point of presence when it does not exist (with --jurisdiction)." };
        var tier = new Option<string>("--tier") { Description = "Tier of a created site: hub, region or edge.", DefaultValueFactory = _ => "edge" };
        var jurisdiction = new Option<string>("--jurisdiction") { Description = "Jurisdiction (ISO 3166 code) of a created site." };
        var skipMeasure = new Option<bool>("--skip-measure") { Description = "Register without CU and grade (no micro-benchmark)." };
        var remeasure = new Option<bool>("--remeasure") { Description = "Run the micro-benchmark again even when the work directory has a cached result." };
        var processes = new Option<int>("--max-processes") { Description = "Most processes per task.", DefaultValueFactory = _ => 4096 };
        var files = new Option<int>("--max-open-files") { Description = "Most open files per task process.", DefaultValueFactory = _ => 4096 };
        var dataListen = new Option<string>("--data-listen")
        {
            Description = "Where to serve this machine's dataset replicas to other agents (port 0: any free port; 'none' to serve nothing).",
            DefaultValueFactory = _ => "http://127.0.0.1:0",
        };
        var checkpointInterval = new Option<double>("--checkpoint-interval")
        {
            Description = "Least seconds between uploads of a running task's changed $SUANWANG_CHECKPOINT to the server.",
            DefaultValueFactory = _ => 60,
        };
        var dataUrl = new Option<string>("--data-url") { Description = "The address other agents reach the data server at (default: where it listens)." };
        var command = new Command("agent", "Run this machine as a provider pool: measure it, register it, pull and run the tasks the server assigns.")
        {
            server, token, site, name, workDir, poll, kind, price, pue, carbon, accelerator, at, tier, jurisdiction, skipMeasure, remeasure, processes, files,
            dataListen, dataUrl, checkpointInterval,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var (settings, error) = ClientSettings.Resolve(parse.GetValue(server), parse.GetValue(token));
            if (settings is null)
                return console.InvalidInput(error!);
            if (settings.Token is null)
                return console.InvalidInput("the agent needs a provider token: pass --token or set SUANWANG_TOKEN (suanwang token create --role provider ...)");
            if (parse.GetValue(at) is not null && parse.GetValue(jurisdiction) is null)
                return console.InvalidInput("--at creates the site and needs --jurisdiction too");
            if (parse.GetValue(checkpointInterval) is not (>= 0.5 and <= 86_400))
                return console.InvalidInput("--checkpoint-interval must be between 0.5 and 86,400 seconds");
            var listen = parse.GetValue(dataListen)!;
            if (listen != "none" && (!Uri.TryCreate(listen, UriKind.Absolute, out var listenUri) || listenUri.Scheme is not ("http" or "https")))
                return console.InvalidInput($"--data-listen '{listen}': an http:// address such as http://0.0.0.0:7070, or 'none'");
            Uri? advertised = null;
            if (parse.GetValue(dataUrl) is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out advertised) || advertised.Scheme is not ("http" or "https")))
                return console.InvalidInput($"--data-url '{url}': an absolute http:// address other agents can reach");
            // A transfer may take hours (no overall timeout; the fetcher resumes broken ones), but a source that does not answer is given up on.
            using var staging = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(30) }) { Timeout = Timeout.InfiniteTimeSpan };
            if (parse.GetValue(poll) is not (>= 0.1 and <= 20))
                return console.InvalidInput("--poll must be between 0.1 and 20 seconds (the server marks a pool down after 30 s without a pull)");
            AgentOptions options = new()
            {
                Server = settings.Server,
                Token = settings.Token,
                Site = parse.GetValue(site)!,
                Name = parse.GetValue(name) ?? HostPoolName(Environment.MachineName),
                WorkDirectory = Path.GetFullPath(parse.GetValue(workDir) ?? DefaultWorkDirectory()),
                PollInterval = TimeSpan.FromSeconds(parse.GetValue(poll)),
                Kind = parse.GetValue(kind)!,
                PricePerCuHour = parse.GetValue(price)!,
                Pue = parse.GetValue(pue),
                CarbonGramsPerKwh = parse.GetValue(carbon),
                AcceleratorModel = parse.GetValue(accelerator),
                CreateSiteAt = parse.GetValue(at),
                CreateSiteTier = parse.GetValue(tier)!,
                CreateSiteJurisdiction = parse.GetValue(jurisdiction),
                SkipMeasure = parse.GetValue(skipMeasure),
                Remeasure = parse.GetValue(remeasure),
                MaxProcesses = parse.GetValue(processes),
                MaxOpenFiles = parse.GetValue(files),
                Log = console.Error,
                DataListen = listen == "none" ? null : listen,
                DataUrl = advertised,
                CheckpointInterval = TimeSpan.FromSeconds(parse.GetValue(checkpointInterval)),
            };
            options = options with { Stager = new StagingInputStager(staging, options.WorkDirectory) };
            using var agent = new AgentHost(options);
            // SIGTERM (systemd's stop) stops the agent like Ctrl-C: its tasks are stopped and reported, and it exits 0.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, signal =>
            {
                signal.Cancel = true;
                stop.Cancel();
            });
            try
            {
                await agent.RunAsync(stop.Token).ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            catch (AgentRejectedException ex)
            {
                return console.InvalidInput(ex.Message);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return ExitCodes.Ok; // stopped while still registering or starting its data server
            }
        });
        return command;
    }

    /// <summary>The host name as a pool name: lower case; anything but letters, digits, '.', '_', '-' becomes '-'; at most 63 characters; "agent" if nothing is left.</summary>
    internal static string HostPoolName(string host)
    {
        var name = new StringBuilder();
        foreach (var c in host.ToLowerInvariant())
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-');
        var trimmed = name.ToString().TrimStart('.', '_', '-');
        trimmed = trimmed.Length > 63 ? trimmed[..63] : trimmed;
        return trimmed.Length == 0 ? "agent" : trimmed;
    }

    private static string DefaultWorkDirectory() =>
        Path.Combine(Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } state
            ? state
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state"), "suanwang", "agent");
}
