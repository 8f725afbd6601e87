using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Suanwang.Core.Measurement;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Specs;
using Suanwang.Core.Topologies;

namespace Suanwang.Cli;

/// <summary><c>suanwang topology show|tiers</c>: inspect a built-in or GML topology.</summary>
internal static class TopologyCommands
{
    public static Command Create(CliConsole console)
    {
        var topology = new Command("topology", "Inspect a network topology: a built-in preset, a topology file or a Topology Zoo GML backbone.");
        topology.Subcommands.Add(Show(console));
        topology.Subcommands.Add(Tiers(console));
        return topology;
    }

    private static Command Show(CliConsole console)
    {
        var source = new TopologySourceOptions();
        var json = CommonOptions.Json();
        var command = new Command("show", "Print sites, tiers, links and a latency summary.") { json };
        source.AddTo(command);
        command.SetAction(parse =>
        {
            var (loaded, exit) = source.Load(parse, console);
            if (loaded is null)
                return exit;
            var view = TopologyView.Build(loaded);
            if (parse.GetValue(json))
                console.WriteJson(view.ToJson());
            else
                view.Render(console.Ansi);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Tiers(CliConsole console)
    {
        var source = new TopologySourceOptions();
        var json = CommonOptions.Json();
        var command = new Command("tiers", "Count site pairs by latency tier (city ≤ 1 ms < region ≤ 5 ms < national ≤ 20 ms < beyond).") { json };
        source.AddTo(command);
        command.SetAction(parse =>
        {
            var (loaded, exit) = source.Load(parse, console);
            if (loaded is null)
                return exit;
            var report = TopologyView.Census(loaded);
            if (parse.GetValue(json))
            {
                console.WriteJson(report);
                return ExitCodes.Ok;
            }
            var table = new Table().Title($"[bold]{Markup.Escape(loaded.Name)}[/]: {report.Sites} sites, {report.Pairs.Sum()} pairs by one-way shortest-path latency")
                .AddColumn("tier").AddColumn("bound").AddColumn(new TableColumn("pairs").RightAligned()).AddColumn(new TableColumn("share").RightAligned());
            var total = Math.Max(1, report.Pairs.Sum());
            void Row(string tier, string bound, long count) =>
                table.AddRow(tier, bound, count.ToString(CultureInfo.InvariantCulture), (count * 100.0 / total).ToString("0.0", CultureInfo.InvariantCulture) + "%");
            Row("city", "≤ 1 ms", report.Pairs.City);
            Row("region", "≤ 5 ms", report.Pairs.Region);
            Row("national", "≤ 20 ms", report.Pairs.National);
            Row("beyond", "> 20 ms", report.Pairs.Beyond);
            Row("unreachable", "no path", report.Pairs.Unreachable);
            console.Ansi.Write(table);
            console.Ansi.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"latency = great-circle km × {report.Constants.Inflation} ÷ {report.Constants.KmPerMs} km/ms + {report.Constants.HopMs} ms per hop (derived links)"));
            return ExitCodes.Ok;
        });
        return command;
    }
}

/// <summary>The <c>--preset</c> / <c>--file</c> / <c>--gml</c> options shared by the topology commands, and loading what they name.</summary>
internal sealed class TopologySourceOptions
{
    private readonly Option<string?> _preset = new("--preset") { Description = $"A built-in topology: {string.Join(", ", TopologyPresets.Names)}." };
    private readonly Option<string?> _file = new("--file") { Description = "A topology file (kind: Topology, YAML or JSON)." };
    private readonly Option<string?> _gml = new("--gml") { Description = "A Topology Zoo GML backbone; each point of presence counts as one site." };
    private readonly Option<double?> _inflation = new("--inflation") { Description = "GML only: route inflation over great-circle distance (default 1.5)." };
    private readonly Option<double?> _kmPerMs = new("--km-per-ms") { Description = "GML only: propagation speed in fibre (default 200 km/ms)." };
    private readonly Option<double?> _hopMs = new("--hop-ms") { Description = "GML only: per-hop delay (default 0.1 ms)." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _preset, _file, _gml, _inflation, _kmPerMs, _hopMs })
            command.Options.Add(option);
        command.Validators.Add(result =>
        {
            var given = new[] { _preset, _file, _gml }.Count(o => result.GetResult(o) is not null);
            if (given > 1)
                result.AddError("give only one of --preset, --file or --gml");
        });
    }

    public (Topology? Topology, int ExitCode) Load(System.CommandLine.ParseResult parse, CliConsole console)
    {
        var catalog = DeviceCatalog.LoadEmbedded();
        Func<string, bool> isKnownModel = model => catalog.TryFind(model, out _);
        var constants = GeoLatency.Default;
        var inflation = parse.GetValue(_inflation);
        var kmPerMs = parse.GetValue(_kmPerMs);
        var hopMs = parse.GetValue(_hopMs);
        if (inflation is < 1 || kmPerMs is <= 0 || hopMs is < 0 || (inflation ?? kmPerMs ?? hopMs) is { } v && !double.IsFinite(v))
            return (null, console.InvalidInput("--inflation must be ≥ 1, --km-per-ms > 0 and --hop-ms ≥ 0"));
        constants = new GeoLatency(kmPerMs ?? constants.KmPerMs, inflation ?? constants.Inflation, hopMs ?? constants.HopMs);
        var gmlOptions = new GmlImportOptions { Constants = constants, SitePerPointOfPresence = true };

        TopologyReadResult result;
        if (parse.GetValue(_gml) is { } gml)
        {
            var (text, error) = InputFiles.ReadText(gml);
            if (text is null)
                return (null, console.InvalidInput(error!));
            result = GmlTopologyImporter.Import(text, gml, gmlOptions);
        }
        else if (parse.GetValue(_file) is { } file)
        {
            var (text, error) = InputFiles.ReadText(file);
            if (text is null)
                return (null, console.InvalidInput(error!));
            result = TopologyReader.Read(text, file, isKnownModel);
        }
        else
        {
            result = TopologyPresets.Load(parse.GetValue(_preset) ?? "china-national", isKnownModel, gmlOptions);
        }
        if (result.Topology is null)
            return (null, console.InvalidInput(result.Errors));
        foreach (var warning in result.Topology.Warnings)
            console.Error.WriteLine($"warning: {warning}");
        return (result.Topology, ExitCodes.Ok);
    }
}
