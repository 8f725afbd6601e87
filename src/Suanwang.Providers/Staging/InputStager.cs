using Suanwang.Providers.Adapters;

namespace Suanwang.Providers.Staging;

/// <summary>
/// Puts a task's inputs in place on an agent: each dataset becomes (or already is) a verified replica under
/// <c>{dataRoot}/{tenant}/{dataset}</c> — which the agent's <see cref="DatasetServer"/> then serves to
/// others — and appears in the task's directory as <c>inputs/{dataset}</c>, a symbolic link to the replica
/// (no copy, however large the dataset).
/// </summary>
/// <remarks>
/// The replica's files are made read-only, so a task cannot change them by accident. Tasks run as the
/// agent's user, so one that deliberately makes a file writable and changes it can; that changes the
/// file's size or time, the next staging from this replica re-hashes it, and the reader's checksum
/// refuses it (and this agent's own next use re-checks every file against the manifest). Partial files
/// live under <paramref name="partialRoot"/>, outside the served tree.
/// </remarks>
public sealed class InputStager(DatasetFetcher fetcher, string dataRoot, string partialRoot)
{
    /// <summary>Stages every input of <paramref name="request"/> into <paramref name="taskDirectory"/>; throws <see cref="StagingException"/> or an I/O exception when one cannot be.</summary>
    public async Task<IReadOnlyList<StagingResult>> StageAsync(TaskRequest request, string taskDirectory, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        var results = new List<StagingResult>(request.Inputs.Count);
        foreach (var input in request.Inputs)
        {
            var segment = DatasetPaths.Segment(input.Dataset);
            var replica = DatasetPaths.Resolve(dataRoot, $"{input.Tenant}/{segment}");
            var partial = DatasetPaths.Resolve(partialRoot, $"{input.Tenant}/{segment}");
            StagingResult result;
            try
            {
                result = await fetcher.FetchAsync(input, replica, partial, cancel).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw new StagingException($"{input.Tenant}/{input.Dataset} could not be read from {input.FromSite}: {ex.Message}", ex);
            }
            var files = input.Files ?? await DatasetManifest.FromDirectoryAsync(replica, cancel).ConfigureAwait(false);
            if (!OperatingSystem.IsWindows())
            {
                foreach (var file in files)
                    File.SetUnixFileMode(DatasetPaths.Resolve(replica, file.Path), UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }
            var inputs = DatasetPaths.Resolve(taskDirectory, "inputs");
            Directory.CreateDirectory(inputs);
            var link = Path.Combine(inputs, segment); // one checked segment: cannot leave inputs/
            if (Directory.Exists(link) || File.Exists(link))
                throw new StagingException($"'inputs/{segment}' already exists in the task's directory");
            Directory.CreateSymbolicLink(link, replica);
            results.Add(result);
        }
        return results;
    }
}
