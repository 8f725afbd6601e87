using System.Data.Common;

namespace Suanwang.Server.Store;

/// <summary>
/// The schema, as numbered steps applied in order, each exactly once, in one transaction with its
/// record in <c>schema_migrations</c>. A database newer than this build is refused rather than
/// guessed at. New steps are appended; applied ones are never edited.
/// </summary>
internal static class Migrations
{
    /// <summary>The steps; index + 1 is the version.</summary>
    public static IReadOnlyList<Func<SqlDialect, string>> Steps { get; } =
    [
        d => $"""
            CREATE TABLE events (
                seq {d.SequenceKey},
                stream TEXT NOT NULL,
                type TEXT NOT NULL,
                at BIGINT NOT NULL,
                data TEXT NOT NULL);
            CREATE INDEX events_stream ON events (stream, seq);
            CREATE TABLE jobs (
                id TEXT PRIMARY KEY,
                tenant TEXT NOT NULL,
                name TEXT NOT NULL,
                state TEXT NOT NULL,
                priority TEXT NOT NULL,
                spec TEXT NOT NULL,
                submitted_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                version BIGINT NOT NULL,
                reason TEXT NULL,
                placement TEXT NULL,
                idempotency_key TEXT NULL);
            CREATE UNIQUE INDEX jobs_idempotency ON jobs (tenant, idempotency_key) WHERE idempotency_key IS NOT NULL;
            CREATE INDEX jobs_tenant ON jobs (tenant, id);
            CREATE INDEX jobs_state ON jobs (state, id);
            CREATE TABLE tokens (
                id TEXT PRIMARY KEY,
                secret_hash {d.Binary} NOT NULL,
                role TEXT NOT NULL,
                subject TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                revoked_at BIGINT NULL);
            CREATE TABLE objects (
                kind TEXT NOT NULL,
                id TEXT NOT NULL,
                owner TEXT NULL,
                body TEXT NOT NULL,
                version BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                PRIMARY KEY (kind, id));
            CREATE INDEX objects_owner ON objects (kind, owner, id);
            CREATE TABLE leases (
                name TEXT PRIMARY KEY,
                holder TEXT NOT NULL,
                expires_at BIGINT NOT NULL);
            """,
        d => $"""
            CREATE TABLE IF NOT EXISTS ledger_entries (
                idx {d.Int64Key},
                entry {d.Binary} NOT NULL,
                leaf_hash {d.Binary} NOT NULL);
            CREATE TABLE cursors (
                name TEXT PRIMARY KEY,
                position BIGINT NOT NULL);
            """,
    ];

    /// <summary>Applies every step the database lacks; returns the version it is at.</summary>
    public static async Task<int> ApplyAsync(SqlDialect dialect, DbConnection connection, DateTimeOffset now, CancellationToken cancel)
    {
        await dialect.PrepareAsync(connection, cancel).ConfigureAwait(false);
        await Sql.ExecuteAsync(connection, null,
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)", cancel).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancel).ConfigureAwait(false);
        await dialect.LockForMigrationAsync(connection, transaction, cancel).ConfigureAwait(false);
        var applied = (await Sql.QueryAsync(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            r => r.GetInt64(0), cancel).ConfigureAwait(false))[0];
        if (applied > Steps.Count)
            throw new StoreException($"the database is at schema version {applied}, newer than this build's {Steps.Count}; upgrade suanwang");
        for (var version = (int)applied + 1; version <= Steps.Count; version++)
        {
            await Sql.ExecuteAsync(connection, transaction, Steps[version - 1](dialect), cancel).ConfigureAwait(false);
            await Sql.ExecuteAsync(connection, transaction, "INSERT INTO schema_migrations (version, applied_at) VALUES (@v, @at)", cancel,
                ("v", (long)version), ("at", Sql.Micros(now))).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancel).ConfigureAwait(false);
        return Steps.Count;
    }
}

/// <summary>The store cannot be used as asked (bad schema version, unreachable database).</summary>
public sealed class StoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreException() { }

    /// <summary>Creates the exception with a message.</summary>
    public StoreException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and cause.</summary>
    public StoreException(string message, Exception inner) : base(message, inner) { }
}
