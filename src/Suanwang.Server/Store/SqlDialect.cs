using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Suanwang.Server.Store;

/// <summary>
/// What differs between SQLite and PostgreSQL for this store: how connections are made and prepared,
/// two column types, and how migrations are serialized. Everything else is the same SQL.
/// </summary>
internal abstract class SqlDialect : IAsyncDisposable
{
    /// <summary>The engine.</summary>
    public abstract StoreKind Kind { get; }

    /// <summary>An auto-numbered 64-bit primary key column definition.</summary>
    public abstract string SequenceKey { get; }

    /// <summary>The binary column type.</summary>
    public abstract string Binary { get; }

    /// <summary>Opens a connection ready for use.</summary>
    public abstract Task<DbConnection> OpenAsync(CancellationToken cancel);

    /// <summary>Opens a connection ready for use, synchronously (for the ledger's synchronous storage).</summary>
    public abstract DbConnection Open();

    /// <summary>A 64-bit primary key column given by the writer (not auto-numbered).</summary>
    public abstract string Int64Key { get; }

    /// <summary>Prepares the database once before migrations (journal mode and the like).</summary>
    public virtual Task PrepareAsync(DbConnection connection, CancellationToken cancel) => Task.CompletedTask;

    /// <summary>Takes whatever lock keeps two processes from migrating at once, inside <paramref name="transaction"/>.</summary>
    public virtual Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancel) => Task.CompletedTask;

    /// <inheritdoc/>
    public abstract ValueTask DisposeAsync();

    /// <summary>The dialect for <paramref name="location"/>.</summary>
    public static SqlDialect For(StoreLocation location) => location.Kind switch
    {
        StoreKind.Sqlite => new SqliteDialect(location.Target),
        _ => new PostgresDialect(location.Target),
    };
}

/// <summary>SQLite through Microsoft.Data.Sqlite: WAL journal, full synchronous commits (a commit is on disk when it returns).</summary>
internal sealed class SqliteDialect : SqlDialect
{
    private const string Pragmas = "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;";

    private readonly string _connectionString;

    public SqliteDialect(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
            Directory.CreateDirectory(directory);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public override StoreKind Kind => StoreKind.Sqlite;

    public override string SequenceKey => "INTEGER PRIMARY KEY";

    public override string Binary => "BLOB";

    public override string Int64Key => "INTEGER PRIMARY KEY"; // SQLite's rowid alias: the table is keyed by it directly

    public override DbConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = Pragmas;
        pragma.ExecuteNonQuery();
        return connection;
    }

    public override async Task<DbConnection> OpenAsync(CancellationToken cancel)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancel).ConfigureAwait(false);
        // FULL: in WAL mode every commit syncs the log, so an acknowledged write survives power loss,
        // not only a process crash. Group commit is what keeps this affordable.
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = Pragmas;
        await pragma.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
        return connection;
    }

    public override async Task PrepareAsync(DbConnection connection, CancellationToken cancel)
    {
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA journal_mode=WAL;";
        await pragma.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
    }

    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; a closed store must let go of it.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }
}

/// <summary>PostgreSQL through Npgsql; migrations serialized by a transaction-scoped advisory lock.</summary>
internal sealed class PostgresDialect(string connectionString) : SqlDialect
{
    // An arbitrary constant shared by every replica: "swmigr" in ASCII.
    private const long MigrationLockKey = 0x73776d696772;

    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(connectionString);

    public override StoreKind Kind => StoreKind.Postgres;

    public override string SequenceKey => "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";

    public override string Binary => "BYTEA";

    public override string Int64Key => "BIGINT PRIMARY KEY";

    public override DbConnection Open() => _source.OpenConnection();

    public override async Task<DbConnection> OpenAsync(CancellationToken cancel) =>
        await _source.OpenConnectionAsync(cancel).ConfigureAwait(false);

    public override async Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancel)
    {
        await using var command = Sql.Command(connection, transaction, "SELECT pg_advisory_xact_lock(@key)", ("key", MigrationLockKey));
        await command.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
    }

    public override ValueTask DisposeAsync() => _source.DisposeAsync();
}
