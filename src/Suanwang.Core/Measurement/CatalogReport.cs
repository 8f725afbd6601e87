using System.Globalization;
using System.Text;

namespace Suanwang.Core.Measurement;

/// <summary>
/// Renders the catalogue with its CU and grades as a Markdown table. docs/measurement.md embeds
/// this output, and a test checks the two are identical, so the documented numbers are the code's.
/// </summary>
internal static class CatalogReport
{
    private static readonly WorkloadClass[] Classes = [WorkloadClass.Ai, WorkloadClass.Hpc, WorkloadClass.General];

    public static string MarkdownTable(DeviceCatalog catalog)
    {
        var text = new StringBuilder();
        text.AppendLine("| model | kind | FP64 | FP32 | FP16/BF16 | INT8 | memory | bandwidth | CU ai | grade ai | CU hpc | grade hpc | CU general | grade general |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|:-:|---:|:-:|---:|:-:|");
        foreach (var device in catalog.Devices)
        {
            var peak = device.Peak;
            text.Append(CultureInfo.InvariantCulture,
                $"| {device.Model} | {device.Kind.ToString().ToLowerInvariant()} | {Number(peak.Fp64Tflops)} | {Number(peak.Fp32Tflops)} | {Number(peak.Fp16Tflops)} | {Number(peak.Int8Tops)} | ");
            text.Append(CultureInfo.InvariantCulture,
                $"{(device.Memory is { } memory ? $"{memory.Gigabytes:0.##}GB" : "—")} | {(peak.MemoryBandwidthTBps is { } bw ? MemoryBandwidth.Format(bw) : "—")} |");
            foreach (var workload in Classes)
            {
                var rating = ComputeUnits.Rate(device, workload).Value;
                text.Append(rating is null
                    ? " — | — |"
                    : string.Create(CultureInfo.InvariantCulture, $" {rating.ComputeUnits:0.####}{(rating.Basis == WorkloadClasses.PrecisionOf(workload) ? "" : "*")} | {rating.Grade} |"));
            }
            text.AppendLine();
        }
        return text.ToString();
    }

    private static string Number(double? value) =>
        value is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "—";
}
