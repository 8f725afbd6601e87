namespace Suanwang.Server.Store;

/// <summary>The life of a job in the control plane.</summary>
public enum JobState
{
    /// <summary>Accepted and durable, waiting for a placement.</summary>
    Pending,

    /// <summary>Placed by the scheduler and handed to a provider.</summary>
    Placed,

    /// <summary>Running on a provider.</summary>
    Running,

    /// <summary>Finished successfully.</summary>
    Completed,

    /// <summary>Finished unsuccessfully, with a reason.</summary>
    Failed,

    /// <summary>Cancelled by its tenant or an operator.</summary>
    Cancelled,
}

/// <summary>A job as the store holds it (the projection of its events).</summary>
/// <param name="Id">Server-assigned identifier (<c>j-</c> and 32 hex digits; ordered by submission to the millisecond, not guessable).</param>
/// <param name="Tenant">The tenant that submitted it.</param>
/// <param name="Name">The spec's name.</param>
/// <param name="State">Where it is in its life.</param>
/// <param name="Priority">The spec's priority, spelled as in the spec.</param>
/// <param name="Spec">The job spec as canonical JSON.</param>
/// <param name="SubmittedAt">When it became durable.</param>
/// <param name="UpdatedAt">When its state last changed.</param>
/// <param name="Version">Incremented by every change; the scheduling loop's optimistic-concurrency token.</param>
/// <param name="Reason">Why it waits, failed or was cancelled, or null.</param>
/// <param name="Placement">The placement (JSON) once placed, or null.</param>
public sealed record JobRecord(
    string Id,
    string Tenant,
    string Name,
    JobState State,
    string Priority,
    string Spec,
    DateTimeOffset SubmittedAt,
    DateTimeOffset UpdatedAt,
    long Version,
    string? Reason,
    string? Placement)
{
    /// <summary>True once the job can no longer change.</summary>
    public bool IsFinished => State is JobState.Completed or JobState.Failed or JobState.Cancelled;
}

/// <summary>A job to be submitted.</summary>
/// <param name="Tenant">The submitting tenant (from the caller's credentials, never from the body).</param>
/// <param name="Name">The spec's name.</param>
/// <param name="Priority">The spec's priority.</param>
/// <param name="Spec">The job spec as canonical JSON.</param>
/// <param name="IdempotencyKey">The client's key for this submission, or null; a repeat with the same key returns the first job.</param>
public sealed record NewJob(string Tenant, string Name, string Priority, string Spec, string? IdempotencyKey);

/// <summary>One event in the append-only log.</summary>
/// <param name="Sequence">Position in the log (increasing).</param>
/// <param name="Stream">What it is about, e.g. a job id.</param>
/// <param name="Type">What happened, e.g. <c>submitted</c>, <c>placed</c>, <c>cancelled</c>.</param>
/// <param name="At">When.</param>
/// <param name="Data">Details as JSON.</param>
public sealed record StoredEvent(long Sequence, string Stream, string Type, DateTimeOffset At, string Data);

/// <summary>A filter and page over jobs.</summary>
/// <param name="Tenant">Only this tenant's jobs, or null for all (operators only).</param>
/// <param name="State">Only jobs in this state, or null.</param>
/// <param name="After">Only jobs whose id sorts after this one (the previous page's <c>next</c>), or null.</param>
/// <param name="Limit">At most this many (1–1000).</param>
public sealed record JobQuery(string? Tenant, JobState? State, string? After, int Limit);

/// <summary>One page of jobs.</summary>
/// <param name="Jobs">The jobs, by id.</param>
/// <param name="Next">The cursor for the next page, or null when this is the last.</param>
public sealed record JobPage(IReadOnlyList<JobRecord> Jobs, string? Next);

/// <summary>A change of a job's state made by the scheduling loop or a provider report.</summary>
/// <param name="JobId">The job.</param>
/// <param name="ExpectedVersion">The version the change was computed from; the change is refused if the job moved on.</param>
/// <param name="State">The new state.</param>
/// <param name="EventType">The event to log.</param>
/// <param name="Reason">Why, or null.</param>
/// <param name="Placement">The placement JSON to record, or null to keep the current one.</param>
public sealed record JobTransition(string JobId, long ExpectedVersion, JobState State, string EventType, string? Reason, string? Placement);

/// <summary>Why a cancellation did or did not happen.</summary>
public enum CancelOutcome
{
    /// <summary>The job is now cancelled.</summary>
    Cancelled,

    /// <summary>No such job (or not visible to the caller).</summary>
    NotFound,

    /// <summary>The job had already finished; nothing changed.</summary>
    AlreadyFinished,
}

/// <summary>A principal that can hold API tokens.</summary>
public enum Role
{
    /// <summary>Runs the network: sees and manages everything.</summary>
    Operator,

    /// <summary>Brings pools: manages only its own sites and pools.</summary>
    Provider,

    /// <summary>Submits work: sees only its own jobs and datasets.</summary>
    Tenant,
}

/// <summary>An API token as stored: never the secret, only its SHA-256.</summary>
/// <param name="Id">Public identifier (the part of the token before the secret).</param>
/// <param name="SecretHash">SHA-256 of the secret.</param>
/// <param name="Role">What the token may do.</param>
/// <param name="Subject">The tenant or provider it acts for; the operator's name for operators.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="RevokedAt">When it was revoked, or null.</param>
public sealed record TokenRecord(string Id, byte[] SecretHash, Role Role, string Subject, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>A registered object other than a job (provider, site, pool, link, dataset, tenant), as JSON.</summary>
/// <param name="Kind">Which collection, e.g. <c>pools</c>.</param>
/// <param name="Id">Its identifier within the collection.</param>
/// <param name="Owner">The provider or tenant that owns it, or null for the operator's.</param>
/// <param name="Body">The object as JSON.</param>
/// <param name="Version">Incremented by every change.</param>
/// <param name="UpdatedAt">When it last changed.</param>
public sealed record StoredObject(string Kind, string Id, string? Owner, string Body, long Version, DateTimeOffset UpdatedAt);
