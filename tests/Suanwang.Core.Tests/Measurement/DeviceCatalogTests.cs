using Suanwang.Core.Measurement;

namespace Suanwang.Core.Tests.Measurement;

public class DeviceCatalogTests
{
    private static readonly DeviceCatalog Catalog = DeviceCatalog.LoadEmbedded();

    [Theory]
    [InlineData("A100-SXM4-80G", DeviceKind.Gpu)]
    [InlineData("H100-SXM5-80G", DeviceKind.Gpu)]
    [InlineData("H20", DeviceKind.Gpu)]
    [InlineData("Ascend-910B", DeviceKind.Npu)]
    [InlineData("MI250X", DeviceKind.Gpu)]
    [InlineData("Xeon-Platinum-8480+", DeviceKind.Cpu)]
    [InlineData("EPYC-9654", DeviceKind.Cpu)]
    public void Shipped_catalogue_has_the_required_models_with_sources(string model, DeviceKind kind)
    {
        Assert.True(Catalog.TryFind(model, out var device));
        Assert.Equal(model, device.Model);
        Assert.Equal(kind, device.Kind);
        Assert.False(string.IsNullOrWhiteSpace(device.Source));
        Assert.False(string.IsNullOrWhiteSpace(device.Notes));
    }

    [Fact]
    public void Every_device_has_a_source_and_at_least_one_figure()
    {
        Assert.True(Catalog.Devices.Length >= 10);
        foreach (var device in Catalog.Devices)
        {
            Assert.False(string.IsNullOrWhiteSpace(device.Source), device.Model);
            var peak = device.Peak;
            Assert.True(peak.Fp64Tflops is not null || peak.Fp32Tflops is not null || peak.Fp16Tflops is not null, device.Model);
        }
    }

    [Fact]
    public void Well_known_figures_are_catalogued_as_published()
    {
        var a100 = Catalog.Find("A100").ValueOrThrow();
        Assert.Equal(new ThroughputFigures(9.7, 19.5, 312, 624, 2.039), a100.Peak);
        Assert.Equal(19.5, a100.Fp64MatrixTflops);
        Assert.Equal(80e9, a100.Memory!.Value.Bytes);

        var h100 = Catalog.Find("H100").ValueOrThrow();
        Assert.Equal(new ThroughputFigures(34, 67, 989.5, 1979, 3.35), h100.Peak);

        // Huawei publishes no FP64 figure for the 910B: unknown, not zero.
        var ascend = Catalog.Find("910B").ValueOrThrow();
        Assert.Null(ascend.Peak.Fp64Tflops);
    }

    [Fact]
    public void Cpu_peaks_are_cores_times_base_clock_times_flops_per_cycle()
    {
        var xeon = Catalog.Find("8480+").ValueOrThrow();
        Assert.Equal(56 * 2.0 * 32 / 1000, xeon.Peak.Fp64Tflops!.Value, 9);
        Assert.Equal(2 * xeon.Peak.Fp64Tflops.Value, xeon.Peak.Fp32Tflops!.Value, 9);
        Assert.Equal(8 * 4800e6 * 8 / 1e12, xeon.Peak.MemoryBandwidthTBps!.Value, 9);

        var epyc = Catalog.Find("EPYC-9654").ValueOrThrow();
        Assert.Equal(96 * 2.4 * 16 / 1000, epyc.Peak.Fp64Tflops!.Value, 9);
        Assert.Equal(12 * 4800e6 * 8 / 1e12, epyc.Peak.MemoryBandwidthTBps!.Value, 9);
    }

    [Theory]
    [InlineData("h100", "H100-SXM5-80G")]
    [InlineData("H100 SXM5 80G", "H100-SXM5-80G")]
    [InlineData("ascend_910b", "Ascend-910B")]
    [InlineData("910b", "Ascend-910B")]
    [InlineData("a800", "A800-SXM4-80G")]
    public void Lookup_ignores_case_spaces_hyphens_and_underscores(string name, string model)
    {
        Assert.True(Catalog.TryFind(name, out var device));
        Assert.Equal(model, device.Model);
    }

    [Fact]
    public void Unknown_accelerator_model_gives_a_clear_message_with_close_matches()
    {
        var outcome = Catalog.Find("H10", "accelerator");

        Assert.False(outcome.Success);
        Assert.Contains("unknown accelerator model 'H10'", outcome.Error);
        Assert.Contains("data/catalog/devices.yaml", outcome.Error);
        Assert.Contains("did you mean", outcome.Error);
        Assert.Contains("H100-SXM5-80G", outcome.Error);
        Assert.Throws<InvalidOperationException>(() => outcome.ValueOrThrow());
    }

    [Fact]
    public void Unknown_model_far_from_everything_lists_the_known_models()
    {
        var outcome = Catalog.Find("Gaudi3");

        Assert.Contains("unknown device model 'Gaudi3'", outcome.Error);
        Assert.Contains("known models:", outcome.Error);
        Assert.Contains("MI250X", outcome.Error);
    }

    [Fact]
    public void Close_matches_prefer_contained_names()
    {
        Assert.Equal("A100-SXM4-80G", Catalog.ClosestModels("A100-PCIE-40G")[0]);
    }

    private const string Header = "apiVersion: suanwang/v1\nkind: DeviceCatalog\ndevices:\n";

    private static string Device(string overrides = "", string drop = "") =>
        string.Join("\n", new[]
        {
            "  - model: X1",
            "    vendor: V",
            "    kind: gpu",
            "    fp64: 1",
            "    fp64_matrix: null",
            "    fp32: 2",
            "    fp16: 8",
            "    int8: null",
            "    memory_bandwidth: 1TB/s",
            "    source: \"datasheet\"",
        }.Where(line => drop.Length == 0 || !line.TrimStart(' ', '-').StartsWith(drop + ":"))) + "\n" + overrides;

    [Fact]
    public void A_minimal_valid_catalogue_parses()
    {
        var result = DeviceCatalog.Parse(Header + Device(), "t.yaml");

        Assert.Empty(result.Errors);
        var device = Assert.Single(result.Catalog!.Devices);
        Assert.Equal(new ThroughputFigures(1, 2, 8, null, 1.0), device.Peak);
    }

    [Fact]
    public void A_missing_precision_field_is_an_error_not_a_silent_unknown()
    {
        var result = DeviceCatalog.Parse(Header + Device(drop: "int8"), "t.yaml");

        Assert.Null(result.Catalog);
        var error = Assert.Single(result.Errors);
        Assert.Equal("devices[0]", error.Path);
        Assert.Contains("field 'int8' is missing; write int8: null", error.Message);
        Assert.Equal(4, error.Position!.Value.Line);
    }

    [Fact]
    public void Errors_name_file_line_and_field()
    {
        var text = Header + Device("    colour: green\n").Replace("1TB/s", "1TB") + Device().Replace("X1", "Y2").Replace("source: \"datasheet\"", "source: \"\"");
        var result = DeviceCatalog.Parse(text, "t.yaml");

        Assert.Null(result.Catalog);
        Assert.Contains(result.Errors, e => e.Path == "devices[0].memory_bandwidth" && e.Message.Contains("size per second") && e.Position!.Value.Line == 12);
        Assert.Contains(result.Errors, e => e.Path == "devices[0].colour" && e.Message.Contains("unknown field 'colour'"));
        Assert.Contains(result.Errors, e => e.Path == "devices[1].source" && e.Message.Contains("source is empty"));
        Assert.All(result.Errors, e => Assert.StartsWith("t.yaml:", e.ToString()));
    }

    [Fact]
    public void Names_must_be_unique_across_models_and_aliases()
    {
        var text = Header + Device("    aliases: [Z]\n") + Device("    aliases: [x-1]\n").Replace("X1", "Y2");
        var result = DeviceCatalog.Parse(text, "t.yaml");

        Assert.Contains(result.Errors, e => e.Message.Contains("name 'x-1' of Y2 is also a name of X1"));
    }

    [Fact]
    public void A_cpu_peak_that_does_not_match_its_derivation_is_rejected()
    {
        var cpu = Device("    cores: 4\n    base_clock_ghz: 2.5\n    fp64_flops_per_core_cycle: 16\n").Replace("kind: gpu", "kind: cpu");
        var result = DeviceCatalog.Parse(Header + cpu, "t.yaml");

        // 4 x 2.5 x 16 / 1000 = 0.16, not the 1 TFLOPS written.
        var error = Assert.Single(result.Errors);
        Assert.Equal("devices[0].fp64", error.Path);
        Assert.Contains("= 0.16", error.Message);
    }

    [Fact]
    public void Wrong_document_kind_is_reported()
    {
        var result = DeviceCatalog.Parse("apiVersion: suanwang/v1\nkind: Job\nname: x\ndevices: []\n", "t.yaml");

        var error = Assert.Single(result.Errors);
        Assert.Equal(("kind", "this is a 'Job' document, not a device catalogue; expected kind: DeviceCatalog"), (error.Path, error.Message));
    }

    [Theory]
    [InlineData("2039GB/s", 2.039)]
    [InlineData("3.35TB/s", 3.35)]
    [InlineData("900GB/s", 0.9)]
    public void Memory_bandwidth_parses_sizes_per_second(string text, double terabytesPerSecond)
    {
        var parsed = MemoryBandwidth.Parse(text);
        Assert.True(parsed.Success, parsed.Error);
        Assert.Equal(terabytesPerSecond, parsed.Value, 12);
    }

    [Theory]
    [InlineData("3.35TB")]
    [InlineData("10Gbps")]
    [InlineData("fast/s")]
    public void Memory_bandwidth_refuses_other_forms(string text) =>
        Assert.False(MemoryBandwidth.Parse(text).Success);
}
