using System.Collections.Immutable;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Specs;
using Suanwang.Core.Topologies;

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
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new ScenarioLoadResult(null, [new SpecError(path, null, "", ex is FileNotFoundException ? "file not found" : ex.Message)]);
        }
        return Load(text, path, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", isKnownAcceleratorModel);
    }

    /// <summary>Loads a scenario from its text; relative paths in it are resolved against <paramref name="baseDirectory"/>.</summary>
    public static ScenarioLoadResult Load(string text, string source, string baseDirectory, Func<string, bool>? isKnownAcceleratorModel = null)
    {
        var read = ScenarioReader.Read(text, source);
        var binder = read.Binder;
        var extraErrors = new List<SpecError>();
        if (read.Spec is not { } spec)
            return new ScenarioLoadResult(null, [.. binder.Errors]);

        var baseTopology = LoadBaseTopology(spec.Topology, baseDirectory, binder, extraErrors, isKnownAcceleratorModel);
        if (baseTopology is null)
            return new ScenarioLoadResult(null, [.. binder.Errors, .. extraErrors]);

        var topology = MergeSites(spec, read.SiteIndices, baseTopology, binder, isKnownAcceleratorModel) ?? baseTopology;
        CheckDatasets(spec, topology, binder);
        CheckWorkloads(spec, topology, baseDirectory, binder, extraErrors, isKnownAcceleratorModel);
        CheckFailures(spec, topology, binder);
        var errors = binder.Errors.Concat(extraErrors).OrderBy(e => e.Source != source).ThenBy(e => e.Position?.Line ?? 0).ThenBy(e => e.Position?.Column ?? 0).ToImmutableArray();
        return errors.IsEmpty
            ? new ScenarioLoadResult(new Scenario(spec with { Sites = topology.Sites }, topology, topology.Warnings), [])
            : new ScenarioLoadResult(null, errors);
    }

    /// <summary>Resolves a path written in a scenario against the scenario's folder.</summary>
    public static string Resolve(string baseDirectory, string path) => Path.GetFullPath(Path.Combine(baseDirectory, path));

    private static Topology? LoadBaseTopology(ScenarioTopology spec, string baseDirectory, SpecBinder binder,
        List<SpecError> extraErrors, Func<string, bool>? isKnownModel)
    {
        TopologyReadResult result;
        if (spec.Preset is { } preset)
        {
            result = TopologyPresets.Load(preset, isKnownModel, GmlOptions(spec));
        }
        else if (spec.GmlPath is { } gml)
        {
            var full = Resolve(baseDirectory, gml);
            if (!File.Exists(full))
            {
                binder.ErrorAt("topology.gml", $"GML file '{gml}' not found (looked for {full})");
                return null;
            }
            result = GmlTopologyImporter.Import(File.ReadAllText(full), gml, GmlOptions(spec));
        }
        else
        {
            var local = new PointOfPresence(FlatPointOfPresence, "all sites (no topology)", null);
            var draft = new TopologyDraft("flat", [local], [], [], [], GeoLatency.Default, ImmutableDictionary<string, string>.Empty, []);
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

    private static Topology? MergeSites(ScenarioSpec spec, ImmutableArray<int> siteIndices, Topology baseTopology, SpecBinder binder, Func<string, bool>? isKnownModel)
    {
        var draft = baseTopology.ToDraft();
        var sites = draft.Sites.ToList();
        var scenarioIndexOf = new Dictionary<int, int>();
        for (var k = 0; k < spec.Sites.Length; k++)
        {
            var j = siteIndices[k];
            var site = spec.Topology.IsFlat ? spec.Sites[k] with { AttachedTo = FlatPointOfPresence } : spec.Sites[k];
            if (!spec.Topology.IsFlat && site.AttachedTo is null)
            {
                binder.ErrorAt($"sites[{j}]", $"site '{site.Id}' needs 'at': the point of presence it attaches to");
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
        return topology;
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

    private static void CheckDatasets(ScenarioSpec spec, Topology topology, SpecBinder binder)
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
                var site = topology.FindSite(dataset.ReplicaSites[r]);
                if (site is null)
                    binder.ErrorAt($"datasets[{i}].replicas[{r}]", $"unknown site '{dataset.ReplicaSites[r]}'");
                else if (!dataset.Jurisdictions.IsEmpty && !dataset.Jurisdictions.Contains(site.Jurisdiction))
                    binder.ErrorAt($"datasets[{i}].replicas[{r}]", $"site '{site.Id}' is in jurisdiction {site.Jurisdiction}, which dataset '{dataset.Id}' does not allow");
            }
        }
    }

    private static void CheckWorkloads(ScenarioSpec spec, Topology topology, string baseDirectory, SpecBinder binder,
        List<SpecError> extraErrors, Func<string, bool>? isKnownModel)
    {
        for (var i = 0; i < spec.Workloads.Length; i++)
        {
            switch (spec.Workloads[i])
            {
                case SwfWorkload swf:
                    if (!File.Exists(Resolve(baseDirectory, swf.Path)))
                        binder.ErrorAt($"workloads[{i}].swf", $"trace '{swf.Path}' not found (looked for {Resolve(baseDirectory, swf.Path)})");
                    if (topology.FindSite(swf.Site) is null)
                        binder.ErrorAt($"workloads[{i}].site", $"unknown site '{swf.Site}'");
                    break;
                case GeneratedWorkload generated when topology.Network.Links.Length > 0:
                    foreach (var city in generated.Users.Keys.Where(c => topology.FindPointOfPresence(c) is null))
                        binder.ErrorAt($"workloads[{i}].generate.users.{city}", $"unknown user location '{city}'; it must be a point of presence of the topology");
                    break;
                case RecordedWorkload recorded when recorded.Path.Length > 0:
                    var full = Resolve(baseDirectory, recorded.Path);
                    if (!File.Exists(full))
                    {
                        binder.ErrorAt($"workloads[{i}].jobs", $"job file '{recorded.Path}' not found (looked for {full})");
                        break;
                    }
                    extraErrors.AddRange(JobSpecReader.Read(File.ReadAllText(full), recorded.Path, isKnownModel).Errors);
                    break;
            }
        }
    }

    private static void CheckFailures(ScenarioSpec spec, Topology topology, SpecBinder binder)
    {
        for (var i = 0; i < spec.Failures.Length; i++)
        {
            switch (spec.Failures[i])
            {
                case SiteFailure site when site.Site.Length > 0 && topology.FindSite(site.Site) is null:
                    binder.ErrorAt($"failures[{i}].site", $"unknown site '{site.Site}'");
                    break;
                case LinkFailure link when !topology.Network.Links.Any(l => (l.A, l.B) == (link.A, link.B) || (l.A, l.B) == (link.B, link.A)):
                    binder.ErrorAt($"failures[{i}].link", $"there is no link between '{link.A}' and '{link.B}' in the topology");
                    break;
            }
        }
    }
}
