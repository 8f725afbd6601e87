using System.Text.Json;
using Suanwang.Server.Store;

namespace Suanwang.Server.Api;

/// <summary>A job as the API shows it.</summary>
/// <param name="Id">The job's id.</param>
/// <param name="Tenant">Its tenant.</param>
/// <param name="Name">Its name.</param>
/// <param name="State">pending, placed, running, completed, failed or cancelled.</param>
/// <param name="Priority">Its priority.</param>
/// <param name="SubmittedAt">When it became durable.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="Version">Its version.</param>
/// <param name="Reason">Why it waits, failed or was cancelled.</param>
/// <param name="Placement">Where it was placed.</param>
/// <param name="Spec">The spec as stored.</param>
public sealed record JobView(
    string Id, string Tenant, string Name, string State, string Priority, DateTimeOffset SubmittedAt, DateTimeOffset UpdatedAt,
    long Version, string? Reason, JsonElement? Placement, JsonElement Spec)
{
    internal static JobView From(JobRecord job) => new(
        job.Id, job.Tenant, job.Name, ControlStore.StateName(job.State), job.Priority, job.SubmittedAt, job.UpdatedAt, job.Version,
        job.Reason, job.Placement is null ? null : Parse(job.Placement), Parse(job.Spec));

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

/// <summary>A page of jobs.</summary>
/// <param name="Jobs">The jobs.</param>
/// <param name="Next">The <c>after</c> value for the next page, or null.</param>
public sealed record JobPageView(IReadOnlyList<JobView> Jobs, string? Next);

/// <summary>The jobs of a batch submission, in the order submitted.</summary>
/// <param name="Jobs">The jobs.</param>
public sealed record JobBatchView(IReadOnlyList<JobView> Jobs);

/// <summary>One event of a job.</summary>
/// <param name="Sequence">Its position in the log.</param>
/// <param name="Type">What happened.</param>
/// <param name="At">When.</param>
/// <param name="Data">Details.</param>
public sealed record JobEventView(long Sequence, string Type, DateTimeOffset At, JsonElement Data)
{
    internal static JobEventView From(StoredEvent e)
    {
        using var document = JsonDocument.Parse(e.Data);
        return new JobEventView(e.Sequence, e.Type, e.At, document.RootElement.Clone());
    }
}
