namespace Suanwang.Cli.Tests;

/// <summary>
/// Every kind of bad input gives exit code 1, lines starting "error:" on stderr, and never a stack trace.
/// Each case writes its file into a fresh temporary folder; "{dir}" in the arguments stands for it.
/// </summary>
public sealed class InvalidInputTests
{
    private const string GoodTopology = """
        apiVersion: suanwang/v1
        kind: Topology
        name: tiny
        nodes:
          - { id: Beijing, lat: 39.9, lon: 116.4 }
          - { id: Shanghai, lat: 31.2, lon: 121.5 }
        links:
          - { endpoints: [Beijing, Shanghai], capacity: 100Gbps, price_per_gb: 0.01 CNY }
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

    private const string GoodJob = """
        apiVersion: suanwang/v1
        kind: Job
        name: tiny-job
        resources:
          cpu: 4
          memory: 16GiB
          accelerators: { count: 1, model: H20 }
        duration: 1h

        """;

    /// <summary>(case name, file name, file text, arguments, a phrase the message must contain).</summary>
    public static TheoryData<string, string, string, string[], string> Cases => new()
    {
        { "malformed YAML job", "job.yaml", "apiVersion: suanwang/v1\nkind: Job\nname: x\n  resources: [\n", ["validate", "{file}"], "malformed YAML" },
        { "malformed JSON job", "job.json", "{\"apiVersion\": \"suanwang/v1\", \"kind\": \"Job\",", ["validate", "{file}"], "malformed JSON" },
        { "unterminated GML list", "net.gml", "graph [\n  node [ id 0 label \"A\" Latitude 39.9 Longitude 116.4 ]\n", ["topology", "show", "--gml", "{file}"], "never closed" },
        { "unterminated GML list, validated", "net.gml", "graph [\n  node [ id 0 label \"A\" Latitude 39.9 Longitude 116.4 ]\n", ["validate", "{file}"], "never closed" },
        { "YAML given as GML", "net.gml", GoodTopology, ["topology", "tiers", "--gml", "{file}"], "malformed GML" },
        { "negative link capacity", "topo.yaml", GoodTopology.Replace("capacity: 100Gbps", "capacity: -100Gbps"), ["topology", "show", "--file", "{file}"], "links[0].capacity" },
        { "negative link capacity, validated", "topo.yaml", GoodTopology.Replace("capacity: 100Gbps", "capacity: -100Gbps"), ["validate", "{file}"], "negative" },
        { "unknown accelerator model in a job", "job.yaml", GoodJob.Replace("model: H20", "model: TPU-v9"), ["validate", "{file}"], "unknown accelerator model 'TPU-v9'" },
        { "unknown accelerator model in a topology", "topo.yaml", GoodTopology.Replace("model: H20", "model: TPU-v9"), ["topology", "tiers", "--file", "{file}"], "'TPU-v9'" },
        { "unknown accelerator model in a topology, validated", "topo.yaml", GoodTopology.Replace("model: H20", "model: TPU-v9"), ["validate", "{file}"], "not in the device catalogue" },
        { "disconnected topology", "topo.yaml", Disconnected(), ["topology", "tiers", "--file", "{file}"], "disconnected" },
        { "disconnected topology, validated", "topo.yaml", Disconnected(), ["validate", "{file}"], "disconnected" },
        { "disconnected GML", "net.gml", "graph [\n node [ id 0 label \"Beijing\" Latitude 39.9 Longitude 116.4 ]\n node [ id 1 label \"Shanghai\" Latitude 31.2 Longitude 121.5 ]\n node [ id 2 label \"Chengdu\" Latitude 30.6 Longitude 104.1 ]\n edge [ source 0 target 1 ]\n]\n", ["topology", "tiers", "--gml", "{file}"], "disconnected" },
        { "missing file, validated", "present.yaml", GoodJob, ["validate", "{dir}/absent.yaml"], "file not found" },
        { "missing GML file", "present.yaml", GoodJob, ["topology", "show", "--gml", "{dir}/absent.gml"], "file not found" },
        { "missing topology file", "present.yaml", GoodJob, ["topology", "tiers", "--file", "{dir}/absent.yaml"], "file not found" },
        { "a directory, validated", "present.yaml", GoodJob, ["validate", "{dir}"], "is a directory" },
        { "a directory as GML", "present.yaml", GoodJob, ["topology", "tiers", "--gml", "{dir}"], "is a directory" },
        { "a directory as topology file", "present.yaml", GoodJob, ["topology", "show", "--file", "{dir}"], "is a directory" },
        { "unknown preset", "present.yaml", GoodJob, ["topology", "show", "--preset", "atlantis"], "unknown topology preset 'atlantis'" },
        { "unknown kind", "thing.yaml", GoodJob.Replace("kind: Job", "kind: Banana"), ["validate", "{file}"], "unknown kind 'Banana'" },
        { "missing kind", "thing.yaml", GoodJob.Replace("kind: Job\n", ""), ["validate", "{file}"], "'kind' is missing" },
        { "a job given as topology", "job.yaml", GoodJob, ["topology", "show", "--file", "{file}"], "not a topology" },
        { "a GML file given as topology file", "net.gml", "graph [ ]\n", ["topology", "show", "--file", "{file}"], "--gml" },
        { "empty file, validated", "empty.yaml", "", ["validate", "{file}"], "holds no job" },
        { "empty topology file", "empty.yaml", "", ["topology", "show", "--file", "{file}"], "found 0" },
        { "empty GML file", "empty.gml", "", ["topology", "show", "--gml", "{file}"], "graph [" },
        { "empty file name", "present.yaml", GoodJob, ["validate", ""], "file name is empty" },
        { "link latency beyond the supported limit", "topo.yaml", GoodTopology.Replace("capacity: 100Gbps,", "capacity: 100Gbps, latency: 12d,"), ["topology", "show", "--file", "{file}"], "links[0].latency" },
        { "link latency beyond the supported limit, validated", "topo.yaml", GoodTopology.Replace("capacity: 100Gbps,", "capacity: 100Gbps, latency: 12d,"), ["validate", "{file}"], "at most 1,000,000,000 ms" },
        { "propagation speed near zero", "present.yaml", GoodJob, ["topology", "tiers", "--gml", "{repo}/data/topologies/Chinanet.gml", "--km-per-ms", "1e-7"], "--km-per-ms is 1E-07" },
        { "sites on an empty network", "topo.yaml", EmptyNetwork("nodes: []"), ["topology", "show", "--file", "{file}"], "no points of presence" },
        { "sites on a blank network", "topo.yaml", EmptyNetwork("nodes:"), ["topology", "tiers", "--file", "{file}"], "required field 'nodes' is empty" },
        { "two pools of two billion nodes", "topo.yaml", TwoHugePools(), ["topology", "show", "--file", "{file}"], "1 to 10,000,000" },
        { "PUE of 1e29", "topo.yaml", GoodTopology.Replace("pue: 1.2", "pue: 1e29"), ["topology", "show", "--file", "{file}"], "PUE 1E+29" },
        { "cernet scenario with a huge link capacity", "scenario.yaml", "apiVersion: suanwang/v1\nkind: Scenario\nname: huge-links\ntopology:\n  preset: cernet\n  link_capacity: 5000000Tbps\n", ["validate", "{file}"], "topology.link_capacity" },
        { "scenario with a negative price per GB", "scenario.yaml", "apiVersion: suanwang/v1\nkind: Scenario\nname: cheap-links\ntopology:\n  preset: chinanet\n  price_per_gb: -1 CNY\n", ["validate", "{file}"], "topology.price_per_gb" },
        { "inflation far too large", "present.yaml", GoodJob, ["topology", "show", "--preset", "cernet", "--inflation", "1e300"], "--inflation is 1E+300" },
    };

    private static string TwoHugePools() => GoodTopology
        .Replace("nodes: 2,", "nodes: 2000000000,")
        .Replace("      - { id: beijing-region/ai,", "      - { id: beijing-region/cpu, kind: hpc, nodes: 2000000000, price_per_cu_hour: 1.00 CNY, pue: 1.2, carbon_g_per_kwh: 500, node: { cpu: 8, memory: 64GiB } }\n      - { id: beijing-region/ai,");

    private static string EmptyNetwork(string nodes)
    {
        var start = GoodTopology.IndexOf("nodes:", StringComparison.Ordinal);
        var end = GoodTopology.IndexOf("sites:", StringComparison.Ordinal);
        return GoodTopology[..start] + nodes + "\n" + GoodTopology[end..];
    }

    private static string Disconnected() => GoodTopology
        .Replace("  - { id: Shanghai, lat: 31.2, lon: 121.5 }\n", "  - { id: Shanghai, lat: 31.2, lon: 121.5 }\n  - { id: Chengdu, lat: 30.6, lon: 104.1 }\n  - { id: Chongqing, lat: 29.6, lon: 106.6 }\n")
        .Replace("price_per_gb: 0.01 CNY }\n", "price_per_gb: 0.01 CNY }\n  - { endpoints: [Chengdu, Chongqing], capacity: 100Gbps, price_per_gb: 0.01 CNY }\n");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_is_exit_1_with_a_clear_error_and_no_stack_trace(string name, string fileName, string text, string[] args, string phrase)
    {
        using var folder = new TempFolder();
        var file = folder.Write(fileName, text.ReplaceLineEndings("\n"));
        var run = Cli.Run([.. args.Select(a => a.Replace("{file}", file).Replace("{dir}", folder.Path).Replace("{repo}", Cli.RepoRoot))]);

        Assert.True(run.Exit == 1, $"{name}: {run}");
        AssertCleanError(run, phrase, name);
    }

    public static TheoryData<string, byte[]> Garbage => new()
    {
        { "random bytes", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0xFF, 0xD8, 0xC3, 0x28, 0xA0, 0xA1] },
        { "valid UTF-8 with NUL", [(byte)'a', (byte)':', 0x00, (byte)'b', (byte)'\n'] },
        { "UTF-8 continuation bytes without a lead", [(byte)'k', (byte)'i', (byte)'n', (byte)'d', 0x80, 0x81, 0x82, (byte)'\n'] },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public void Binary_garbage_is_refused_as_not_text(string name, byte[] bytes)
    {
        using var folder = new TempFolder();
        var file = folder.WriteBytes("garbage.bin", bytes);

        foreach (var args in new[] { new[] { "validate", file }, ["topology", "show", "--gml", file], ["topology", "tiers", "--file", file] })
        {
            var run = Cli.Run(args);
            Assert.True(run.Exit == 1, $"{name}, {string.Join(' ', args)}: {run}");
            AssertCleanError(run, "text", name);
        }
    }

    [Fact]
    public void Every_error_of_a_file_is_reported_at_once_with_its_line()
    {
        using var folder = new TempFolder();
        var file = folder.Write("topo.yaml", GoodTopology
            .Replace("capacity: 100Gbps", "capacity: -100Gbps")
            .Replace("model: H20", "model: TPU-v9")
            .ReplaceLineEndings("\n"));

        var run = Cli.Run("validate", file);

        Assert.Equal(1, run.Exit);
        var errors = run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Contains($"{file}:8:", StringComparison.Ordinal) && e.Contains("links[0].capacity", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains($"{file}:17:", StringComparison.Ordinal) && e.Contains("TPU-v9", StringComparison.Ordinal));
        Assert.Contains("2 errors", run.Err);
    }

    private static void AssertCleanError(CliRun run, string phrase, string name)
    {
        Assert.Equal("", run.Out);
        Assert.StartsWith("error: ", run.Err, StringComparison.Ordinal);
        Assert.Contains(phrase, run.Err);
        Assert.DoesNotContain("   at ", run.Err);
        Assert.DoesNotContain("Exception", run.Err);
        Assert.DoesNotContain("internal failure", run.Err);
        Assert.True(run.Err.Length < 2000, $"{name}: {run.Err.Length} characters of errors");
    }
}
