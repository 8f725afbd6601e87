using System.Collections.Immutable;
using System.Globalization;
using Suanwang.Core.Measurement;
using Suanwang.Core.Scheduling;
using Suanwang.Core.Specs;
using Suanwang.Simulation.IO;
using Suanwang.Simulation.Scenarios;
using Suanwang.Simulation.Workloads;

namespace Suanwang.Simulation.Runs;

/// <summary>
/// Turns a loaded scenario's workloads into the jobs the simulator submits — the same jobs for every
/// policy, so policies are compared on identical work. Traces are read here (the loader only checked
/// that they exist); a malformed line is an error naming the file and line.
/// </summary>
public static class ScenarioWorkloads
{
    /// <summary>Every job of every workload in submission order (ties: workload order, then file or generation order), or the errors.</summary>
    /// <param name="scenario">A loaded scenario.</param>
    /// <param name="baseDirectory">The scenario file's folder (paths in it are relative to it).</param>
    /// <param name="catalog">The device catalogue.</param>
    /// <param name="start">The simulation's start.</param>
    public static (ImmutableArray<SimulatedJob> Jobs, ImmutableArray<string> Warnings, ImmutableArray<SpecError> Errors) Load(
        Scenario scenario, string baseDirectory, DeviceCatalog catalog, DateTimeOffset start)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(catalog);
        var jobs = new List<SimulatedJob>();
        var warnings = ImmutableArray.CreateBuilder<string>();
        var errors = ImmutableArray.CreateBuilder<SpecError>();
        var workloads = scenario.Spec.Workloads;
        for (var i = 0; i < workloads.Length; i++)
        {
            switch (workloads[i])
            {
                case SwfWorkload swf:
                    var trace = SwfReader.Read(TextFiles.Resolve(baseDirectory, swf.Path));
                    if (!trace.IsValid)
                    {
                        errors.AddRange(trace.Errors);
                        break;
                    }
                    var (traced, skipped) = TraceJobs.Map(trace, i, scenario.Topology.FindSite(swf.Site)!, swf.ProcessorsPerNode, swf.Limit, start);
                    jobs.AddRange(traced);
                    warnings.AddRange(skipped);
                    break;
                case RecordedWorkload recorded:
                    var path = TextFiles.Resolve(baseDirectory, recorded.Path);
                    var (text, reason) = TextFiles.Read(path);
                    var read = text is null ? null : JobSpecReader.Read(text, path, model => catalog.TryFind(model, out _));
                    if (read is null || !read.IsValid)
                    {
                        errors.AddRange(read?.Errors ?? [new SpecError(path, null, "", $"job file {reason}")]);
                        break;
                    }
                    for (var k = 0; k < read.Jobs.Length; k++)
                    {
                        var spec = read.Jobs[k];
                        var id = string.Create(CultureInfo.InvariantCulture, $"w{i}-{k + 1}");
                        jobs.Add(new SimulatedJob(new PendingJob(id, spec.Tenant!, spec.Demand, start + spec.Submit!.Value), spec.Demand.Duration,
                            string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(path)}[{k}]")));
                    }
                    break;
                case GeneratedWorkload generated:
                    // Seeded per workload, so adding a workload does not change the jobs of the others.
                    var random = new Random(unchecked((int)scenario.Spec.Seed * 397) ^ i);
                    jobs.AddRange(MixGenerator.Generate(generated, i, scenario.Topology, scenario.Spec.Datasets, catalog, start, random));
                    break;
            }
        }
        // Stable: equal submit times keep workload order and order within a workload.
        var ordered = jobs.Select((job, order) => (job, order)).OrderBy(x => x.job.Job.SubmittedAt).ThenBy(x => x.order).Select(x => x.job);
        return ([.. ordered], warnings.ToImmutable(), errors.ToImmutable());
    }
}
