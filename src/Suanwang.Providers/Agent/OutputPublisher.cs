using Suanwang.Providers.Adapters;
using Suanwang.Providers.Staging;

namespace Suanwang.Providers.Agent;

/// <summary>
/// After a task succeeds, its <c>output/</c> files become a replica on this agent —
/// <c>{work-dir}/data/{tenant}/{job}-out-{part}</c>, served by the agent's data server — and are registered with the
/// control plane as a dataset of the job's tenant with every file's SHA-256, so the tenant can fetch them
/// (<c>suanwang dataset fetch</c>) and later jobs can read them as inputs.
/// </summary>
internal static class OutputPublisher
{
    /// <summary>Moves the outputs into place and returns their manifest, or null when the task wrote none.</summary>
    public static async Task<IReadOnlyList<DatasetFile>?> CollectAsync(TaskRequest request, string taskDirectory, string workDirectory, CancellationToken cancel)
    {
        var output = Path.Combine(taskDirectory, TaskDirectory.Output);
        if (!Directory.Exists(output) || !Directory.EnumerateFileSystemEntries(output).Any())
            return null;
        var replica = DatasetPaths.Resolve(StagingInputStager.DataRoot(workDirectory), $"{request.Tenant}/{DatasetPaths.Segment(DatasetPaths.OutputDataset(request.TaskId))}");
        if (Directory.Exists(replica))
            Directory.Delete(replica, recursive: true); // an earlier attempt's outputs of the same part
        Directory.CreateDirectory(Path.GetDirectoryName(replica)!);
        Directory.Move(output, replica);
        Directory.CreateDirectory(output);
        return await DatasetManifest.FromDirectoryAsync(replica, cancel).ConfigureAwait(false); // refuses symbolic links
    }
}
