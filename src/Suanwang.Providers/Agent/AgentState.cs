using System.Text.Json;
using Suanwang.Providers.Adapters;

namespace Suanwang.Providers.Agent;

/// <summary>What the agent remembers of one task across restarts.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Phase">Running, or how it ended.</param>
/// <param name="ExitCode">Its exit code, when it ended by exiting.</param>
/// <param name="Message">Why it failed or was stopped, or null.</param>
/// <param name="Reported">True once the server acknowledged the final phase.</param>
/// <param name="ProcessId">The process (group leader) while running, or null.</param>
/// <param name="ProcessStart">That process's start time in clock ticks since boot (/proc/PID/stat field 22), to tell it from a later process that reuses the id.</param>
/// <param name="Sequence">Order of first sight, for pruning the oldest.</param>
public sealed record TaskRecord(string TaskId, TaskPhase Phase, int? ExitCode, string? Message, bool Reported, int? ProcessId, long? ProcessStart, long Sequence)
{
    /// <summary>True once the task ended (succeeded, failed or cancelled).</summary>
    public bool IsFinal => Phase is TaskPhase.Succeeded or TaskPhase.Failed or TaskPhase.Cancelled;
}

/// <summary>
/// The agent's state file, <c>{work-dir}/state.json</c>: every task id it has taken, so a task is never started
/// twice — not after a restart either — and final phases the server has not acknowledged are reported again.
/// A task recorded as running when the agent starts was cut off by the agent's own death: its process group is
/// killed if still alive and it is reported failed, not run again. Written atomically after every change; the
/// newest <see cref="MaxRecords"/> tasks are kept (older acknowledged ones are dropped).
/// </summary>
internal sealed class AgentState
{
    public const string FileName = "state.json";
    public const int MaxRecords = 10_000;

    private readonly string _path;
    private readonly Dictionary<string, TaskRecord> _tasks;
    private long _sequence;

    private AgentState(string path, Dictionary<string, TaskRecord> tasks)
    {
        _path = path;
        _tasks = tasks;
        _sequence = tasks.Count == 0 ? 0 : tasks.Values.Max(t => t.Sequence);
    }

    /// <summary>Loads the state (empty when there is none) and settles tasks a previous agent left running.</summary>
    public static AgentState Load(string workDirectory)
    {
        var path = Path.Combine(workDirectory, FileName);
        var tasks = new Dictionary<string, TaskRecord>(StringComparer.Ordinal);
        if (File.Exists(path))
        {
            foreach (var record in JsonSerializer.Deserialize<List<TaskRecord>>(File.ReadAllText(path), AgentJson.Options) ?? [])
                tasks[record.TaskId] = record;
        }
        var state = new AgentState(path, tasks);
        foreach (var orphan in tasks.Values.Where(t => !t.IsFinal).ToList())
        {
            if (orphan.ProcessId is { } pid && orphan.ProcessStart is { } start && ProcessGroup.StartTicks(pid) == start)
                ProcessGroup.Kill(pid);
            tasks[orphan.TaskId] = orphan with
            {
                Phase = TaskPhase.Failed, Message = "the agent stopped while the task ran; a task is never started twice, so it was not run again",
                Reported = false, ProcessId = null, ProcessStart = null,
            };
        }
        state.Save();
        return state;
    }

    public TaskRecord? Find(string taskId)
    {
        lock (_tasks)
            return _tasks.GetValueOrDefault(taskId);
    }

    /// <summary>Records a task as taken; false when it was taken before (it must not start again).</summary>
    public bool TryTake(string taskId)
    {
        lock (_tasks)
        {
            if (_tasks.ContainsKey(taskId))
                return false;
            _tasks[taskId] = new TaskRecord(taskId, TaskPhase.Running, null, null, false, null, null, ++_sequence);
            Save();
            return true;
        }
    }

    public void SetProcess(string taskId, int processId, long? processStart) =>
        Update(taskId, r => r with { ProcessId = processId, ProcessStart = processStart });

    public void Finish(string taskId, TaskPhase phase, int? exitCode, string? message) =>
        Update(taskId, r => r.IsFinal ? r : r with { Phase = phase, ExitCode = exitCode, Message = message, Reported = false, ProcessId = null, ProcessStart = null });

    public void MarkReported(string taskId) => Update(taskId, r => r with { Reported = true });

    /// <summary>The server still lists a finished task as unfinished (it restarted): report it again.</summary>
    public void Unacknowledge(string taskId) => Update(taskId, r => r.IsFinal && r.Reported ? r with { Reported = false } : r);

    public IReadOnlyList<TaskRecord> Unreported()
    {
        lock (_tasks)
            return [.. _tasks.Values.Where(t => t.IsFinal && !t.Reported).OrderBy(t => t.Sequence)];
    }

    private void Update(string taskId, Func<TaskRecord, TaskRecord> change)
    {
        lock (_tasks)
        {
            if (!_tasks.TryGetValue(taskId, out var record))
                return;
            var next = change(record);
            if (next == record)
                return;
            _tasks[taskId] = next;
            Save();
        }
    }

    private void Save()
    {
        lock (_tasks)
        {
            if (_tasks.Count > MaxRecords)
            {
                foreach (var old in _tasks.Values.Where(t => t.IsFinal && t.Reported).OrderBy(t => t.Sequence).Take(_tasks.Count - MaxRecords).ToList())
                    _tasks.Remove(old.TaskId);
            }
            AtomicFile.Write(_path, JsonSerializer.Serialize(_tasks.Values.OrderBy(t => t.Sequence), AgentJson.Options));
        }
    }
}
