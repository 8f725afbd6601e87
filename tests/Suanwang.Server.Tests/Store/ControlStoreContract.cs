using Suanwang.Server.Store;

namespace Suanwang.Server.Tests.Store;

/// <summary>
/// What every engine behind <see cref="ControlStore"/> must do; run once against real SQLite and once
/// against a real PostgreSQL server.
/// </summary>
public abstract class ControlStoreContract : IAsyncLifetime
{
    private readonly List<ControlStore> _opened = [];

    /// <summary>The test's clock.</summary>
    protected ManualClock Clock { get; } = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    /// <summary>Where this test's store lives (the same place on every call).</summary>
    protected abstract StoreLocation Location { get; }

    /// <summary>Prepares the location.</summary>
    public virtual Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        foreach (var store in _opened)
            await store.DisposeAsync();
    }

    private async Task<ControlStore> Open()
    {
        var store = await ControlStore.OpenAsync(Location, Clock, default);
        _opened.Add(store);
        return store;
    }

    private static NewJob Job(string tenant, string name, string? key = null) =>
        new(tenant, name, "normal", $$"""{"name":"{{name}}"}""", key);

    [Fact]
    public async Task Submitted_jobs_are_found_listed_by_id_and_paged()
    {
        var store = await Open();
        var submitted = await store.SubmitAsync([Job("acme", "a"), Job("acme", "b"), Job("zeta", "c")], default);
        Assert.Equal(3, submitted.Count);
        Assert.All(submitted, j => Assert.Equal(JobState.Pending, j.State));
        Assert.Equal(3, submitted.Select(j => j.Id).Distinct().Count());

        var found = await store.FindJobAsync(submitted[1].Id, default);
        Assert.Equal(submitted[1], found);

        // Ids within one millisecond are in random order, so compare with the ids sorted.
        var acme = submitted.Where(j => j.Tenant == "acme").Select(j => j.Id).Order(StringComparer.Ordinal).ToArray();
        var first = await store.ListJobsAsync(new JobQuery("acme", null, null, 1), default);
        Assert.Equal([acme[0]], first.Jobs.Select(j => j.Id));
        Assert.NotNull(first.Next);
        var second = await store.ListJobsAsync(new JobQuery("acme", null, first.Next, 1), default);
        Assert.Equal([acme[1]], second.Jobs.Select(j => j.Id));
        Assert.Null(second.Next);
        var all = await store.ListJobsAsync(new JobQuery(null, JobState.Pending, null, 10), default);
        Assert.Equal(submitted.Select(j => j.Id).Order(StringComparer.Ordinal), all.Jobs.Select(j => j.Id));
        Assert.Empty((await store.ListJobsAsync(new JobQuery(null, JobState.Running, null, 10), default)).Jobs);
    }

    [Fact]
    public async Task A_repeated_idempotency_key_returns_the_first_job_instead_of_a_second()
    {
        var store = await Open();
        var first = await store.SubmitAsync([Job("acme", "a", key: "k1")], default);
        var again = await store.SubmitAsync([Job("acme", "a-again", key: "k1")], default);
        var otherTenant = await store.SubmitAsync([Job("zeta", "z", key: "k1")], default);
        Assert.Equal(first[0].Id, again[0].Id);
        Assert.NotEqual(first[0].Id, otherTenant[0].Id);
        Assert.Single((await store.ListJobsAsync(new JobQuery("acme", null, null, 10), default)).Jobs);
    }

    [Fact]
    public async Task Cancel_changes_state_once_and_never_crosses_tenants()
    {
        var store = await Open();
        var job = (await store.SubmitAsync([Job("acme", "a")], default))[0];
        Assert.Equal(CancelOutcome.NotFound, (await store.CancelJobAsync(job.Id, "zeta", "no", default)).Outcome);
        Assert.Equal(JobState.Pending, (await store.FindJobAsync(job.Id, default))!.State);

        var (outcome, cancelled) = await store.CancelJobAsync(job.Id, "acme", "changed my mind", default);
        Assert.Equal(CancelOutcome.Cancelled, outcome);
        Assert.Equal(JobState.Cancelled, cancelled!.State);
        Assert.Equal(2, cancelled.Version);
        Assert.Equal(CancelOutcome.AlreadyFinished, (await store.CancelJobAsync(job.Id, "acme", "again", default)).Outcome);
        Assert.Equal(CancelOutcome.NotFound, (await store.CancelJobAsync("j-nope", null, "x", default)).Outcome);

        var events = await store.EventsAsync(job.Id, 0, 10, default);
        Assert.Equal(["submitted", "cancelled"], events.Select(e => e.Type));
        Assert.Contains("changed my mind", events[1].Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_transition_computed_from_an_old_version_is_refused()
    {
        var store = await Open();
        var job = (await store.SubmitAsync([Job("acme", "a")], default))[0];
        var placed = await store.TransitionAsync([new JobTransition(job.Id, 1, JobState.Placed, "placed", null, """{"pool":"p1"}""")], default);
        Assert.Equal(JobState.Placed, placed[0]!.State);
        var stale = await store.TransitionAsync([new JobTransition(job.Id, 1, JobState.Placed, "placed", null, """{"pool":"p2"}""")], default);
        Assert.Null(stale[0]);
        Assert.Equal("""{"pool":"p1"}""", (await store.FindJobAsync(job.Id, default))!.Placement);
    }

    [Fact]
    public async Task Concurrent_submissions_share_commits_and_all_survive_a_reopen()
    {
        var store = await Open();
        var commitsBefore = store.Commits;
        var submissions = Enumerable.Range(0, 500).Select(i => store.SubmitAsync([Job("acme", $"job-{i}")], default)).ToArray();
        var ids = (await Task.WhenAll(submissions)).Select(r => r[0].Id).ToHashSet();
        Assert.Equal(500, ids.Count);
        // Group commit: far fewer transactions than submissions (each waits for at most one commit in flight).
        Assert.True(store.Commits - commitsBefore < 250, $"{store.Commits - commitsBefore} commits for 500 submissions");
        await store.DisposeAsync();

        var reopened = await Open();
        var listed = await reopened.ListJobsAsync(new JobQuery("acme", null, null, 1000), default);
        Assert.Equal(ids.Order(StringComparer.Ordinal), listed.Jobs.Select(j => j.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_failing_write_fails_alone_in_its_batch()
    {
        var store = await Open();
        // Fifty writers race to create the same object (only one can), while fifty submissions go in the same batches.
        var creates = Enumerable.Range(0, 50).Select(i => store.PutObjectAsync("datasets", "contested", "acme", $$"""{"n":{{i}}}""", expectedVersion: 0, default)).ToArray();
        var submissions = Enumerable.Range(0, 50).Select(i => store.SubmitAsync([Job("acme", $"beside-{i}")], default)).ToArray();
        await Task.WhenAll(submissions);
        var outcomes = await Task.WhenAll(creates.Select(async c =>
        {
            try
            {
                await c;
                return true;
            }
            catch (StoreConflictException)
            {
                return false;
            }
        }));
        Assert.Equal(1, outcomes.Count(created => created));
        Assert.Equal(50, (await store.ListJobsAsync(new JobQuery("acme", null, null, 100), default)).Jobs.Count);
        Assert.Equal(1, (await store.FindObjectAsync("datasets", "contested", default))!.Version);
    }

    [Fact]
    public async Task A_lease_has_one_holder_until_it_expires()
    {
        var store = await Open();
        Assert.True(await store.TryAcquireLeaseAsync("scheduler", "replica-a", TimeSpan.FromSeconds(10), default));
        Assert.False(await store.TryAcquireLeaseAsync("scheduler", "replica-b", TimeSpan.FromSeconds(10), default));
        Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True(await store.TryAcquireLeaseAsync("scheduler", "replica-a", TimeSpan.FromSeconds(10), default)); // renewal
        Clock.Advance(TimeSpan.FromSeconds(11));
        Assert.True(await store.TryAcquireLeaseAsync("scheduler", "replica-b", TimeSpan.FromSeconds(10), default));
        Assert.False(await store.TryAcquireLeaseAsync("scheduler", "replica-a", TimeSpan.FromSeconds(10), default));
        Assert.True(await store.ReleaseLeaseAsync("scheduler", "replica-b", default));
        Assert.True(await store.TryAcquireLeaseAsync("scheduler", "replica-a", TimeSpan.FromSeconds(10), default));
    }

    [Fact]
    public async Task Objects_keep_versions_and_owners()
    {
        var store = await Open();
        var created = await store.PutObjectAsync("pools", "bj/ai", "p-east", """{"nodes":4}""", expectedVersion: 0, default);
        Assert.Equal(1, created.Version);
        await Assert.ThrowsAsync<StoreConflictException>(() => store.PutObjectAsync("pools", "bj/ai", "p-east", "{}", expectedVersion: 0, default));
        await Assert.ThrowsAsync<StoreConflictException>(() => store.PutObjectAsync("pools", "bj/ai", "p-west", "{}", expectedVersion: null, default));
        var updated = await store.PutObjectAsync("pools", "bj/ai", "p-east", """{"nodes":8}""", expectedVersion: 1, default);
        Assert.Equal(2, updated.Version);
        Assert.Equal("""{"nodes":8}""", (await store.FindObjectAsync("pools", "bj/ai", default))!.Body);
        await store.PutObjectAsync("pools", "sh/hpc", "p-west", "{}", null, default);
        Assert.Equal(["bj/ai"], (await store.ListObjectsAsync("pools", "p-east", null, 10, default)).Select(o => o.Id));
        Assert.Equal(2, (await store.ListObjectsAsync("pools", null, null, 10, default)).Count);
    }

    [Fact]
    public async Task Tokens_are_stored_as_hashes_and_found_by_id()
    {
        var store = await Open();
        var token = new TokenRecord("t-1", [1, 2, 3], Role.Tenant, "acme", Clock.GetUtcNow(), null);
        await store.AddTokenAsync(token, default);
        var found = await store.FindTokenAsync("t-1", default);
        Assert.Equal([1, 2, 3], found!.SecretHash);
        Assert.Equal(Role.Tenant, found.Role);
        Assert.Null(await store.FindTokenAsync("t-2", default));
    }
}

/// <summary>The contract on a real SQLite file.</summary>
public sealed class SqliteControlStoreTests : ControlStoreContract
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"suanwang-store-{Guid.NewGuid():N}");

    /// <inheritdoc/>
    protected override StoreLocation Location => new(StoreKind.Sqlite, Path.Combine(_directory, "state.db"));

    [Fact]
    public async Task A_database_from_a_newer_build_is_refused()
    {
        await using (var store = await ControlStore.OpenAsync(Location, Clock, default))
        {
        }
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Location.Target};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)";
            await command.ExecuteNonQueryAsync();
        }
        var error = await Assert.ThrowsAsync<StoreException>(() => ControlStore.OpenAsync(Location, Clock, default));
        Assert.Contains("newer than this build", error.Message, StringComparison.Ordinal);
    }
}

/// <summary>The contract on a real PostgreSQL server started for the run.</summary>
[Collection(PostgresGroup.Name)]
public sealed class PostgresControlStoreTests(PostgresServer server) : ControlStoreContract
{
    private string _connectionString = "";

    /// <inheritdoc/>
    protected override StoreLocation Location => new(StoreKind.Postgres, _connectionString);

    /// <inheritdoc/>
    public override async Task InitializeAsync() => _connectionString = await server.NewDatabaseAsync();
}
