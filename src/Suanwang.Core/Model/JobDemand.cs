using System.Collections.Immutable;

namespace Suanwang.Core.Model;

/// <summary>Queue priority of a job.</summary>
public enum JobPriority
{
    /// <summary>Runs when nothing else wants the capacity.</summary>
    Low,

    /// <summary>The default.</summary>
    Normal,

    /// <summary>Ahead of normal work.</summary>
    High,

    /// <summary>Ahead of everything. Any priority above <see cref="Low"/> may preempt preemptible work of strictly lower priority (docs/scheduler.md, Preemption).</summary>
    Urgent,
}

/// <summary>How the tasks of a job relate to each other.</summary>
public enum JobType
{
    /// <summary>Independent task(s) that run to completion.</summary>
    Batch,

    /// <summary>All tasks must start together (one pool, or pools of one site).</summary>
    Gang,

    /// <summary>Independent tasks that may be split across pools.</summary>
    Array,

    /// <summary>A long-running, latency-bound service.</summary>
    Service,
}

/// <summary>Compute grade, from the measurement thresholds (算力分级); A is the most capable.</summary>
public enum ComputeGrade
{
    /// <summary>Top grade.</summary>
    A,

    /// <summary>Second grade.</summary>
    B,

    /// <summary>Third grade.</summary>
    C,

    /// <summary>Lowest grade.</summary>
    D,
}

/// <summary>Network latency tiers between a user and a site (city ≤ 1 ms &lt; region ≤ 5 ms &lt; national ≤ 20 ms &lt; beyond).</summary>
public enum LatencyTier
{
    /// <summary>One-way latency of at most 1 ms.</summary>
    City,

    /// <summary>At most 5 ms.</summary>
    Region,

    /// <summary>At most 20 ms.</summary>
    National,

    /// <summary>More than 20 ms.</summary>
    Beyond,
}

/// <summary>
/// Accelerators a task needs: a count and exactly one way of saying which kind — a minimum grade, a
/// catalogue model, or a number of normalized compute units per device.
/// </summary>
/// <param name="Count">Devices per task.</param>
/// <param name="Grade">Minimum grade, or null.</param>
/// <param name="Model">Exact catalogue model, or null.</param>
/// <param name="ComputeUnits">Minimum CU per device, or null.</param>
public sealed record AcceleratorDemand(int Count, ComputeGrade? Grade, string? Model, double? ComputeUnits);

/// <summary>Resources of one task.</summary>
/// <param name="Cpu">CPU cores.</param>
/// <param name="Memory">Main memory.</param>
/// <param name="Accelerators">Accelerators, or null for CPU-only work.</param>
public sealed record TaskResources(int Cpu, ByteSize Memory, AcceleratorDemand? Accelerators);

/// <summary>Where a job's output goes.</summary>
public enum OutputDestination
{
    /// <summary>Back to the user's location.</summary>
    User,

    /// <summary>Kept at the site that ran the job, as a new replica.</summary>
    Site,
}

/// <summary>Output a job produces.</summary>
/// <param name="Size">Expected size.</param>
/// <param name="To">Where it goes.</param>
public sealed record OutputSpec(ByteSize Size, OutputDestination To);

/// <summary>Where the user is and how close the work must run.</summary>
/// <param name="Location">A city or point-of-presence name.</param>
/// <param name="Latency">The worst tier the user accepts, or null for any.</param>
public sealed record UserSpec(string Location, LatencyTier? Latency);

/// <summary>Soft preferences and hard exclusions over sites or providers.</summary>
/// <param name="Prefer">Preferred sites or providers, in order.</param>
/// <param name="Avoid">Sites or providers never to use.</param>
public sealed record PlacementPreference(EquatableArray<string> Prefer, EquatableArray<string> Avoid)
{
    /// <summary>No preference.</summary>
    public static PlacementPreference None { get; } = new([], []);
}

/// <summary>What the scheduler may do to a job.</summary>
/// <param name="Preemptible">May be stopped for higher-priority work.</param>
/// <param name="Splittable">Array tasks may be spread over several pools.</param>
/// <param name="Checkpointable">May be resumed elsewhere from a checkpoint.</param>
public sealed record JobFlags(bool Preemptible, bool Splittable, bool Checkpointable)
{
    /// <summary>All flags off.</summary>
    public static JobFlags None { get; } = new(false, false, false);
}

/// <summary>How to run a task.</summary>
/// <param name="Command">The command line (run by <c>/bin/sh -c</c>), or the executable when <paramref name="Args"/> is given.</param>
/// <param name="Environment">Environment variables.</param>
/// <param name="Image">Container image, or empty for a plain process.</param>
/// <param name="Args">Arguments (argv after the executable) when the command is run without a shell; null for a shell command line.</param>
/// <param name="Workdir">Working directory relative to the task's own directory, or null for the task directory itself.</param>
public sealed record RunSpec(string Command, ImmutableSortedDictionary<string, string> Environment, string Image, ImmutableArray<string>? Args = null, string? Workdir = null)
{
    /// <summary>Equal when the command, the image, the arguments, the working directory and every environment variable are equal (not when the collections are one object).</summary>
    public bool Equals(RunSpec? other) =>
        other is not null && Command == other.Command && Image == other.Image && Workdir == other.Workdir
        && Args.HasValue == other.Args.HasValue && (!Args.HasValue || Args.Value.SequenceEqual(other.Args!.Value))
        && (Environment ?? ImmutableSortedDictionary<string, string>.Empty).SequenceEqual(other.Environment ?? ImmutableSortedDictionary<string, string>.Empty);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Command);
        hash.Add(Image);
        hash.Add(Workdir);
        hash.Add(Args.HasValue);
        foreach (var arg in Args ?? [])
            hash.Add(arg);
        foreach (var (name, value) in Environment ?? ImmutableSortedDictionary<string, string>.Empty)
        {
            hash.Add(name);
            hash.Add(value);
        }
        return hash.ToHashCode();
    }
}

/// <summary>
/// What a job needs (应用需求模型): tasks × resources, duration, data, user location and latency
/// tier, deadline, budget, jurisdictions and flags. Build one from a job spec file with
/// <c>Specs.JobSpecReader</c>; check it with <c>Validation.JobDemandValidator</c>.
/// </summary>
/// <param name="Name">Job name.</param>
/// <param name="Priority">Queue priority.</param>
/// <param name="Type">Batch, gang, array or service.</param>
/// <param name="Tasks">Gang size or array width.</param>
/// <param name="Resources">Resources of each task.</param>
/// <param name="Duration">Run-time estimate, also the wall-time limit.</param>
/// <param name="Inputs">Input dataset identifiers.</param>
/// <param name="Output">Output produced, or null.</param>
/// <param name="User">User location and latency tier, or null.</param>
/// <param name="Deadline">Latest acceptable completion, or null.</param>
/// <param name="Budget">Most the tenant will pay, or null.</param>
/// <param name="Jurisdictions">Where the job may run; empty means unrestricted.</param>
/// <param name="Placement">Soft preferences and hard exclusions.</param>
/// <param name="Flags">Preemptible, splittable, checkpointable.</param>
/// <param name="Run">How to run it, or null for simulated work.</param>
public sealed record JobDemand(
    string Name,
    JobPriority Priority,
    JobType Type,
    int Tasks,
    TaskResources Resources,
    TimeSpan Duration,
    EquatableArray<string> Inputs,
    OutputSpec? Output,
    UserSpec? User,
    DateTimeOffset? Deadline,
    Money? Budget,
    EquatableArray<string> Jurisdictions,
    PlacementPreference Placement,
    JobFlags Flags,
    RunSpec? Run);
