using System.Collections.Immutable;
using System.Globalization;
using Suanwang.Core.Model;
using Suanwang.Providers.Adapters;
using Suanwang.Providers.Agent;

namespace Suanwang.Providers.Tests.Agent;

/// <summary>Tasks and a runner in a fresh temporary work directory, for the agent's tests.</summary>
internal sealed class AgentTestTasks : IDisposable
{
    public const string Pool = "lab/box";

    public AgentTestTasks()
    {
        Root = Path.Combine(Path.GetTempPath(), $"suanwang-agent-test-{Guid.NewGuid():N}");
        WorkDirectory = Path.Combine(Root, "work");
        Directory.CreateDirectory(WorkDirectory);
        Runner = new TaskRunner(WorkDirectory, Pool, ResourceLimiter.Detect("suanwang-agent-test"), new NoInputStaging(), 256, 256);
    }

    /// <summary>A temporary directory holding the work directory (and room for files that must not appear).</summary>
    public string Root { get; }

    public string WorkDirectory { get; }

    public TaskRunner Runner { get; }

    public static TaskRequest Request(
        string command, string[]? args = null, Dictionary<string, string>? env = null, string? workdir = null, double seconds = 20,
        long memory = 0, long? output = null, string tenant = "acme", string taskId = "j-1#0", string pool = Pool, string image = "", int nodes = 1) =>
        new(taskId, "j-1", tenant, pool, "lab", 1, nodes, 1, new TaskResources(1, new ByteSize(memory), null),
            new RunSpec(command, (env ?? []).ToImmutableSortedDictionary(StringComparer.Ordinal), image, args is null ? null : [.. args], workdir),
            DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(seconds), null, output is { } o ? new ByteSize(o) : null);

    /// <summary>Runs a task to its end; returns the outcome, everything it printed and its process id.</summary>
    public async Task<(TaskOutcome Outcome, string Output, int? Pid)> RunAsync(TaskRequest request, Action? running = null, CancellationToken cancel = default)
    {
        var output = new System.Text.StringBuilder();
        int? pid = null;
        var outcome = await Runner.RunAsync(request, text => { lock (output) output.Append(text); }, running ?? (() => { }), (p, _) => pid = p, cancel);
        lock (output)
            return (outcome, output.ToString(), pid);
    }

    /// <summary>Processes (not zombies) whose process group is <paramref name="group"/>.</summary>
    public static IReadOnlyList<int> LiveMembers(int group)
    {
        var members = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] != "Z" && fields[2] == group.ToString(CultureInfo.InvariantCulture))
                    members.Add(pid);
            }
            catch (IOException)
            {
            }
        }
        return members;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
