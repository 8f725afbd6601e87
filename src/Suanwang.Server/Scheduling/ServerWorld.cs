using System.Collections.Immutable;
using Suanwang.Core.Measurement;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Scheduling;
using Suanwang.Core.Topologies;

namespace Suanwang.Server.Scheduling;

/// <summary>
/// What the scheduling loop plans on that changes rarely: the topology (sites, pools, network), the device
/// catalogue and the datasets. For now it comes from a topology preset; registered providers, pools and
/// datasets will feed it later. Snapshots of one world share what the world determines
/// (<see cref="SchedulingSnapshot.Next"/>), so each cycle pays only for the running state.
/// </summary>
public sealed class ServerWorld
{
    private volatile WorldState _state;

    /// <summary>A world of these parts.</summary>
    public ServerWorld(Topology topology, DeviceCatalog catalog, IEnumerable<Dataset> datasets)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(datasets);
        Preset = topology;
        Catalog = catalog;
        ImmutableArray<Dataset> initial = [.. datasets];
        _state = new WorldState(topology, [], initial, new SchedulingSnapshot(topology, catalog, initial, []));
    }

    /// <summary>The topology the world started from (a preset), before sites registered through the API.</summary>
    public Topology Preset { get; }

    /// <summary>The world of a built-in topology preset (e.g. <c>china-national</c>) with no datasets.</summary>
    /// <exception cref="ArgumentException">The preset is unknown or does not load.</exception>
    public static ServerWorld FromPreset(string name, DeviceCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var read = TopologyPresets.Load(name, model => catalog.TryFind(model, out _));
        return read.Topology is { } topology
            ? new ServerWorld(topology, catalog, [])
            : throw new ArgumentException($"cannot load the topology preset '{name}': {string.Join("; ", read.Errors)}", nameof(name));
    }

    /// <summary>Sites, pools and the network: the preset plus the sites registered through the API.</summary>
    public Topology Topology => _state.Topology;

    /// <summary>The device catalogue.</summary>
    public DeviceCatalog Catalog { get; }

    /// <summary>Datasets and their replicas.</summary>
    public ImmutableArray<Dataset> Datasets => _state.Datasets;

    /// <summary>
    /// Plans from now on with <paramref name="datasets"/> (registered through the API); nothing changes when
    /// they are the ones in use. Snapshots already taken keep the datasets they were taken with.
    /// </summary>
    public void UseDatasets(IEnumerable<Dataset> datasets) => UseRegistry(datasets, _state.Sites);

    /// <summary>
    /// Plans from now on with the registered <paramref name="datasets"/> and <paramref name="sites"/> (added
    /// to the preset, or replacing its sites of the same id). Nothing changes when they are the ones in use;
    /// sites that no longer make a valid topology with the rest are left out (the API checks them when
    /// registered, so this only guards against a store edited by hand).
    /// </summary>
    public void UseRegistry(IEnumerable<Dataset> datasets, IEnumerable<Site> sites)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        ArgumentNullException.ThrowIfNull(sites);
        ImmutableArray<Dataset> nextDatasets = [.. datasets.OrderBy(d => d.Id, StringComparer.Ordinal)];
        ImmutableArray<Site> nextSites = [.. sites.OrderBy(s => s.Id, StringComparer.Ordinal)];
        var current = _state;
        if (current.Datasets.SequenceEqual(nextDatasets) && current.Sites.SequenceEqual(nextSites))
            return;
        var topology = current.Topology;
        if (!current.Sites.SequenceEqual(nextSites))
            topology = SiteDocuments.Merge(Preset, nextSites, Catalog).Topology ?? Preset;
        // A new base: the memo of the old one assumed the old datasets and sites.
        _state = new WorldState(topology, nextSites, nextDatasets, new SchedulingSnapshot(topology, Catalog, nextDatasets, []));
    }

    /// <summary>A snapshot of this world in the given state.</summary>
    public SchedulingSnapshot Snapshot(IEnumerable<RunningAllocation> running, ReservationCalendar calendar, IEnumerable<string> downSites, long version) =>
        _state.Base.Next(running, calendar, downSites, version);

    private sealed record WorldState(Topology Topology, ImmutableArray<Site> Sites, ImmutableArray<Dataset> Datasets, SchedulingSnapshot Base);
}
