using System.Collections.Immutable;
using System.Globalization;
using Suanwang.Core.Model;
using Suanwang.Core.Scheduling;

namespace Suanwang.Simulation.Workloads;

/// <summary>
/// Turns an SWF trace into jobs submitted at one site (docs/scenarios.md, "Traces"): each usable line
/// becomes a rigid gang of ⌈processors ÷ processors per node⌉ tasks, one whole node of the site's first
/// pool per task, arriving at the trace's submit time after the simulation's start. The scheduler is
/// told the estimated run time (the requested time when the trace has one, else the actual run time);
/// the simulated provider runs the actual one. The user is at the site's point of presence.
/// </summary>
public static class TraceJobs
{
    /// <summary>Maps a trace; lines that cannot be replayed (unknown run time or processor count) are skipped and counted in the warnings.</summary>
    /// <param name="trace">A valid trace.</param>
    /// <param name="workloadIndex">The workload's index in the scenario (job ids are <c>w{index}-{job number}</c>, the number zero-padded to the trace's widest).</param>
    /// <param name="site">The site its jobs arrive at; it must have a pool.</param>
    /// <param name="processorsPerNode">How trace processors map to nodes.</param>
    /// <param name="limit">At most this many jobs, in file order, or null.</param>
    /// <param name="start">The simulation's start: submit time 0 of the trace.</param>
    public static (ImmutableArray<SimulatedJob> Jobs, ImmutableArray<string> Warnings) Map(
        SwfTrace trace, int workloadIndex, Site site, int processorsPerNode, int? limit, DateTimeOffset start)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(site);
        ArgumentOutOfRangeException.ThrowIfLessThan(processorsPerNode, 1);
        if (site.Pools.IsEmpty)
            throw new ArgumentException($"site '{site.Id}' has no pool to run trace '{trace.Source}'", nameof(site));
        var node = site.Pools[0].Node;
        var resources = new TaskResources(node.Cores, node.Memory, node.Accelerators is { } a ? new AcceleratorDemand(a.Count, null, a.Model, null) : null);
        var user = site.AttachedTo is { } point ? new UserSpec(point, null) : null;
        var name = Path.GetFileName(trace.Source);
        var jobs = ImmutableArray.CreateBuilder<SimulatedJob>();
        var (unknownRuntime, unknownProcessors) = (0, 0);
        // Job numbers are zero-padded to one width so that ids sort like the numbers: the scheduler breaks
        // submit-time ties by job id, and a trace's order among jobs submitted in the same second is its numbering.
        var width = trace.Jobs.IsEmpty ? 1 : trace.Jobs.Max(j => j.JobNumber).ToString(CultureInfo.InvariantCulture).Length;
        foreach (var line in trace.Jobs)
        {
            if (limit is { } most && jobs.Count >= most)
                break;
            if (line.RunTime < 0)
            {
                unknownRuntime++;
                continue;
            }
            if (line.Processors <= 0)
            {
                unknownProcessors++;
                continue;
            }
            var tasks = (line.Processors + processorsPerNode - 1) / processorsPerNode;
            // A zero estimate is not a valid duration; a job that really takes 0 s still gets a 1 s limit.
            var estimate = TimeSpan.FromSeconds(Math.Max(1, line.EstimatedRunTime));
            var id = string.Create(CultureInfo.InvariantCulture, $"w{workloadIndex}-{line.JobNumber.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0')}");
            var demand = new JobDemand(
                id, JobPriority.Normal, tasks == 1 ? JobType.Batch : JobType.Gang, tasks,
                resources, estimate, [], null, user, null, null, [], PlacementPreference.None, JobFlags.None, null);
            var tenant = line.UserId >= 0 ? string.Create(CultureInfo.InvariantCulture, $"user-{line.UserId}") : "user-unknown";
            jobs.Add(new SimulatedJob(
                new PendingJob(id, tenant, demand, start + TimeSpan.FromSeconds(line.SubmitTime)),
                TimeSpan.FromSeconds(line.RunTime),
                string.Create(CultureInfo.InvariantCulture, $"{name}:{line.Line}")));
        }
        var warnings = ImmutableArray.CreateBuilder<string>();
        if (unknownRuntime > 0)
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"{name}: {unknownRuntime} jobs skipped: run time unknown (-1)"));
        if (unknownProcessors > 0)
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"{name}: {unknownProcessors} jobs skipped: processor count unknown (-1 or 0)"));
        return (jobs.ToImmutable(), warnings.ToImmutable());
    }
}
