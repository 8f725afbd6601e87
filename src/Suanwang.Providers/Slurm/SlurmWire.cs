using System.Text.Json.Serialization;

namespace Suanwang.Providers.Slurm;

// slurmrestd's v0.0.38 JSON, only the fields the adapter uses (System.Text.Json with snake_case names).

/// <summary>One error as slurmrestd reports it. Submit errors carry <c>error_code</c>; get and delete errors
/// carry <c>error_number</c>, <c>description</c> and <c>source</c>; partition lookups carry <c>errno</c>.</summary>
internal sealed record SlurmError(string? Error, string? Description, int? ErrorNumber, int? ErrorCode, int? Errno, string? Source)
{
    public int? Number => ErrorNumber ?? ErrorCode ?? Errno;

    public override string ToString() =>
        string.Join(": ", new[] { Error, Description }.Where(s => !string.IsNullOrWhiteSpace(s)).Distinct(StringComparer.Ordinal))
        + (Number is { } n ? $" (Slurm error {n})" : "");
}

internal sealed record SlurmJobSubmission(string Script, SlurmJobProperties Job);

internal sealed record SlurmJobProperties(
    string Name,
    string Partition,
    int[] Nodes,
    int Tasks,
    int TasksPerNode,
    int CpusPerTask,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? MemoryPerNode,
    int TimeLimit,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? BeginTime,
    IReadOnlyDictionary<string, string> Environment,
    string CurrentWorkingDirectory,
    string StandardOutput);

internal sealed record SlurmSubmitResponse(IReadOnlyList<SlurmError>? Errors, long? JobId);

internal sealed record SlurmJob(
    long JobId,
    string? Name,
    string? JobState,
    int? ExitCode,
    long? StartTime,
    long? EndTime,
    string? StateReason,
    string? StateDescription,
    string? Partition,
    string? UserName,
    string? StandardOutput);

internal sealed record SlurmJobsResponse(IReadOnlyList<SlurmError>? Errors, IReadOnlyList<SlurmJob>? Jobs);

internal sealed record SlurmNode(
    string Name,
    string? State,
    IReadOnlyList<string>? StateFlags,
    int? Cpus,
    long? RealMemory,
    int? AllocCpus,
    long? AllocMemory,
    IReadOnlyList<string>? Partitions);

internal sealed record SlurmNodesResponse(IReadOnlyList<SlurmError>? Errors, IReadOnlyList<SlurmNode>? Nodes);

internal sealed record SlurmPartition(string Name, string? State, int? TotalCpus, int? TotalNodes, string? Nodes);

internal sealed record SlurmPartitionsResponse(IReadOnlyList<SlurmError>? Errors, IReadOnlyList<SlurmPartition>? Partitions);

internal sealed record SlurmErrorsResponse(IReadOnlyList<SlurmError>? Errors);
