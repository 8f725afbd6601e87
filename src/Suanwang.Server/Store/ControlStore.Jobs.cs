using System.Data.Common;

namespace Suanwang.Server.Store;

public sealed partial class ControlStore
{
    private const string JobColumns = "id, tenant, name, state, priority, spec, submitted_at, updated_at, version, reason, placement";

    /// <summary>
    /// Submits jobs atomically (all or none) and returns them once durable. A job whose tenant already
    /// submitted one with the same idempotency key is not submitted again: the first one is returned.
    /// </summary>
    public Task<IReadOnlyList<JobRecord>> SubmitAsync(IReadOnlyList<NewJob> jobs, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        return _writer.WriteAsync<IReadOnlyList<JobRecord>>(async (c, t, ct) =>
        {
            var now = Now;
            var records = new List<JobRecord>(jobs.Count);
            foreach (var job in jobs)
            {
                if (job.IdempotencyKey is { } key
                    && (await Sql.QueryAsync(c, t, $"SELECT {JobColumns} FROM jobs WHERE tenant = @t AND idempotency_key = @k", ReadJob, ct,
                        ("t", job.Tenant), ("k", key)).ConfigureAwait(false)).FirstOrDefault() is { } earlier)
                {
                    records.Add(earlier);
                    continue;
                }
                var record = new JobRecord(NewJobId(), job.Tenant, job.Name, JobState.Pending, job.Priority, job.Spec, now, now, 1, null, null);
                // The job and its event in one command: one round trip on PostgreSQL.
                await Sql.ExecuteAsync(c, t,
                    $"INSERT INTO jobs ({JobColumns}, idempotency_key) VALUES (@id, @tenant, @name, @state, @priority, @spec, @at, @at, 1, NULL, NULL, @key); "
                    + "INSERT INTO events (stream, type, at, data) VALUES (@id, 'submitted', @at, @data)",
                    ct, ("id", record.Id), ("tenant", record.Tenant), ("name", record.Name), ("state", StateName(JobState.Pending)),
                    ("priority", record.Priority), ("spec", record.Spec), ("at", Sql.Micros(now)), ("key", job.IdempotencyKey),
                    ("data", $$"""{"tenant":{{Json.Quote(record.Tenant)}},"name":{{Json.Quote(record.Name)}}}""")).ConfigureAwait(false);
                records.Add(record);
            }
            return records;
        }, cancel);
    }

    /// <summary>The job, or null.</summary>
    public async Task<JobRecord?> FindJobAsync(string id, CancellationToken cancel)
    {
        await using var connection = await _dialect.OpenAsync(cancel).ConfigureAwait(false);
        return (await Sql.QueryAsync(connection, null, $"SELECT {JobColumns} FROM jobs WHERE id = @id", ReadJob, cancel, ("id", id)).ConfigureAwait(false))
            .FirstOrDefault();
    }

    /// <summary>A page of jobs by id.</summary>
    public async Task<JobPage> ListJobsAsync(JobQuery query, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await _dialect.OpenAsync(cancel).ConfigureAwait(false);
        var rows = await Sql.QueryAsync(connection, null,
            $"SELECT {JobColumns} FROM jobs WHERE (@tenant IS NULL OR tenant = @tenant) AND (@state IS NULL OR state = @state) AND id > @after ORDER BY id LIMIT @n",
            ReadJob, cancel, ("tenant", query.Tenant), ("state", query.State is { } s ? StateName(s) : null), ("after", query.After ?? ""),
            ("n", (long)query.Limit + 1)).ConfigureAwait(false);
        var more = rows.Count > query.Limit;
        if (more)
            rows.RemoveAt(rows.Count - 1);
        return new JobPage(rows, more ? rows[^1].Id : null);
    }

    /// <summary>How many jobs are in each state.</summary>
    public async Task<IReadOnlyDictionary<JobState, long>> CountJobsByStateAsync(CancellationToken cancel)
    {
        await using var connection = await _dialect.OpenAsync(cancel).ConfigureAwait(false);
        var rows = await Sql.QueryAsync(connection, null, "SELECT state, COUNT(*) FROM jobs GROUP BY state",
            r => (State: ParseState(r.GetString(0)), Count: r.GetInt64(1)), cancel).ConfigureAwait(false);
        return Enum.GetValues<JobState>().ToDictionary(s => s, s => rows.Where(r => r.State == s).Sum(r => r.Count));
    }

    /// <summary>
    /// Cancels the job unless it has finished. With <paramref name="tenant"/> only that tenant's job can be
    /// cancelled (another tenant's is reported as not found).
    /// </summary>
    public Task<(CancelOutcome Outcome, JobRecord? Job)> CancelJobAsync(string id, string? tenant, string reason, CancellationToken cancel) =>
        _writer.WriteAsync<(CancelOutcome, JobRecord?)>(async (c, t, ct) =>
        {
            var job = (await Sql.QueryAsync(c, t, $"SELECT {JobColumns} FROM jobs WHERE id = @id", ReadJob, ct, ("id", id)).ConfigureAwait(false)).FirstOrDefault();
            if (job is null || (tenant is not null && job.Tenant != tenant))
                return (CancelOutcome.NotFound, null);
            if (job.IsFinished)
                return (CancelOutcome.AlreadyFinished, job);
            var changed = await ApplyTransitionAsync(c, t, job, new JobTransition(id, job.Version, JobState.Cancelled, "cancelled", reason, null), ct).ConfigureAwait(false);
            return (CancelOutcome.Cancelled, changed);
        }, cancel);

    /// <summary>
    /// Applies state changes computed from a snapshot, each only if its job is still at the version it was
    /// computed from (optimistic concurrency). Returns the jobs as changed, or null for each refused change.
    /// All changes share one durable commit.
    /// </summary>
    public Task<IReadOnlyList<JobRecord?>> TransitionAsync(IReadOnlyList<JobTransition> transitions, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(transitions);
        return _writer.WriteAsync<IReadOnlyList<JobRecord?>>(async (c, t, ct) =>
        {
            var results = new List<JobRecord?>(transitions.Count);
            foreach (var transition in transitions)
            {
                var job = (await Sql.QueryAsync(c, t, $"SELECT {JobColumns} FROM jobs WHERE id = @id", ReadJob, ct, ("id", transition.JobId)).ConfigureAwait(false))
                    .FirstOrDefault();
                results.Add(job is null || job.Version != transition.ExpectedVersion || job.IsFinished
                    ? null
                    : await ApplyTransitionAsync(c, t, job, transition, ct).ConfigureAwait(false));
            }
            return results;
        }, cancel);
    }

    private async Task<JobRecord> ApplyTransitionAsync(DbConnection connection, DbTransaction transaction, JobRecord job, JobTransition transition, CancellationToken cancel)
    {
        var now = Now;
        var changed = job with
        {
            State = transition.State,
            UpdatedAt = now,
            Version = job.Version + 1,
            Reason = transition.Reason,
            Placement = transition.Placement ?? job.Placement,
        };
        await Sql.ExecuteAsync(connection, transaction,
            "UPDATE jobs SET state = @state, updated_at = @at, version = @version, reason = @reason, placement = @placement WHERE id = @id AND version = @expected",
            cancel, ("state", StateName(changed.State)), ("at", Sql.Micros(now)), ("version", changed.Version), ("reason", changed.Reason),
            ("placement", changed.Placement), ("id", job.Id), ("expected", job.Version)).ConfigureAwait(false);
        // The event carries the placement it records, so the log alone (and the ledger fed from it) says where a job went.
        // (Only on placement: later updates of the same placement, such as its start time, would repeat kilobytes per event.)
        var placement = transition.Placement is null || transition.EventType != "placed" ? "" : $$""","placement":{{transition.Placement}}""";
        await AppendEventAsync(connection, transaction, job.Id, transition.EventType, now,
            $$"""{"state":"{{StateName(changed.State)}}","version":{{changed.Version}},"reason":{{(changed.Reason is null ? "null" : Json.Quote(changed.Reason))}}{{placement}}}""",
            cancel).ConfigureAwait(false);
        return changed;
    }

    /// <summary>The wire and storage name of a state: lower case.</summary>
    public static string StateName(JobState state) => state.ToString().ToLowerInvariant();

    /// <summary>Parses <see cref="StateName"/>'s output (case-insensitive); throws on anything else.</summary>
    public static JobState ParseState(string name) => Enum.Parse<JobState>(name, ignoreCase: true);

    private static JobRecord ReadJob(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), ParseState(r.GetString(3)), r.GetString(4), r.GetString(5),
        Sql.Instant(r.GetInt64(6)), Sql.Instant(r.GetInt64(7)), r.GetInt64(8), Sql.Text(r, 9), Sql.Text(r, 10));

    // Version 7 GUIDs sort by creation time to the millisecond (in random order within one), so pages come
    // out roughly in submission order, and carry 74 random bits, so one tenant cannot guess or count another's ids.
    private static string NewJobId() => "j-" + Guid.CreateVersion7().ToString("N");
}
