using System.Data.Common;

namespace Suanwang.Server.Store;

/// <summary>
/// The control plane's durable state: an append-only event log with projections (jobs, tokens, registered
/// objects, leases) kept in the same transaction as the events that change them. One implementation over
/// ADO.NET serves SQLite (embedded default) and PostgreSQL (scale-out); they differ only in
/// <see cref="SqlDialect"/>. Every write goes through group commit and returns once durable.
/// </summary>
public sealed partial class ControlStore : IAsyncDisposable
{
    private readonly SqlDialect _dialect;
    private readonly GroupCommitWriter _writer;
    private readonly TimeProvider _clock;

    private ControlStore(StoreLocation location, SqlDialect dialect, TimeProvider clock)
    {
        Location = location;
        _dialect = dialect;
        _clock = clock;
        _writer = new GroupCommitWriter(dialect);
        LedgerStorage = new SqlLedgerStorage(dialect);
    }

    /// <summary>Where the ledger's entries live: this store's database.</summary>
    internal SqlLedgerStorage LedgerStorage { get; }

    /// <summary>Where the store lives.</summary>
    public StoreLocation Location { get; }

    /// <summary>How many transactions the writer has committed (each may carry many writes).</summary>
    public long Commits => _writer.Commits;

    /// <summary>Opens (creating or migrating as needed) the store at <paramref name="location"/>.</summary>
    public static async Task<ControlStore> OpenAsync(StoreLocation location, TimeProvider clock, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(clock);
        var dialect = SqlDialect.For(location);
        try
        {
            await using var connection = await dialect.OpenAsync(cancel).ConfigureAwait(false);
            await Migrations.ApplyAsync(dialect, connection, clock.GetUtcNow(), cancel).ConfigureAwait(false);
        }
        catch (DbException ex)
        {
            await dialect.DisposeAsync().ConfigureAwait(false);
            throw new StoreException($"cannot open the store {location}: {ex.Message}", ex);
        }
        catch
        {
            await dialect.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new ControlStore(location, dialect, clock);
    }

    /// <summary>The current time as the store records it.</summary>
    public DateTimeOffset Now => _clock.GetUtcNow();

    // ---- registered objects ------------------------------------------------------------------

    /// <summary>
    /// Creates or replaces an object. With <paramref name="expectedVersion"/> the write succeeds only if the
    /// object is at that version (0: must not exist); otherwise it always succeeds. Logs a <c>put</c> event.
    /// </summary>
    /// <exception cref="StoreConflictException">The object is not at <paramref name="expectedVersion"/>, or belongs to another owner.</exception>
    public Task<StoredObject> PutObjectAsync(string kind, string id, string? owner, string body, long? expectedVersion, CancellationToken cancel) =>
        _writer.WriteAsync(async (c, t, ct) =>
        {
            var now = Now;
            var current = await FindObjectAsync(c, t, kind, id, ct).ConfigureAwait(false);
            if (expectedVersion is { } expected && (current?.Version ?? 0) != expected)
                throw new StoreConflictException($"{kind}/{id} is at version {current?.Version ?? 0}, not {expected}");
            if (current is not null && current.Owner != owner)
                throw new StoreConflictException($"{kind}/{id} belongs to another owner");
            var version = (current?.Version ?? 0) + 1;
            await Sql.ExecuteAsync(c, t, current is null
                    ? "INSERT INTO objects (kind, id, owner, body, version, updated_at) VALUES (@k, @i, @o, @b, @v, @at)"
                    : "UPDATE objects SET body = @b, version = @v, updated_at = @at WHERE kind = @k AND id = @i",
                ct, ("k", kind), ("i", id), ("o", owner), ("b", body), ("v", version), ("at", Sql.Micros(now))).ConfigureAwait(false);
            await AppendEventAsync(c, t, $"{kind}/{id}", "put", now, body, ct).ConfigureAwait(false);
            return new StoredObject(kind, id, owner, body, version, now);
        }, cancel);

    /// <summary>The object, or null.</summary>
    public async Task<StoredObject?> FindObjectAsync(string kind, string id, CancellationToken cancel)
    {
        await using var connection = await _dialect.OpenAsync(cancel).ConfigureAwait(false);
        return await FindObjectAsync(connection, null, kind, id, cancel).ConfigureAwait(false);
    }

    /// <summary>Objects of one kind by id, optionally only one owner's, after a cursor, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<StoredObject>> ListObjectsAsync(string kind, string? owner, string? after, int limit, CancellationToken cancel)
    {
        await using var connection = await _dialect.OpenAsync(cancel).ConfigureAwait(false);
        return await Sql.QueryAsync(connection, null,
            "SELECT kind, id, owner, body, version, updated_at FROM objects WHERE kind = @k AND (@o IS NULL OR owner = @o) AND id > @after ORDER BY id LIMIT @n",
            ReadObject, cancel, ("k", kind), ("o", owner), ("after", after ?? ""), ("n", (long)limit)).ConfigureAwait(false);
    }

    private static async Task<StoredObject?> FindObjectAsync(DbConnection connection, DbTransaction? transaction, string kind, string id, CancellationToken cancel) =>
        (await Sql.QueryAsync(connection, transaction,
            "SELECT kind, id, owner, body, version, updated_at FROM objects WHERE kind = @k AND id = @i",
            ReadObject, cancel, ("k", kind), ("i", id)).ConfigureAwait(false)).FirstOrDefault();

    private static StoredObject ReadObject(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), Sql.Text(r, 2), r.GetString(3), r.GetInt64(4), Sql.Instant(r.GetInt64(5)));

    // ---- tokens ------------------------------------------------------------------------------

    /// <summary>Stores a token's hash (the secret itself is never stored).</summary>
    public Task<TokenRecord> AddTokenAsync(TokenRecord token, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _writer.WriteAsync(async (c, t, ct) =>
        {
            await Sql.ExecuteAsync(c, t, "INSERT INTO tokens (id, secret_hash, role, subject, created_at, revoked_at) VALUES (@i, @h, @r, @s, @at, NULL)",
                ct, ("i", token.Id), ("h", token.SecretHash), ("r", token.Role.ToString()), ("s", token.Subject), ("at", Sql.Micros(token.CreatedAt))).ConfigureAwait(false);
            await AppendEventAsync(c, t, $"tokens/{token.Id}", "created", token.CreatedAt,
                $$"""{"role":"{{token.Role}}","subject":{{Json.Quote(token.Subject)}}}""", ct).ConfigureAwait(false);
            return token;
        }, cancel);
    }

    /// <summary>The token with this id, or null.</summary>
    public async Task<TokenRecord?> FindTokenAsync(string id, CancellationToken cancel)
    {
        await using var connection = await _dialect.OpenAsync(cancel).ConfigureAwait(false);
        return (await Sql.QueryAsync(connection, null,
            "SELECT id, secret_hash, role, subject, created_at, revoked_at FROM tokens WHERE id = @i",
            r => new TokenRecord(r.GetString(0), r.GetFieldValue<byte[]>(1), Enum.Parse<Role>(r.GetString(2)), r.GetString(3),
                Sql.Instant(r.GetInt64(4)), r.IsDBNull(5) ? null : Sql.Instant(r.GetInt64(5))),
            cancel, ("i", id)).ConfigureAwait(false)).FirstOrDefault();
    }

    // ---- leases ------------------------------------------------------------------------------

    /// <summary>
    /// Takes or renews the lease <paramref name="name"/> for <paramref name="holder"/> until now +
    /// <paramref name="duration"/>, if it is free, expired or already the holder's. True when held.
    /// </summary>
    public Task<bool> TryAcquireLeaseAsync(string name, string holder, TimeSpan duration, CancellationToken cancel) =>
        _writer.WriteAsync(async (c, t, ct) =>
        {
            var now = Sql.Micros(Now);
            var expires = now + (long)duration.TotalMicroseconds;
            var changed = await Sql.ExecuteAsync(c, t,
                "UPDATE leases SET holder = @h, expires_at = @e WHERE name = @n AND (holder = @h OR expires_at < @now)",
                ct, ("h", holder), ("e", expires), ("n", name), ("now", now)).ConfigureAwait(false);
            if (changed == 0)
                changed = await Sql.ExecuteAsync(c, t,
                    "INSERT INTO leases (name, holder, expires_at) VALUES (@n, @h, @e) ON CONFLICT (name) DO NOTHING",
                    ct, ("n", name), ("h", holder), ("e", expires)).ConfigureAwait(false);
            return changed > 0;
        }, cancel);

    /// <summary>Gives up the lease if <paramref name="holder"/> holds it.</summary>
    public Task<bool> ReleaseLeaseAsync(string name, string holder, CancellationToken cancel) =>
        _writer.WriteAsync(async (c, t, ct) =>
            await Sql.ExecuteAsync(c, t, "DELETE FROM leases WHERE name = @n AND holder = @h", ct, ("n", name), ("h", holder)).ConfigureAwait(false) > 0,
            cancel);

    // ---- events ------------------------------------------------------------------------------

    /// <summary>
    /// Events of every stream after a sequence number, oldest first, at most <paramref name="limit"/>, each
    /// with the tenant of the job it concerns (null for other streams).
    /// </summary>
    internal async Task<IReadOnlyList<(StoredEvent Event, string? Tenant)>> EventsAfterAsync(long after, int limit, CancellationToken cancel)
    {
        await using var connection = await _dialect.OpenAsync(cancel).ConfigureAwait(false);
        return await Sql.QueryAsync(connection, null,
            "SELECT e.seq, e.stream, e.type, e.at, e.data, j.tenant FROM events e LEFT JOIN jobs j ON j.id = e.stream WHERE e.seq > @after ORDER BY e.seq LIMIT @n",
            r => (new StoredEvent(r.GetInt64(0), r.GetString(1), r.GetString(2), Sql.Instant(r.GetInt64(3)), r.GetString(4)), Sql.Text(r, 5)),
            cancel, ("after", after), ("n", (long)limit)).ConfigureAwait(false);
    }

    /// <summary>Events of one stream after a sequence number, oldest first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<StoredEvent>> EventsAsync(string stream, long after, int limit, CancellationToken cancel)
    {
        await using var connection = await _dialect.OpenAsync(cancel).ConfigureAwait(false);
        return await Sql.QueryAsync(connection, null,
            "SELECT seq, stream, type, at, data FROM events WHERE stream = @s AND seq > @after ORDER BY seq LIMIT @n",
            r => new StoredEvent(r.GetInt64(0), r.GetString(1), r.GetString(2), Sql.Instant(r.GetInt64(3)), r.GetString(4)),
            cancel, ("s", stream), ("after", after), ("n", (long)limit)).ConfigureAwait(false);
    }

    private static Task<int> AppendEventAsync(DbConnection connection, DbTransaction transaction, string stream, string type, DateTimeOffset at, string data, CancellationToken cancel) =>
        Sql.ExecuteAsync(connection, transaction, "INSERT INTO events (stream, type, at, data) VALUES (@s, @t, @at, @d)",
            cancel, ("s", stream), ("t", type), ("at", Sql.Micros(at)), ("d", data));

    /// <summary>Commits what is queued and closes the store.</summary>
    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync().ConfigureAwait(false);
        await _dialect.DisposeAsync().ConfigureAwait(false);
    }
}
