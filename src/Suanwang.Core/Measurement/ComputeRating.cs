using System.Collections.Immutable;
using Suanwang.Core.Model;

namespace Suanwang.Core.Measurement;

/// <summary>The CU and grade of one device (catalogued or measured) for one workload class.</summary>
/// <param name="Workload">The class the rating is for.</param>
/// <param name="Basis">The precision whose figure was used: the class's own, or a wider stand-in when it is unknown (see <see cref="Notes"/>).</param>
/// <param name="BasisFigure">That figure, in TFLOPS.</param>
/// <param name="ComputeUnits">Normalized compute units: FP32-equivalent TFLOPS for work of this class.</param>
/// <param name="Grade">The grade: the worse of <paramref name="GradeByCompute"/> and <paramref name="GradeByBandwidth"/>.</param>
/// <param name="GradeByCompute">The grade the CU alone reaches.</param>
/// <param name="GradeByBandwidth">The grade the memory bandwidth alone reaches, or null when bandwidth is unknown.</param>
/// <param name="Notes">Every assumption made for unknown figures; empty when all needed figures were known.</param>
public sealed record ComputeRating(
    WorkloadClass Workload,
    Precision Basis,
    double BasisFigure,
    double ComputeUnits,
    ComputeGrade Grade,
    ComputeGrade GradeByCompute,
    ComputeGrade? GradeByBandwidth,
    EquatableArray<string> Notes);

/// <summary>The CU of one node: its accelerators plus its CPU cores' share of the catalogued socket.</summary>
/// <param name="Workload">The class the rating is for.</param>
/// <param name="ComputeUnits">Total CU of the node.</param>
/// <param name="AcceleratorUnits">CU from accelerators: per-device CU × count.</param>
/// <param name="CpuUnits">CU from CPU cores: socket CU × node cores ÷ socket cores; 0 when the CPU model is not declared.</param>
/// <param name="PerAccelerator">Rating of one accelerator, or null for CPU-only nodes.</param>
/// <param name="AcceleratorCount">Accelerators per node.</param>
/// <param name="CpuSocket">Rating of one catalogued CPU socket, or null when the CPU model is not declared.</param>
/// <param name="CpuSocketShare">Node cores ÷ catalogued cores per socket (2 for a two-socket node).</param>
/// <param name="Notes">Assumptions made, including CPU cores that could not be counted.</param>
public sealed record NodeRating(
    WorkloadClass Workload,
    double ComputeUnits,
    double AcceleratorUnits,
    double CpuUnits,
    ComputeRating? PerAccelerator,
    int AcceleratorCount,
    ComputeRating? CpuSocket,
    double CpuSocketShare,
    EquatableArray<string> Notes);
