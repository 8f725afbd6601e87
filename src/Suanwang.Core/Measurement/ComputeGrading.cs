using System.Collections.Immutable;
using Suanwang.Core.Model;

namespace Suanwang.Core.Measurement;

/// <summary>The minimum per-device CU and memory bandwidth for one grade (算力分级).</summary>
/// <param name="Grade">The grade.</param>
/// <param name="MinComputeUnits">At least this many CU (inclusive).</param>
/// <param name="MinMemoryBandwidthTBps">At least this memory bandwidth in TB/s (inclusive).</param>
public sealed record GradeThreshold(ComputeGrade Grade, double MinComputeUnits, double MinMemoryBandwidthTBps);

/// <summary>
/// Grades A–D from CU and memory bandwidth. A grade is a promise on both: a device reaches a grade
/// only when its CU <em>and</em> its memory bandwidth reach that grade's minimum, so the grade is
/// the worse of the two. Bandwidth can only pull a grade down, never lift a device with little
/// compute: an H20 (74 CU, 4.0 TB/s) is grade C for AI work, though its bandwidth alone is grade A.
/// Unknown bandwidth (a measured CPU without a memory test) leaves the compute grade as it is, and
/// the rating notes say so.
/// </summary>
public static class ComputeGrading
{
    /// <summary>
    /// AI class (CU = dense FP16 TFLOPS ÷ 2): A from 300 CU and 2.0 TB/s (H100 class, ≥ 600 dense
    /// FP16 TFLOPS), B from 100 CU and 1.0 TB/s (A100 class), C from 25 CU and 0.5 TB/s (V100 class).
    /// </summary>
    public static ImmutableArray<GradeThreshold> Ai { get; } =
    [
        new(ComputeGrade.A, 300, 2.0),
        new(ComputeGrade.B, 100, 1.0),
        new(ComputeGrade.C, 25, 0.5),
    ];

    /// <summary>
    /// HPC class (CU = FP64 TFLOPS × 2) and general class (CU = FP32 TFLOPS): A from 50 CU and 2.0 TB/s
    /// (≥ 25 FP64 TFLOPS: H100, MI250X), B from 12 CU and 0.8 TB/s (≥ 6 FP64 TFLOPS: A100, V100),
    /// C from 3 CU and 0.2 TB/s (a current server CPU socket), D below.
    /// </summary>
    public static ImmutableArray<GradeThreshold> HpcAndGeneral { get; } =
    [
        new(ComputeGrade.A, 50, 2.0),
        new(ComputeGrade.B, 12, 0.8),
        new(ComputeGrade.C, 3, 0.2),
    ];

    /// <summary>The thresholds of a workload class, best grade first; anything below the last is D.</summary>
    public static ImmutableArray<GradeThreshold> ThresholdsFor(WorkloadClass workload) =>
        workload == WorkloadClass.Ai ? Ai : HpcAndGeneral;

    /// <summary>The best grade whose CU minimum <paramref name="computeUnits"/> reaches.</summary>
    public static ComputeGrade ByComputeUnits(WorkloadClass workload, double computeUnits)
    {
        foreach (var threshold in ThresholdsFor(workload))
        {
            if (computeUnits >= threshold.MinComputeUnits)
                return threshold.Grade;
        }
        return ComputeGrade.D;
    }

    /// <summary>The best grade whose bandwidth minimum is reached, or null when bandwidth is unknown.</summary>
    public static ComputeGrade? ByMemoryBandwidth(WorkloadClass workload, double? terabytesPerSecond)
    {
        if (terabytesPerSecond is not { } tbps)
            return null;
        foreach (var threshold in ThresholdsFor(workload))
        {
            if (tbps >= threshold.MinMemoryBandwidthTBps)
                return threshold.Grade;
        }
        return ComputeGrade.D;
    }

    /// <summary>The grade: the worse of the compute grade and the bandwidth grade (compute alone when bandwidth is unknown).</summary>
    public static ComputeGrade Grade(WorkloadClass workload, double computeUnits, double? terabytesPerSecond)
    {
        var byCompute = ByComputeUnits(workload, computeUnits);
        return ByMemoryBandwidth(workload, terabytesPerSecond) is { } byBandwidth && byBandwidth > byCompute ? byBandwidth : byCompute;
    }
}
