using Suanwang.Providers.Adapters;

namespace Suanwang.Providers.Slurm;

/// <summary>How a Slurm job's state becomes a task report (the table in docs/providers.md).</summary>
internal static class SlurmJobStates
{
    public static TaskReport Report(string taskId, SlurmJob job)
    {
        var state = (job.JobState ?? "").ToUpperInvariant();
        var phase = state switch
        {
            "PENDING" or "CONFIGURING" or "REQUEUED" or "REQUEUE_FED" or "REQUEUE_HOLD" or "RESV_DEL_HOLD" or "" => TaskPhase.Queued,
            "RUNNING" or "COMPLETING" or "SUSPENDED" or "STAGE_OUT" or "SIGNALING" or "RESIZING" => TaskPhase.Running,
            "COMPLETED" => TaskPhase.Succeeded,
            "CANCELLED" => TaskPhase.Cancelled,
            // FAILED, TIMEOUT, NODE_FAIL, OUT_OF_MEMORY, BOOT_FAIL, DEADLINE, PREEMPTED and anything newer.
            _ => TaskPhase.Failed,
        };
        var final = phase is TaskPhase.Succeeded or TaskPhase.Failed or TaskPhase.Cancelled;
        DateTimeOffset? started = phase != TaskPhase.Queued && job.StartTime is > 0 ? DateTimeOffset.FromUnixTimeSeconds(job.StartTime.Value) : null;
        DateTimeOffset? ended = final && job.EndTime is > 0 ? DateTimeOffset.FromUnixTimeSeconds(job.EndTime.Value) : null;
        var (exit, signal) = final && job.ExitCode is { } status ? DecodeWaitStatus(status) : (null, null);
        var message = phase switch
        {
            TaskPhase.Succeeded => null,
            TaskPhase.Running when state == "RUNNING" => null,
            TaskPhase.Queued => Reason(job) is { } reason ? $"pending in Slurm: {reason}" : null,
            _ => Describe(state, job, exit, signal),
        };
        return new TaskReport(taskId, job.JobId.ToString(System.Globalization.CultureInfo.InvariantCulture), phase, started, ended, exit, message);
    }

    /// <summary>
    /// Slurm's <c>exit_code</c> is the raw wait status: a normal exit carries its code in bits 8–15 (768 = exit 3),
    /// a death by signal its number in bits 0–6. A killed task reports 128 + signal, as a shell would.
    /// </summary>
    public static (int? ExitCode, int? Signal) DecodeWaitStatus(int status)
    {
        var signal = status & 0x7f;
        return signal == 0 ? ((status >> 8) & 0xff, null) : (128 + signal, signal);
    }

    private static string? Reason(SlurmJob job) =>
        !string.IsNullOrWhiteSpace(job.StateDescription) ? job.StateDescription
        : !string.IsNullOrWhiteSpace(job.StateReason) && job.StateReason != "None" ? job.StateReason
        : null;

    private static string Describe(string state, SlurmJob job, int? exit, int? signal)
    {
        var what = state switch
        {
            "CANCELLED" => "cancelled in Slurm",
            "TIMEOUT" => "exceeded its Slurm time limit",
            "NODE_FAIL" => "its node failed",
            "OUT_OF_MEMORY" => "ran out of memory",
            "BOOT_FAIL" => "its node failed to boot",
            "DEADLINE" => "missed its Slurm deadline",
            "PREEMPTED" => "was preempted",
            "COMPLETING" or "SUSPENDED" or "STAGE_OUT" or "SIGNALING" or "RESIZING" => $"Slurm state {state}",
            "FAILED" => "failed",
            _ => $"ended in Slurm state {state}",
        };
        var parts = new List<string> { what };
        if (signal is { } s)
            parts.Add($"killed by signal {s}");
        else if (exit is { } e && state != "CANCELLED")
            parts.Add($"exit code {e}");
        if (Reason(job) is { } reason)
            parts.Add($"reason {reason}");
        return string.Join(", ", parts);
    }
}
