using Suanwang.Providers.Adapters;
using Suanwang.Providers.Staging;

namespace Suanwang.Providers.Agent;

/// <summary>
/// The agent's staging phase: every input of a task becomes a verified replica under <c>{work-dir}/data</c> (which
/// the agent's data server then serves to others) and appears as <c>inputs/{dataset}</c> in the task's directory.
/// Any failure — no agent serving the replica, a refused grant, a checksum mismatch — refuses the task with the reason.
/// </summary>
public sealed class StagingInputStager(HttpClient http, string workDirectory) : ITaskInputStager
{
    private readonly InputStager _stager = new(new DatasetFetcher(http), DataRoot(workDirectory), Path.Combine(workDirectory, "staging"));

    /// <summary>Where an agent with <paramref name="workDirectory"/> keeps the dataset replicas it holds and serves.</summary>
    public static string DataRoot(string workDirectory) => Path.Combine(workDirectory, "data");

    /// <summary>What the last staging of each task did (for the agent's log).</summary>
    public event Action<TaskRequest, IReadOnlyList<StagingResult>>? Staged;

    /// <inheritdoc/>
    public async Task StageAsync(TaskRequest request, string taskDirectory, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Inputs.Count == 0)
            return;
        try
        {
            var results = await _stager.StageAsync(request, taskDirectory, cancel).ConfigureAwait(false);
            Staged?.Invoke(request, results);
        }
        catch (Exception ex) when (ex is StagingException or HttpRequestException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new TaskRefusedException(ex.Message, ex);
        }
    }
}
