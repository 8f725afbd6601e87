using System.Globalization;
using Suanwang.Providers.Adapters;
using Suanwang.Server.Store;

namespace Suanwang.Server.Scheduling;

/// <summary>How the reports of a job's tasks (one per placement part) fold into the job's state.</summary>
internal static class TaskFold
{
    /// <summary>
    /// The job's state implied by its parts' reports, in this order: any part failed, was cancelled by
    /// the provider or is unknown to it → failed (the first such part, in part order, gives the reason);
    /// every part succeeded → completed; any part running or done → running; else placed.
    /// </summary>
    public static (JobState State, string? Reason) Fold(IReadOnlyList<TaskReport> reports, IReadOnlyList<PartDocument> parts)
    {
        for (var i = 0; i < reports.Count; i++)
        {
            var report = reports[i];
            if (report.Phase is TaskPhase.Failed or TaskPhase.Cancelled or TaskPhase.Unknown)
            {
                var exit = report.ExitCode is { } code ? string.Create(CultureInfo.InvariantCulture, $", exit code {code}") : "";
                var what = report.Phase == TaskPhase.Unknown ? "unknown to its provider (lost)" : report.Phase.ToString().ToLowerInvariant();
                return (JobState.Failed, $"task {report.TaskId} on pool {parts[i].Pool} {what}{exit}{(report.Message is null ? "" : ": " + report.Message)}");
            }
        }
        if (reports.All(r => r.Phase == TaskPhase.Succeeded))
            return (JobState.Completed, null);
        return reports.Any(r => r.Phase is TaskPhase.Running or TaskPhase.Succeeded) ? (JobState.Running, null) : (JobState.Placed, null);
    }

    /// <summary>
    /// The transitions that take <paramref name="job"/> to <paramref name="target"/>, each at the version the
    /// previous one leaves: a placed job that already completed passes through running, so its events
    /// read placed → running → completed.
    /// </summary>
    /// <param name="job">The job as read.</param>
    /// <param name="target">The state its tasks imply.</param>
    /// <param name="reason">Why, for a failure.</param>
    /// <param name="runningPlacement">The placement to record when the job starts running (with its start time), or null to keep it.</param>
    public static IEnumerable<JobTransition> Transitions(JobRecord job, JobState target, string? reason, string? runningPlacement)
    {
        // A job never goes back: a running job whose task reports queued again (re-submitted) stays running.
        if (target == job.State || target == JobState.Placed)
            yield break;
        var version = job.Version;
        if (target == JobState.Completed && job.State == JobState.Placed)
            yield return new JobTransition(job.Id, version++, JobState.Running, "running", null, runningPlacement);
        yield return new JobTransition(job.Id, version, target, StoreName(target), reason, target == JobState.Running ? runningPlacement : null);
    }

    private static string StoreName(JobState state) => ControlStore.StateName(state);
}
