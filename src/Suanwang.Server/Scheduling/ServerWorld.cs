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
        Topology = topology;
        Catalog = catalog;
        ImmutableArray<Dataset> initial = [.. datasets];
        _state = new WorldState(initial, new SchedulingSnapshot(topology, catalog, initial, []));
    }

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

    /// <summary>Sites, pools and the network.</summary>
    public Topology Topology { get; }

    /// <summary>The device catalogue.</summary>
    public DeviceCatalog Catalog { get; }

    /// <summary>Datasets and their replicas.</summary>
    public ImmutableArray<Dataset> Datasets => _state.Datasets;

    /// <summary>
    /// Plans from now on with <paramref name="datasets"/> (registered through the API); nothing changes when
    /// they are the ones in use. Snapshots already taken keep the datasets they were taken with.
    /// </summary>
    public void UseDatasets(IEnumerable<Dataset> datasets)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        ImmutableArray<Dataset> next = [.. datasets.OrderBy(d => d.Id, StringComparer.Ordinal)];
        var current = _state;
        if (current.Datasets.SequenceEqual(next))
            return;
        // A new base: the memo of the old one assumed the old datasets.
        _state = new WorldState(next, new SchedulingSnapshot(Topology, Catalog, next, []));
    }

    /// <summary>A snapshot of this world in the given state.</summary>
    public SchedulingSnapshot Snapshot(IEnumerable<RunningAllocation> running, ReservationCalendar calendar, IEnumerable<string> downSites, long version) =>
        _state.Base.Next(running, calendar, downSites, version);

    private sealed record WorldState(ImmutableArray<Dataset> Datasets, SchedulingSnapshot Base);
}
