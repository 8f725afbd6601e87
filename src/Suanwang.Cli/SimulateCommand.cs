using System.CommandLine;
using Suanwang.Core.Measurement;
using Suanwang.Simulation.Reporting;
using Suanwang.Simulation.Reporting.Plots;
using Suanwang.Simulation.Runs;
using Suanwang.Simulation.Scenarios;

namespace Suanwang.Cli;

/// <summary>
/// <c>suanwang simulate SCENARIO</c>: runs a scenario under each policy on the same jobs and prints the
/// policies side by side (a table, or the §10 JSON), optionally writing the JSON and SVG plots to a folder.
/// </summary>
internal static class SimulateCommand
{
    /// <summary>The files <c>--out</c> writes, in the order written.</summary>
    public static readonly string[] OutputFiles = ["result.json", "jct-cdf.svg", "utilization.svg", "map.svg", "jobs.csv"];

    public static Command Create(CliConsole console)
    {
        var scenario = new Argument<string>("SCENARIO") { Description = "A scenario file (kind: Scenario), YAML or JSON; see docs/scenarios.md." };
        var policies = new Option<string[]>("--policy")
        {
            Description = "Simulate this policy instead of the scenario's list; repeat for several. Known: " + string.Join(", ", PolicyNames.All) + ".",
        };
        var json = CommonOptions.Json();
        var outDir = new Option<string?>("--out") { Description = "Also write result.json, the plots jct-cdf.svg, utilization.svg and map.svg, and every job's outcome as jobs.csv into this folder (created if missing)." };
        var repeatable = new Option<bool>("--repeatable") { Description = "Write 0 for the measured scheduler µs per decision, so the JSON is byte-identical between runs." };
        var command = new Command("simulate", "Simulate a scenario under each of its policies on the same jobs and compare them side by side.")
        {
            scenario, policies, json, outDir, repeatable,
        };
        command.SetAction(parse => Run(console, parse.GetRequiredValue(scenario), parse.GetValue(policies) ?? [], parse.GetValue(json),
            parse.GetValue(outDir), parse.GetValue(repeatable)));
        return command;
    }

    private static int Run(CliConsole console, string path, string[] policies, bool json, string? outDir, bool repeatable)
    {
        var usage = policies.Where(p => !PolicyNames.All.Contains(p, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal)
            .Select(name => $"unknown policy '{name}'; known policies: {string.Join(", ", PolicyNames.All)}")
            .Concat(outDir is { Length: 0 } ? ["--out needs a folder"] : [])
            .ToArray();
        if (usage.Length > 0)
        {
            foreach (var message in usage)
                console.Error.WriteLine($"usage error: {message}");
            console.Error.WriteLine("Run 'suanwang simulate --help' for usage.");
            return ExitCodes.Usage;
        }

        var (text, reason) = InputFiles.ReadText(path);
        if (text is null)
            return console.InvalidInput([InputFiles.Unreadable(path, reason!)]);
        var catalog = DeviceCatalog.LoadEmbedded();
        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        var loaded = ScenarioLoader.Load(text, path, baseDirectory, model => catalog.TryFind(model, out _));
        if (loaded.Scenario is not { } scenario)
            return console.InvalidInput(loaded.Errors);

        // Asked twice is still one column.
        string[] names = [.. (policies.Length > 0 ? policies : [.. scenario.Spec.Policies]).Distinct(StringComparer.Ordinal)];
        var (result, errors) = SimulationProgress.Run(console, showBar: !json, names,
            progress => ScenarioRunner.Run(scenario, baseDirectory, catalog, names, progress));
        if (result is null)
            return console.InvalidInput(errors);
        foreach (var warning in result.Warnings)
            console.Error.WriteLine($"warning: {warning}");

        var document = ScenarioJson.Write(result, repeatable) + "\n";
        if (outDir is not null)
        {
            var problem = WriteFiles(outDir, document, result, scenario);
            if (problem is not null)
                return console.InvalidInput(problem);
        }
        if (json)
        {
            console.Output.Write(document);
            return ExitCodes.Ok;
        }
        SimulationTable.Write(console.Ansi, result);
        if (outDir is not null)
            console.Output.WriteLine($"wrote {string.Join(", ", OutputFiles)} to {outDir}");
        return ExitCodes.Ok;
    }

    /// <summary>Writes the JSON and the plots; returns why it could not, or null.</summary>
    private static string? WriteFiles(string folder, string document, ScenarioResult result, Scenario scenario)
    {
        var contents = new[]
        {
            document,
            SvgPlots.JctCdf(result),
            SvgPlots.Utilization(result, scenario.Topology.Pools.Sum(p => (long)p.NodeCount)),
            SvgPlots.LoadMap(result, scenario.Topology),
            JobOutcomesCsv.Write(result),
        };
        try
        {
            Directory.CreateDirectory(folder);
            for (var i = 0; i < OutputFiles.Length; i++)
                File.WriteAllText(Path.Combine(folder, OutputFiles[i]), contents[i]);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return $"cannot write to '{folder}': {ex.Message}";
        }
    }
}
