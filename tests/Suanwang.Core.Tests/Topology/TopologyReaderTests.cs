using Suanwang.Core.Model;
using Suanwang.Core.Specs;
using Suanwang.Core.Topologies;

namespace Suanwang.Core.Tests.Topologies;

public sealed class TopologyReaderTests
{
    // Line numbers matter in these tests: the text starts at line 1 with apiVersion.
    private const string Valid = """
        apiVersion: suanwang/v1
        kind: Topology
        name: tiny
        constants: { km_per_ms: 200, inflation: 1.5, hop_ms: 0.1 }
        nodes:
          - { id: Beijing, lat: 39.90, lon: 116.41, region: north }
          - { id: Shanghai, lat: 31.23, lon: 121.47 }
          - { id: Lab, name: Test lab }
        links:
          - { endpoints: [Beijing, Shanghai], capacity: 400Gbps, price_per_gb: 0.02 CNY }
          - { endpoints: [Shanghai, Lab], capacity: 10Gbps, latency: 3.2ms }
        providers:
          - { id: p-east, name: East }
        sites:
          - id: shanghai-region
            at: Shanghai
            tier: region
            jurisdiction: CN
            provider: p-east
            pools:
              - { id: shanghai-region/hpc, kind: hpc, nodes: 256, node: { cpu: 64, memory: 256GiB, cpu_model: EPYC-9654 },
                  price_per_cu_hour: 1.60 CNY, pue: 1.40, carbon_g_per_kwh: 585 }
              - id: shanghai-region/ai
                kind: ai
                nodes: 16
                node: { cpu: 112, memory: 2TiB, accelerators: { model: H800-SXM5-80G, count: 8 } }
                price_per_cu_hour: 1.70 CNY
                pue: 1.4
                carbon_g_per_kwh: 585
                access: slurm
        """;

    private static TopologyReadResult Read(string text, Func<string, bool>? isKnown = null) =>
        TopologyReader.Read(text, "tiny.yaml", isKnown);

    private static string Replace(string from, string to)
    {
        Assert.Contains(from, Valid);
        return Valid.Replace(from, to, StringComparison.Ordinal);
    }

    private static SpecError ErrorAt(TopologyReadResult result, string path)
    {
        Assert.False(result.Success);
        var error = result.Errors.FirstOrDefault(e => e.Path == path);
        Assert.True(error is not null, $"no error at {path}; errors:\n{string.Join("\n", result.Errors)}");
        return error;
    }

    [Fact]
    public void Reads_a_valid_file()
    {
        var result = Read(Valid);
        Assert.True(result.Success, string.Join("\n", result.Errors));
        var topology = result.Topology!;

        Assert.Equal("tiny", topology.Name);
        Assert.Equal(3, topology.Network.Nodes.Length);
        Assert.Equal("Test lab", topology.FindPointOfPresence("Lab")!.Name);
        Assert.Equal("north", topology.RegionOf("Beijing"));
        Assert.Null(topology.RegionOf("Shanghai"));
        var trunk = topology.Network.Links[0];
        Assert.Equal("Beijing-Shanghai", trunk.Id);
        Assert.Equal(Bandwidth.FromGbps(400), trunk.Capacity);
        Assert.Equal(new Money(2, "CNY"), trunk.PricePerGb);
        Assert.InRange(trunk.LatencyMs, 7.9, 8.3);
        Assert.Equal(3.2, topology.Network.Links[1].LatencyMs, 9);
        Assert.Equal(TopologyReader.DefaultLinkPrice, topology.Network.Links[1].PricePerGb);

        var site = topology.FindSite("shanghai-region")!;
        Assert.Equal(SiteTier.Region, site.Tier);
        Assert.Equal(31.23, site.Location!.Value.Latitude);
        var hpc = topology.FindPool("shanghai-region/hpc")!;
        Assert.Equal(PoolKind.Hpc, hpc.Kind);
        Assert.Equal("shanghai-region", hpc.SiteId);
        Assert.Equal(AccessMode.Simulated, hpc.Access);
        Assert.Equal("EPYC-9654", hpc.Node.CpuModel);
        Assert.Null(hpc.Node.Accelerators);
        Assert.Equal(new Money(160, "CNY"), hpc.PricePerCuHour);
        var ai = topology.FindPool("shanghai-region/ai")!;
        Assert.Equal(new AcceleratorSet("H800-SXM5-80G", 8), ai.Node.Accelerators);
        Assert.Equal(AccessMode.Slurm, ai.Access);
        Assert.Equal(ByteSize.FromGibibytes(2048), ai.Node.Memory);
    }

    [Fact]
    public void Json_carries_the_same_structure()
    {
        const string json = """
            { "apiVersion": "suanwang/v1", "kind": "Topology", "name": "j",
              "nodes": [ { "id": "A", "lat": 30, "lon": 110 }, { "id": "B", "lat": 31, "lon": 111 } ],
              "links": [ { "endpoints": ["A", "B"], "capacity": "100Gbps" } ] }
            """;
        var result = TopologyReader.Read(json, "j.json");
        Assert.True(result.Success, string.Join("\n", result.Errors));
        Assert.Single(result.Topology!.Network.Links);
    }

    [Fact]
    public void Negative_capacity_is_an_error_with_line_and_path()
    {
        var error = ErrorAt(Read(Replace("capacity: 400Gbps", "capacity: -400Gbps")), "links[0].capacity");
        Assert.Equal(10, error.Position?.Line);
        Assert.Contains("negative", error.Message);
    }

    [Fact]
    public void Zero_capacity_is_an_error_too()
    {
        var error = ErrorAt(Read(Replace("capacity: 10Gbps", "capacity: 0Gbps")), "links[1].capacity");
        Assert.Equal(11, error.Position?.Line);
        Assert.Contains("must be positive", error.Message);
    }

    [Fact]
    public void A_site_at_an_unknown_point_of_presence_is_an_error_with_line_and_path()
    {
        var error = ErrorAt(Read(Replace("at: Shanghai", "at: Shanghia")), "sites[0].at");
        Assert.Equal(16, error.Position?.Line);
        Assert.Contains("unknown point of presence 'Shanghia'", error.Message);
        Assert.Contains("did you mean 'Shanghai'", error.Message);
    }

    [Fact]
    public void A_link_to_an_unknown_point_of_presence_is_an_error()
    {
        var error = ErrorAt(Read(Replace("[Shanghai, Lab]", "[Shanghai, Nowhere]")), "links[1].endpoints");
        Assert.Equal(11, error.Position?.Line);
        Assert.Contains("unknown point of presence 'Nowhere'", error.Message);
    }

    [Fact]
    public void A_disconnected_network_names_its_components()
    {
        var text = Replace("  - { endpoints: [Shanghai, Lab], capacity: 10Gbps, latency: 3.2ms }\n", "");
        var error = ErrorAt(Read(text), "links");
        Assert.Equal(10, error.Position?.Line);
        Assert.StartsWith("network is disconnected: 2 components: {Beijing, Shanghai} and {Lab}", error.Message);
    }

    [Fact]
    public void An_unknown_accelerator_model_is_an_error_when_a_catalogue_is_given()
    {
        Assert.True(Read(Valid, _ => true).Success);
        var error = ErrorAt(Read(Valid, model => model != "H800-SXM5-80G"), "sites[0].pools[1].node.accelerators.model");
        Assert.Equal(26, error.Position?.Line);
        Assert.Contains("'H800-SXM5-80G', which is not in the device catalogue", error.Message);
    }

    [Fact]
    public void An_unknown_field_is_an_error_listing_the_expected_ones()
    {
        var error = ErrorAt(Read(Replace("region: north", "regoin: north")), "nodes[0].regoin");
        Assert.Equal(6, error.Position?.Line);
        Assert.Contains("unknown field 'regoin'", error.Message);
        Assert.Contains("region", error.Message);
    }

    [Fact]
    public void Pool_value_rules_are_errors_on_their_lines()
    {
        var text = Replace("pue: 1.4\n", "pue: 0.9\n").Replace("nodes: 16", "nodes: 0", StringComparison.Ordinal);
        var result = Read(text);
        Assert.Equal(28, ErrorAt(result, "sites[0].pools[1].pue").Position?.Line);
        Assert.Equal(25, ErrorAt(result, "sites[0].pools[1].nodes").Position?.Line);
    }

    [Fact]
    public void Regions_enumerate_in_ordinal_id_order_in_every_run()
    {
        var topology = TopologyPresets.Load("china-national").Topology!;
        var ids = topology.Regions.Keys.ToList();
        Assert.True(ids.Count > 2, "the preset declares regions");
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        Assert.Equal(topology.Regions[ids[0]], topology.RegionOf(ids[0]));
    }

    [Fact]
    public void A_document_of_another_kind_is_one_error_at_kind_not_a_flood_of_unknown_fields()
    {
        var result = Read(Replace("kind: Topology", "kind: Scenario"));
        var error = Assert.Single(result.Errors);
        Assert.Equal(("kind", 2, "this is a 'Scenario' document, not a topology; expected kind: Topology"), (error.Path, error.Position?.Line, error.Message));
    }

    [Fact]
    public void Every_error_of_a_file_is_reported_at_once_in_line_order()
    {
        var text = Valid
            .Replace("region: north", "regoin: north", StringComparison.Ordinal)
            .Replace("capacity: 400Gbps", "capacity: -400Gbps", StringComparison.Ordinal)
            .Replace("at: Shanghai", "at: Nowhere", StringComparison.Ordinal)
            .Replace("provider: p-east", "provider: p-west", StringComparison.Ordinal)
            .Replace("cpu: 64", "cpu: 0", StringComparison.Ordinal)
            .Replace("kind: ai", "kind: quantum", StringComparison.Ordinal);
        var result = Read(text, model => model != "H800-SXM5-80G");

        var paths = result.Errors.Select(e => e.Path).ToList();
        Assert.Equal(
            ["nodes[0].regoin", "links[0].capacity", "sites[0].at", "sites[0].provider",
             "sites[0].pools[0].node.cpu", "sites[0].pools[1].kind"],
            paths);
        Assert.Equal(result.Errors.OrderBy(e => e.Position?.Line).Select(e => e.Path), paths);
        Assert.All(result.Errors, e => Assert.NotNull(e.Position));
    }

    [Fact]
    public void A_link_needs_latency_when_an_end_has_no_coordinates()
    {
        var error = ErrorAt(Read(Replace(", latency: 3.2ms", "")), "links[1]");
        Assert.Equal(11, error.Position?.Line);
        Assert.Contains("needs 'latency' because 'Lab' has no coordinates", error.Message);
    }

    [Fact]
    public void Duplicate_ids_are_errors()
    {
        var text = Replace("id: shanghai-region/ai", "id: shanghai-region/hpc");
        Assert.Contains("defined twice", ErrorAt(Read(text), "sites[0].pools[1].id").Message);
        var nodes = Replace("id: Lab, name: Test lab", "id: Beijing, name: Test lab");
        Assert.Contains("'Beijing' is defined twice", ErrorAt(Read(nodes), "nodes[2].id").Message);
    }

    [Theory]
    [InlineData("apiVersion: suanwang/v1", "apiVersion: suanwang/v2", "apiVersion")]
    [InlineData("name: tiny\n", "", "name")]
    [InlineData("inflation: 1.5", "inflation: 0.5", "constants.inflation")]
    [InlineData("lat: 39.90", "lat: 99.90", "nodes[0].lat")]
    [InlineData("tier: region", "tier: metro", "sites[0].tier")]
    [InlineData("memory: 256GiB", "memory: lots", "sites[0].pools[0].node.memory")]
    [InlineData("price_per_cu_hour: 1.60 CNY", "price_per_cu_hour: -1.60 CNY", "sites[0].pools[0].price_per_cu_hour")]
    [InlineData("carbon_g_per_kwh: 585 }", "carbon_g_per_kwh: -5 }", "sites[0].pools[0].carbon_g_per_kwh")]
    [InlineData("count: 8", "count: 0", "sites[0].pools[1].node.accelerators.count")]
    public void Bad_values_are_errors_at_their_path(string from, string to, string path)
    {
        var error = ErrorAt(Read(Replace(from, to)), path);
        Assert.NotNull(error.Position);
    }

    [Fact]
    public void Malformed_yaml_gives_an_error_with_a_line()
    {
        var result = Read("apiVersion: suanwang/v1\nnodes: [ { id: A\n");
        var error = Assert.Single(result.Errors);
        Assert.NotNull(error.Position);
        Assert.Contains("malformed YAML", error.Message);
    }
}
