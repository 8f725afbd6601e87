using System.ComponentModel;
using System.Globalization;
using Suanwang.Providers.Adapters;

namespace Suanwang.Providers.Agent;

/// <summary>How a task ended at the agent.</summary>
/// <param name="Phase">Succeeded, failed or cancelled.</param>
/// <param name="ExitCode">Its process's exit code, or null when no process ran.</param>
/// <param name="Message">Why it failed or was stopped, or null on success.</param>
public sealed record TaskOutcome(TaskPhase Phase, int? ExitCode, string? Message);

/// <summary>
/// Takes one task through its phases: validate (<see cref="TaskSpecRules"/>) → prepare its directory
/// <c>{work-dir}/tasks/{tenant}/{task-id-sanitised}</c> → stage inputs (<see cref="ITaskInputStager"/>) → run the
/// process under its limits → check its outputs → the outcome to report. A task refused in the first two phases
/// has run nothing and written nothing outside its own directory.
/// </summary>
internal sealed class TaskRunner(string workDirectory, string poolId, ResourceLimiter limiter, ITaskInputStager stager, int processes, int openFiles)
{
    /// <summary>The default PATH of a task (a task may set its own).</summary>
    public const string DefaultPath = "/usr/local/bin:/usr/bin:/bin";

    public async Task<TaskOutcome> RunAsync(TaskRequest request, Action<string> output, Action running, Action<int, long?> started, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(running);
        if (TaskSpecRules.Problem(request, poolId) is { } problem)
            return Refused(problem);
        var run = request.Run!;
        string directory, workingDirectory;
        try
        {
            (directory, workingDirectory) = TaskDirectory.Prepare(workDirectory, request.Tenant, request.TaskId, run.Workdir);
        }
        catch (TaskRefusedException ex)
        {
            return Refused(ex.Message);
        }

        try
        {
            await stager.StageAsync(request, directory, cancel).ConfigureAwait(false);
            TaskDirectory.RequireInside(directory, workingDirectory); // staging must not have turned the working directory into a way out
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return new TaskOutcome(TaskPhase.Cancelled, null, "stopped by the server while its inputs were staged");
        }
        catch (TaskRefusedException ex)
        {
            return new TaskOutcome(TaskPhase.Failed, null, $"staging inputs failed: {ex.Message}");
        }

        // The plan reserved this machine from the planned start on; before it, the work planned to end here may still run.
        var early = request.NotBefore - DateTimeOffset.UtcNow;
        if (early > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(early, cancel).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return new TaskOutcome(TaskPhase.Cancelled, null, "stopped by the server before its planned start");
            }
        }
        running();
        var limits = TaskLimits.For(request, processes, openFiles);
        IReadOnlyList<string> command = run.Args is { } args ? [run.Command, .. args] : ["/bin/sh", "-c", run.Command];
        var group = Path.GetFileName(directory);
        ProcessEnd end;
        try
        {
            end = await ProcessSupervisor.RunAsync(limiter.Wrap(limits, group, command), Environment(request, directory), workingDirectory,
                limits.WallTime, output, started, cancel).ConfigureAwait(false);
        }
        catch (Win32Exception ex)
        {
            return new TaskOutcome(TaskPhase.Failed, null, $"could not start the process: {ex.Message}");
        }
        finally
        {
            limiter.Release(group);
        }
        if (end.Cancelled)
            return new TaskOutcome(TaskPhase.Cancelled, end.ExitCode, "stopped by the server; its process group was killed");
        if (end.WallTimeExceeded)
            return new TaskOutcome(TaskPhase.Failed, end.ExitCode, $"wall time exceeded: still running after {Format(limits.WallTime)}, the task's expected runtime; its process group was killed");
        if (OutputCheck.Problem(directory, request.OutputSize) is { } outputProblem)
            return new TaskOutcome(TaskPhase.Failed, end.ExitCode, outputProblem);
        return end.ExitCode == 0
            ? new TaskOutcome(TaskPhase.Succeeded, 0, null)
            : new TaskOutcome(TaskPhase.Failed, end.ExitCode, string.Create(CultureInfo.InvariantCulture, $"exited with code {end.ExitCode}"));
    }

    /// <summary>
    /// The task's whole environment: a default PATH, HOME and TMPDIR in its directory, C.UTF-8, its own variables
    /// (which may replace PATH), then the agent's SUANWANG_* facts. Nothing is inherited from the agent.
    /// </summary>
    public static Dictionary<string, string> Environment(TaskRequest request, string directory)
    {
        ArgumentNullException.ThrowIfNull(request);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = DefaultPath, ["HOME"] = directory, ["TMPDIR"] = Path.Combine(directory, TaskDirectory.Temporary), ["LANG"] = "C.UTF-8",
        };
        foreach (var (name, value) in request.Run?.Environment ?? System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty)
            environment[name] = value;
        environment["SUANWANG_TASK_ID"] = request.TaskId;
        environment["SUANWANG_JOB_ID"] = request.JobId;
        environment["SUANWANG_TENANT"] = request.Tenant;
        environment["SUANWANG_TASKS"] = request.TasksPerNode.ToString(CultureInfo.InvariantCulture);
        environment["SUANWANG_TASK_DIR"] = directory;
        environment["SUANWANG_OUTPUT"] = Path.Combine(directory, TaskDirectory.Output);
        environment["SUANWANG_CHECKPOINT"] = Path.Combine(directory, TaskDirectory.Checkpoint);
        return environment;
    }

    private static TaskOutcome Refused(string reason) => new(TaskPhase.Failed, null, $"refused before running: {reason}");

    private static string Format(TimeSpan span) =>
        span.TotalSeconds < 120 ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.###} s") : span.ToString("c", CultureInfo.InvariantCulture);
}
