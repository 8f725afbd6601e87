using BenchmarkDotNet.Attributes;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Topologies;

namespace Suanwang.Bench;

/// <summary>
/// Hot paths the scheduler will hit many times per decision: latency-first k-shortest paths between
/// sites, all-pairs latency for tier checks, and free-bandwidth queries on a busy reservation calendar.
/// Run: <c>dotnet run -c Release --project bench/Suanwang.Bench -- --filter '*Network*'</c>.
/// </summary>
[MemoryDiagnoser]
public class NetworkBenchmarks
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private NetworkGraph _graph = null!;
    private PathFinder _warmFinder = null!;
    private ReservationCalendar _calendar = null!;
    private NetworkPath _busyPath = null!;

    [Params("china-national", "chinanet")]
    public string Topology { get; set; } = "china-national";

    [GlobalSetup]
    public void Setup()
    {
        var topology = TopologyPresets.Load(Topology).Topology ?? throw new InvalidOperationException($"preset {Topology} did not load");
        _graph = topology.Network;
        _warmFinder = new PathFinder(_graph);
        _ = _warmFinder.KShortestPaths(First, Last, 3);
        _calendar = new ReservationCalendar(_graph);
        _busyPath = _warmFinder.ShortestPath(First, Last)!;
        var random = new Random(7);
        // 500 staggered reservations over one day on the busiest path: a loaded calendar.
        for (var i = 0; i < 500; i++)
        {
            var start = Epoch.AddMinutes(random.Next(0, 24 * 60));
            var interval = new TimeInterval(start, start.AddMinutes(random.Next(5, 120)));
            _calendar.TryReserve(_busyPath, interval, Bandwidth.FromGbps(random.Next(1, 20)));
        }
    }

    private string First => _graph.Nodes[0].Id;

    private string Last => _graph.Nodes[^1].Id;

    /// <summary>k = 3 alternatives computed from scratch (cold caches): the cost of a new snapshot's first query.</summary>
    [Benchmark]
    public int KShortestPathsCold() => new PathFinder(_graph).KShortestPaths(First, Last, 3).Length;

    /// <summary>The same query answered from the per-pair cache: the cost inside one scheduling cycle.</summary>
    [Benchmark]
    public int KShortestPathsWarm() => _warmFinder.KShortestPaths(First, Last, 3).Length;

    /// <summary>All-pairs shortest latencies: what tier classification of every site pair needs.</summary>
    [Benchmark]
    public int AllPairsLatencies() => new PathFinder(_graph).AllPairsLatencies().Count;

    /// <summary>Free bandwidth over a 2-hour window on a path carrying 500 reservations.</summary>
    [Benchmark]
    public long FreeCapacityOnBusyPath() =>
        _calendar.FreeCapacity(_busyPath.Arcs, new TimeInterval(Epoch.AddHours(6), Epoch.AddHours(8))).BitsPerSecond;

    /// <summary>Earliest start of a 10 Gbps, 1-hour transfer on that path.</summary>
    [Benchmark]
    public DateTimeOffset? EarliestStartOnBusyPath() =>
        _calendar.EarliestStart(_busyPath.Arcs, Bandwidth.FromGbps(10), TimeSpan.FromHours(1), Epoch);
}
