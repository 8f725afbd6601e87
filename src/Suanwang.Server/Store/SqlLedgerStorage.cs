using System.Data.Common;
using Suanwang.Server.Ledger;

namespace Suanwang.Server.Store;

/// <summary>
/// Ledger storage in the table <c>ledger_entries(idx, entry, leaf_hash)</c> of the control plane's
/// database, SQLite or PostgreSQL alike. Opens a (pooled) connection per read, so readers never wait on
/// each other; an append joins the caller's transaction when given one (the store's group commit).
/// </summary>
internal sealed class SqlLedgerStorage(SqlDialect dialect) : ILedgerStorage
{
    /// <summary>Storage in a SQLite file of its own (tests and tools), creating the table when missing.</summary>
    public static SqlLedgerStorage Sqlite(string path)
    {
        var dialect = new SqliteDialect(path);
        using var connection = dialect.Open();
        using (var wal = Sql.Command(connection, null, "PRAGMA journal_mode=WAL"))
            wal.ExecuteNonQuery();
        using (var create = Sql.Command(connection, null, Migrations.Steps[1](dialect).Split("CREATE TABLE cursors")[0]))
            create.ExecuteNonQuery();
        return new SqlLedgerStorage(dialect);
    }

    /// <inheritdoc />
    public long Count(DbTransaction? transaction = null)
    {
        if (transaction is not null)
            return Count(transaction.Connection!, transaction);
        using var connection = dialect.Open();
        return Count(connection, null);
    }

    /// <inheritdoc />
    public void Append(IReadOnlyList<StoredEntry> entries, DbTransaction? transaction = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (transaction is not null)
        {
            Insert(transaction.Connection!, transaction, entries);
            return;
        }
        using var connection = dialect.Open();
        using var own = connection.BeginTransaction();
        Insert(connection, own, entries);
        own.Commit();
    }

    /// <inheritdoc />
    public StoredEntry? Read(long index)
    {
        using var connection = dialect.Open();
        using var command = Sql.Command(connection, null, "SELECT entry, leaf_hash FROM ledger_entries WHERE idx = @idx", ("idx", index));
        using var reader = command.ExecuteReader();
        return reader.Read() ? new StoredEntry(index, reader.GetFieldValue<byte[]>(0), reader.GetFieldValue<byte[]>(1)) : null;
    }

    /// <inheritdoc />
    public IEnumerable<byte[]> LeafHashes(long from)
    {
        using var connection = dialect.Open();
        using var command = Sql.Command(connection, null, "SELECT idx, leaf_hash FROM ledger_entries WHERE idx >= @from ORDER BY idx", ("from", from));
        using var reader = command.ExecuteReader();
        for (var expected = from; reader.Read(); expected++)
        {
            // A hole would silently shift every later leaf; refuse to build a tree over it.
            if (reader.GetInt64(0) != expected)
                throw new InvalidDataException($"ledger_entries has no row {expected} (next is {reader.GetInt64(0)}).");
            yield return reader.GetFieldValue<byte[]>(1);
        }
    }

    private static long Count(DbConnection connection, DbTransaction? transaction)
    {
        // Rows are 0..n-1 (Append refuses anything else), so max + 1 is the count without a scan.
        using var command = Sql.Command(connection, transaction, "SELECT COALESCE(MAX(idx) + 1, 0) FROM ledger_entries");
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Insert(DbConnection connection, DbTransaction transaction, IReadOnlyList<StoredEntry> entries)
    {
        var next = Count(connection, transaction);
        foreach (var stored in entries)
        {
            if (stored.Index != next++)
                throw new InvalidOperationException($"Ledger entry {stored.Index} does not continue a log of {next - 1}.");
            using var command = Sql.Command(connection, transaction, "INSERT INTO ledger_entries (idx, entry, leaf_hash) VALUES (@idx, @entry, @leaf)",
                ("idx", stored.Index), ("entry", stored.Entry), ("leaf", stored.LeafHash));
            command.ExecuteNonQuery();
        }
    }
}
