namespace Suanwang.Providers.Agent;

/// <summary>
/// A task's own directory, <c>{work-dir}/tasks/{tenant}/{task-id-sanitised}</c>, with <c>output/</c> (its declared
/// outputs, size-checked) and <c>tmp/</c> (TMPDIR), and its working directory inside it. Refuses — before creating
/// anything — a directory that already exists (a task never runs twice), a working directory that leaves it, and
/// any symbolic link on the way (one could lead outside).
/// </summary>
internal static class TaskDirectory
{
    public const string Output = "output";
    public const string Temporary = "tmp";
    public const string Checkpoint = "checkpoint";

    /// <summary>The task's directory (whether or not it exists yet).</summary>
    public static string PathOf(string workDirectory, string tenant, string taskId) =>
        Path.Combine(Path.GetFullPath(Path.Combine(workDirectory, "tasks")), tenant, TaskSpecRules.DirectoryName(taskId));

    /// <summary>Creates the task's directory and working directory; returns both as absolute paths.</summary>
    public static (string Directory, string WorkingDirectory) Prepare(string workDirectory, string tenant, string taskId, string? workdir)
    {
        var root = Path.GetFullPath(Path.Combine(workDirectory, "tasks"));
        var directory = PathOf(workDirectory, tenant, taskId);
        var working = workdir is null ? directory : Path.GetFullPath(Path.Combine(directory, workdir));
        if (!IsInside(directory, working) && working != directory)
            throw new TaskRefusedException($"run.workdir '{workdir}' leaves the task's directory");
        foreach (var step in new[] { root, Path.Combine(root, tenant) }) // the work directory itself is the operator's choice and may be a link
            RefuseLink(step);
        if (Directory.Exists(directory) || File.Exists(directory))
            throw new TaskRefusedException($"the task's directory {directory} already exists; a task is never run twice");
        Directory.CreateDirectory(directory);
        Directory.CreateDirectory(Path.Combine(directory, Output));
        Directory.CreateDirectory(Path.Combine(directory, Temporary));
        Directory.CreateDirectory(Path.Combine(directory, Checkpoint));
        RequireInside(directory, working);
        Directory.CreateDirectory(working);
        return (directory, working);
    }

    /// <summary>Refuses a working directory outside <paramref name="directory"/> or reached through a symbolic link.</summary>
    public static void RequireInside(string directory, string working)
    {
        if (working != directory && !IsInside(directory, working))
            throw new TaskRefusedException($"the working directory {working} is outside the task's directory");
        var path = directory;
        foreach (var segment in Path.GetRelativePath(directory, working).Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != "."))
        {
            path = Path.Combine(path, segment);
            RefuseLink(path);
        }
    }

    public static bool IsInside(string directory, string path) =>
        path.StartsWith(Path.TrimEndingDirectorySeparator(directory) + "/", StringComparison.Ordinal);

    private static void RefuseLink(string path)
    {
        var info = new DirectoryInfo(path);
        if (info.Exists || File.Exists(path))
        {
            if (info.LinkTarget is { } target)
                throw new TaskRefusedException($"{path} is a symbolic link (to {target}); the agent does not follow links out of its directories");
        }
        else if (new FileInfo(path).LinkTarget is { } dangling)
        {
            throw new TaskRefusedException($"{path} is a symbolic link (to {dangling}); the agent does not follow links out of its directories");
        }
    }
}
