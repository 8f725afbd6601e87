using Suanwang.Simulation.IO;
using Suanwang.Simulation.Scenarios;
using static Suanwang.Simulation.Tests.Scenarios.ScenarioTestFiles;

namespace Suanwang.Simulation.Tests.Scenarios;

/// <summary>Files a scenario names that cannot be used are errors at the field that names them, never exceptions.</summary>
public sealed class ReferencedFileTests
{
    private static readonly byte[] Binary = [0x89, 0x50, 0x4E, 0x47, 0x00, 0x00, 0x1A, 0x0A];
    private static readonly byte[] NotUtf8 = [(byte)'a', (byte)':', (byte)' ', 0xC4, 0xE3, 0xBA, 0xC3, (byte)'\n']; // GBK 你好

    private static void WriteBytes(TempFolder folder, string name, byte[] bytes) => File.WriteAllBytes(Path.Combine(folder.Path, name), bytes);

    [Fact]
    public void A_gml_path_that_is_a_directory_is_an_error_at_topology_gml()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(Path.Combine(folder.Path, "net.gml"));
        var error = Single(Load(Header + "\ntopology:\n  gml: net.gml", folder.Path));
        Assert.Equal((5, "topology.gml"), (error.Position!.Value.Line, error.Path));
        Assert.StartsWith("GML file 'net.gml' is a directory, not a file", error.Message);
    }

    [Fact]
    public void A_binary_gml_file_is_an_error_at_topology_gml()
    {
        using var folder = new TempFolder();
        WriteBytes(folder, "net.gml", Binary);
        var error = Single(Load(Header + "\ntopology:\n  gml: net.gml", folder.Path));
        Assert.Equal("topology.gml", error.Path);
        Assert.Contains("binary", error.Message);
    }

    [Fact]
    public void A_job_file_that_is_not_utf8_is_an_error_at_the_jobs_field()
    {
        using var folder = new TempFolder();
        WriteBytes(folder, "jobs.yaml", NotUtf8);
        var error = Single(ScenarioLoader.Load(Header + "\nworkloads:\n  - jobs: jobs.yaml", "s.yaml", folder.Path, IsKnownModel));
        Assert.Equal((5, "workloads[0].jobs"), (error.Position!.Value.Line, error.Path));
        Assert.StartsWith("job file 'jobs.yaml' is not UTF-8 text", error.Message);
    }

    [Fact]
    public void A_job_file_name_with_a_nul_is_an_error_at_the_jobs_field()
    {
        using var folder = new TempFolder();
        var error = Single(ScenarioLoader.Load(Header + "\nworkloads:\n  - jobs: \"a\\0b.yaml\"", "s.yaml", folder.Path, IsKnownModel));
        Assert.Equal("workloads[0].jobs", error.Path);
        Assert.Contains("NUL character", error.Message);
    }

    [Fact]
    public void A_trace_that_is_a_directory_is_an_error_at_the_swf_field()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(Path.Combine(folder.Path, "trace.swf"));
        var yaml = Header + "\nsites:\n  - { id: lab, tier: edge, jurisdiction: CN, provider: p, pools: [{ id: lab/cpu, kind: hpc, nodes: 1, node: { cpu: 4, memory: 8GiB }, price_per_cu_hour: 1.00 CNY, pue: 1.2, carbon_g_per_kwh: 500 }] }\nworkloads:\n  - { swf: trace.swf, site: lab }";
        var error = Single(Load(yaml, folder.Path));
        Assert.Equal("workloads[0].swf", error.Path);
        Assert.StartsWith("trace 'trace.swf' is a directory, not a file", error.Message);
    }

    [Fact]
    public void Loading_a_scenario_path_that_is_a_directory_is_an_error()
    {
        using var folder = new TempFolder();
        var error = Assert.Single(ScenarioLoader.Load(folder.Path).Errors);
        Assert.Equal((folder.Path, "is a directory, not a file"), (error.Source, error.Message));
    }

    [Theory]
    [InlineData("", "the file name is empty")]
    [InlineData("a\0b", "the file name contains a NUL character")]
    public void Names_that_cannot_be_files_are_refused_with_a_reason(string path, string reason)
    {
        Assert.Equal((null, reason), TextFiles.Read(path));
        Assert.Equal(reason, TextFiles.Missing(path));
    }
}
