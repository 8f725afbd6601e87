using System.Collections.Immutable;
using System.Globalization;
using Suanwang.Core.Measurement;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Scheduling;
using Suanwang.Core.Topologies;

namespace Suanwang.Simulation.Synthetic;

/// <summary>The size of a synthetic world, with the bounds the generator accepts.</summary>
/// <param name="Pools">Number of pools (spread over sites, about 20 per point of presence).</param>
/// <param name="Nodes">Total nodes, split unevenly across the pools (each gets at least one).</param>
/// <param name="Jobs">Number of pending jobs.</param>
public sealed record SyntheticWorldOptions(int Pools, int Nodes, int Jobs)
{
    /// <summary>Most pools accepted: well beyond a national network, still small enough to build in seconds.</summary>
    public const int MaxPools = 20_000;

    /// <summary>Most nodes accepted.</summary>
    public const int MaxNodes = 10_000_000;

    /// <summary>Most pending jobs accepted (they are all held in memory at once).</summary>
    public const int MaxJobs = 1_000_000;

    /// <summary>Every problem with the sizes, as messages naming the option; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Pools is < 1 or > MaxPools)
            problems.Add(Invariant($"pools must be between 1 and {MaxPools}, found {Pools}"));
        if (Nodes is < 1 or > MaxNodes)
            problems.Add(Invariant($"nodes must be between 1 and {MaxNodes}, found {Nodes}"));
        else if (Pools >= 1 && Nodes < Pools)
            problems.Add(Invariant($"nodes must be at least the number of pools ({Pools}) so every pool has a node, found {Nodes}"));
        if (Jobs is < 1 or > MaxJobs)
            problems.Add(Invariant($"jobs must be between 1 and {MaxJobs}, found {Jobs}"));
        return problems;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// A deterministic synthetic compute network with work to schedule, for benchmarks and tests: a
/// national backbone of points of presence (<see cref="SyntheticNetwork"/>), sites with pools built
/// from the device catalogue, datasets with replicas, pools partly busy with running allocations,
/// and pending jobs of every type. The same options, catalogue and seed give the same world.
/// Figures (prices, PUE, carbon, sizes) are plausible ranges, not data about any real system.
/// </summary>
/// <param name="Topology">Backbone, sites and pools.</param>
/// <param name="Datasets">Datasets with replicas at sites.</param>
/// <param name="Running">Allocations holding nodes at <see cref="Now"/>.</param>
/// <param name="Jobs">Pending jobs, in submission order.</param>
/// <param name="Now">The instant the world is observed (fixed, not the clock).</param>
public sealed record SyntheticWorld(
    Topology Topology,
    ImmutableArray<Dataset> Datasets,
    ImmutableArray<RunningAllocation> Running,
    ImmutableArray<PendingJob> Jobs,
    DateTimeOffset Now)
{
    /// <summary>The instant every synthetic world is observed at.</summary>
    public static DateTimeOffset Epoch { get; } = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Pools per point of presence, on average: several sites of a few pools each hang off one backbone city.</summary>
    public const int PoolsPerPointOfPresence = 20;

    /// <summary>Most points of presence, whatever the pool count (a national backbone has tens, not thousands).</summary>
    public const int MaxPointsOfPresence = 100;

    /// <summary>Number of tenants submitting the jobs.</summary>
    public const int Tenants = 20;

    /// <summary>Number of providers operating the sites.</summary>
    public const int Providers = 8;

    /// <summary>The snapshot a scheduler reads: this world with its running allocations and no bandwidth reserved yet.</summary>
    public SchedulingSnapshot Snapshot(DeviceCatalog catalog) => new(Topology, catalog, Datasets, Running);

    /// <summary>Builds a world. All randomness comes from <paramref name="random"/>, drawn in a fixed order.</summary>
    /// <exception cref="ArgumentException">The options are out of range (see <see cref="SyntheticWorldOptions.Validate"/>).</exception>
    public static SyntheticWorld Generate(SyntheticWorldOptions options, DeviceCatalog catalog, Random random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(random);
        if (options.Validate() is { Count: > 0 } problems)
            throw new ArgumentException(string.Join("; ", problems), nameof(options));

        var points = Math.Clamp((options.Pools + PoolsPerPointOfPresence - 1) / PoolsPerPointOfPresence, 2, MaxPointsOfPresence);
        var (nodes, links) = SyntheticNetwork.Generate(points, random);
        var providers = Enumerable.Range(1, Providers).Select(i => new Provider(Invariant($"p-{i}"), Invariant($"Synthetic provider {i}"))).ToImmutableArray();
        var sites = SyntheticSites.Generate(options, nodes, providers, catalog, random);
        var draft = new TopologyDraft(
            Invariant($"synthetic-{options.Pools}-pools"), nodes, links, sites, providers, GeoLatency.Default,
            ImmutableSortedDictionary<string, string>.Empty, []);
        var (topology, topologyProblems) = Topology.Create(draft, model => catalog.TryFind(model, out _));
        if (topology is null)
            throw new InvalidOperationException("the synthetic topology is invalid: " + string.Join("; ", topologyProblems));

        var tenants = Enumerable.Range(0, Tenants).Select(i => Invariant($"t-{i:D2}")).ToImmutableArray();
        var datasets = SyntheticSites.Datasets(options, topology.Sites, tenants, random);
        var running = SyntheticSites.Running(topology.Sites, tenants, Epoch, random);
        var jobs = SyntheticJobs.Generate(options.Jobs, topology, datasets, tenants, catalog, Epoch, random);
        return new SyntheticWorld(topology, datasets, running, jobs, Epoch);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
