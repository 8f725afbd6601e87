using Suanwang.Server.Store;
using Microsoft.Data.Sqlite;
using Suanwang.Server.Ledger;
using LedgerLog = Suanwang.Server.Ledger.Ledger;

namespace Suanwang.Server.Tests.Ledger;

public sealed class SqliteLedgerStorageTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("suanwang-ledger-db-").FullName;
    private readonly LedgerSigner _signer = LedgerSigner.Ephemeral();

    private string ConnectionString => $"Data Source={Path.Combine(_directory, "ledger.db")}";

    public void Dispose()
    {
        _signer.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private LedgerLog Open() => new(SqlLedgerStorage.Sqlite(ConnectionString["Data Source=".Length..]), _signer);

    private void Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        command.ExecuteNonQuery();
    }

    [Fact]
    public void The_log_survives_reopening_and_keeps_growing_consistently()
    {
        SignedTreeHead before;
        byte[][] entries;
        {
            var ledger = Open();
            ledger.Append(LedgerFixtures.Events(0, 5));
            ledger.Append(LedgerFixtures.Events(5, 8));
            before = ledger.TreeHead();
            entries = [.. Enumerable.Range(0, 13).Select(i => ledger.Entry(i)!.Entry)];
        }
        SqliteConnection.ClearAllPools();
        var reopened = Open();
        Assert.Equal(13, reopened.Size);
        Assert.Equal(before.RootHash.ToArray(), reopened.RootHash(13));
        Assert.Equal(RfcReference.Mth(entries), reopened.RootHash(13));
        Assert.Equal([13L, 14, 15], reopened.Append(LedgerFixtures.Events(13, 3)));
        var after = reopened.TreeHead();
        using var verifier = new LedgerVerifier(_signer.PublicKeyPem);
        var result = verifier.Verify(before, after, reopened.ConsistencyProof(13, 16), LedgerFixtures.Checks(reopened, 16));
        Assert.True(result.Ok, string.Join("; ", result.Failures));
    }

    [Fact]
    public void Rows_changed_in_the_database_fail_verification_after_a_restart()
    {
        var ledger = Open();
        ledger.Append(LedgerFixtures.Events(0, 10));
        var seen = ledger.TreeHead();
        using var verifier = new LedgerVerifier(_signer.PublicKeyPem);

        LedgerFailureKind[] VerifyRestarted()
        {
            SqliteConnection.ClearAllPools();
            var restarted = Open();
            var head = restarted.TreeHead();
            return [.. verifier.Verify(seen, head, restarted.ConsistencyProof(seen.TreeSize, head.TreeSize),
                LedgerFixtures.Checks(restarted, head.TreeSize)).Failures.Select(f => f.Kind)];
        }

        Assert.Empty(VerifyRestarted()); // the control: an untouched database verifies
        var original = ledger.Entry(6)!;
        // One byte of the entry: the placement's cost edited in place.
        var edited = (byte[])original.Entry.Clone();
        edited[Array.LastIndexOf(edited, (byte)'6')] = (byte)'1';
        Execute("UPDATE ledger_entries SET entry = $e WHERE idx = 6", ("$e", edited));
        Assert.Equal([LedgerFailureKind.EntryAltered], VerifyRestarted());
        // The entry and its leaf hash rewritten together: the rebuilt tree no longer matches the signed head.
        Execute("UPDATE ledger_entries SET leaf_hash = $h WHERE idx = 6", ("$h", MerkleHashing.LeafHash(edited)));
        Assert.Equal([LedgerFailureKind.InconsistentHeads], VerifyRestarted());
        // A deleted row leaves a hole: the log refuses to open rather than shift later entries.
        Execute("DELETE FROM ledger_entries WHERE idx = 3");
        SqliteConnection.ClearAllPools();
        Assert.Throws<InvalidDataException>(Open);
    }

    [Fact]
    public void Entries_appended_in_the_callers_transaction_commit_or_vanish_with_it()
    {
        var ledger = Open();
        ledger.Append(LedgerFixtures.Events(0, 2));
        using (var connection = new SqliteConnection(ConnectionString))
        {
            connection.Open();
            using (var rolledBack = connection.BeginTransaction())
            {
                Assert.Equal([2L, 3], ledger.Append(LedgerFixtures.Events(2, 2), rolledBack));
                rolledBack.Rollback();
            }
            ledger.Resync();
            Assert.Equal(2, ledger.Size);
            using var committed = connection.BeginTransaction();
            Assert.Equal([2L, 3, 4], ledger.Append(LedgerFixtures.Events(10, 3), committed));
            committed.Commit();
        }
        SqliteConnection.ClearAllPools();
        var reopened = Open();
        Assert.Equal(5, reopened.Size);
        Assert.Equal(ledger.RootHash(5), reopened.RootHash(5));
        Assert.Equal("job-10", LedgerEntryEncoding.Decode(reopened.Entry(2)!.Entry).Event.Subject);
    }

    [Fact]
    public void Storage_refuses_a_batch_that_does_not_continue_the_log()
    {
        var storage = SqlLedgerStorage.Sqlite(ConnectionString["Data Source=".Length..]);
        var leaf = new byte[32];
        storage.Append([new StoredEntry(0, [1], leaf), new StoredEntry(1, [2], leaf)]);
        Assert.Throws<InvalidOperationException>(() => storage.Append([new StoredEntry(3, [3], leaf)]));
        Assert.Throws<InvalidOperationException>(() => storage.Append([new StoredEntry(1, [3], leaf)]));
        Assert.Equal(2, storage.Count());
        Assert.Equal([1], storage.Read(0)!.Entry);
        Assert.Null(storage.Read(2));
    }
}
