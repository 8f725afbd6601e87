using System.Collections.Immutable;
using Suanwang.Core.Specs;

namespace Suanwang.Simulation.Workloads;

/// <summary>
/// One job line of a Standard Workload Format trace (Parallel Workloads Archive, SWF v2.2): the 18
/// fields in their order. Times are seconds, memory kilobytes; −1 means unknown, as in the file.
/// </summary>
/// <param name="JobNumber">Field 1: job number.</param>
/// <param name="SubmitTime">Field 2: submit time, seconds from the start of the log.</param>
/// <param name="WaitTime">Field 3: wait time in the original system.</param>
/// <param name="RunTime">Field 4: actual run time (wall clock).</param>
/// <param name="AllocatedProcessors">Field 5: processors the job used.</param>
/// <param name="AverageCpuTime">Field 6: average CPU time per processor.</param>
/// <param name="UsedMemory">Field 7: used memory per processor, KB.</param>
/// <param name="RequestedProcessors">Field 8: processors requested.</param>
/// <param name="RequestedTime">Field 9: requested (wall-clock limit) time: the user's estimate.</param>
/// <param name="RequestedMemory">Field 10: requested memory per processor, KB.</param>
/// <param name="Status">Field 11: 1 completed, 0 failed, 5 cancelled; 2–4 for checkpoint records.</param>
/// <param name="UserId">Field 12: user.</param>
/// <param name="GroupId">Field 13: group.</param>
/// <param name="Executable">Field 14: application number.</param>
/// <param name="Queue">Field 15: queue number.</param>
/// <param name="Partition">Field 16: partition number.</param>
/// <param name="PrecedingJob">Field 17: job this one depends on.</param>
/// <param name="ThinkTime">Field 18: think time after the preceding job.</param>
/// <param name="Line">Line of the file it was read from.</param>
public readonly record struct SwfJob(
    long JobNumber,
    long SubmitTime,
    long WaitTime,
    long RunTime,
    int AllocatedProcessors,
    double AverageCpuTime,
    double UsedMemory,
    int RequestedProcessors,
    long RequestedTime,
    double RequestedMemory,
    int Status,
    int UserId,
    int GroupId,
    int Executable,
    int Queue,
    int Partition,
    long PrecedingJob,
    long ThinkTime,
    int Line)
{
    /// <summary>Processors the job needs: the allocated count when known, else the requested count, else −1.</summary>
    public int Processors => AllocatedProcessors > 0 ? AllocatedProcessors : RequestedProcessors > 0 ? RequestedProcessors : -1;

    /// <summary>
    /// The run time a scheduler is told in advance: the user's requested time when known and at least the
    /// actual run time, else the actual run time (a "perfect estimate", which is what traces without
    /// requested times, such as the NASA iPSC and Lublin logs, leave us).
    /// </summary>
    public long EstimatedRunTime => RequestedTime >= RunTime && RequestedTime > 0 ? RequestedTime : RunTime;
}

/// <summary>The header comments of an SWF trace (<c>; Name: value</c> lines), in file order, plus the well-known ones parsed.</summary>
/// <param name="Fields">Every header field as written; a repeated name (Note, Queue) keeps each value.</param>
public sealed record SwfHeader(ImmutableArray<KeyValuePair<string, string>> Fields)
{
    /// <summary>The first value of a header field, or null.</summary>
    public string? this[string name] => Fields.FirstOrDefault(f => string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary><c>MaxNodes</c>: nodes of the machine, or null.</summary>
    public int? MaxNodes => Integer("MaxNodes");

    /// <summary><c>MaxProcs</c>: processors of the machine, or null.</summary>
    public int? MaxProcs => Integer("MaxProcs");

    /// <summary><c>UnixStartTime</c>: when the log starts, or null.</summary>
    public long? UnixStartTime => long.TryParse(this["UnixStartTime"], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : null;

    private int? Integer(string name) =>
        int.TryParse(this[name], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;
}

/// <summary>A trace read from a file: its header, its job lines in file order, and what was wrong with it.</summary>
/// <param name="Source">The file name, as given.</param>
/// <param name="Header">Header fields.</param>
/// <param name="Jobs">Job lines that parsed, in file order.</param>
/// <param name="Errors">Malformed lines (file, line, column, field, message); the trace is usable only when empty.</param>
public sealed record SwfTrace(string Source, SwfHeader Header, ImmutableArray<SwfJob> Jobs, ImmutableArray<SpecError> Errors)
{
    /// <summary>True when every line parsed.</summary>
    public bool IsValid => Errors.IsEmpty;
}
