using System.Collections.Immutable;
using Suanwang.Core.Measurement;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Scheduling;
using Suanwang.Core.Topologies;
using Suanwang.Simulation.Engine;
using Suanwang.Simulation.Scenarios;
using Suanwang.Simulation.Workloads;

namespace Suanwang.Simulation.Tests.Engine;

/// <summary>Small worlds whose simulated schedules can be worked out by hand.</summary>
internal static class TinyWorlds
{
    public static readonly DateTimeOffset Start = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    public static DeviceCatalog Catalog { get; } = DeviceCatalog.LoadEmbedded();

    public static Pool Pool(string id, int nodes, int cores = 1) =>
        new(id, id.Split('/')[0], PoolKind.Hpc, new NodeShape(cores, ByteSize.FromGibibytes(4), null, null), nodes,
            new Money(100, "CNY"), 1.2, 500, AccessMode.Simulated);

    /// <summary>One site with one pool of <paramref name="nodes"/> one-core nodes, no network.</summary>
    public static Topology OneSite(int nodes)
    {
        var draft = new TopologyDraft("tiny", [new PointOfPresence("here", "here", null)], [],
            [new Site("lab", SiteTier.Region, "CN", "p", "here", null, [Pool("lab/hpc", nodes)])], [], GeoLatency.Default,
            ImmutableSortedDictionary<string, string>.Empty, []);
        return Created(draft);
    }

    /// <summary>One site with two pools of one-core nodes, no network.</summary>
    public static Topology TwoPools(int first, int second)
    {
        var draft = new TopologyDraft("tiny", [new PointOfPresence("here", "here", null)], [],
            [new Site("lab", SiteTier.Region, "CN", "p", "here", null, [Pool("lab/a", first), Pool("lab/b", second)])], [], GeoLatency.Default,
            ImmutableSortedDictionary<string, string>.Empty, []);
        return Created(draft);
    }

    /// <summary>
    /// Two points joined by one link of <paramref name="gbps"/> (1 ms): site "data" at A holds datasets,
    /// site "compute" at B has one pool of 4 nodes; "data" has no pool.
    /// </summary>
    public static Topology TwoSitesOneLink(double gbps)
    {
        var draft = new TopologyDraft("link", [new PointOfPresence("A", "A", null), new PointOfPresence("B", "B", null)],
            [new NetworkLink("A-B", "A", "B", Bandwidth.FromGbps(gbps), 1, new Money(0, "CNY"))],
            [new Site("data", SiteTier.Region, "CN", "p", "A", null, []), new Site("compute", SiteTier.Region, "CN", "p", "B", null, [Pool("compute/hpc", 4)])],
            [], GeoLatency.Default, ImmutableSortedDictionary<string, string>.Empty, []);
        return Created(draft);
    }

    /// <summary>A rigid job of <paramref name="nodes"/> one-core nodes submitted at <paramref name="submitSeconds"/>, estimated and running for the given seconds.</summary>
    public static SimulatedJob Job(string id, int submitSeconds, int nodes, int runSeconds, int? estimateSeconds = null, string[]? inputs = null)
    {
        var demand = new JobDemand(id, JobPriority.Normal, nodes == 1 ? JobType.Batch : JobType.Gang, nodes,
            new TaskResources(1, ByteSize.FromGibibytes(4), null), TimeSpan.FromSeconds(estimateSeconds ?? runSeconds),
            [.. inputs ?? []], null, null, null, null, [], PlacementPreference.None, JobFlags.None, null);
        return new SimulatedJob(new PendingJob(id, "t", demand, Start.AddSeconds(submitSeconds)), TimeSpan.FromSeconds(runSeconds), id);
    }

    public static SimulationResult Run(Topology topology, SchedulingPolicy policy, IEnumerable<SimulatedJob> jobs,
        IEnumerable<Dataset>? datasets = null, IEnumerable<FailureSpec>? failures = null, TimeSpan? horizon = null) =>
        SimulationRun.Run(new SimulationInput(topology, Catalog, [.. datasets ?? []], [.. jobs], [.. failures ?? []], Start, horizon, null), policy);

    private static Topology Created(TopologyDraft draft)
    {
        var (topology, problems) = Topology.Create(draft);
        Assert.True(problems.IsEmpty, string.Join("; ", problems));
        return topology!;
    }
}
