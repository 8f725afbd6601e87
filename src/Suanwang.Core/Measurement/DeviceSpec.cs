using System.Collections.Immutable;
using Suanwang.Core.Model;

namespace Suanwang.Core.Measurement;

/// <summary>One catalogued CPU or accelerator model with its published peak figures and where they come from.</summary>
/// <param name="Model">Canonical model id, e.g. <c>H100-SXM5-80G</c>; the name job and pool specs use.</param>
/// <param name="Aliases">Other names that find the same model, e.g. <c>H100</c>.</param>
/// <param name="Vendor">Manufacturer.</param>
/// <param name="Kind">CPU, GPU or NPU.</param>
/// <param name="Peak">Published peak throughput per precision and memory bandwidth; null figures are not published.</param>
/// <param name="Fp64MatrixTflops">FP64 tensor/matrix peak (dense GEMM only), for information; the CU formula uses the vector rate.</param>
/// <param name="Memory">Device memory; null for CPUs, whose memory is configured per node.</param>
/// <param name="TdpWatts">Thermal design power, when published.</param>
/// <param name="Cpu">Core count and clocks, for CPUs only.</param>
/// <param name="Source">Vendor datasheet or document the figures come from.</param>
/// <param name="Notes">How figures were read or derived (sparsity, clocks, what is not published).</param>
public sealed record DeviceSpec(
    string Model,
    EquatableArray<string> Aliases,
    string Vendor,
    DeviceKind Kind,
    ThroughputFigures Peak,
    double? Fp64MatrixTflops,
    ByteSize? Memory,
    int? TdpWatts,
    CpuDetails? Cpu,
    string Source,
    string Notes)
{
    /// <summary>True for GPUs and NPUs.</summary>
    public bool IsAccelerator => Kind != DeviceKind.Cpu;
}

/// <summary>What a CPU's peak is computed from: <c>fp64 = cores × base clock × FP64 FLOPs per core per cycle</c>.</summary>
/// <param name="Cores">Physical cores per socket.</param>
/// <param name="BaseClockGhz">Base (nominal) clock in GHz; peaks are computed at this clock, the TOP500 Rpeak convention.</param>
/// <param name="BoostClockGhz">Maximum single-core boost clock in GHz, for information.</param>
/// <param name="Fp64FlopsPerCoreCycle">FP64 operations per core per cycle (FMA counts as two), when the vector units are known.</param>
public sealed record CpuDetails(int Cores, double BaseClockGhz, double? BoostClockGhz, int? Fp64FlopsPerCoreCycle);
