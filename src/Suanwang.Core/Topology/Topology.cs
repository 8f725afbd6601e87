using System.Collections.Frozen;
using System.Collections.Immutable;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Specs;

// The namespace is plural because a type named like its namespace (Suanwang.Core.Topology.Topology)
// would shadow the namespace for every sibling such as Suanwang.Core.Scheduling.
namespace Suanwang.Core.Topologies;

/// <summary>
/// The unchecked parts of a topology, as read from a file or built by a program. Turn it into a
/// <see cref="Topology"/> with <see cref="Topology.Create"/>, which reports every problem at once.
/// </summary>
/// <param name="Name">Display name of the topology.</param>
/// <param name="Nodes">Points of presence, in file order.</param>
/// <param name="Links">Backbone links, in file order.</param>
/// <param name="Sites">Compute sites attached to points of presence.</param>
/// <param name="Providers">Providers that operate the sites; when empty, site providers are not checked.</param>
/// <param name="Constants">The geographic latency constants used for links without an explicit latency.</param>
/// <param name="Regions">Optional region (or national hub) of each point of presence, by point-of-presence id; sorted (ordinal) so enumeration is the same in every run.</param>
/// <param name="Warnings">Things the reader skipped or changed, for the user to read.</param>
public sealed record TopologyDraft(
    string Name,
    ImmutableArray<PointOfPresence> Nodes,
    ImmutableArray<NetworkLink> Links,
    ImmutableArray<Site> Sites,
    ImmutableArray<Provider> Providers,
    GeoLatency Constants,
    ImmutableSortedDictionary<string, string> Regions,
    ImmutableArray<string> Warnings);

/// <summary>One model-level problem of a topology, with the file path of the offending field.</summary>
/// <param name="Path">Field path in topology-file terms, e.g. <c>sites[3].pools[0].pue</c>; empty for the whole topology.</param>
/// <param name="Message">What is wrong, naming the object by id.</param>
public sealed record TopologyProblem(string Path, string Message)
{
    /// <summary>Formats as <c>path: message</c>.</summary>
    public override string ToString() => Path.Length == 0 ? Message : $"{Path}: {Message}";
}

/// <summary>The outcome of reading a topology: the topology, or every error with file, line and path.</summary>
/// <param name="Topology">The topology, when there are no errors.</param>
/// <param name="Errors">All errors found; empty on success.</param>
public sealed record TopologyReadResult(Topology? Topology, ImmutableArray<SpecError> Errors)
{
    /// <summary>True when a topology was produced.</summary>
    public bool Success => Topology is not null;

    /// <summary>A failed result with one error that has no position (e.g. an unknown preset name).</summary>
    public static TopologyReadResult Fail(string source, string message) =>
        new(null, [new SpecError(source, null, "", message)]);
}

/// <summary>
/// A checked compute network: the backbone graph, the sites on it and their providers, the
/// constants used to derive latencies, and the warnings produced while reading it. Immutable.
/// It is a class, not a record, because it holds lookup indexes built once from its sites; a
/// <c>with</c> copy would carry stale indexes. To change it, edit <see cref="ToDraft"/> and call
/// <see cref="Create"/> again.
/// </summary>
public sealed class Topology
{
    private readonly FrozenDictionary<string, Site> _sites;
    private readonly FrozenDictionary<string, Pool> _pools;

    private Topology(TopologyDraft draft, NetworkGraph network, ImmutableArray<Site> sites)
    {
        Name = draft.Name;
        Network = network;
        Sites = sites;
        Providers = draft.Providers;
        Constants = draft.Constants;
        Regions = draft.Regions;
        Warnings = draft.Warnings;
        _sites = sites.ToFrozenDictionary(s => s.Id, StringComparer.Ordinal);
        _pools = sites.SelectMany(s => s.Pools).ToFrozenDictionary(p => p.Id, StringComparer.Ordinal);
    }

    /// <summary>Display name.</summary>
    public string Name { get; }

    /// <summary>The backbone graph (connected).</summary>
    public NetworkGraph Network { get; }

    /// <summary>Compute sites, in file order; each site's location is its point of presence's when not given.</summary>
    public ImmutableArray<Site> Sites { get; }

    /// <summary>Providers that operate the sites.</summary>
    public ImmutableArray<Provider> Providers { get; }

    /// <summary>The geographic latency constants used for derived link latencies.</summary>
    public GeoLatency Constants { get; }

    /// <summary>Region (or national hub) of points of presence that declare one, by point-of-presence id, in ordinal id order (the same in every run).</summary>
    public ImmutableSortedDictionary<string, string> Regions { get; }

    /// <summary>What the reader skipped or changed (e.g. GML nodes without coordinates).</summary>
    public ImmutableArray<string> Warnings { get; }

    /// <summary>Every pool of every site.</summary>
    public IEnumerable<Pool> Pools => Sites.SelectMany(s => s.Pools);

    /// <summary>The site with this id, or null.</summary>
    public Site? FindSite(string id) => _sites.GetValueOrDefault(id);

    /// <summary>The pool with this id (e.g. <c>zhongwei-hub/ai</c>), or null.</summary>
    public Pool? FindPool(string id) => _pools.GetValueOrDefault(id);

    /// <summary>The point of presence with this id, or null.</summary>
    public PointOfPresence? FindPointOfPresence(string id) =>
        Network.IndexOf(id) is var index and >= 0 ? Network.Nodes[index] : null;

    /// <summary>The region of a point of presence, or null when none was declared.</summary>
    public string? RegionOf(string pointOfPresenceId) => Regions.GetValueOrDefault(pointOfPresenceId);

    /// <summary>The parts of this topology, to change and pass to <see cref="Create"/> again (e.g. to add a scenario's sites).</summary>
    public TopologyDraft ToDraft() =>
        new(Name, Network.Nodes, Network.Links, Sites, Providers, Constants, Regions, Warnings);

    /// <summary>Every model-level problem of a draft; empty when <see cref="Create"/> would succeed.</summary>
    /// <param name="draft">The parts to check.</param>
    /// <param name="isKnownAcceleratorModel">Tells whether an accelerator model is in the device catalogue; null accepts every model.</param>
    public static ImmutableArray<TopologyProblem> Validate(TopologyDraft draft, Func<string, bool>? isKnownAcceleratorModel = null) =>
        TopologyValidator.Validate(draft, isKnownAcceleratorModel).Problems;

    /// <summary>
    /// Checks a draft and builds the topology, or returns every problem: duplicate ids, links to
    /// unknown points, bad capacities, sites at unknown points of presence, invalid pools, unknown
    /// accelerator models and a disconnected network.
    /// </summary>
    /// <param name="draft">The parts to check.</param>
    /// <param name="isKnownAcceleratorModel">Tells whether an accelerator model is in the device catalogue; null accepts every model.</param>
    public static (Topology? Topology, ImmutableArray<TopologyProblem> Problems) Create(
        TopologyDraft draft, Func<string, bool>? isKnownAcceleratorModel = null)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var (problems, network) = TopologyValidator.Validate(draft, isKnownAcceleratorModel);
        if (problems.Length > 0 || network is null)
            return (null, problems);
        var sites = draft.Sites.Select(site => site.Location is null && site.AttachedTo is { } at && network.IndexOf(at) is var i and >= 0
                ? site with { Location = network.Nodes[i].Location }
                : site)
            .ToImmutableArray();
        return (new Topology(draft, network, sites), []);
    }
}
