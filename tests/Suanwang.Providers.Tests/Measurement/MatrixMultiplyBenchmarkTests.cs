using System.Numerics;
using Suanwang.Core.Measurement;
using Suanwang.Core.Model;
using Suanwang.Providers.Measurement;

namespace Suanwang.Providers.Tests.Measurement;

public class MatrixMultiplyBenchmarkTests
{
    public static TheoryData<int, int, int, int> Shapes => new()
    {
        { 37, 53, 29, 1 },
        { 37, 53, 29, 2 },
        { 1, 1, 1, 1 },
        { 4, 300, 2 * Vector<double>.Count, 1 },   // exactly one 4-row, 2-vector tile, depth over one block
        { 7, 257, 2 * Vector<float>.Count + 1, 3 }, // row, column and depth remainders at once
        { 64, 3, 259, 2 },                          // more columns than one column block
        { 9, 517, 4 * Vector<float>.Count + 5, 2 },  // several depth blocks through packed strips
        { 5, 0, 6, 1 },                              // empty depth: C stays as it was
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Fp64_kernel_matches_the_naive_product(int m, int k, int n, int threads) =>
        AssertKernelMatchesNaive<double>(m, k, n, threads, 1e-12);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Fp32_kernel_matches_the_naive_product(int m, int k, int n, int threads) =>
        AssertKernelMatchesNaive<float>(m, k, n, threads, 1e-5);

    private static void AssertKernelMatchesNaive<T>(int m, int k, int n, int threads, double tolerancePerTerm)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = MatrixMultiplyBenchmark.RandomMatrix<T>(m * k, 1);
        var b = MatrixMultiplyBenchmark.RandomMatrix<T>(k * n, 2);
        var c = MatrixMultiplyBenchmark.RandomMatrix<T>(m * n, 3); // the kernel accumulates: C += A·B
        var initial = c.Select(double.CreateTruncating).ToArray();

        GemmKernel.Multiply(a, b, c, m, k, n, threads);

        var product = GemmKernel.MultiplyNaive(a, b, m, k, n);
        for (var i = 0; i < c.Length; i++)
            Assert.True(Math.Abs(double.CreateTruncating(c[i]) - (initial[i] + product[i])) <= Math.Max(1, k) * tolerancePerTerm,
                $"entry {i} of {m}x{k}x{n}: {c[i]} vs {initial[i] + product[i]}");
    }

    [Fact]
    public void Naive_reference_is_itself_right_on_a_hand_example()
    {
        // [1 2; 3 4] · [5 6; 7 8] = [19 22; 43 50]
        Assert.Equal([19.0, 22, 43, 50], GemmKernel.MultiplyNaive<double>([1, 2, 3, 4], [5, 6, 7, 8], 2, 2, 2));
    }

    [Fact]
    public void Verification_runs_on_every_edge_path_without_complaint()
    {
        MatrixMultiplyBenchmark.VerifyKernel<double>(2);
        MatrixMultiplyBenchmark.VerifyKernel<float>(1);
    }

    [Fact]
    public void A_small_run_reports_positive_gflops_with_consistent_spread()
    {
        var result = MatrixMultiplyBenchmark.Run(new MatrixMultiplyOptions
        {
            Size = 48, Repetitions = 3, Threads = 2, BandwidthArrayElements = 1 << 14,
        });

        Assert.Equal(48, result.Size);
        Assert.True(result.VectorBits >= 64);
        foreach (var m in new[] { result.Fp64SingleThread, result.Fp64AllThreads, result.Fp32SingleThread, result.Fp32AllThreads, result.MemoryBandwidthGBps! })
        {
            Assert.Equal(3, m.Samples.Length);
            Assert.All(m.Samples, s => Assert.True(s > 0 && double.IsFinite(s)));
            Assert.True(m.Min <= m.Median && m.Median <= m.Max);
            Assert.Equal((m.Max - m.Min) / m.Median, m.RelativeSpread, 12);
        }
        Assert.Equal(1, result.Fp64SingleThread.Threads);
        Assert.Equal(2, result.Fp32AllThreads.Threads);
    }

    [Fact]
    public void Measured_figures_are_rated_by_the_core_formula()
    {
        var result = MatrixMultiplyBenchmark.Run(new MatrixMultiplyOptions { Size = 32, Repetitions = 1, Threads = 1, MeasureMemoryBandwidth = false });

        var figures = result.ToThroughputFigures();
        Assert.Equal(result.Fp64AllThreads.Median / 1000, figures.Fp64Tflops);
        Assert.Null(figures.Fp16Tflops);
        Assert.Null(figures.MemoryBandwidthTBps);

        var hpc = result.Rate(WorkloadClass.Hpc).ValueOrThrow();
        Assert.Equal(figures.Fp64Tflops!.Value * 2, hpc.ComputeUnits);
        Assert.Equal(ComputeGrade.D, hpc.Grade); // no CPU core reaches 3 CU (1.5 FP64 TFLOPS)
        Assert.Contains("memory bandwidth unknown; the grade is from compute alone", hpc.Notes);

        var ai = result.Rate(WorkloadClass.Ai).ValueOrThrow();
        Assert.Equal(Precision.Fp32, ai.Basis);
        Assert.Equal(figures.Fp32Tflops!.Value * 0.5, ai.ComputeUnits);
    }

    [Fact]
    public void Repeated_measurement_statistics_are_computed_by_hand()
    {
        var odd = RepeatedMeasurement.Of(1, [10, 30, 20]);
        Assert.Equal((20.0, 10.0, 30.0, (30 - 10) / 20.0), (odd.Median, odd.Min, odd.Max, odd.RelativeSpread));
        Assert.Equal([10.0, 30, 20], odd.Samples.ToArray());

        var even = RepeatedMeasurement.Of(1, [4, 1, 3, 2]);
        Assert.Equal(2.5, even.Median);
        Assert.Throws<ArgumentException>(() => RepeatedMeasurement.Of(1, []));
    }

    [Theory]
    [InlineData(4, 5, 0, "size must be between 8 and 8192")]
    [InlineData(64, 0, 0, "repetitions must be between 1 and 1000")]
    [InlineData(64, 5, -1, "threads must be 0")]
    public void Invalid_options_are_refused_with_a_reason(int size, int repetitions, int threads, string message)
    {
        var options = new MatrixMultiplyOptions { Size = size, Repetitions = repetitions, Threads = threads };
        var error = Assert.Throws<ArgumentException>(() => MatrixMultiplyBenchmark.Run(options));
        Assert.Contains(message, error.Message);
    }
}
