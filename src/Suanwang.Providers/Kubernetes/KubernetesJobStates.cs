using System.Globalization;
using k8s.Models;
using Suanwang.Providers.Adapters;

namespace Suanwang.Providers.Kubernetes;

/// <summary>How a Job and its pods become a task report (the table in docs/providers.md).</summary>
internal static class KubernetesJobStates
{
    public const string CompletionIndexAnnotation = "batch.kubernetes.io/job-completion-index";

    public static TaskReport Report(string taskId, V1Job job, IReadOnlyList<V1Pod> pods)
    {
        var name = job.Metadata.Name;
        var started = FirstStart(pods) ?? Utc(job.Status?.StartTime);
        if ((Condition(job, "Complete") ?? Condition(job, "SuccessCriteriaMet")) is { } complete)
            return new TaskReport(taskId, name, TaskPhase.Succeeded, started, Utc(job.Status?.CompletionTime) ?? Utc(complete.LastTransitionTime), 0, null);
        if ((Condition(job, "Failed") ?? Condition(job, "FailureTarget")) is { } failed)
        {
            var (exit, how) = FailedContainer(pods);
            return new TaskReport(taskId, name, TaskPhase.Failed, started, Utc(failed.LastTransitionTime), exit, Describe(job, failed, exit, how));
        }
        if (job.Spec?.Suspend == true)
        {
            var until = KubernetesNames.Lookup(job.Metadata.Annotations, KubernetesJobBuilder.NotBeforeAnnotation);
            return new TaskReport(taskId, name, TaskPhase.Queued, null, null, null,
                until is null ? "suspended in Kubernetes" : $"suspended until its start time {until}");
        }
        if (pods.Any(Started))
            return new TaskReport(taskId, name, TaskPhase.Running, started, null, null, null);
        return new TaskReport(taskId, name, TaskPhase.Queued, null, null, null, Pending(pods));
    }

    /// <summary>A suspended Job of the adapter's whose start time has come.</summary>
    public static bool DueForResume(V1Job job, DateTimeOffset now) =>
        job.Spec?.Suspend == true
        && KubernetesNames.Lookup(job.Metadata.Annotations, KubernetesJobBuilder.NotBeforeAnnotation) is { } text
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var notBefore)
        && notBefore <= now;

    /// <summary>Pods in the order their output is concatenated: completion index, then creation time, then name.</summary>
    public static IReadOnlyList<V1Pod> InOutputOrder(IEnumerable<V1Pod> pods) =>
        [.. pods.OrderBy(Index).ThenBy(p => p.Metadata.CreationTimestamp ?? DateTime.MaxValue).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal)];

    /// <summary>The task's container, when the pod reports it.</summary>
    public static V1ContainerStatus? Container(V1Pod pod) =>
        pod.Status?.ContainerStatuses?.FirstOrDefault(c => c.Name == KubernetesJobBuilder.ContainerName);

    /// <summary>True once the container has run (it is running or has terminated), so it has a log.</summary>
    public static bool Started(V1Pod pod) => Container(pod)?.State is { } state && (state.Running is not null || state.Terminated is not null);

    /// <summary>True when the container can write no more (terminated) or the pod has ended.</summary>
    public static bool Ended(V1Pod pod) => Container(pod)?.State?.Terminated is not null || pod.Status?.Phase is "Succeeded" or "Failed";

    private static int Index(V1Pod pod) =>
        int.TryParse(KubernetesNames.Lookup(pod.Metadata.Annotations, CompletionIndexAnnotation), NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : int.MaxValue;

    private static V1JobCondition? Condition(V1Job job, string type) =>
        job.Status?.Conditions?.FirstOrDefault(c => c.Type == type && c.Status == "True");

    private static DateTimeOffset? FirstStart(IReadOnlyList<V1Pod> pods) =>
        pods.Select(Container).Select(c => c?.State?.Running?.StartedAt ?? c?.State?.Terminated?.StartedAt)
            .Where(t => t is not null).Select(Utc).Min();

    /// <summary>The exit code and termination reason of the failed container with the lowest completion index.</summary>
    private static (int? Exit, string? Reason) FailedContainer(IReadOnlyList<V1Pod> pods) =>
        InOutputOrder(pods).Select(Container).Select(c => c?.State?.Terminated).Where(t => t is { ExitCode: not 0 })
            .Select(t => ((int?)t!.ExitCode, t.Reason)).FirstOrDefault();

    private static string Describe(V1Job job, V1JobCondition failed, int? exit, string? how)
    {
        var parts = new List<string>();
        switch (failed.Reason)
        {
            case "DeadlineExceeded":
                parts.Add($"exceeded its wall time of {job.Spec?.ActiveDeadlineSeconds} s (Kubernetes DeadlineExceeded)");
                break;
            case "BackoffLimitExceeded":
                parts.Add("a pod failed (Kubernetes BackoffLimitExceeded)");
                break;
            default:
                parts.Add($"failed in Kubernetes ({failed.Reason ?? failed.Type})");
                if (!string.IsNullOrWhiteSpace(failed.Message))
                    parts.Add(failed.Message);
                break;
        }
        if (exit is { } code)
            parts.Add($"exit code {code}");
        if (how is "OOMKilled")
            parts.Add("killed for exceeding its memory limit (OOMKilled)");
        return string.Join(", ", parts);
    }

    /// <summary>Why nothing runs yet: the first waiting container's reason, or why the scheduler has not placed a pod.</summary>
    private static string? Pending(IReadOnlyList<V1Pod> pods)
    {
        foreach (var pod in InOutputOrder(pods))
        {
            if (Container(pod)?.State?.Waiting is { Reason: { } waiting } state)
                return $"pending in Kubernetes: {waiting}{(string.IsNullOrWhiteSpace(state.Message) ? "" : " (" + state.Message + ")")}";
            if (pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled" && c.Status == "False") is { } unscheduled)
                return $"pending in Kubernetes: {unscheduled.Reason}{(string.IsNullOrWhiteSpace(unscheduled.Message) ? "" : " (" + unscheduled.Message + ")")}";
        }
        return pods.Count == 0 ? "no pod created yet" : null;
    }

    private static DateTimeOffset? Utc(DateTime? time) =>
        time is { } t ? new DateTimeOffset(t.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : t.ToUniversalTime()) : null;
}
