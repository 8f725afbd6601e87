using System.Collections.Immutable;
using System.Globalization;
using Suanwang.Core.Model;

namespace Suanwang.Core.Measurement;

/// <summary>
/// Normalized compute units (CU, 算力度量). <b>1 CU = 1 TFLOPS of FP32, or the same number of bits
/// processed per second at another precision</b>: 0.5 TFLOPS FP64, 2 TFLOPS FP16/BF16, 4 TOPS INT8.
/// The CU of a device for a workload class is its throughput at the class's precision (AI → dense
/// FP16/BF16 tensor, HPC → FP64 vector, general → FP32 vector) times that precision's factor:
/// <code>
/// CU(ai)      = fp16 × 0.5
/// CU(hpc)     = fp64 × 2
/// CU(general) = fp32 × 1
/// </code>
/// One formula serves catalogued peaks and measured figures alike. When the class's figure is
/// unknown, the nearest <em>wider</em> known precision stands in at its own rate (a lower bound: work can
/// always be done in a wider type, e.g. FP16 work upcast to FP32); a narrower one never stands in
/// for a wider one, so FP64 work cannot be rated from FP16 figures. Every stand-in is written into
/// <see cref="ComputeRating.Notes"/>; when nothing usable is known the rating fails with a message.
/// INT8 is catalogued but not used: quantized inference speed is set more by memory bandwidth than
/// by INT8 peak.
/// </summary>
public static class ComputeUnits
{
    /// <summary>CU per TFLOPS (TOPS) at a precision: operand bits ÷ 32.</summary>
    public static double PerTflops(Precision precision) => precision switch
    {
        Precision.Fp64 => 2.0,
        Precision.Fp32 => 1.0,
        Precision.Fp16 => 0.5,
        Precision.Int8 => 0.25,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "unknown precision"),
    };

    /// <summary>The precisions that may stand for <paramref name="precision"/>, in order of preference: itself, then wider ones.</summary>
    public static ImmutableArray<Precision> StandIns(Precision precision) => precision switch
    {
        Precision.Int8 => [Precision.Int8, Precision.Fp16, Precision.Fp32, Precision.Fp64],
        Precision.Fp16 => [Precision.Fp16, Precision.Fp32, Precision.Fp64],
        Precision.Fp32 => [Precision.Fp32, Precision.Fp64],
        _ => [Precision.Fp64],
    };

    /// <summary>Rates a catalogued device from its published peak figures.</summary>
    public static Outcome<ComputeRating> Rate(DeviceSpec device, WorkloadClass workload)
    {
        ArgumentNullException.ThrowIfNull(device);
        return Rate(device.Peak, workload, device.Model);
    }

    /// <summary>Rates figures — catalogued or measured — for a workload class.</summary>
    /// <param name="figures">Throughput per precision and memory bandwidth; nulls are unknown.</param>
    /// <param name="workload">The class of work.</param>
    /// <param name="subject">What the figures belong to, for messages (a model id, "this host").</param>
    public static Outcome<ComputeRating> Rate(ThroughputFigures figures, WorkloadClass workload, string subject = "the figures")
    {
        ArgumentNullException.ThrowIfNull(figures);
        if (figures.Validate() is { Count: > 0 } problems)
            return Outcome.Fail<ComputeRating>($"cannot rate {subject}: {string.Join("; ", problems)}");

        var wanted = WorkloadClasses.PrecisionOf(workload);
        var notes = ImmutableArray.CreateBuilder<string>();
        Precision? basis = null;
        double figure = 0;
        foreach (var candidate in StandIns(wanted))
        {
            if (figures.Of(candidate) is { } value)
            {
                basis = candidate;
                figure = value;
                break;
            }
        }
        if (basis is not { } used)
        {
            var wider = StandIns(wanted).Length > 1 ? " or any wider precision" : "";
            return Outcome.Fail<ComputeRating>(
                $"cannot rate {subject} for {Name(workload)} work: no {Name(wanted)} figure{wider} is known (not published, or not measured)");
        }
        if (used != wanted)
            notes.Add($"{Name(wanted)} throughput unknown; the {Name(used)} figure ({Format(figure)}) stands in as a lower bound, as {Name(wanted)} work can be done in {Name(used)}");

        var units = figure * PerTflops(wanted);
        var byCompute = ComputeGrading.ByComputeUnits(workload, units);
        var byBandwidth = ComputeGrading.ByMemoryBandwidth(workload, figures.MemoryBandwidthTBps);
        if (byBandwidth is null)
            notes.Add("memory bandwidth unknown; the grade is from compute alone");
        var grade = ComputeGrading.Grade(workload, units, figures.MemoryBandwidthTBps); // the one grading rule, also used for measured devices
        return Outcome.Ok(new ComputeRating(workload, used, figure, units, grade, byCompute, byBandwidth, notes.ToImmutable()));
    }

    /// <summary>
    /// The CU of one node of a pool: accelerators × per-device CU, plus the CPU socket's CU × node
    /// cores ÷ socket cores. Fails with a message for an unknown model (naming close matches) or a
    /// device that cannot be rated for the class (e.g. an Ascend 910B for FP64 work). A node without
    /// a declared CPU model counts its cores as 0 CU and says so in the notes.
    /// </summary>
    public static Outcome<NodeRating> ForNode(NodeShape node, DeviceCatalog catalog, WorkloadClass workload)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(catalog);
        var notes = ImmutableArray.CreateBuilder<string>();

        ComputeRating? perAccelerator = null;
        var count = 0;
        if (node.Accelerators is { Count: > 0 } accelerators)
        {
            var found = catalog.Find(accelerators.Model, "accelerator");
            if (found.Value is not { } device)
                return Outcome.Fail<NodeRating>(found.Error!);
            if (!device.IsAccelerator)
                return Outcome.Fail<NodeRating>($"'{accelerators.Model}' is a CPU in the device catalogue, not an accelerator");
            var rated = Rate(device, workload);
            if (rated.Value is null)
                return Outcome.Fail<NodeRating>(rated.Error!);
            perAccelerator = rated.Value;
            count = accelerators.Count;
            notes.AddRange(rated.Value.Notes.Select(n => $"{device.Model}: {n}"));
        }

        ComputeRating? socket = null;
        double share = 0;
        if (node.CpuModel is { } cpuModel)
        {
            var found = catalog.Find(cpuModel, "CPU");
            if (found.Value is not { } cpu)
                return Outcome.Fail<NodeRating>(found.Error!);
            if (cpu.Cpu is not { } details)
                return Outcome.Fail<NodeRating>($"'{cpuModel}' is a {cpu.Kind.ToString().ToUpperInvariant()} in the device catalogue, not a CPU");
            var rated = Rate(cpu, workload);
            if (rated.Value is null)
                return Outcome.Fail<NodeRating>(rated.Error!);
            socket = rated.Value;
            share = (double)node.Cores / details.Cores;
            notes.AddRange(rated.Value.Notes.Select(n => $"{cpu.Model}: {n}"));
        }
        else if (node.Cores > 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"CPU model not declared: the node's {node.Cores} cores count as 0 CU"));
        }

        var acceleratorUnits = (perAccelerator?.ComputeUnits ?? 0) * count;
        var cpuUnits = (socket?.ComputeUnits ?? 0) * share;
        return Outcome.Ok(new NodeRating(workload, acceleratorUnits + cpuUnits, acceleratorUnits, cpuUnits,
            perAccelerator, count, socket, share, notes.ToImmutable()));
    }

    /// <summary>The file spelling of a precision: FP64, FP32, FP16/BF16, INT8.</summary>
    public static string Name(Precision precision) => precision switch
    {
        Precision.Fp64 => "FP64",
        Precision.Fp32 => "FP32",
        Precision.Fp16 => "FP16/BF16",
        _ => "INT8",
    };

    private static string Name(WorkloadClass workload) => workload.ToString().ToLowerInvariant();

    private static string Format(double tflops) => string.Create(CultureInfo.InvariantCulture, $"{tflops:0.####} TFLOPS");
}
