using Suanwang.Server.Ledger;
using LedgerLog = Suanwang.Server.Ledger.Ledger;

namespace Suanwang.Server.Tests.Ledger;

/// <summary>
/// Someone with write access to the database changes one byte of one stored entry or leaf hash; the
/// server restarts and rebuilds its tree from storage. A client holding the head signed before the
/// change must then see verification fail — for every byte of every row (byte i flipped at bit i mod 8,
/// so every bit position is exercised too).
/// </summary>
public sealed class LedgerTamperingTests : IDisposable
{
    private const int Entries = 9;
    private readonly LedgerSigner _signer = LedgerSigner.Ephemeral();

    public void Dispose() => _signer.Dispose();

    private (List<StoredEntry> Rows, SignedTreeHead Head) SignedLog()
    {
        var ledger = new LedgerLog(new InMemoryLedgerStorage(), _signer);
        ledger.Append(LedgerFixtures.Events(0, Entries));
        return ([.. Enumerable.Range(0, Entries).Select(i => ledger.Entry(i)!)], ledger.TreeHead());
    }

    private LedgerLog Restarted(List<StoredEntry> rows, StoredEntry tampered)
    {
        var storage = new InMemoryLedgerStorage();
        storage.Append(rows);
        storage.Tamper(tampered);
        return new LedgerLog(storage, _signer);
    }

    private static byte[] Alter(byte[] bytes, int index)
    {
        var copy = (byte[])bytes.Clone();
        copy[index] ^= (byte)(1 << (index % 8));
        return copy;
    }

    [Fact]
    public void Changing_any_byte_of_any_stored_entry_is_reported_as_that_entry_altered()
    {
        var (rows, seen) = SignedLog();
        using var verifier = new LedgerVerifier(_signer.PublicKeyPem);
        var cases = 0;
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Entry.Length; i++)
            {
                // The leaf hash column is untouched, so the rebuilt tree still matches the signed head;
                // the served bytes no longer hash to their leaf.
                var ledger = Restarted(rows, row with { Entry = Alter(row.Entry, i) });
                var head = ledger.TreeHead();
                var result = verifier.Verify(seen, head, ledger.ConsistencyProof(seen.TreeSize, head.TreeSize), LedgerFixtures.Checks(ledger, head.TreeSize));
                var failure = Assert.Single(result.Failures);
                Assert.Equal((LedgerFailureKind.EntryAltered, row.Index), (failure.Kind, failure.Index!.Value));
                // A client that does not get the served leaf hash still fails (not included, or not canonical).
                var bare = verifier.Verify(seen, head, ledger.ConsistencyProof(seen.TreeSize, head.TreeSize),
                    LedgerFixtures.Checks(ledger, head.TreeSize, withServedLeafHash: false));
                Assert.Equal(row.Index, Assert.Single(bare.Failures).Index);
                cases++;
            }
        }
        Assert.True(cases > Entries * 100, $"{cases} alterations tried");
    }

    [Fact]
    public void Changing_any_byte_of_any_stored_leaf_hash_makes_the_rebuilt_log_inconsistent_with_the_signed_head()
    {
        var (rows, seen) = SignedLog();
        using var verifier = new LedgerVerifier(_signer.PublicKeyPem);
        foreach (var row in rows)
        {
            for (var i = 0; i < MerkleHashing.HashSize; i++)
            {
                var ledger = Restarted(rows, row with { LeafHash = Alter(row.LeafHash, i) });
                var head = ledger.TreeHead();
                Assert.NotEqual(seen.RootHash.ToArray(), head.RootHash.ToArray());
                var result = verifier.Verify(seen, head, ledger.ConsistencyProof(seen.TreeSize, head.TreeSize), LedgerFixtures.Checks(ledger, head.TreeSize));
                Assert.Equal(
                    [(LedgerFailureKind.InconsistentHeads, (long?)null), (LedgerFailureKind.EntryAltered, row.Index)],
                    result.Failures.Select(f => (f.Kind, f.Index)));
            }
        }
    }

    [Fact]
    public void A_server_that_still_holds_the_old_tree_serves_altered_bytes_that_fail_inclusion()
    {
        // No restart: the tree in memory is the honest one, the row underneath was changed.
        var storage = new InMemoryLedgerStorage();
        var ledger = new LedgerLog(storage, _signer);
        ledger.Append(LedgerFixtures.Events(0, Entries));
        var row = ledger.Entry(4)!;
        var forged = LedgerEntryEncoding.Encode(new LedgerEntry(4, LedgerFixtures.Event(40)));
        storage.Tamper(row with { Entry = forged, LeafHash = MerkleHashing.LeafHash(forged) }); // a careful forger
        var head = ledger.TreeHead();
        using var verifier = new LedgerVerifier(_signer.PublicKeyPem);
        var failure = Assert.Single(verifier.Verify(null, head, null, LedgerFixtures.Checks(ledger, head.TreeSize)).Failures);
        Assert.Equal((LedgerFailureKind.EntryNotIncluded, 4L), (failure.Kind, failure.Index!.Value));
    }
}
