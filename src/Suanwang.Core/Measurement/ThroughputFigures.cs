using System.Globalization;

namespace Suanwang.Core.Measurement;

/// <summary>
/// Peak (catalogued) or measured throughput of one device per precision, plus its memory bandwidth.
/// Every figure is optional: null means <em>unknown</em> (not published, or not measured), never zero.
/// The CU formula says explicitly how it treats each unknown (see <see cref="ComputeUnits"/>).
/// </summary>
/// <param name="Fp64Tflops">FP64 vector throughput in TFLOPS (10^12 floating-point operations per second).</param>
/// <param name="Fp32Tflops">FP32 vector throughput in TFLOPS.</param>
/// <param name="Fp16Tflops">Dense FP16/BF16 tensor throughput in TFLOPS, without sparsity.</param>
/// <param name="Int8Tops">Dense INT8 throughput in TOPS, without sparsity.</param>
/// <param name="MemoryBandwidthTBps">Memory bandwidth in TB/s (10^12 bytes per second).</param>
public sealed record ThroughputFigures(
    double? Fp64Tflops,
    double? Fp32Tflops,
    double? Fp16Tflops,
    double? Int8Tops,
    double? MemoryBandwidthTBps)
{
    /// <summary>Figures with nothing known.</summary>
    public static ThroughputFigures Unknown { get; } = new(null, null, null, null, null);

    /// <summary>The figure for one precision, or null when unknown.</summary>
    public double? Of(Precision precision) => precision switch
    {
        Precision.Fp64 => Fp64Tflops,
        Precision.Fp32 => Fp32Tflops,
        Precision.Fp16 => Fp16Tflops,
        Precision.Int8 => Int8Tops,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "unknown precision"),
    };

    /// <summary>Problems with the figures (negative, not finite); empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        Check(Fp64Tflops, "fp64");
        Check(Fp32Tflops, "fp32");
        Check(Fp16Tflops, "fp16");
        Check(Int8Tops, "int8");
        Check(MemoryBandwidthTBps, "memory_bandwidth");
        return problems;

        void Check(double? value, string name)
        {
            if (value is { } v && (!double.IsFinite(v) || v < 0))
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name} must be a finite number of zero or more, not {v}"));
        }
    }
}
