using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Specs;
using Suanwang.Core.Topologies;

namespace Suanwang.Core.Tests.Topologies;

/// <summary>
/// Values so large that later arithmetic would overflow or throw are refused when a topology is read,
/// each at the field that holds it, so that a topology that reads is safe to compute with.
/// </summary>
public sealed class TopologyBoundsTests
{
    private const string Valid = """
        apiVersion: suanwang/v1
        kind: Topology
        name: tiny
        nodes:
          - { id: Beijing, lat: 39.9, lon: 116.4 }
          - { id: Shanghai, lat: 31.2, lon: 121.5 }
        links:
          - { endpoints: [Beijing, Shanghai], capacity: 100Gbps, latency: 5ms, price_per_gb: 0.01 CNY }
        sites:
          - id: beijing-region
            at: Beijing
            tier: region
            jurisdiction: CN
            provider: p-north
            pools:
              - { id: beijing-region/ai, kind: ai, nodes: 2, price_per_cu_hour: 1.00 CNY, pue: 1.2, carbon_g_per_kwh: 500,
                  node: { cpu: 8, memory: 64GiB, accelerators: { model: H20, count: 8 } } }
        """;

    private static TopologyReadResult Read(string from, string to)
    {
        Assert.Contains(from, Valid);
        return TopologyReader.Read(Valid.Replace(from, to, StringComparison.Ordinal), "tiny.yaml");
    }

    private static SpecError ErrorAt(TopologyReadResult result, string path)
    {
        Assert.False(result.Success);
        var error = result.Errors.FirstOrDefault(e => e.Path == path);
        Assert.True(error is not null, $"no error at {path}; errors:\n{string.Join("\n", result.Errors)}");
        return error;
    }

    [Fact]
    public void The_valid_text_reads()
    {
        var result = TopologyReader.Read(Valid, "tiny.yaml");
        Assert.True(result.Success, string.Join("\n", result.Errors));
    }

    [Fact]
    public void A_link_latency_beyond_what_path_finding_supports_is_an_error_at_the_link()
    {
        var error = ErrorAt(Read("latency: 5ms", "latency: 12d"), "links[0].latency");
        Assert.Equal(8, error.Position?.Line);
        Assert.Contains("at most 1,000,000,000 ms", error.Message);
    }

    [Fact]
    public void A_latency_just_inside_the_limit_reads_and_paths_can_be_found()
    {
        var result = Read("latency: 5ms", "latency: 11d");
        Assert.True(result.Success, string.Join("\n", result.Errors));
        var matrix = new PathFinder(result.Topology!.Network).AllPairsLatencies();
        Assert.Equal(11 * 86_400_000.0, matrix.LatencyMs(0, 1));
    }

    [Fact]
    public void A_graph_built_directly_with_a_huge_latency_is_refused_not_thrown_later()
    {
        var (graph, errors) = NetworkGraph.Create(
            [new PointOfPresence("A", "A", null), new PointOfPresence("B", "B", null)],
            [new NetworkLink("ab", "A", "B", Bandwidth.FromGbps(1), 1e12, new Money(0, "CNY"))]);
        Assert.Null(graph);
        Assert.Contains(errors, e => e.Contains("at most", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("km_per_ms: 1e-7", "constants.km_per_ms")]
    [InlineData("km_per_ms: 301", "constants.km_per_ms")]
    [InlineData("inflation: 1e300", "constants.inflation")]
    [InlineData("hop_ms: 1000", "constants.hop_ms")]
    public void Latency_constants_out_of_range_are_one_error_at_the_constant(string constant, string path)
    {
        var text = Valid.Replace("nodes:\n", $"constants: {{ {constant} }}\nnodes:\n", StringComparison.Ordinal)
            .Replace(" latency: 5ms,", "", StringComparison.Ordinal);
        var result = TopologyReader.Read(text, "tiny.yaml");
        ErrorAt(result, path);
        Assert.Single(result.Errors);
    }

    private const string TwoNodes = "nodes:\n  - { id: Beijing, lat: 39.9, lon: 116.4 }\n  - { id: Shanghai, lat: 31.2, lon: 121.5 }\nlinks:\n  - { endpoints: [Beijing, Shanghai], capacity: 100Gbps, latency: 5ms, price_per_gb: 0.01 CNY }\n";

    [Theory]
    [InlineData("nodes: []\n", "no points of presence")]
    [InlineData("nodes:\n", "required field 'nodes' is empty")]
    [InlineData("nodes: ~\n", "required field 'nodes' is empty")]
    public void Sites_without_a_network_are_one_error_at_nodes(string nodes, string phrase)
    {
        var result = Read(TwoNodes, nodes);
        var error = ErrorAt(result, "nodes");
        Assert.Contains(phrase, error.Message);
        Assert.Equal(4, error.Position?.Line);
        Assert.Single(result.Errors);
    }

    [Fact]
    public void A_network_without_sites_or_nodes_reads_and_its_census_is_empty()
    {
        var text = Valid[..Valid.IndexOf("nodes:", StringComparison.Ordinal)] + "nodes: []\n";
        var result = TopologyReader.Read(text, "tiny.yaml");
        Assert.True(result.Success, string.Join("\n", result.Errors));
        var census = LatencyTiers.Census(new PathFinder(result.Topology!.Network).AllPairsLatencies(), result.Topology.Sites, result.Topology.Constants);
        Assert.Equal(0, census.Pairs.Sum());
    }

    [Fact]
    public void An_empty_required_mapping_is_reported_once()
    {
        var result = Read("node: { cpu: 8, memory: 64GiB, accelerators: { model: H20, count: 8 } }", "node: ~");
        var error = ErrorAt(result, "sites[0].pools[0].node");
        Assert.Contains("required field 'node' is empty", error.Message);
        Assert.Single(result.Errors);
    }

    [Theory]
    [InlineData("nodes: 2,", "nodes: 10000001,", "sites[0].pools[0].nodes", "1 to 10,000,000")]
    [InlineData("pue: 1.2", "pue: 1e29", "sites[0].pools[0].pue", "PUE 1E+29")]
    [InlineData("pue: 1.2", "pue: 5.01", "sites[0].pools[0].pue", "within 1..5")]
    [InlineData("carbon_g_per_kwh: 500", "carbon_g_per_kwh: 1e300", "sites[0].pools[0].carbon_g_per_kwh", "within 0..5,000")]
    [InlineData("cpu: 8,", "cpu: 100001,", "sites[0].pools[0].node.cpu", "1 to 100,000")]
    [InlineData("count: 8", "count: 1025", "sites[0].pools[0].node.accelerators.count", "at most 1,024")]
    public void Pool_values_beyond_sane_bounds_are_errors_at_their_field(string from, string to, string path, string phrase)
    {
        var error = ErrorAt(Read(from, to), path);
        Assert.Contains(phrase, error.Message);
    }

    [Theory]
    [InlineData("nodes: 2,", "nodes: 10000000,")]
    [InlineData("pue: 1.2", "pue: 5")]
    [InlineData("carbon_g_per_kwh: 500", "carbon_g_per_kwh: 5000")]
    [InlineData("cpu: 8,", "cpu: 100000,")]
    [InlineData("count: 8", "count: 1024")]
    public void Pool_values_at_their_bounds_are_accepted(string from, string to)
    {
        var result = Read(from, to);
        Assert.True(result.Success, string.Join("\n", result.Errors));
    }
}
