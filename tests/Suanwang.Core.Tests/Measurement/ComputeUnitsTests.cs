using FsCheck.Xunit;
using Suanwang.Core.Measurement;
using Suanwang.Core.Model;

namespace Suanwang.Core.Tests.Measurement;

/// <summary>
/// CU and grades worked out by hand from the catalogued figures. Each test first pins the figure it
/// uses (so a catalogue edit shows up here), then writes the formula out as arithmetic.
/// </summary>
public class ComputeUnitsTests
{
    private static readonly DeviceCatalog Catalog = DeviceCatalog.LoadEmbedded();

    private static ComputeRating Rate(string model, WorkloadClass workload) =>
        ComputeUnits.Rate(Catalog.Find(model).ValueOrThrow(), workload).ValueOrThrow();

    [Fact]
    public void H100_for_ai_is_989_5_dense_fp16_tflops_halved_grade_A()
    {
        Assert.Equal(989.5, Catalog.Find("H100").ValueOrThrow().Peak.Fp16Tflops);
        var rating = Rate("H100-SXM5-80G", WorkloadClass.Ai);

        Assert.Equal(989.5 * 0.5, rating.ComputeUnits); // 494.75 CU ≥ 300 and 3.35 TB/s ≥ 2.0
        Assert.Equal(ComputeGrade.A, rating.Grade);
        Assert.Equal(Precision.Fp16, rating.Basis);
        Assert.Empty(rating.Notes);
    }

    [Fact]
    public void H800_matches_H100_for_ai_but_is_grade_D_for_hpc()
    {
        var h800 = Catalog.Find("H800").ValueOrThrow();
        Assert.Equal(989.5, h800.Peak.Fp16Tflops);
        Assert.Equal(1, h800.Peak.Fp64Tflops);

        Assert.Equal(989.5 * 0.5, Rate("H800", WorkloadClass.Ai).ComputeUnits);
        Assert.Equal(ComputeGrade.A, Rate("H800", WorkloadClass.Ai).Grade);
        var hpc = Rate("H800", WorkloadClass.Hpc);
        Assert.Equal(1 * 2.0, hpc.ComputeUnits); // 2 CU < 3
        Assert.Equal(ComputeGrade.D, hpc.Grade);
    }

    [Fact]
    public void A100_is_grade_B_for_ai_and_hpc()
    {
        var a100 = Catalog.Find("A100").ValueOrThrow();
        Assert.Equal((9.7, 312.0, 2.039), (a100.Peak.Fp64Tflops!.Value, a100.Peak.Fp16Tflops!.Value, a100.Peak.MemoryBandwidthTBps!.Value));

        var ai = Rate("A100", WorkloadClass.Ai);
        Assert.Equal(312 * 0.5, ai.ComputeUnits); // 156: ≥ 100, < 300
        Assert.Equal(ComputeGrade.B, ai.Grade);
        Assert.Equal(ComputeGrade.A, ai.GradeByBandwidth); // 2.039 TB/s alone would be A

        var hpc = Rate("A100", WorkloadClass.Hpc);
        Assert.Equal(9.7 * 2, hpc.ComputeUnits, 12); // 19.4: ≥ 12, < 50
        Assert.Equal(ComputeGrade.B, hpc.Grade);
    }

    [Fact]
    public void H20_has_grade_A_bandwidth_but_grade_C_compute_and_is_C()
    {
        var h20 = Catalog.Find("H20").ValueOrThrow();
        Assert.Equal((148.0, 4.0), (h20.Peak.Fp16Tflops!.Value, h20.Peak.MemoryBandwidthTBps!.Value));

        var rating = Rate("H20", WorkloadClass.Ai);
        Assert.Equal(148 * 0.5, rating.ComputeUnits); // 74: ≥ 25, < 100
        Assert.Equal(ComputeGrade.C, rating.GradeByCompute);
        Assert.Equal(ComputeGrade.A, rating.GradeByBandwidth);
        Assert.Equal(ComputeGrade.C, rating.Grade);
    }

    [Fact]
    public void L40S_compute_is_B_but_its_864_GBps_pull_it_down_to_C()
    {
        var l40s = Catalog.Find("L40S").ValueOrThrow();
        Assert.Equal((362.05, 0.864), (l40s.Peak.Fp16Tflops!.Value, l40s.Peak.MemoryBandwidthTBps!.Value));

        var rating = Rate("L40S", WorkloadClass.Ai);
        Assert.Equal(362.05 * 0.5, rating.ComputeUnits); // 181.025: B by compute
        Assert.Equal(ComputeGrade.B, rating.GradeByCompute);
        Assert.Equal(ComputeGrade.C, rating.GradeByBandwidth); // 0.864: ≥ 0.5, < 1.0
        Assert.Equal(ComputeGrade.C, rating.Grade);
    }

    [Fact]
    public void MI250X_is_grade_A_for_hpc_and_B_for_ai()
    {
        var mi250x = Catalog.Find("MI250X").ValueOrThrow();
        Assert.Equal((47.9, 383.0), (mi250x.Peak.Fp64Tflops!.Value, mi250x.Peak.Fp16Tflops!.Value));

        Assert.Equal(47.9 * 2, Rate("MI250X", WorkloadClass.Hpc).ComputeUnits); // 95.8 ≥ 50
        Assert.Equal(ComputeGrade.A, Rate("MI250X", WorkloadClass.Hpc).Grade);
        Assert.Equal(383 * 0.5, Rate("MI250X", WorkloadClass.Ai).ComputeUnits); // 191.5
        Assert.Equal(ComputeGrade.B, Rate("MI250X", WorkloadClass.Ai).Grade);
    }

    [Fact]
    public void Ascend_910B_is_grade_B_for_ai_and_cannot_be_rated_for_hpc()
    {
        Assert.Equal(353.9, Catalog.Find("910B").ValueOrThrow().Peak.Fp16Tflops);
        Assert.Equal(353.9 * 0.5, Rate("910B", WorkloadClass.Ai).ComputeUnits); // 176.95
        Assert.Equal(ComputeGrade.B, Rate("910B", WorkloadClass.Ai).Grade);

        var hpc = ComputeUnits.Rate(Catalog.Find("910B").ValueOrThrow(), WorkloadClass.Hpc);
        Assert.False(hpc.Success);
        Assert.Equal("cannot rate Ascend-910B for hpc work: no FP64 figure is known (not published, or not measured)", hpc.Error);
    }

    [Fact]
    public void Xeon_socket_is_C_for_hpc_and_D_for_ai_because_of_its_bandwidth()
    {
        var hpc = Rate("Xeon-Platinum-8480+", WorkloadClass.Hpc);
        Assert.Equal(56 * 2.0 * 32 / 1000 * 2, hpc.ComputeUnits, 12); // 7.168: ≥ 3; 0.3072 TB/s ≥ 0.2
        Assert.Equal(ComputeGrade.C, hpc.Grade);

        var ai = Rate("Xeon-Platinum-8480+", WorkloadClass.Ai);
        Assert.Equal(114.688 * 0.5, ai.ComputeUnits, 12); // AMX 57.344 CU is C, but 0.3072 TB/s < 0.5 is D
        Assert.Equal(ComputeGrade.D, ai.Grade);
    }

    [Fact]
    public void EPYC_without_a_published_bf16_rate_is_rated_for_ai_from_fp32_and_says_so()
    {
        var epyc = Catalog.Find("EPYC-9654").ValueOrThrow();
        Assert.Null(epyc.Peak.Fp16Tflops);

        var rating = Rate("EPYC-9654", WorkloadClass.Ai);
        Assert.Equal(Precision.Fp32, rating.Basis);
        Assert.Equal(7.3728 * 0.5, rating.ComputeUnits, 12); // FP16 work at the FP32 rate: 3.6864 CU
        Assert.Equal(ComputeGrade.D, rating.Grade);
        Assert.Contains(rating.Notes, n => n.Contains("FP16/BF16 throughput unknown; the FP32 figure (7.3728 TFLOPS) stands in as a lower bound"));
    }

    [Fact]
    public void Measured_figures_go_through_the_same_formula()
    {
        // A 2-core host measured at 60 GFLOPS FP64 and 120 GFLOPS FP32, no memory test.
        var measured = new ThroughputFigures(0.060, 0.120, null, null, null);

        var hpc = ComputeUnits.Rate(measured, WorkloadClass.Hpc, "this host").ValueOrThrow();
        Assert.Equal(0.060 * 2, hpc.ComputeUnits, 12);
        Assert.Equal(ComputeGrade.D, hpc.Grade);
        Assert.Null(hpc.GradeByBandwidth);
        Assert.Equal("memory bandwidth unknown; the grade is from compute alone", Assert.Single(hpc.Notes));

        var ai = ComputeUnits.Rate(measured, WorkloadClass.Ai, "this host").ValueOrThrow();
        Assert.Equal(0.120 * 0.5, ai.ComputeUnits, 12);
        Assert.Equal(2, ai.Notes.Length);

        // Figures equal to a catalogued peak rate exactly as the catalogued device does.
        var asA100 = ComputeUnits.Rate(new ThroughputFigures(9.7, 19.5, 312, 624, 2.039), WorkloadClass.Ai).ValueOrThrow();
        var a100 = Rate("A100", WorkloadClass.Ai);
        Assert.Equal((a100.ComputeUnits, a100.Grade, a100.Basis), (asA100.ComputeUnits, asA100.Grade, asA100.Basis));
    }

    [Fact]
    public void Nothing_known_fails_and_negative_figures_are_refused()
    {
        Assert.Contains("no FP32 figure or any wider precision", ComputeUnits.Rate(ThroughputFigures.Unknown, WorkloadClass.General).Error);
        Assert.Contains("fp64 must be a finite number of zero or more", ComputeUnits.Rate(new ThroughputFigures(-1, null, null, null, null), WorkloadClass.Hpc).Error);
        Assert.Contains("fp32 must be a finite number", ComputeUnits.Rate(new ThroughputFigures(null, double.NaN, null, null, null), WorkloadClass.General).Error);
    }

    [Theory]
    [InlineData(WorkloadClass.Ai, 300, 2.0, ComputeGrade.A)]
    [InlineData(WorkloadClass.Ai, 299.999, 2.0, ComputeGrade.B)]
    [InlineData(WorkloadClass.Ai, 300, 1.999, ComputeGrade.B)]
    [InlineData(WorkloadClass.Ai, 100, 1.0, ComputeGrade.B)]
    [InlineData(WorkloadClass.Ai, 99.999, 9.0, ComputeGrade.C)]
    [InlineData(WorkloadClass.Ai, 25, 0.5, ComputeGrade.C)]
    [InlineData(WorkloadClass.Ai, 24.999, 0.5, ComputeGrade.D)]
    [InlineData(WorkloadClass.Ai, 25, 0.499, ComputeGrade.D)]
    [InlineData(WorkloadClass.Hpc, 50, 2.0, ComputeGrade.A)]
    [InlineData(WorkloadClass.Hpc, 49.999, 2.0, ComputeGrade.B)]
    [InlineData(WorkloadClass.Hpc, 12, 0.8, ComputeGrade.B)]
    [InlineData(WorkloadClass.Hpc, 12, 0.799, ComputeGrade.C)]
    [InlineData(WorkloadClass.General, 3, 0.2, ComputeGrade.C)]
    [InlineData(WorkloadClass.General, 2.999, 0.2, ComputeGrade.D)]
    [InlineData(WorkloadClass.General, 0, 0, ComputeGrade.D)]
    public void Grade_thresholds_are_inclusive_minimums_on_both_cu_and_bandwidth(WorkloadClass workload, double cu, double tbps, ComputeGrade expected) =>
        Assert.Equal(expected, ComputeGrading.Grade(workload, cu, tbps));

    [Fact]
    public void Every_catalogued_rating_has_the_grade_of_the_grading_rule()
    {
        foreach (var device in DeviceCatalog.LoadEmbedded().Devices)
        {
            foreach (var workload in Enum.GetValues<WorkloadClass>())
            {
                if (ComputeUnits.Rate(device, workload).Value is not { } rating)
                    continue;
                Assert.Equal(ComputeGrading.Grade(workload, rating.ComputeUnits, device.Peak.MemoryBandwidthTBps), rating.Grade);
            }
        }
    }

    [Fact]
    public void Unknown_bandwidth_leaves_the_compute_grade()
    {
        Assert.Equal(ComputeGrade.A, ComputeGrading.Grade(WorkloadClass.Ai, 1000, null));
        Assert.Null(ComputeGrading.ByMemoryBandwidth(WorkloadClass.Ai, null));
    }

    [Property]
    public bool More_compute_or_bandwidth_never_gives_a_worse_grade(uint cu, uint extraCu, uint tbps, uint extraTbps, bool ai)
    {
        var workload = ai ? WorkloadClass.Ai : WorkloadClass.Hpc;
        double lowCu = cu % 1000, lowBw = tbps % 500 / 100.0;
        var low = ComputeGrading.Grade(workload, lowCu, lowBw);
        var high = ComputeGrading.Grade(workload, lowCu + extraCu % 1000, lowBw + extraTbps % 500 / 100.0);
        return high <= low;
    }

    [Fact]
    public void Node_cu_is_accelerators_times_count_plus_cpu_cores_share()
    {
        var node = new NodeShape(64, ByteSize.FromGibibytes(1024), new AcceleratorSet("H20", 8), "Xeon-Platinum-8480+");

        var rating = ComputeUnits.ForNode(node, Catalog, WorkloadClass.Ai).ValueOrThrow();

        Assert.Equal(8 * (148 * 0.5), rating.AcceleratorUnits); // 592
        Assert.Equal(64.0 / 56 * (114.688 * 0.5), rating.CpuUnits, 9); // 65.536
        Assert.Equal(592 + 65.536, rating.ComputeUnits, 9);
        Assert.Equal(8, rating.AcceleratorCount);
        Assert.Equal(ComputeGrade.C, rating.PerAccelerator!.Grade);
    }

    [Fact]
    public void Node_without_a_cpu_model_counts_its_cores_as_zero_and_says_so()
    {
        var node = new NodeShape(1, ByteSize.FromGibibytes(4), null, null);

        var rating = ComputeUnits.ForNode(node, Catalog, WorkloadClass.Hpc).ValueOrThrow();

        Assert.Equal(0, rating.ComputeUnits);
        Assert.Contains("CPU model not declared: the node's 1 cores count as 0 CU", rating.Notes);
    }

    [Fact]
    public void Two_socket_cpu_node_counts_two_sockets()
    {
        var node = new NodeShape(192, ByteSize.FromGibibytes(768), null, "EPYC-9654");

        var rating = ComputeUnits.ForNode(node, Catalog, WorkloadClass.Hpc).ValueOrThrow();

        Assert.Equal(2, rating.CpuSocketShare);
        Assert.Equal(2 * (3.6864 * 2), rating.ComputeUnits, 9);
    }

    [Fact]
    public void Node_with_an_unknown_accelerator_model_fails_with_suggestions()
    {
        var node = new NodeShape(64, ByteSize.FromGibibytes(512), new AcceleratorSet("H2O", 8), null);

        var outcome = ComputeUnits.ForNode(node, Catalog, WorkloadClass.Ai);

        Assert.False(outcome.Success);
        Assert.StartsWith("unknown accelerator model 'H2O'", outcome.Error);
        Assert.Contains("did you mean", outcome.Error);
        Assert.Contains("H20", outcome.Error);
    }

    [Fact]
    public void Node_that_cannot_be_rated_for_its_class_fails()
    {
        var cpuAsAccelerator = new NodeShape(8, ByteSize.FromGibibytes(32), new AcceleratorSet("EPYC-9654", 1), null);
        Assert.Contains("is a CPU in the device catalogue, not an accelerator", ComputeUnits.ForNode(cpuAsAccelerator, Catalog, WorkloadClass.Ai).Error);

        var ascendForHpc = new NodeShape(192, ByteSize.FromGibibytes(1024), new AcceleratorSet("910B", 8), null);
        Assert.Contains("no FP64 figure", ComputeUnits.ForNode(ascendForHpc, Catalog, WorkloadClass.Hpc).Error);

        var gpuAsCpu = new NodeShape(8, ByteSize.FromGibibytes(32), null, "A100");
        Assert.Contains("'A100' is a GPU in the device catalogue, not a CPU", ComputeUnits.ForNode(gpuAsCpu, Catalog, WorkloadClass.General).Error);
    }

    [Fact]
    public void Pool_kinds_map_to_workload_classes()
    {
        Assert.Equal(WorkloadClass.Ai, WorkloadClasses.For(PoolKind.Ai));
        Assert.Equal(WorkloadClass.Hpc, WorkloadClasses.For(PoolKind.Hpc));
        Assert.Equal(WorkloadClass.General, WorkloadClasses.For(PoolKind.General));
        Assert.Equal(WorkloadClass.General, WorkloadClasses.For(PoolKind.Edge));
    }
}
