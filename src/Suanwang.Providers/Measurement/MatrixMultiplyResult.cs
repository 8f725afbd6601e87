using System.Collections.Immutable;
using Suanwang.Core.Measurement;

namespace Suanwang.Providers.Measurement;

/// <summary>Settings of the matrix-multiply micro-benchmark.</summary>
public sealed record MatrixMultiplyOptions
{
    /// <summary>Matrix order n: A, B and C are n×n; one multiply is 2n³ floating-point operations.</summary>
    public int Size { get; init; } = 512;

    /// <summary>Timed repetitions per precision and mode, after one untimed warm-up.</summary>
    public int Repetitions { get; init; } = 5;

    /// <summary>Threads for the all-cores mode; 0 means one per logical processor.</summary>
    public int Threads { get; init; }

    /// <summary>Also measure memory bandwidth with a STREAM-style triad, so the grade can apply its bandwidth floor.</summary>
    public bool MeasureMemoryBandwidth { get; init; } = true;

    /// <summary>Elements (doubles) per triad array; three arrays of 4 Mi elements are 96 MiB, larger than the last-level cache of most servers.</summary>
    public int BandwidthArrayElements { get; init; } = 1 << 22;

    /// <summary>Problems with the settings; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Size is < 8 or > 8192)
            problems.Add($"size must be between 8 and 8192, not {Size}");
        if (Repetitions is < 1 or > 1000)
            problems.Add($"repetitions must be between 1 and 1000, not {Repetitions}");
        if (Threads < 0)
            problems.Add($"threads must be 0 (all logical processors) or more, not {Threads}");
        if (MeasureMemoryBandwidth && BandwidthArrayElements < 1024)
            problems.Add($"bandwidth array elements must be at least 1024, not {BandwidthArrayElements}");
        return problems;
    }
}

/// <summary>Repetitions of one measurement and their spread.</summary>
/// <param name="Threads">Threads used.</param>
/// <param name="Median">Median of the samples (the figure reported and rated).</param>
/// <param name="Min">Slowest sample.</param>
/// <param name="Max">Fastest sample.</param>
/// <param name="RelativeSpread">(max − min) ÷ median: 0.05 means the samples span 5 % of the median.</param>
/// <param name="Samples">Every sample, in the order measured.</param>
public sealed record RepeatedMeasurement(int Threads, double Median, double Min, double Max, double RelativeSpread, ImmutableArray<double> Samples)
{
    /// <summary>Summarizes samples (at least one).</summary>
    public static RepeatedMeasurement Of(int threads, IReadOnlyCollection<double> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
            throw new ArgumentException("at least one sample is needed", nameof(samples));
        var sorted = samples.Order().ToArray();
        var middle = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        var spread = median > 0 ? (sorted[^1] - sorted[0]) / median : 0;
        return new RepeatedMeasurement(threads, median, sorted[0], sorted[^1], spread, [.. samples]);
    }
}

/// <summary>
/// What the micro-benchmark measured on this host: FP64 and FP32 GEMM GFLOPS on one thread and on
/// all threads, and optionally memory bandwidth, each with its spread over repetitions.
/// </summary>
/// <param name="Size">Matrix order n.</param>
/// <param name="Repetitions">Timed repetitions per measurement.</param>
/// <param name="LogicalProcessors">Logical processors the runtime sees.</param>
/// <param name="VectorBits">Width of <c>Vector&lt;T&gt;</c> in bits (128 SSE/NEON, 256 AVX2, 512 AVX-512).</param>
/// <param name="HardwareAccelerated">Whether <c>Vector&lt;T&gt;</c> maps to SIMD instructions.</param>
/// <param name="Fp64SingleThread">FP64 GFLOPS on one thread.</param>
/// <param name="Fp64AllThreads">FP64 GFLOPS on all threads.</param>
/// <param name="Fp32SingleThread">FP32 GFLOPS on one thread.</param>
/// <param name="Fp32AllThreads">FP32 GFLOPS on all threads.</param>
/// <param name="MemoryBandwidthGBps">Triad memory bandwidth in GB/s on all threads, when measured.</param>
/// <param name="Elapsed">Wall time of the whole run.</param>
public sealed record MatrixMultiplyResult(
    int Size,
    int Repetitions,
    int LogicalProcessors,
    int VectorBits,
    bool HardwareAccelerated,
    RepeatedMeasurement Fp64SingleThread,
    RepeatedMeasurement Fp64AllThreads,
    RepeatedMeasurement Fp32SingleThread,
    RepeatedMeasurement Fp32AllThreads,
    RepeatedMeasurement? MemoryBandwidthGBps,
    TimeSpan Elapsed)
{
    /// <summary>
    /// The host's figures for the CU formula: the all-threads medians in TFLOPS, and the bandwidth
    /// median in TB/s. FP16/BF16 and INT8 are not measured and stay unknown (null); the formula
    /// then lets FP32 stand in for FP16 and says so in its notes.
    /// </summary>
    public ThroughputFigures ToThroughputFigures() => new(
        Fp64AllThreads.Median / 1000,
        Fp32AllThreads.Median / 1000,
        null,
        null,
        MemoryBandwidthGBps?.Median / 1000);

    /// <summary>The host's CU and grade for a workload class, by the same formula as catalogued devices.</summary>
    public Outcome<ComputeRating> Rate(WorkloadClass workload) =>
        ComputeUnits.Rate(ToThroughputFigures(), workload, "this host");
}
