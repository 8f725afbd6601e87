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
            // The heading goes above the table, not into its title, which Spectre wraps to the table's width.
            console.Ansi.MarkupLine(Invariant($"[bold]{Markup.Escape(loaded.Name)}[/]: {CliText.Count(report.Sites, "site")}, {CliText.Count(report.Pairs.Sum(), "pair")} counted by one-way shortest-path latency"));
            var table = new Table().AddColumn("tier").AddColumn("bound").AddColumn(new TableColumn("pairs").RightAligned()).AddColumn(new TableColumn("share").RightAligned());
            var total = Math.Max(1, report.Pairs.Sum());
            void Row(string tier, string bound, long count) =>
                table.AddRow(tier, bound, count.ToString(CultureInfo.InvariantCulture), (count * 100.0 / total).ToString("0.0", CultureInfo.InvariantCulture) + "%");
            Row("city", "≤ 1 ms", report.Pairs.City);
            Row("region", "≤ 5 ms", report.Pairs.Region);
            Row("national", "≤ 20 ms", report.Pairs.National);
            Row("beyond", "> 20 ms", report.Pairs.Beyond);
            Row("unreachable", "no path", report.Pairs.Unreachable);
            console.Ansi.Write(table);
            console.Ansi.WriteLine(Invariant(
                $"derived link latency = great-circle km × {report.Constants.Inflation} ÷ {report.Constants.KmPerMs} km/ms + {report.Constants.HopMs} ms per hop"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
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
        double?[] given = [parse.GetValue(_inflation), parse.GetValue(_kmPerMs), parse.GetValue(_hopMs)];
        var (inflation, kmPerMs, hopMs) = (given[0], given[1], given[2]);
        var defaults = GeoLatency.Default;
        var constants = new GeoLatency(kmPerMs ?? defaults.KmPerMs, inflation ?? defaults.Inflation, hopMs ?? defaults.HopMs);
        if (constants.Problems() is { Count: > 0 } outOfRange)
        {
            // The same ranges as a topology file's constants, named by the option that set them.
            return (null, console.InvalidInput(string.Join("; ", outOfRange.Select(p =>
                $"--{p.Field.Replace('_', '-')} {p.Message[(p.Message.IndexOf(" is ", StringComparison.Ordinal) + 1)..]}"))));
        }
        var gmlOptions = new GmlImportOptions { Constants = constants, SitePerPointOfPresence = true };

        // Whether the constants apply depends on the kind of source, not on the values: GML backbones derive
        // their latencies from them; topology files and the YAML preset carry their own.
        var (gmlPath, filePath, presetName) = (parse.GetValue(_gml), parse.GetValue(_file), parse.GetValue(_preset) ?? "china-national");
        var takesConstants = gmlPath is not null || (filePath is null && TopologyPresets.IsGml(presetName));
        var unknownPreset = gmlPath is null && filePath is null && !TopologyPresets.Exists(presetName);
        if (given.Any(v => v is not null) && !takesConstants && !unknownPreset)
        {
            var source = filePath is not null ? $"the topology file '{filePath}'" : $"preset '{presetName}'";
            console.Error.WriteLine($"usage error: --inflation, --km-per-ms and --hop-ms apply to GML backbones only (--gml FILE, --preset {string.Join(" or ", TopologyPresets.GmlNames)}); {source} keeps the constants written in it");
            console.Error.WriteLine($"Run 'suanwang topology {parse.CommandResult.Command.Name} --help' for usage.");
            return (null, ExitCodes.Usage);
        }

        TopologyReadResult result;
        if (gmlPath is { } gml)
        {
            var (text, reason) = InputFiles.ReadText(gml);
            if (text is null)
                return (null, console.InvalidInput(new[] { InputFiles.Unreadable(gml, reason!) }));
            result = GmlTopologyImporter.Import(text, gml, gmlOptions);
        }
        else if (filePath is { } file)
        {
            var (text, reason) = InputFiles.ReadText(file);
            if (text is null)
                return (null, console.InvalidInput(new[] { InputFiles.Unreadable(file, reason!) }));
            if (NotATopologyFile(text, file) is { } wrongKind)
                return (null, console.InvalidInput(new[] { wrongKind }));
            result = TopologyReader.Read(text, file, isKnownModel);
        }
        else
        {
            result = TopologyPresets.Load(presetName, isKnownModel, gmlOptions);
        }
        if (result.Topology is null)
            return (null, console.InvalidInput(result.Errors));

        var loaded = result.Topology;
        foreach (var warning in loaded.Warnings)
            console.Error.WriteLine($"warning: {warning}");
        return (loaded, ExitCodes.Ok);
    }

    /// <summary>
    /// One clear error when <c>--file</c> names something that is plainly not a topology file (a GML
    /// backbone, or a job or scenario), instead of a page of "unknown field" errors.
    /// </summary>
    private static SpecError? NotATopologyFile(string text, string path)
    {
        if (path.EndsWith(".gml", StringComparison.OrdinalIgnoreCase))
            return new SpecError(path, null, "", "this is a GML file; pass Topology Zoo backbones with --gml FILE (--file takes kind: Topology YAML or JSON)");
        var read = SpecDocumentReader.Read(text, path);
        if (read.Documents.FirstOrDefault() is SpecMapping mapping && mapping["kind"] is SpecScalar { Value: { } kind } kindNode
            && !string.Equals(kind, "Topology", StringComparison.Ordinal))
        {
            var hint = kind is "Job" or "Scenario" ? $"; check it with 'suanwang validate {path}'" : "";
            return new SpecError(path, kindNode.Position, "kind", $"this is a '{kind}' file, not a topology (expected kind: Topology){hint}");
        }
        return null;
    }
}
