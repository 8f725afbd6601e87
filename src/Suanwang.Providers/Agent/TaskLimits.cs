using System.Globalization;
using Suanwang.Providers.Adapters;

namespace Suanwang.Providers.Agent;

/// <summary>The limits one task runs under.</summary>
/// <param name="MemoryBytes">Memory for all its tasks on this node (memory × tasks per node), or null for none.</param>
/// <param name="Cpus">CPUs for all its tasks on this node (cpu × tasks per node).</param>
/// <param name="Processes">Most processes (cgroup pids.max, else RLIMIT_NPROC, which binds only non-root users).</param>
/// <param name="OpenFiles">Most open files per process (RLIMIT_NOFILE).</param>
/// <param name="FileBytes">Largest file it may write (RLIMIT_FSIZE) — the declared output size — or null for none.</param>
/// <param name="WallTime">How long it may run before its process group is killed.</param>
public sealed record TaskLimits(long? MemoryBytes, int Cpus, int Processes, int OpenFiles, long? FileBytes, TimeSpan WallTime)
{
    /// <summary>The limits of <paramref name="request"/> with the agent's per-task process and file caps.</summary>
    public static TaskLimits For(TaskRequest request, int processes, int openFiles)
    {
        ArgumentNullException.ThrowIfNull(request);
        var perNode = Math.Max(1, request.TasksPerNode);
        var memory = request.Resources.Memory.Bytes;
        return new TaskLimits(
            memory > 0 ? checked(memory * perNode) : null,
            Math.Max(1, request.Resources.Cpu) * perNode,
            processes,
            openFiles,
            request.OutputSize is { Bytes: > 0 } output ? output.Bytes : null,
            request.ExpectedRuntime);
    }
}

/// <summary>
/// Puts a task's command under its limits by prefixing its argv. Two ways: a writable cgroup v2 hierarchy with the
/// memory, cpu and pids controllers (<see cref="CgroupV2"/>; memory.max, cpu.max, pids.max), and always rlimits
/// through util-linux <c>prlimit</c> (address space when there is no cgroup, processes when there is no cgroup, open
/// files, file size).
/// </summary>
internal sealed class ResourceLimiter(CgroupV2? cgroups, string? prlimit)
{
    /// <summary>Looks for a usable cgroup v2 hierarchy under <paramref name="agentGroup"/> and for prlimit on the usual paths.</summary>
    public static ResourceLimiter Detect(string agentGroup) =>
        new(CgroupV2.TryCreate(agentGroup, out _), PrlimitPaths.FirstOrDefault(File.Exists));

    private static readonly string[] PrlimitPaths = ["/usr/bin/prlimit", "/bin/prlimit"];

    /// <summary>One line for the agent's log: which mechanism applies.</summary>
    public string Describe() =>
        (cgroups is null ? "no writable cgroup v2 hierarchy with memory, cpu and pids controllers: limits by rlimits" : $"cgroup v2 at {cgroups.Root}")
        + (prlimit is null ? "; prlimit not found: rlimits by /bin/sh ulimit (address space, open files, file size)" : "");

    /// <summary>Prefixes <paramref name="command"/> so it runs under <paramref name="limits"/>; <paramref name="group"/> names its cgroup.</summary>
    public IReadOnlyList<string> Wrap(TaskLimits limits, string group, IReadOnlyList<string> command)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var argv = new List<string>();
        if (cgroups?.CreateGroup(group, limits) is { } procs)
            argv.AddRange(["/bin/sh", "-c", "echo $$ > \"$0\" && exec \"$@\"", procs]);
        var memory = cgroups is null ? limits.MemoryBytes : null;
        if (prlimit is not null)
        {
            argv.Add(prlimit);
            argv.Add(Invariant($"--nofile={limits.OpenFiles}:{limits.OpenFiles}"));
            if (cgroups is null)
                argv.Add(Invariant($"--nproc={limits.Processes}:{limits.Processes}"));
            if (memory is { } bytes)
                argv.Add(Invariant($"--as={bytes}:{bytes}"));
            if (limits.FileBytes is { } fileBytes)
                argv.Add(Invariant($"--fsize={fileBytes}:{fileBytes}"));
            argv.Add("--");
        }
        else
        {
            // POSIX sh: -n open files, -v address space (KiB), -f file size (512-byte blocks).
            var script = Invariant($"ulimit -n {limits.OpenFiles}")
                + (memory is { } bytes ? Invariant($" && ulimit -v {Math.Max(1, bytes / 1024)}") : "")
                + (limits.FileBytes is { } fileBytes ? Invariant($" && ulimit -f {Math.Max(1, fileBytes / 512)}") : "")
                + " && exec \"$@\"";
            argv.AddRange(["/bin/sh", "-c", script, "sh"]);
        }
        argv.AddRange(command);
        return argv;
    }

    /// <summary>Removes the task's cgroup once its processes are gone.</summary>
    public void Release(string group) => cgroups?.RemoveGroup(group);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
