using System.Text.Json;

namespace Suanwang.Cli.Tests;

public sealed class TopologyCommandTests
{
    [Fact]
    public void Show_preset_prints_hubs_and_a_link_table()
    {
        var run = Cli.Run("topology", "show", "--preset", "china-national");

        Assert.True(run.Exit == 0, run.ToString());
        Assert.Contains("zhongwei-hub", run.Out);
        Assert.Contains("qingyang-hub", run.Out);
        Assert.Contains("links", run.Out);
        Assert.Contains("latency ms", run.Out);
        Assert.Contains("Zhongwei", run.Out);
        Assert.Contains("50 points of presence, 99 links, 40 sites", run.Out);
        Assert.DoesNotContain("\u001b[", run.Out); // no colour codes when not on a terminal
        Assert.Equal("", run.Err);
    }

    [Fact]
    public void Show_json_has_sites_links_and_latency()
    {
        var run = Cli.Run("topology", "show", "--preset", "china-national", "--json");

        Assert.True(run.Exit == 0, run.ToString());
        var json = run.Json();
        var sites = json.GetProperty("sites");
        Assert.Equal(40, sites.GetArrayLength());
        Assert.Contains(sites.EnumerateArray(), s => s.GetProperty("id").GetString() == "zhongwei-hub" && s.GetProperty("tier").GetString() == "hub");
        var links = json.GetProperty("links");
        Assert.Equal(99, links.GetArrayLength());
        foreach (var link in links.EnumerateArray())
        {
            Assert.True(link.GetProperty("latency_ms").GetDouble() > 0);
            Assert.True(link.GetProperty("capacity_gbps").GetDouble() > 0);
            Assert.False(string.IsNullOrEmpty(link.GetProperty("from").GetString()));
        }
        var latency = json.GetProperty("latency");
        var pairs = latency.GetProperty("pairs");
        var total = pairs.EnumerateObject().Sum(p => p.Value.GetInt64());
        Assert.Equal(40 * 39 / 2, total);
        Assert.True(latency.GetProperty("min_ms").GetDouble() <= latency.GetProperty("median_ms").GetDouble());
        Assert.True(latency.GetProperty("median_ms").GetDouble() <= latency.GetProperty("max_ms").GetDouble());
    }

    [Theory]
    [InlineData("Chinanet.gml", 38, 2, 32, 445, 224)]
    [InlineData("Cernet.gml", 37, 2, 47, 407, 210)]
    public void Tiers_json_of_a_gml_backbone_matches_design_section_10_exactly(string file, int sites, int city, int region, int national, int beyond)
    {
        var run = Cli.Run("topology", "tiers", "--gml", Cli.RepoPath("data", "topologies", file), "--json");

        Assert.True(run.Exit == 0, run.ToString());
        var json = run.Json();
        Assert.Equal(["sites", "pairs", "constants"], Cli.Keys(json));
        Assert.Equal(["city", "region", "national", "beyond", "unreachable"], Cli.Keys(json.GetProperty("pairs")));
        Assert.Equal(["km_per_ms", "inflation", "hop_ms"], Cli.Keys(json.GetProperty("constants")));

        Assert.Equal(sites, json.GetProperty("sites").GetInt32());
        var pairs = json.GetProperty("pairs");
        Assert.Equal(
            (city, region, national, beyond, 0),
            (pairs.GetProperty("city").GetInt32(), pairs.GetProperty("region").GetInt32(), pairs.GetProperty("national").GetInt32(),
             pairs.GetProperty("beyond").GetInt32(), pairs.GetProperty("unreachable").GetInt32()));
        Assert.Equal(sites * (sites - 1) / 2, city + region + national + beyond);
        var constants = json.GetProperty("constants");
        Assert.Equal(200, constants.GetProperty("km_per_ms").GetDouble());
        Assert.Equal(1.5, constants.GetProperty("inflation").GetDouble());
        Assert.Equal(0.1, constants.GetProperty("hop_ms").GetDouble());
        // Import warnings (coordinate-less stubs) go to stderr, so stdout stays pure JSON.
        Assert.Contains("warning:", run.Err);
    }

    [Fact]
    public void Tiers_of_the_chinanet_preset_equal_those_of_the_data_file()
    {
        var preset = Cli.Run("topology", "tiers", "--preset", "chinanet", "--json");
        var file = Cli.Run("topology", "tiers", "--gml", Cli.RepoPath("data", "topologies", "Chinanet.gml"), "--json");

        Assert.True(preset.Exit == 0, preset.ToString());
        Assert.Equal(file.Out, preset.Out);
    }

    [Fact]
    public void Lower_inflation_moves_pairs_into_faster_tiers()
    {
        var gml = Cli.RepoPath("data", "topologies", "Chinanet.gml");
        var standard = Cli.Run("topology", "tiers", "--gml", gml, "--json");
        var straight = Cli.Run("topology", "tiers", "--gml", gml, "--inflation", "1.0", "--json");

        Assert.True(straight.Exit == 0, straight.ToString());
        Assert.Equal(1.0, straight.Json().GetProperty("constants").GetProperty("inflation").GetDouble());
        var before = Cumulative(standard.Json().GetProperty("pairs"));
        var after = Cumulative(straight.Json().GetProperty("pairs"));
        Assert.NotEqual(before, after);
        // Every link gets faster, so at each tier bound at least as many pairs are within it.
        for (var i = 0; i < before.Length; i++)
            Assert.True(after[i] >= before[i], $"pairs within tier {i}: {after[i]} with inflation 1.0 < {before[i]} with 1.5");
        Assert.Equal(before[^1], after[^1]);
    }

    private static long[] Cumulative(JsonElement pairs)
    {
        var counts = new[] { "city", "region", "national", "beyond" }.Select(t => pairs.GetProperty(t).GetInt64()).ToArray();
        var sums = new long[counts.Length];
        long running = 0;
        for (var i = 0; i < counts.Length; i++)
            sums[i] = running += counts[i];
        return sums;
    }

    [Fact]
    public void Tiers_table_names_the_tiers_and_the_constants()
    {
        var run = Cli.Run("topology", "tiers", "--preset", "cernet");

        Assert.True(run.Exit == 0, run.ToString());
        Assert.Contains("Cernet: 37 sites, 666 pairs", run.Out);
        foreach (var word in new[] { "city", "region", "national", "beyond", "unreachable", "407", "210" })
            Assert.Contains(word, run.Out);
        Assert.Contains("× 1.5 ÷ 200 km/ms + 0.1 ms per hop", run.Out);
    }

    [Fact]
    public void Tiers_of_the_default_preset_count_site_pairs()
    {
        var run = Cli.Run("topology", "tiers", "--json");

        Assert.True(run.Exit == 0, run.ToString());
        var json = run.Json();
        Assert.Equal(40, json.GetProperty("sites").GetInt32());
        Assert.Equal(40 * 39 / 2, json.GetProperty("pairs").EnumerateObject().Sum(p => p.Value.GetInt64()));
    }

    [Theory]
    [InlineData("--preset", "china-national", "--inflation", "1.5")]
    [InlineData("--preset", "china-national", "--km-per-ms", "200")]
    [InlineData("--file", "{topology}", "--hop-ms", "0.1")]
    public void Latency_constants_are_refused_for_non_gml_sources_even_when_equal_to_their_own(string source, string value, string option, string constant)
    {
        var file = Cli.RepoPath("data", "topologies", "china-national.yaml");
        var run = Cli.Run("topology", "tiers", source, value.Replace("{topology}", file, StringComparison.Ordinal), option, constant);

        Assert.True(run.Exit == 2, run.ToString());
        Assert.Contains("GML backbones only", run.Err);
        Assert.Equal("", run.Out);
    }

    [Theory]
    [InlineData("--preset", "cernet")]
    [InlineData("--gml", "{cernet}")]
    public void Latency_constants_are_accepted_for_gml_sources_even_when_equal_to_the_defaults(string source, string value)
    {
        var run = Cli.Run("topology", "tiers", source, value.Replace("{cernet}", Cli.RepoPath("data", "topologies", "Cernet.gml"), StringComparison.Ordinal), "--inflation", "1.5", "--json");

        Assert.True(run.Exit == 0, run.ToString());
        Assert.Equal(1.5, run.Json().GetProperty("constants").GetProperty("inflation").GetDouble());
    }

    [Fact]
    public void Latency_constants_for_a_topology_that_keeps_its_own_are_a_usage_error()
    {
        var run = Cli.Run("topology", "tiers", "--preset", "china-national", "--inflation", "2");

        Assert.True(run.Exit == 2, run.ToString());
        Assert.Contains("GML backbones only", run.Err);
        Assert.Equal("", run.Out);
    }

    [Theory]
    [InlineData("--inflation", "0.5")]
    [InlineData("--km-per-ms", "0")]
    [InlineData("--km-per-ms", "NaN")]
    [InlineData("--hop-ms", "-1")]
    [InlineData("--hop-ms", "Infinity")]
    public void Out_of_range_latency_constants_are_invalid_input(string option, string value)
    {
        var run = Cli.Run("topology", "tiers", "--preset", "chinanet", option, value);

        Assert.True(run.Exit == 1, run.ToString());
        Assert.Single(run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
    }
}
