using Suanwang.Providers.Adapters;
using Suanwang.Server.Scheduling;
using Suanwang.Server.Store;

namespace Suanwang.Server.Tests.Scheduling;

/// <summary>How the reports of a two-part placement (a gang over two pools) fold into the job's state.</summary>
public sealed class TaskFoldTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static readonly PartDocument[] Parts =
    [
        new("east/a", "east", 4, 1, 4, T0, T0.AddHours(1), 3600, new MoneyDocument(100, "CNY"), 1, 1),
        new("east/b", "east", 4, 1, 4, T0, T0.AddHours(1), 3600, new MoneyDocument(100, "CNY"), 1, 1),
    ];

    private static TaskReport Report(int part, TaskPhase phase, string? message = null, int? exit = null) =>
        new($"j#{part}", $"x{part}", phase, null, null, exit, message);

    [Fact]
    public void Parts_fold_by_the_documented_order()
    {
        // One part done, one still running: the job runs.
        Assert.Equal((JobState.Running, null), TaskFold.Fold([Report(0, TaskPhase.Succeeded), Report(1, TaskPhase.Running)], Parts));
        // Both queued: still placed. Both succeeded: completed.
        Assert.Equal((JobState.Placed, null), TaskFold.Fold([Report(0, TaskPhase.Queued), Report(1, TaskPhase.Queued)], Parts));
        Assert.Equal((JobState.Completed, null), TaskFold.Fold([Report(0, TaskPhase.Succeeded), Report(1, TaskPhase.Succeeded)], Parts));
        // A failure wins over everything, and the first failing part in part order gives the reason.
        var failed = TaskFold.Fold([Report(0, TaskPhase.Unknown, "no such task"), Report(1, TaskPhase.Failed, "oom", 137)], Parts);
        Assert.Equal((JobState.Failed, "task j#0 on pool east/a unknown to its provider (lost): no such task"), failed);
        Assert.Equal((JobState.Failed, "task j#1 on pool east/b failed, exit code 137: oom"),
            TaskFold.Fold([Report(0, TaskPhase.Succeeded), Report(1, TaskPhase.Failed, "oom", 137)], Parts));
    }

    [Fact]
    public void A_placed_job_that_already_completed_passes_through_running_and_a_job_never_goes_back()
    {
        var placed = new JobRecord("j", "acme", "j", JobState.Placed, "normal", "{}", T0, T0, 2, null, "{}");
        var steps = TaskFold.Transitions(placed, JobState.Completed, null, "{\"started\":1}").ToArray();
        Assert.Equal([(JobState.Running, 2L, "{\"started\":1}"), (JobState.Completed, 3L, (string?)null)],
            steps.Select(t => (t.State, t.ExpectedVersion, t.Placement)));
        Assert.Empty(TaskFold.Transitions(placed with { State = JobState.Running }, JobState.Placed, null, null));
        Assert.Single(TaskFold.Transitions(placed, JobState.Failed, "why", null), t => t.State == JobState.Failed && t.Reason == "why");
    }
}
