using System.Collections.Immutable;
using Suanwang.Core.Model;
using Suanwang.Core.Topologies;

namespace Suanwang.Simulation.Scenarios;

/// <summary>Where a scenario's network comes from (DESIGN §10 <c>topology:</c>).</summary>
/// <param name="Preset">A built-in preset name, or null.</param>
/// <param name="GmlPath">A GML file, resolved against the scenario file's folder, or null.</param>
/// <param name="LinkCapacity">Capacity given to GML links (they carry none).</param>
/// <param name="Inflation">Route inflation used to derive GML link latency.</param>
/// <param name="PricePerGb">Price per GB given to GML links.</param>
public sealed record ScenarioTopology(string? Preset, string? GmlPath, Bandwidth LinkCapacity, double Inflation, Money PricePerGb)
{
    /// <summary>True when the scenario names no topology: all sites share one point, zero latency.</summary>
    public bool IsFlat => Preset is null && GmlPath is null;
}

/// <summary>A source of jobs for the simulator.</summary>
public abstract record WorkloadSource;

/// <summary>An SWF trace mapped onto one site: one trace line becomes one job.</summary>
/// <param name="Path">The trace file (<c>.swf</c> or <c>.swf.gz</c>), resolved against the scenario's folder.</param>
/// <param name="Site">The site that runs the trace.</param>
/// <param name="ProcessorsPerNode">How SWF processors map to nodes.</param>
/// <param name="Limit">Read at most this many jobs, or null for all.</param>
public sealed record SwfWorkload(string Path, string Site, int ProcessorsPerNode, int? Limit) : WorkloadSource;

/// <summary>A seeded synthetic mix.</summary>
/// <param name="Mix">The mix name (e.g. <c>ai-training</c>).</param>
/// <param name="Jobs">How many jobs.</param>
/// <param name="RatePerHour">Mean arrivals per hour.</param>
/// <param name="Users">Share of users per city, summing to 1.</param>
public sealed record GeneratedWorkload(string Mix, int Jobs, double RatePerHour, ImmutableSortedDictionary<string, double> Users) : WorkloadSource;

/// <summary>Recorded job specs (a YAML list or JSON Lines), each with <c>submit</c> and <c>tenant</c>.</summary>
/// <param name="Path">The file, resolved against the scenario's folder.</param>
public sealed record RecordedWorkload(string Path) : WorkloadSource;

/// <summary>A failure injected into the simulation.</summary>
/// <param name="At">When it starts, from the simulation start.</param>
/// <param name="For">How long it lasts.</param>
public abstract record FailureSpec(TimeSpan At, TimeSpan For);

/// <summary>A whole site goes down and comes back.</summary>
/// <param name="Site">The site.</param>
/// <param name="At">When it goes down.</param>
/// <param name="For">How long it stays down.</param>
public sealed record SiteFailure(string Site, TimeSpan At, TimeSpan For) : FailureSpec(At, For);

/// <summary>A link loses part of its capacity for a while.</summary>
/// <param name="A">One end (point of presence).</param>
/// <param name="B">The other end.</param>
/// <param name="At">When it degrades.</param>
/// <param name="For">How long.</param>
/// <param name="CapacityFraction">Capacity left, from 0 (cut) to 1.</param>
public sealed record LinkFailure(string A, string B, TimeSpan At, TimeSpan For, double CapacityFraction) : FailureSpec(At, For);

/// <summary>A scenario as written in its file, before the topology and files it names are loaded.</summary>
/// <param name="Name">Scenario name.</param>
/// <param name="Seed">Seed of every random choice.</param>
/// <param name="Horizon">Simulation end, or null to run until every job ends.</param>
/// <param name="Topology">Where the network comes from.</param>
/// <param name="Sites">Sites added to (or replacing, by id) the topology's.</param>
/// <param name="Datasets">Datasets and their replicas.</param>
/// <param name="Workloads">Job sources.</param>
/// <param name="Failures">Injected failures.</param>
/// <param name="Policies">Policy names to compare.</param>
public sealed record ScenarioSpec(
    string Name,
    long Seed,
    TimeSpan? Horizon,
    ScenarioTopology Topology,
    ImmutableArray<Site> Sites,
    ImmutableArray<Dataset> Datasets,
    ImmutableArray<WorkloadSource> Workloads,
    ImmutableArray<FailureSpec> Failures,
    ImmutableArray<string> Policies);

/// <summary>A scenario with its topology loaded and its sites merged in, checked end to end.</summary>
/// <param name="Spec">The scenario as written.</param>
/// <param name="Topology">The merged topology (preset or GML plus the scenario's sites).</param>
/// <param name="Warnings">What loading skipped or changed.</param>
public sealed record Scenario(ScenarioSpec Spec, Topology Topology, ImmutableArray<string> Warnings);

/// <summary>Names of the scheduling policies (DESIGN §10).</summary>
public static class PolicyNames
{
    /// <summary>Every policy name a scenario may list.</summary>
    public static ImmutableArray<string> All { get; } =
        ["network-aware", "greedy-oblivious", "cost-only", "data-local", "fcfs-easy", "fcfs"];
}
