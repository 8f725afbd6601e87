namespace Suanwang.Providers.Adapters;

/// <summary>The control plane's task ids: <c>{job}#{part}</c>, or <c>{job}#{part}@{attempt}</c> for a part placed again after a failure.</summary>
public static class TaskIds
{
    /// <summary>The job id and part index (as written) of <paramref name="taskId"/>, whatever the attempt.</summary>
    public static (string Job, string Part) JobAndPart(string taskId)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        var hash = taskId.IndexOf('#', StringComparison.Ordinal);
        if (hash <= 0)
            throw new ArgumentException($"'{taskId}' is not a task id (job#part)", nameof(taskId));
        var at = taskId.IndexOf('@', hash);
        return (taskId[..hash], at < 0 ? taskId[(hash + 1)..] : taskId[(hash + 1)..at]);
    }

    /// <summary>True for a later attempt of a part (an id with <c>@attempt</c>), which may resume from the part's checkpoint.</summary>
    public static bool IsRetry(string taskId) => taskId.Contains('@', StringComparison.Ordinal);
}
