using Suanwang.Providers.Adapters;

namespace Suanwang.Providers.Agent;

/// <summary>
/// Brings a task's inputs into its directory before it runs (the "stage inputs" phase of <see cref="TaskRunner"/>).
/// Throw <see cref="TaskRefusedException"/> to fail the task with a message; anything written must stay inside
/// the task's directory.
/// </summary>
public interface ITaskInputStager
{
    /// <summary>Stages the inputs of <paramref name="request"/> into <paramref name="taskDirectory"/>.</summary>
    /// <param name="request">The task.</param>
    /// <param name="taskDirectory">The task's own directory (absolute, already created).</param>
    /// <param name="cancel">Stops staging when the task is cancelled.</param>
    Task StageAsync(TaskRequest request, string taskDirectory, CancellationToken cancel);
}

/// <summary>No staging: inputs are expected to be on the machine already.</summary>
public sealed class NoInputStaging : ITaskInputStager
{
    /// <inheritdoc/>
    public Task StageAsync(TaskRequest request, string taskDirectory, CancellationToken cancel) => Task.CompletedTask;
}

/// <summary>A task that must not run, with the reason reported to the server.</summary>
public sealed class TaskRefusedException : Exception
{
    /// <summary>A refusal with its reason.</summary>
    public TaskRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>A refusal with its reason and cause.</summary>
    public TaskRefusedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>A refusal without a reason (prefer the other constructors).</summary>
    public TaskRefusedException()
        : base("the task was refused")
    {
    }
}
