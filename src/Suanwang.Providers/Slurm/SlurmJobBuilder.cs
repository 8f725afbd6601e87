using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Suanwang.Core.Model;
using Suanwang.Providers.Adapters;

namespace Suanwang.Providers.Slurm;

/// <summary>Where a task's files live under the work root.</summary>
/// <param name="WorkDirectory">The task's working directory (created by its job script).</param>
/// <param name="OutputFile">Its combined stdout and stderr.</param>
internal sealed record SlurmTaskPaths(string WorkDirectory, string OutputFile);

/// <summary>
/// Turns a task into a Slurm batch job, refusing anything unsafe before a byte reaches Slurm: a missing command,
/// a container image (this adapter runs plain processes), a tenant or task id that is not a plain path segment
/// (path traversal), environment names that are not shell names or are reserved, values with line breaks or
/// NUL (injection), and impossible resource counts.
/// </summary>
internal static partial class SlurmJobBuilder
{
    /// <summary>The environment every job gets unless the task sets it (Slurm requires a non-empty environment).</summary>
    private const string DefaultPath = "/usr/local/bin:/usr/bin:/bin";

    public static SlurmTaskPaths PathsFor(string workRoot, string tenant, string taskId)
    {
        RequireSegment(tenant, "tenant");
        RequireSegment(taskId, "task id");
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(workRoot)); // "/srv/x/" and "/srv/x" are one root
        var tenantDirectory = Path.GetFullPath(Path.Combine(root, tenant));
        var work = Path.GetFullPath(Path.Combine(tenantDirectory, taskId));
        // Belt and braces: the segment rules already exclude separators and dot-only names.
        if (Path.GetDirectoryName(work) != tenantDirectory || Path.GetDirectoryName(tenantDirectory) != root)
            throw new ArgumentException($"task '{taskId}' of tenant '{tenant}' would leave the work root {root}");
        // The output file sits directly in the work root, which exists before the job starts (Slurm opens it before the
        // script runs); '+' cannot occur in a segment, so tenant+task names never collide.
        return new SlurmTaskPaths(work, Path.Combine(root, $"{tenant}+{taskId}.out"));
    }

    public static SlurmJobSubmission Build(TaskRequest request, SlurmPool pool, string workRoot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var paths = PathsFor(workRoot, request.Tenant, request.TaskId);
        var run = request.Run ?? throw new ArgumentException($"task '{request.TaskId}' has no command: the Slurm adapter runs only tasks with a run.command");
        if (string.IsNullOrWhiteSpace(run.Command))
            throw new ArgumentException($"task '{request.TaskId}' has an empty command");
        if (run.Command.Contains('\0', StringComparison.Ordinal))
            throw new ArgumentException($"task '{request.TaskId}': the command contains a NUL character");
        if (run.Workdir is { } workdir && Core.Validation.JobDemandValidator.WorkdirProblem(workdir) is { } workdirProblem)
            throw new ArgumentException($"task '{request.TaskId}': run.workdir {workdirProblem}");
        if (run.Args is { } args && args.Any(a => a.Contains('\0', StringComparison.Ordinal)))
            throw new ArgumentException($"task '{request.TaskId}': an argument contains a NUL character");
        if (!string.IsNullOrEmpty(run.Image))
            throw new ArgumentException($"task '{request.TaskId}' asks for container image '{run.Image}'; the Slurm adapter runs plain processes only");
        if (request.Nodes < 1 || request.Tasks < 1 || request.TasksPerNode < 1 || request.Resources.Cpu < 1 || request.Resources.Memory.Bytes < 0)
            throw new ArgumentException($"task '{request.TaskId}' asks for {request.Tasks} task(s) on {request.Nodes} node(s), {request.TasksPerNode} per node, "
                + $"{request.Resources.Cpu} CPU(s) and {request.Resources.Memory} each; every count must be at least 1");
        if (request.Resources.Accelerators is { Count: > 0 })
            throw new ArgumentException($"task '{request.TaskId}' asks for accelerators; the Slurm adapter does not request GPUs (GRES) yet");

        var environment = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["PATH"] = DefaultPath };
        foreach (var (name, value) in run.Environment ?? System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty)
        {
            if (!TaskText.IsEnvironmentName(name))
                throw new ArgumentException($"task '{request.TaskId}': '{TaskText.Printable(name)}' is not an environment variable name (letters, digits and '_', not starting with a digit)");
            if (name.StartsWith("SLURM_", StringComparison.Ordinal) || name.StartsWith("SUANWANG_", StringComparison.Ordinal))
                throw new ArgumentException($"task '{request.TaskId}': environment variable '{name}' is reserved (SLURM_* and SUANWANG_* are set by Slurm and the adapter)");
            if (value.AsSpan().IndexOfAny('\n', '\r', '\0') >= 0)
                throw new ArgumentException($"task '{request.TaskId}': the value of environment variable '{name}' contains a line break or NUL");
            environment[name] = value;
        }
        environment["SUANWANG_TASK_ID"] = request.TaskId;
        environment["SUANWANG_JOB_ID"] = request.JobId;
        environment["SUANWANG_TENANT"] = request.Tenant;

        var memoryPerNodeMiB = request.Resources.Memory.Bytes == 0
            ? (long?)null
            : checked((request.Resources.Memory.Bytes * request.TasksPerNode + (1L << 20) - 1) >> 20);
        var minutes = (int)Math.Clamp(Math.Ceiling(request.ExpectedRuntime.TotalMinutes), 1, int.MaxValue);
        // slurmrestd 22.05 parses begin_time like sbatch --begin (an integer is refused, "Unable to parse time"); a
        // relative time avoids depending on the cluster's time zone.
        var begin = request.NotBefore > now
            ? string.Create(CultureInfo.InvariantCulture, $"now+{(long)Math.Ceiling((request.NotBefore - now).TotalSeconds)}")
            : null;
        var job = new SlurmJobProperties(
            Name: request.TaskId,
            Partition: pool.Partition,
            Nodes: [request.Nodes, request.Nodes],
            Tasks: request.Tasks,
            TasksPerNode: request.TasksPerNode,
            CpusPerTask: request.Resources.Cpu,
            MemoryPerNode: memoryPerNodeMiB,
            TimeLimit: minutes,
            BeginTime: begin,
            Environment: environment,
            CurrentWorkingDirectory: Path.TrimEndingDirectorySeparator(Path.GetFullPath(workRoot)),
            StandardOutput: paths.OutputFile);
        return new SlurmJobSubmission(Script(paths, run), job);
    }

    /// <summary>
    /// The batch script: fixed lines around single-quoted values, so nothing in the task can add a line. A command
    /// line runs under <c>/bin/sh -c</c>; with <c>run.args</c> the command is executed with those arguments and no
    /// shell. It runs in the task's own directory, or <c>run.workdir</c> inside it (created), and its exit status is the job's.
    /// </summary>
    private static string Script(SlurmTaskPaths paths, RunSpec run)
    {
        var script = new StringBuilder();
        script.Append("#!/bin/sh\n");
        script.Append("# suanwang task, see SUANWANG_TASK_ID\n");
        script.Append(CultureInfo.InvariantCulture, $"mkdir -p -- {Quote(paths.WorkDirectory)} || exit 125\n");
        script.Append(CultureInfo.InvariantCulture, $"cd -- {Quote(paths.WorkDirectory)} || exit 125\n");
        if (run.Workdir is { } workdir)
        {
            script.Append(CultureInfo.InvariantCulture, $"mkdir -p -- {Quote(workdir)} || exit 125\n");
            script.Append(CultureInfo.InvariantCulture, $"cd -- {Quote(workdir)} || exit 125\n");
        }
        script.Append(run.Args is { } args
            ? $"exec {string.Join(' ', new[] { run.Command }.Concat(args).Select(Quote))}\n"
            : $"exec /bin/sh -c {Quote(run.Command)}\n");
        return script.ToString();
    }

    /// <summary>A POSIX shell single-quoted word: <c>'</c> becomes <c>'\''</c>.</summary>
    internal static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static void RequireSegment(string value, string what)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 200 || !SafeSegment().IsMatch(value) || value.Trim('.').Length == 0)
            throw new ArgumentException($"{what} '{TaskText.Printable(value)}' cannot name a directory: use letters, digits and . _ - # : @ only, "
                + "no '/', not only dots, at most 200 characters (path traversal is refused)");
    }


    [GeneratedRegex(@"^[A-Za-z0-9._#:@-]+\z")]
    private static partial Regex SafeSegment();

}
