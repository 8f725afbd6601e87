using System.Collections.Immutable;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Specs;
using Suanwang.Core.Topologies;
using Suanwang.Simulation.IO;

namespace Suanwang.Simulation.Scenarios;

/// <summary>The outcome of loading a scenario: the checked scenario, or every error found (in the scenario and in the files it names).</summary>
/// <param name="Scenario">The scenario, when there are no errors.</param>
/// <param name="Errors">All errors, each with its file, line and field.</param>
public sealed record ScenarioLoadResult(Scenario? Scenario, ImmutableArray<SpecError> Errors);

/// <summary>
/// Loads a scenario file end to end: binds it, loads its topology (preset or GML), merges its
/// sites, and checks every reference — dataset replicas, workload sites, trace and job files,
/// failure sites and links — reporting all problems with the line of the field that caused them.
/// </summary>
public static class ScenarioLoader
{
    /// <summary>The point of presence every site shares when a scenario names no topology.</summary>
    public const string FlatPointOfPresence = "local";

    /// <summary>Loads the scenario at <paramref name="path"/>.</summary>
    /// <param name="path">The scenario file.</param>
    /// <param name="isKnownAcceleratorModel">Tells whether an accelerator model is in the device catalogue.</param>
    public static ScenarioLoadResult Load(string path, Func<string, bool>? isKnownAcceleratorModel = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var (text, reason) = TextFiles.Read(path);
        if (text is null)
            return new ScenarioLoadResult(null, [new SpecError(path, null, "", reason!)]);
        return Load(text, path, Path.GetDirectoryName(TextFiles.Resolve(".", path)) ?? ".", isKnownAcceleratorModel);
    }

    /// <summary>Loads a scenario from its text; relative paths in it are resolved against <paramref name="baseDirectory"/>.</summary>
    public static ScenarioLoadResult Load(string text, string source, string baseDirectory, Func<string, bool>? isKnownAcceleratorModel = null)
    {
        var read = ScenarioReader.Read(text, source);
        var binder = read.Binder;
        var extraErrors = new List<SpecError>();
        if (read.Spec is not { } spec)
            return new ScenarioLoadResult(null, [.. binder.Errors]);

        var warnings = new List<string>();
        var baseTopology = LoadBaseTopology(spec.Topology, source, baseDirectory, binder, extraErrors, isKnownAcceleratorModel);
        if (baseTopology is null)
            return new ScenarioLoadResult(null, Ordered([.. binder.Errors, .. extraErrors], source));

        var (merged, sites) = MergeSites(spec, read, baseTopology, binder, warnings, isKnownAcceleratorModel);
        var topology = merged ?? baseTopology;
        CheckDatasets(spec, sites, binder);
        CheckWorkloads(spec, sites, topology, source, baseDirectory, binder, extraErrors, isKnownAcceleratorModel);
        CheckFailures(spec, sites, topology, binder);
        var errors = Ordered([.. binder.Errors, .. extraErrors], source);
        return errors.IsEmpty
            ? new ScenarioLoadResult(new Scenario(spec with { Sites = topology.Sites }, topology, [.. topology.Warnings, .. warnings]), [])
            : new ScenarioLoadResult(null, errors);
    }

    /// <summary>The scenario's own errors first, then those of the files it names; each by line and column.</summary>
    private static ImmutableArray<SpecError> Ordered(IEnumerable<SpecError> errors, string source) =>
        [.. errors.OrderBy(e => e.Source != source).ThenBy(e => e, SpecErrorOrder.Instance)];

    /// <summary>
    /// How errors name a file the scenario refers to: its path as written, joined to the scenario's own folder as
    /// <paramref name="source"/> names it, so that <c>file:line</c> opens from where the user ran the command.
    /// </summary>
    internal static string Label(string source, string written) =>
        Path.IsPathRooted(written) ? written : Path.Combine(Path.GetDirectoryName(source) ?? "", written);

    /// <summary>Resolves a path written in a scenario against the scenario's folder.</summary>
    public static string Resolve(string baseDirectory, string path) => TextFiles.Resolve(baseDirectory, path);

    /// <summary>
    /// Reads a file the scenario names at <paramref name="field"/>, or records why it cannot (not found, a
    /// directory, binary, not UTF-8, unreadable) at that field, naming the file as written and where it was looked for.
    /// </summary>
    private static string? ReadReferenced(string baseDirectory, string written, string field, string what, SpecBinder binder)
    {
        var full = Resolve(baseDirectory, written);
        var (text, reason) = TextFiles.Read(full);
        if (text is null)
            binder.ErrorAt(field, $"{Unusable(what, written, reason!)} (looked for {full})");
        return text;
    }

    /// <summary>"trace 'x.swf' not found", "job file 'jobs' is a directory, not a file", "GML file 'a.gml' cannot be read: …".</summary>
    private static string Unusable(string what, string written, string reason) => reason switch
    {
        "file not found" => $"{what} '{written}' not found",
        _ when reason.StartsWith("is ", StringComparison.Ordinal) || reason.StartsWith("cannot ", StringComparison.Ordinal) => $"{what} '{written}' {reason}",
        _ => $"{what} '{written}': {reason}",
    };

    private static Topology? LoadBaseTopology(ScenarioTopology spec, string source, string baseDirectory, SpecBinder binder,
        List<SpecError> extraErrors, Func<string, bool>? isKnownModel)
    {
        TopologyReadResult result;
        if (spec.Preset is { } preset)
        {
            if (!TopologyPresets.Exists(preset))
                return null; // the reader reported it at topology.preset, with the known names
            result = TopologyPresets.Load(preset, isKnownModel, GmlOptions(spec));
        }
        else if (spec.GmlPath is { } gml)
        {
            if (ReadReferenced(baseDirectory, gml, "topology.gml", "GML file", binder) is not { } text)
                return null;
            result = GmlTopologyImporter.Import(text, Label(source, gml), GmlOptions(spec));
        }
        else
        {
            var local = new PointOfPresence(FlatPointOfPresence, "all sites (no topology)", null);
            var draft = new TopologyDraft("flat", [local], [], [], [], GeoLatency.Default, ImmutableSortedDictionary<string, string>.Empty, []);
            var (flat, problems) = Topology.Create(draft, isKnownModel);
            foreach (var problem in problems)
                binder.ErrorAt("topology", problem.Message);
            return flat;
        }
        extraErrors.AddRange(result.Errors);
        return result.Topology;
    }

    private static GmlImportOptions GmlOptions(ScenarioTopology spec) => new()
    {
        Constants = GeoLatency.Default with { Inflation = spec.Inflation },
        LinkCapacity = spec.LinkCapacity,
        PricePerGb = spec.PricePerGb,
    };

    /// <summary>
    /// Adds the scenario's sites to the base topology (replacing base sites with the same id) and checks the result.
    /// Returns the merged topology (null when it has errors) and the sites references may name: every merged site,
    /// plus the ids of sites in error mapped to null, so references to them are not reported as unknown on top.
    /// </summary>
    private static (Topology? Topology, IReadOnlyDictionary<string, Site?> Sites) MergeSites(ScenarioSpec spec, ScenarioReadResult read,
        Topology baseTopology, SpecBinder binder, List<string> warnings, Func<string, bool>? isKnownModel)
    {
        var draft = baseTopology.ToDraft();
        var sites = draft.Sites.ToList();
        var scenarioIndexOf = new Dictionary<int, int>();
        var known = new Dictionary<string, Site?>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var k = 0; k < spec.Sites.Length; k++)
        {
            var j = read.SiteIndices[k];
            var site = spec.Sites[k];
            if (!seen.Add(site.Id))
            {
                binder.ErrorAt($"sites[{j}].id", $"site '{site.Id}' is defined twice");
                continue;
            }
            if (spec.Topology.IsFlat)
            {
                if (site.AttachedTo is { } at && at != FlatPointOfPresence)
                    warnings.Add($"site '{site.Id}' is at '{at}', but the scenario has no topology: every site sits on the one point '{FlatPointOfPresence}'");
                site = site with { AttachedTo = FlatPointOfPresence };
            }
            else if (site.AttachedTo is null)
            {
                binder.ErrorAt($"sites[{j}].at", $"site '{site.Id}' needs 'at': the point of presence it attaches to");
                known[site.Id] = null;
                continue;
            }
            var existing = sites.FindIndex(s => s.Id == site.Id);
            if (existing >= 0)
                sites[existing] = site;
            else
                sites.Add(site);
            scenarioIndexOf[existing >= 0 ? existing : sites.Count - 1] = j;
        }
        var providers = draft.Providers.IsEmpty
            ? draft.Providers
            : draft.Providers.AddRange(sites.Select(s => s.ProviderId).Distinct().Where(p => draft.Providers.All(q => q.Id != p)).Select(p => new Provider(p, p)));
        var (topology, problems) = Topology.Create(draft with { Sites = [.. sites], Providers = providers }, isKnownModel);
        foreach (var problem in problems)
            binder.ErrorAt(ToScenarioPath(problem.Path, scenarioIndexOf), problem.Message);

        foreach (var site in topology?.Sites ?? [.. sites])
            known.TryAdd(site.Id, site);
        foreach (var id in read.SitesInError)
            known.TryAdd(id, null);
        return (topology, known);
    }

    /// <summary>Maps <c>sites[i]…</c> of the merged topology back to the scenario's <c>sites[j]…</c>; other problems belong to the topology source.</summary>
    private static string ToScenarioPath(string path, Dictionary<int, int> scenarioIndexOf)
    {
        if (!path.StartsWith("sites[", StringComparison.Ordinal))
            return "topology";
        var close = path.IndexOf(']', StringComparison.Ordinal);
        if (int.TryParse(path.AsSpan(6, close - 6), out var merged) && scenarioIndexOf.TryGetValue(merged, out var j))
            return $"sites[{j}]{path[(close + 1)..]}";
        return "topology";
    }

    private static void CheckDatasets(ScenarioSpec spec, IReadOnlyDictionary<string, Site?> sites, SpecBinder binder)
    {
        for (var i = 0; i < spec.Datasets.Length; i++)
        {
            var dataset = spec.Datasets[i];
            if (dataset.Id.Length == 0)
                continue;
            if (spec.Datasets.Take(i).Any(d => d.Id == dataset.Id))
                binder.ErrorAt($"datasets[{i}].id", $"dataset '{dataset.Id}' is defined twice");
            for (var r = 0; r < dataset.ReplicaSites.Length; r++)
            {
                if (!sites.TryGetValue(dataset.ReplicaSites[r], out var site))
                    binder.ErrorAt($"datasets[{i}].replicas[{r}]", $"unknown site '{dataset.ReplicaSites[r]}'");
                else if (site is not null && !dataset.Jurisdictions.IsEmpty && !dataset.Jurisdictions.Contains(site.Jurisdiction))
                    binder.ErrorAt($"datasets[{i}].replicas[{r}]", $"site '{site.Id}' is in jurisdiction {site.Jurisdiction}, which dataset '{dataset.Id}' does not allow");
            }
        }
    }

    private static void CheckWorkloads(ScenarioSpec spec, IReadOnlyDictionary<string, Site?> sites, Topology topology, string source,
        string baseDirectory, SpecBinder binder, List<SpecError> extraErrors, Func<string, bool>? isKnownModel)
    {
        for (var i = 0; i < spec.Workloads.Length; i++)
        {
            switch (spec.Workloads[i])
            {
                case SwfWorkload swf:
                    // Empty fields are placeholders for fields already reported as missing or unreadable.
                    // Traces can be large: only check that the file is there; the simulator reads it.
                    if (swf.Path.Length > 0 && TextFiles.Missing(Resolve(baseDirectory, swf.Path)) is { } missing)
                        binder.ErrorAt($"workloads[{i}].swf", $"{Unusable("trace", swf.Path, missing)} (looked for {Resolve(baseDirectory, swf.Path)})");
                    if (swf.Site.Length > 0 && !sites.ContainsKey(swf.Site))
                        binder.ErrorAt($"workloads[{i}].site", $"unknown site '{swf.Site}'");
                    break;
                case GeneratedWorkload generated when !spec.Topology.IsFlat:
                    foreach (var city in generated.Users.Keys.Where(c => topology.FindPointOfPresence(c) is null))
                        binder.ErrorAt($"workloads[{i}].generate.users.{city}", $"unknown user location '{city}'; it must be a point of presence of the topology");
                    break;
                case RecordedWorkload recorded when recorded.Path.Length > 0:
                    if (ReadReferenced(baseDirectory, recorded.Path, $"workloads[{i}].jobs", "job file", binder) is { } jobs)
                        extraErrors.AddRange(RecordedJobs.Check(jobs, Label(source, recorded.Path), isKnownModel));
                    break;
            }
        }
    }

    private static void CheckFailures(ScenarioSpec spec, IReadOnlyDictionary<string, Site?> sites, Topology topology, SpecBinder binder)
    {
        for (var i = 0; i < spec.Failures.Length; i++)
        {
            switch (spec.Failures[i])
            {
                case SiteFailure site when site.Site.Length > 0 && !sites.ContainsKey(site.Site):
                    binder.ErrorAt($"failures[{i}].site", $"unknown site '{site.Site}'");
                    break;
                case LinkFailure link when new[] { link.A, link.B }.Distinct().Where(p => topology.FindPointOfPresence(p) is null).ToList() is { Count: > 0 } unknown:
                    binder.ErrorAt($"failures[{i}].link", string.Join("; ", unknown.Select(p => $"unknown point of presence '{p}'")));
                    break;
                case LinkFailure link when !topology.Network.LinksBetween(link.A, link.B).Any():
                    binder.ErrorAt($"failures[{i}].link", $"there is no link between '{link.A}' and '{link.B}' in the topology");
                    break;
            }
        }
    }
}
