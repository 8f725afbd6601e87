using System.Diagnostics.CodeAnalysis;
using Suanwang.Core.Model;

namespace Suanwang.Core.Measurement;

/// <summary>A numeric precision whose peak throughput the catalogue records.</summary>
public enum Precision
{
    /// <summary>64-bit floating point (vector, non-tensor rate).</summary>
    Fp64,

    /// <summary>32-bit floating point (vector rate, not TF32).</summary>
    Fp32,

    /// <summary>16-bit floating point, FP16 or BF16, dense tensor/matrix rate without sparsity.</summary>
    Fp16,

    /// <summary>8-bit integer, dense tensor rate without sparsity.</summary>
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "INT8 is the name of the precision, as vendors print it.")]
    Int8,
}

/// <summary>What a catalogued device is.</summary>
public enum DeviceKind
{
    /// <summary>A general-purpose processor (one socket).</summary>
    Cpu,

    /// <summary>A graphics processor used as an accelerator.</summary>
    Gpu,

    /// <summary>A neural processing unit (for example Huawei Ascend).</summary>
    Npu,
}

/// <summary>
/// The kind of work a rating is for. Each class reads the precision its work is done in, because a
/// device's speed is not one number: an H800 is an H100 for FP16 training and 34 times slower for
/// FP64 simulation.
/// </summary>
public enum WorkloadClass
{
    /// <summary>AI training and inference: dense FP16/BF16 tensor throughput.</summary>
    Ai,

    /// <summary>Scientific computing: FP64 vector throughput.</summary>
    Hpc,

    /// <summary>General-purpose work: FP32 vector throughput.</summary>
    General,
}

/// <summary>Helpers for <see cref="WorkloadClass"/>.</summary>
public static class WorkloadClasses
{
    /// <summary>The workload class a pool of the given kind is rated in: AI pools by FP16, HPC pools by FP64, general and edge pools by FP32.</summary>
    public static WorkloadClass For(PoolKind kind) => kind switch
    {
        PoolKind.Ai => WorkloadClass.Ai,
        PoolKind.Hpc => WorkloadClass.Hpc,
        _ => WorkloadClass.General,
    };

    /// <summary>The precision whose throughput measures work of this class.</summary>
    public static Precision PrecisionOf(WorkloadClass workload) => workload switch
    {
        WorkloadClass.Ai => Precision.Fp16,
        WorkloadClass.Hpc => Precision.Fp64,
        _ => Precision.Fp32,
    };
}
