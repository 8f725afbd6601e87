using System.Globalization;
using System.Text;
using FsCheck.Xunit;
using Suanwang.Core.Network;
using Suanwang.Core.Topologies;

namespace Suanwang.Core.Tests.Topologies;

/// <summary>
/// A topology that reads is safe to compute with: all-pairs latencies and the tier census never throw,
/// whatever in-range or boundary values the file holds. Out-of-range values are mixed in too, so the
/// reader's refusals are exercised (and must not throw either).
/// </summary>
public sealed class ReadTopologyComputePropertyTests
{
    private static readonly string[] Latitudes = ["-90", "90", "0", "39.9", "-33.9", "89.999"];
    private static readonly string[] Longitudes = ["-180", "180", "0", "116.4", "-0.1", "179.999"];
    private static readonly (string[] InRange, string[] OutOfRange) Latencies = (["", "latency: 0ms, ", "latency: 1000000000ms, ", "latency: 11d, ", "latency: 0.001ms, "], ["latency: 12d, "]);
    private static readonly (string[] InRange, string[] OutOfRange) Capacities = (["1bps", "100Gbps", "1000Tbps"], ["1001Tbps", "0bps"]);
    private static readonly (string[] InRange, string[] OutOfRange) Prices = (["0 CNY", "0.05 CNY", "1000000 CNY"], ["1000000.01 CNY", "-1 CNY"]);
    private static readonly (string[] InRange, string[] OutOfRange) KmPerMs = (["1", "300", "200"], ["0.5", "301"]);
    private static readonly (string[] InRange, string[] OutOfRange) Inflations = (["1", "10", "1.5"], ["10.5"]);
    private static readonly (string[] InRange, string[] OutOfRange) HopMs = (["0", "100", "0.1"], ["101"]);
    private static readonly (string[] InRange, string[] OutOfRange) NodeCounts = (["1", "10000000"], ["10000001", "2000000000"]);
    private static readonly (string[] InRange, string[] OutOfRange) Cores = (["1", "100000"], ["100001"]);
    private static readonly (string[] InRange, string[] OutOfRange) AcceleratorCounts = (["", "1", "1024"], ["1025"]);
    private static readonly (string[] InRange, string[] OutOfRange) Pues = (["1", "5", "1.2"], ["5.5", "1e29"]);
    private static readonly (string[] InRange, string[] OutOfRange) Carbon = (["0", "5000", "500"], ["5001"]);

    /// <summary>Mostly an in-range or boundary value; one time in 40 an out-of-range one, so a topology of a dozen values still often reads.</summary>
    private static string Pick(Random random, (string[] InRange, string[] OutOfRange) values)
    {
        var from = random.Next(40) == 0 ? values.OutOfRange : values.InRange;
        return from[random.Next(from.Length)];
    }

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];

    private static string Topology(int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder("apiVersion: suanwang/v1\nkind: Topology\nname: generated\n");
        text.Append(CultureInfo.InvariantCulture, $"constants: {{ km_per_ms: {Pick(random, KmPerMs)}, inflation: {Pick(random, Inflations)}, hop_ms: {Pick(random, HopMs)} }}\n");
        var nodes = random.Next(0, 6);
        text.Append(nodes == 0 ? "nodes: []\n" : "nodes:\n");
        for (var i = 0; i < nodes; i++)
            text.Append(CultureInfo.InvariantCulture, $"  - {{ id: n{i}, lat: {Pick(random, Latitudes)}, lon: {Pick(random, Longitudes)} }}\n");
        text.Append("links:\n");
        for (var i = 1; i < nodes; i++)
        {
            // A spanning chain keeps most graphs connected; a few extra links add parallel paths.
            var links = random.Next(4) == 0 ? 2 : 1;
            for (var k = 0; k < links; k++)
            {
                var from = k == 0 ? i - 1 : random.Next(i); // an earlier node: never a self-loop
                text.Append(CultureInfo.InvariantCulture, $"  - {{ id: l{i}-{k}, endpoints: [n{from}, n{i}], {Pick(random, Latencies)}capacity: {Pick(random, Capacities)}, price_per_gb: {Pick(random, Prices)} }}\n");
            }
        }
        var sites = random.Next(0, 4);
        text.Append(sites == 0 ? "sites: []\n" : "sites:\n");
        for (var s = 0; s < sites; s++)
        {
            var accelerators = Pick(random, AcceleratorCounts);
            var device = accelerators.Length == 0 ? "" : $", accelerators: {{ model: H20, count: {accelerators} }}";
            text.Append(CultureInfo.InvariantCulture, $"""
                  - id: s{s}
                    at: {(nodes == 0 || random.Next(40) == 0 ? "nowhere" : $"n{random.Next(nodes)}")}
                    tier: edge
                    jurisdiction: CN
                    provider: p
                    pools:
                      - {"{"} id: s{s}/p, kind: hpc, nodes: {Pick(random, NodeCounts)}, price_per_cu_hour: 1.00 CNY, pue: {Pick(random, Pues)}, carbon_g_per_kwh: {Pick(random, Carbon)},
                          node: {"{"} cpu: {Pick(random, Cores)}, memory: 64GiB{device} {"}"} {"}"}

                """);
        }
        return text.ToString();
    }

    [Property(MaxTest = 300)]
    public bool Any_topology_that_reads_survives_all_pairs_latencies_and_the_census(int seed)
    {
        var result = TopologyReader.Read(Topology(seed), "generated.yaml");
        if (result.Topology is not { } topology)
            return !result.Errors.IsEmpty;
        var matrix = new PathFinder(topology.Network).AllPairsLatencies();
        var census = topology.Sites.IsEmpty
            ? LatencyTiers.Census(matrix, [.. topology.Network.Nodes.Select(n => n.Id)], topology.Constants)
            : LatencyTiers.Census(matrix, topology.Sites, topology.Constants);
        var points = topology.Sites.IsEmpty ? topology.Network.Nodes.Length : topology.Sites.Length;
        return census.Pairs.Sum() == (long)points * (points - 1) / 2;
    }

    [Fact]
    public void The_generator_makes_topologies_that_read_and_ones_that_do_not()
    {
        var outcomes = Enumerable.Range(0, 200).Select(seed => TopologyReader.Read(Topology(seed), "generated.yaml").Success).ToList();
        Assert.True(outcomes.Count(ok => ok) >= 100, $"{outcomes.Count(ok => ok)} of 200 read");
        Assert.Contains(false, outcomes);
    }
}
