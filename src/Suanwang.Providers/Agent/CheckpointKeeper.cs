using System.Collections.Concurrent;
using System.IO.Compression;
using Suanwang.Providers.Adapters;

namespace Suanwang.Providers.Agent;

/// <summary>
/// Keeps running tasks' checkpoints with the control plane, so work healed off this machine resumes elsewhere: a task
/// writes its state into <c>$SUANWANG_CHECKPOINT</c>; whenever that directory has changed and
/// <see cref="AgentOptions.CheckpointInterval"/> has passed, the agent uploads it as a zip. A later attempt of the same
/// job part (a task id with <c>@attempt</c>) gets the newest checkpoint unpacked into its own
/// <c>$SUANWANG_CHECKPOINT</c> before it starts (after its inputs are staged).
/// </summary>
internal sealed class CheckpointKeeper(AgentServerClient client, string workDirectory, TimeSpan interval, Action<string> log) : ITaskInputStager
{
    private readonly ConcurrentDictionary<string, (string Stamp, DateTimeOffset At)> _uploaded = new(StringComparer.Ordinal);

    /// <summary>Wraps the stager that runs first.</summary>
    public ITaskInputStager? Inner { get; init; }

    /// <inheritdoc/>
    public async Task StageAsync(TaskRequest request, string taskDirectory, CancellationToken cancel)
    {
        if (Inner is not null)
            await Inner.StageAsync(request, taskDirectory, cancel).ConfigureAwait(false);
        if (!TaskIds.IsRetry(request.TaskId))
            return; // a first attempt has nothing to resume from
        var zip = Path.Combine(taskDirectory, TaskDirectory.Temporary, "checkpoint.zip");
        try
        {
            if (!await client.DownloadCheckpointAsync(request.TaskId, zip, cancel).ConfigureAwait(false))
                return;
            ZipFile.ExtractToDirectory(zip, Path.Combine(taskDirectory, TaskDirectory.Checkpoint), overwriteFiles: true); // refuses entries that leave the directory
            log($"task {request.TaskId}: resumes from the checkpoint of an earlier attempt");
        }
        catch (Exception ex) when (ex is AgentServerUnreachableException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new TaskRefusedException($"could not restore its checkpoint: {ex.Message}", ex);
        }
        finally
        {
            File.Delete(zip);
        }
    }

    /// <summary>Uploads the checkpoints of <paramref name="running"/> tasks that changed, at most once per interval each.</summary>
    public async Task UploadAsync(IEnumerable<TaskRequest> running, DateTimeOffset now, CancellationToken cancel)
    {
        foreach (var request in running)
        {
            var directory = TaskDirectory.PathOf(workDirectory, request.Tenant, request.TaskId);
            var checkpoint = Path.Combine(directory, TaskDirectory.Checkpoint);
            if (!Directory.Exists(checkpoint))
                continue;
            var files = new DirectoryInfo(checkpoint).EnumerateFiles("*", SearchOption.AllDirectories).ToList();
            if (files.Count == 0)
                continue;
            var stamp = string.Join('|', files.OrderBy(f => f.FullName, StringComparer.Ordinal).Select(f => $"{f.FullName}:{f.Length}:{f.LastWriteTimeUtc.Ticks}"));
            if (_uploaded.TryGetValue(request.TaskId, out var last) && (last.Stamp == stamp || now - last.At < interval))
                continue;
            var zip = Path.Combine(directory, TaskDirectory.Temporary, $"checkpoint-{Guid.NewGuid():N}.zip");
            try
            {
                ZipFile.CreateFromDirectory(checkpoint, zip, CompressionLevel.Fastest, includeBaseDirectory: false);
                var answer = await client.UploadCheckpointAsync(request.TaskId, zip, cancel).ConfigureAwait(false);
                if (answer.Ok)
                    _uploaded[request.TaskId] = (stamp, now);
                else
                    log($"task {request.TaskId}: checkpoint refused ({answer.Status}): {answer.Detail()}");
            }
            catch (IOException ex)
            {
                log($"task {request.TaskId}: checkpoint not uploaded this time: {ex.Message}"); // the task may be writing it right now
            }
            finally
            {
                File.Delete(zip);
            }
        }
    }

    /// <summary>Forgets a task that ended.</summary>
    public void Forget(string taskId) => _uploaded.TryRemove(taskId, out _);
}
