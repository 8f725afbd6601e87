using Suanwang.Core.Topologies;

namespace Suanwang.Core.Tests.Topologies;

public sealed class GmlErrorTests
{
    private const string Good = """
        graph [
          label "Tiny"
          node [ id 0 label "Beijing" Latitude 39.9 Longitude 116.4 ]
          node [ id 1 label "Tianjin" Latitude 39.1 Longitude 117.2 ]
          edge [ source 0 target 1 ]
        ]
        """;

    [Fact]
    public void Reader_parses_nested_lists_strings_numbers_and_comments()
    {
        var result = GmlReader.Read("# a comment\ngraph [\n  Network \"A &amp; B\"\n  x -1.5e2\n  node [ id 0 ]\n  node [ id 1 ]\n]\n", "t.gml");

        Assert.Null(result.Error);
        var graph = Assert.IsType<GmlList>(result.Root!["graph"]);
        Assert.Equal("A & B", Assert.IsType<GmlString>(graph["Network"]).Value);
        Assert.Equal(-150, Assert.IsType<GmlNumber>(graph["x"]).Value);
        Assert.Equal(2, graph.All("node").Count());
        Assert.Equal(5, graph.All("node").First().Line);
    }

    [Theory]
    [InlineData("graph [\n  node [ id 0\n", 2, "never closed")]
    [InlineData("graph [\n  label \"Tiny\n]\n", 2, "string starting at line 2")]
    [InlineData("graph [\n]\n]\n", 3, "unexpected ']'")]
    [InlineData("graph [\n  node [ id ]\n]\n", 2, "key 'id' needs a value")]
    [InlineData("graph [\n  x 1.2.3\n]\n", 2, "'1.2.3' is not a number")]
    [InlineData("graph [\n  node [ id 0 ]\n  @\n]\n", 3, "expected a key")]
    [InlineData("graph [\n  label", 2, "has no value")]
    public void Malformed_gml_gives_an_error_with_a_line_number(string text, int line, string fragment)
    {
        var result = GmlTopologyImporter.Import(text, "bad.gml");

        Assert.False(result.Success);
        var error = Assert.Single(result.Errors);
        Assert.Equal(line, error.Position?.Line);
        Assert.Contains(fragment, error.Message);
        Assert.StartsWith($"bad.gml:{line}:", error.ToString());
        Assert.Contains("malformed GML", error.Message);
    }

    [Fact]
    public void Deep_nesting_is_refused_instead_of_overflowing_the_stack()
    {
        var text = string.Concat(Enumerable.Repeat("a [ ", 100_000));
        var result = GmlTopologyImporter.Import(text, "deep.gml");
        Assert.Contains("nested more than", Assert.Single(result.Errors).Message);
    }

    [Fact]
    public void A_file_without_a_graph_is_refused()
    {
        var result = GmlTopologyImporter.Import("", "empty.gml");
        Assert.Contains("no 'graph [ … ]' block", Assert.Single(result.Errors).Message);
    }

    [Fact]
    public void Edges_to_unknown_nodes_and_duplicate_node_ids_are_all_reported_with_lines()
    {
        const string text = """
            graph [
              node [ id 0 label "A" Latitude 30 Longitude 110 ]
              node [ id 0 label "B" Latitude 31 Longitude 111 ]
              edge [ source 0 target 7 ]
              edge [ target 0 ]
            ]
            """;
        var result = GmlTopologyImporter.Import(text, "t.gml");

        Assert.False(result.Success);
        Assert.Contains(result.Errors, e => e.Position?.Line == 3 && e.Message.Contains("id 0 is used twice"));
        Assert.Contains(result.Errors, e => e.Position?.Line == 4 && e.Message.Contains("target 7 is not the id of any node"));
        Assert.Contains(result.Errors, e => e.Position?.Line == 5 && e.Message.Contains("no 'source'"));
    }

    [Fact]
    public void A_disconnected_backbone_is_refused_naming_its_components()
    {
        const string text = """
            graph [
              node [ id 0 label "A" Latitude 30 Longitude 110 ]
              node [ id 1 label "B" Latitude 31 Longitude 111 ]
              node [ id 2 label "X" Latitude 32 Longitude 112 ]
              node [ id 3 label "Y" Latitude 33 Longitude 113 ]
              edge [ source 0 target 1 ]
              edge [ source 2 target 3 ]
            ]
            """;
        var result = GmlTopologyImporter.Import(text, "split.gml");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("network is disconnected: 2 components: {A, B}", error.Message);
        Assert.Contains("{X, Y}", error.Message);
    }

    [Fact]
    public void Out_of_range_coordinates_are_an_error()
    {
        var result = GmlTopologyImporter.Import(Good.Replace("Latitude 39.9", "Latitude 99.9", StringComparison.Ordinal), "t.gml");
        Assert.Contains(result.Errors, e => e.Position?.Line == 3 && e.Message.Contains("Latitude 99.9"));
    }

    [Fact]
    public void Self_loops_are_dropped_with_a_warning()
    {
        var result = GmlTopologyImporter.Import(Good.Replace("edge [ source 0 target 1 ]", "edge [ source 0 target 1 ]\n  edge [ source 1 target 1 ]", StringComparison.Ordinal), "t.gml");
        Assert.True(result.Success, string.Join("\n", result.Errors));
        Assert.Single(result.Topology!.Network.Links);
        Assert.Contains(result.Topology.Warnings, w => w.Contains("'Tianjin' to itself"));
        Assert.Equal("Tiny", result.Topology.Name);
    }

    [Fact]
    public void Invalid_constants_are_reported_not_thrown()
    {
        var options = new GmlImportOptions { Constants = new global::Suanwang.Core.Network.GeoLatency(0, 0.5, -1) };
        var result = GmlTopologyImporter.Import(Good, "t.gml", options);
        Assert.False(result.Success);
        Assert.Contains(result.Errors, e => e.Message.Contains("km_per_ms"));
        Assert.Contains(result.Errors, e => e.Message.Contains("inflation"));
        Assert.Contains(result.Errors, e => e.Message.Contains("hop_ms"));
    }

    [Fact]
    public void A_link_capacity_option_beyond_the_limit_is_one_error_not_an_overflow()
    {
        var options = new GmlImportOptions { LinkCapacity = new Core.Model.Bandwidth(long.MaxValue / 2) };
        var parallel = Good.Replace("edge [ source 0 target 1 ]", "edge [ source 0 target 1 ]\n  edge [ source 1 target 0 ]\n  edge [ source 0 target 1 ]", StringComparison.Ordinal);
        var result = GmlTopologyImporter.Import(parallel, "t.gml", options);
        var error = Assert.Single(result.Errors);
        Assert.Contains("link capacity", error.Message);
    }

    [Fact]
    public void Merged_parallel_links_saturate_at_the_largest_capacity()
    {
        var options = new GmlImportOptions { LinkCapacity = Core.Network.NetworkLink.MaxCapacity };
        var parallel = Good.Replace("edge [ source 0 target 1 ]", "edge [ source 0 target 1 ]\n  edge [ source 1 target 0 ]", StringComparison.Ordinal);
        var result = GmlTopologyImporter.Import(parallel, "t.gml", options);
        Assert.True(result.Success, string.Join("\n", result.Errors));
        Assert.Equal(Core.Network.NetworkLink.MaxCapacity, Assert.Single(result.Topology!.Network.Links).Capacity);
        Assert.Contains(result.Topology.Warnings, w => w.Contains("the most supported", StringComparison.Ordinal));
    }

    [Fact]
    public void Model_problems_keep_their_path()
    {
        var options = new GmlImportOptions { Constants = new Core.Network.GeoLatency(0, 1.5, 0.1) };
        var result = GmlTopologyImporter.Import(Good, "t.gml", options);
        Assert.Contains(result.Errors, e => e.Path == "constants.km_per_ms");
    }

    [Fact]
    public void Link_ids_stay_unique_when_labels_contain_hyphens()
    {
        const string gml = """
            graph [
              node [ id 0 label "X-Y" Latitude 39.9 Longitude 116.4 ]
              node [ id 1 label "Z" Latitude 39.1 Longitude 117.2 ]
              node [ id 2 label "X" Latitude 38.0 Longitude 114.5 ]
              node [ id 3 label "Y-Z" Latitude 36.7 Longitude 117.0 ]
              edge [ source 0 target 1 ]
              edge [ source 2 target 3 ]
              edge [ source 1 target 2 ]
            ]
            """;
        var result = GmlTopologyImporter.Import(gml, "hyphens.gml");
        Assert.True(result.Success, string.Join("\n", result.Errors));
        Assert.Equal(["X-Y-Z", "X-Y-Z (2)", "Z-X"], result.Topology!.Network.Links.Select(l => l.Id));
    }
}
