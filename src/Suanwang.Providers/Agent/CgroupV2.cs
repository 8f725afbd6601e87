using System.Globalization;

namespace Suanwang.Providers.Agent;

/// <summary>
/// A cgroup v2 hierarchy the agent may use: a <c>cgroup2</c> mount (found in /proc/self/mountinfo) whose
/// controllers include memory, cpu and pids, where the agent can create its own group and enable those
/// controllers for its children. Each task gets a child group with memory.max, cpu.max and pids.max. On a hybrid
/// machine whose cgroup2 mount has only hugetlb (as the build machine's /sys/fs/cgroup/unified), or without write
/// access, there is none and the agent falls back to rlimits.
/// </summary>
internal sealed class CgroupV2
{
    private static readonly string[] Needed = ["memory", "cpu", "pids"];

    private CgroupV2(string root) => Root = root;

    /// <summary>The agent's own group (tasks are its children).</summary>
    public string Root { get; }

    /// <summary>The usable hierarchy with the agent's group <paramref name="name"/> created in it, or null with the reason.</summary>
    public static CgroupV2? TryCreate(string name, out string reason)
    {
        var mounts = File.Exists("/proc/self/mountinfo") ? Cgroup2Mounts(File.ReadAllText("/proc/self/mountinfo")) : [];
        reason = "no cgroup2 mount";
        foreach (var mount in mounts)
        {
            try
            {
                var controllers = File.ReadAllText(Path.Combine(mount, "cgroup.controllers")).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (Needed.Except(controllers, StringComparer.Ordinal).Any())
                {
                    reason = $"{mount} has controllers '{string.Join(' ', controllers)}', not memory, cpu and pids";
                    continue;
                }
                var root = Path.Combine(mount, name);
                File.WriteAllText(Path.Combine(mount, "cgroup.subtree_control"), "+memory +cpu +pids");
                Directory.CreateDirectory(root);
                File.WriteAllText(Path.Combine(root, "cgroup.subtree_control"), "+memory +cpu +pids");
                return new CgroupV2(root);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                reason = $"{mount}: {ex.Message}";
            }
        }
        return null;
    }

    /// <summary>Mount points of cgroup2 file systems in /proc/self/mountinfo text (the type follows the " - " separator).</summary>
    public static IReadOnlyList<string> Cgroup2Mounts(string mountinfo)
    {
        ArgumentNullException.ThrowIfNull(mountinfo);
        var mounts = new List<string>();
        foreach (var line in mountinfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = line.IndexOf(" - ", StringComparison.Ordinal);
            var fields = line.Split(' ');
            if (separator < 0 || fields.Length < 5)
                continue;
            var type = line[(separator + 3)..].Split(' ')[0];
            if (type == "cgroup2")
                mounts.Add(fields[4].Replace("\\040", " ", StringComparison.Ordinal));
        }
        return mounts;
    }

    /// <summary>Creates the task's group with its limits; returns its cgroup.procs file, or null when that failed (rlimits still apply).</summary>
    public string? CreateGroup(string name, TaskLimits limits)
    {
        var group = Path.Combine(Root, name);
        try
        {
            Directory.CreateDirectory(group);
            if (limits.MemoryBytes is { } memory)
                File.WriteAllText(Path.Combine(group, "memory.max"), memory.ToString(CultureInfo.InvariantCulture));
            File.WriteAllText(Path.Combine(group, "cpu.max"), string.Create(CultureInfo.InvariantCulture, $"{limits.Cpus * 100_000} 100000"));
            File.WriteAllText(Path.Combine(group, "pids.max"), limits.Processes.ToString(CultureInfo.InvariantCulture));
            return Path.Combine(group, "cgroup.procs");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void RemoveGroup(string name)
    {
        var group = Path.Combine(Root, name);
        try
        {
            if (File.Exists(Path.Combine(group, "cgroup.kill")))
                File.WriteAllText(Path.Combine(group, "cgroup.kill"), "1");
            Directory.Delete(group);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // a group still draining is left; the next agent start reuses or removes nothing else
        }
    }
}
