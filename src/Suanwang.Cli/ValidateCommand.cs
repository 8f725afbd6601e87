using System.CommandLine;
using Suanwang.Core.Measurement;
using Suanwang.Core.Specs;
using Suanwang.Core.Topologies;
using Suanwang.Simulation.Scenarios;

namespace Suanwang.Cli;

/// <summary><c>suanwang validate FILE</c>: checks a job, topology or scenario file and reports every problem at once.</summary>
internal static class ValidateCommand
{
    public static Command Create(CliConsole console)
    {
        var file = new Argument<string>("FILE") { Description = "A job (kind: Job), topology (kind: Topology) or scenario (kind: Scenario) file, YAML or JSON, or a Topology Zoo GML backbone (*.gml)." };
        var json = CommonOptions.Json();
        var command = new Command("validate", "Check a job, topology or scenario file; print every error with file, line and field.") { file, json };
        command.SetAction(parse => Run(console, parse.GetRequiredValue(file), parse.GetValue(json)));
        return command;
    }

    private static int Run(CliConsole console, string path, bool json)
    {
        var (text, reason) = InputFiles.ReadText(path);
        if (text is null)
            return Report(console, json, path, null, [InputFiles.Unreadable(path, reason!)], null);

        var catalog = DeviceCatalog.LoadEmbedded();
        Func<string, bool> isKnownModel = model => catalog.TryFind(model, out _);
        if (path.EndsWith(".gml", StringComparison.OrdinalIgnoreCase))
        {
            // A Topology Zoo backbone is a topology too; import it with the default constants.
            var imported = GmlTopologyImporter.Import(text, path);
            var gmlSummary = imported.Topology is { } g
                ? $"GML backbone '{g.Name}': {CliText.Count(g.Network.Nodes.Length, "point of presence", "points of presence")}, {CliText.Count(g.Network.Links.Length, "link")}, {CliText.Count(g.Warnings.Length, "warning")} (see 'suanwang topology show --gml {path}')"
                : null;
            if (!json)
            {
                foreach (var warning in imported.Topology?.Warnings ?? [])
                    console.Error.WriteLine($"warning: {warning}");
            }
            return Report(console, json, path, "Topology", imported.Errors, gmlSummary);
        }

        var kind = DetectKind(text, path);
        switch (kind)
        {
            case "Job":
                var jobs = JobSpecReader.Read(text, path, isKnownModel);
                var jobSummary = jobs.IsValid
                    ? (jobs.Jobs.Length == 1 ? $"job '{jobs.Jobs[0].Demand.Name}'" : CliText.Count(jobs.Jobs.Length, "job"))
                    : null;
                return Report(console, json, path, kind, jobs.Errors, jobSummary);
            case "Topology":
                var topology = TopologyReader.Read(text, path, isKnownModel);
                var topologySummary = topology.Topology is { } t
                    ? $"topology '{t.Name}': {CliText.Count(t.Network.Nodes.Length, "point of presence", "points of presence")}, {CliText.Count(t.Network.Links.Length, "link")}, {CliText.Count(t.Sites.Length, "site")}"
                    : null;
                return Report(console, json, path, kind, topology.Errors, topologySummary);
            case "Scenario":
                var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
                var scenario = ScenarioLoader.Load(text, path, baseDirectory, isKnownModel);
                var scenarioSummary = scenario.Scenario is { } s
                    ? $"scenario '{s.Spec.Name}': {CliText.Count(s.Topology.Sites.Length, "site")}, {CliText.Count(s.Spec.Datasets.Length, "dataset")}, {CliText.Count(s.Spec.Workloads.Length, "workload")}, policies {string.Join(", ", s.Spec.Policies)}"
                    : null;
                foreach (var warning in scenario.Scenario?.Warnings ?? [])
                    console.Error.WriteLine($"warning: {warning}");
                return Report(console, json, path, kind, scenario.Errors, scenarioSummary);
            default:
                return Report(console, json, path, null, [UnknownKind(text, path)], null);
        }
    }

    /// <summary>Reads the <c>kind</c> of the first document; a top-level list is a list of jobs.</summary>
    private static string? DetectKind(string text, string path)
    {
        var read = SpecDocumentReader.Read(text, path);
        if (read.Documents.IsEmpty)
            return "Job"; // let the job reader report the syntax error with its position
        return read.Documents[0] switch
        {
            SpecMapping mapping => (mapping["kind"] as SpecScalar)?.Value,
            SpecSequence => "Job",
            _ => null,
        };
    }

    private static SpecError UnknownKind(string text, string path)
    {
        var read = SpecDocumentReader.Read(text, path);
        var node = read.Documents.FirstOrDefault() as SpecMapping;
        var kindNode = node?["kind"];
        return kindNode is SpecScalar { Value: { } value }
            ? new SpecError(path, kindNode.Position, "kind", $"unknown kind '{value}'; expected Job, Topology or Scenario")
            : new SpecError(path, node?.Position, "kind", "required field 'kind' is missing; expected Job, Topology or Scenario");
    }

    private static int Report(CliConsole console, bool json, string path, string? kind, IReadOnlyList<SpecError> errors, string? summary)
    {
        var valid = errors.Count == 0;
        if (json)
        {
            console.WriteJson(new
            {
                File = path,
                Kind = kind,
                Valid = valid,
                // A scenario's errors may lie in the files it names (job lists, GML), so each error carries its file.
                Errors = errors.Select(e => new { File = e.Source, e.Position?.Line, e.Position?.Column, e.Path, e.Message }),
            });
            return valid ? ExitCodes.Ok : ExitCodes.InvalidInput;
        }
        if (!valid)
            return console.InvalidInput(errors);
        console.Output.WriteLine($"{path}: valid {kind}: {summary}");
        return ExitCodes.Ok;
    }
}
