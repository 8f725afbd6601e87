using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Suanwang.Server.Ledger;

/// <summary>
/// Ledger storage in the SQLite table <c>ledger_entries(idx INTEGER PRIMARY KEY, entry BLOB NOT NULL,
/// leaf_hash BLOB NOT NULL)</c>. Opens a (pooled) connection per call, so readers never wait on each other.
/// </summary>
internal sealed class SqliteLedgerStorage : ILedgerStorage
{
    private readonly string _connectionString;

    /// <summary>Storage in the database of <paramref name="connectionString"/>; creates the table when missing.</summary>
    public SqliteLedgerStorage(string connectionString)
    {
        _connectionString = connectionString;
        using var connection = Open();
        using (var wal = connection.CreateCommand())
        {
            // Readers (proofs, entries) then never block the appender, nor it them.
            wal.CommandText = "PRAGMA journal_mode=WAL";
            wal.ExecuteNonQuery();
        }
        EnsureSchema(connection);
    }

    /// <summary>Creates the ledger table when missing (a store's migrations may call this on their own connection).</summary>
    public static void EnsureSchema(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            "CREATE TABLE IF NOT EXISTS ledger_entries(idx INTEGER PRIMARY KEY, entry BLOB NOT NULL, leaf_hash BLOB NOT NULL)";
        command.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public long Count(DbTransaction? transaction = null)
    {
        if (transaction is not null)
            return Count(AsSqlite(transaction).Connection!, AsSqlite(transaction));
        using var connection = Open();
        return Count(connection, null);
    }

    /// <inheritdoc />
    public void Append(IReadOnlyList<StoredEntry> entries, DbTransaction? transaction = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (transaction is not null)
        {
            var sqlite = AsSqlite(transaction);
            Insert(sqlite.Connection!, sqlite, entries);
            return;
        }
        using var connection = Open();
        using var own = connection.BeginTransaction();
        Insert(connection, own, entries);
        own.Commit();
    }

    /// <inheritdoc />
    public StoredEntry? Read(long index)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT entry, leaf_hash FROM ledger_entries WHERE idx = $idx";
        command.Parameters.AddWithValue("$idx", index);
        using var reader = command.ExecuteReader();
        return reader.Read() ? new StoredEntry(index, (byte[])reader[0], (byte[])reader[1]) : null;
    }

    /// <inheritdoc />
    public IEnumerable<byte[]> LeafHashes(long from)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT idx, leaf_hash FROM ledger_entries WHERE idx >= $from ORDER BY idx";
        command.Parameters.AddWithValue("$from", from);
        using var reader = command.ExecuteReader();
        for (var expected = from; reader.Read(); expected++)
        {
            // A hole would silently shift every later leaf; refuse to build a tree over it.
            if (reader.GetInt64(0) != expected)
                throw new InvalidDataException($"ledger_entries has no row {expected} (next is {reader.GetInt64(0)}).");
            yield return (byte[])reader[1];
        }
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static long Count(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        // Rows are 0..n-1 (Append refuses anything else), so max + 1 is the count without a scan.
        command.CommandText = "SELECT COALESCE(MAX(idx) + 1, 0) FROM ledger_entries";
        return (long)command.ExecuteScalar()!;
    }

    private static void Insert(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<StoredEntry> entries)
    {
        var next = Count(connection, transaction);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO ledger_entries(idx, entry, leaf_hash) VALUES ($idx, $entry, $leaf)";
        var idx = command.Parameters.Add("$idx", SqliteType.Integer);
        var entry = command.Parameters.Add("$entry", SqliteType.Blob);
        var leaf = command.Parameters.Add("$leaf", SqliteType.Blob);
        command.Prepare();
        foreach (var stored in entries)
        {
            if (stored.Index != next++)
                throw new InvalidOperationException($"Ledger entry {stored.Index} does not continue a log of {next - 1}.");
            idx.Value = stored.Index;
            entry.Value = stored.Entry;
            leaf.Value = stored.LeafHash;
            command.ExecuteNonQuery();
        }
    }

    private static SqliteTransaction AsSqlite(DbTransaction transaction) =>
        transaction as SqliteTransaction ?? throw new ArgumentException("SQLite ledger storage joins only SQLite transactions.", nameof(transaction));
}
