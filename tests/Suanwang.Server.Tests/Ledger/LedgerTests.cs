using Suanwang.Server.Ledger;
using LedgerLog = Suanwang.Server.Ledger.Ledger;

namespace Suanwang.Server.Tests.Ledger;

public sealed class LedgerTests : IDisposable
{
    private readonly LedgerSigner _signer = LedgerSigner.Ephemeral();
    private readonly ManualClock _clock = new(LedgerFixtures.Start);

    public void Dispose() => _signer.Dispose();

    private LedgerLog NewLedger(ILedgerStorage? storage = null) => new(storage ?? new InMemoryLedgerStorage(), _signer, _clock);

    [Fact]
    public void Appends_number_entries_in_order_and_store_their_canonical_bytes()
    {
        var ledger = NewLedger();
        Assert.Equal([0L, 1, 2], ledger.Append(LedgerFixtures.Events(0, 3)));
        Assert.Equal([3L, 4], ledger.Append(LedgerFixtures.Events(3, 2)));
        Assert.Empty(ledger.Append([]));
        Assert.Equal(5, ledger.Size);
        for (var i = 0; i < 5; i++)
        {
            var stored = ledger.Entry(i)!;
            var expected = LedgerEntryEncoding.Encode(new LedgerEntry(i, LedgerFixtures.Event(i)));
            Assert.Equal(expected, stored.Entry);
            Assert.Equal(RfcReference.Leaf(expected), stored.LeafHash);
        }
        Assert.Null(ledger.Entry(5));
        Assert.Null(ledger.Entry(-1));
    }

    [Fact]
    public void Tree_heads_are_signed_over_the_RFC_root_of_the_entries()
    {
        var ledger = NewLedger();
        var head0 = ledger.TreeHead();
        Assert.Equal(0, head0.TreeSize);
        Assert.Equal(RfcReference.Mth([]), head0.RootHash.ToArray());
        ledger.Append(LedgerFixtures.Events(0, 11));
        _clock.Now = _clock.Now.AddMinutes(1);
        var head = ledger.TreeHead();
        var entries = Enumerable.Range(0, 11).Select(i => ledger.Entry(i)!.Entry).ToList();
        Assert.Equal(11, head.TreeSize);
        Assert.Equal(LedgerFixtures.Start.AddMinutes(1).ToUnixTimeMilliseconds(), head.Timestamp);
        Assert.Equal(RfcReference.Mth(entries), head.RootHash.ToArray());
        using var verifier = LedgerFixtures.VerifierFor(ledger);
        Assert.True(verifier.Verify(head0, head, ledger.ConsistencyProof(0, 11), LedgerFixtures.Checks(ledger, 11)).Ok);
    }

    [Fact]
    public void A_client_following_the_log_verifies_every_step_and_old_proofs_stay_valid()
    {
        var ledger = NewLedger();
        using var verifier = LedgerFixtures.VerifierFor(ledger);
        SignedTreeHead? seen = null;
        var total = 0;
        for (var batch = 1; batch <= 12; batch++)
        {
            ledger.Append(LedgerFixtures.Events(total, batch));
            total += batch;
            var head = ledger.TreeHead();
            var proof = seen is null ? null : ledger.ConsistencyProof(seen.TreeSize, head.TreeSize);
            var result = verifier.Verify(seen, head, proof, LedgerFixtures.Checks(ledger, head.TreeSize));
            Assert.True(result.Ok, string.Join("; ", result.Failures));
            // A proof against an earlier head still holds after the log grew.
            if (seen is not null)
                Assert.True(MerkleProofVerifier.VerifyInclusion(ledger.Entry(0)!.LeafHash, 0, seen.TreeSize,
                    ledger.InclusionProof(0, seen.TreeSize).AuditPath, seen.RootHash.Span));
            seen = head;
        }
    }

    [Fact]
    public void The_verifier_names_each_failure()
    {
        var ledger = NewLedger();
        ledger.Append(LedgerFixtures.Events(0, 6));
        var old = ledger.TreeHead();
        ledger.Append(LedgerFixtures.Events(6, 4));
        var head = ledger.TreeHead();
        var consistency = ledger.ConsistencyProof(6, 10);
        var checks = LedgerFixtures.Checks(ledger, 10);
        using var verifier = LedgerFixtures.VerifierFor(ledger);
        Assert.True(verifier.Verify(old, head, consistency, checks).Ok);

        static LedgerFailureKind[] Kinds(LedgerVerification v) => [.. v.Failures.Select(f => f.Kind)];

        // A forged current head: nothing else can be trusted.
        var forged = head with { TreeSize = 9 };
        Assert.Equal([LedgerFailureKind.BadSignature], Kinds(verifier.Verify(old, forged, consistency, checks)));
        // A forged earlier head.
        Assert.Equal([LedgerFailureKind.BadSignature], Kinds(verifier.Verify(old with { Timestamp = 1 }, head, consistency, checks)));
        // Heads of another log (a fork signed with the same key) are inconsistent.
        var fork = NewLedger();
        fork.Append(LedgerFixtures.Events(100, 6));
        Assert.Equal([LedgerFailureKind.InconsistentHeads], Kinds(verifier.Verify(fork.TreeHead(), head, consistency, checks)));
        // Equal sizes need no proof, but then the roots must be equal.
        Assert.True(verifier.Verify(head, ledger.TreeHead(), null, checks).Ok);
        Assert.Equal([LedgerFailureKind.InconsistentHeads], Kinds(verifier.Verify(fork.TreeHead(), old, null, [])));
        // A shrinking log and a missing or mismatched proof.
        Assert.Equal([LedgerFailureKind.InconsistentHeads], Kinds(verifier.Verify(head, old, ledger.ConsistencyProof(6, 6), [])));
        Assert.Equal([LedgerFailureKind.InconsistentHeads], Kinds(verifier.Verify(old, head, null, checks)));
        Assert.Equal([LedgerFailureKind.InconsistentHeads], Kinds(verifier.Verify(old, head, ledger.ConsistencyProof(5, 10), checks)));
        // An entry whose bytes changed but whose recorded leaf hash did not.
        var altered = checks[3] with { Entry = LedgerEntryEncoding.Encode(new LedgerEntry(3, LedgerFixtures.Event(4))) };
        var result = verifier.Verify(old, head, consistency, [altered]);
        Assert.Equal([LedgerFailureKind.EntryAltered], Kinds(result));
        Assert.Equal(3, result.Failures[0].Index);
        // The same change seen by a client without the served leaf hash: the proof no longer holds.
        Assert.Equal([LedgerFailureKind.EntryNotIncluded], Kinds(verifier.Verify(old, head, consistency, [altered with { ServedLeafHash = default }])));
        // Bytes that claim another index, a copy kept earlier that differs, a proof for another leaf or tree.
        Assert.Equal([LedgerFailureKind.EntryAltered], Kinds(verifier.Verify(null, head, null, [checks[3] with { Index = 4 }])));
        Assert.Equal([LedgerFailureKind.EntryAltered], Kinds(verifier.Verify(null, head, null, [checks[3] with { KeptCopy = checks[2].Entry }])));
        Assert.True(verifier.Verify(null, head, null, [checks[3] with { KeptCopy = checks[3].Entry }]).Ok);
        Assert.Equal([LedgerFailureKind.EntryNotIncluded], Kinds(verifier.Verify(null, head, null, [checks[3] with { Proof = ledger.InclusionProof(3, 6) }])));
        Assert.Equal([LedgerFailureKind.EntryNotIncluded], Kinds(verifier.Verify(null, head, null, [checks[3] with { Proof = checks[2].Proof with { LeafIndex = 3 } }])));
        // A verifier pinned to another key refuses the genuine head.
        using var stranger = LedgerSigner.Ephemeral();
        using var wrongPin = new LedgerVerifier(stranger.PublicKeyPem);
        Assert.Equal([LedgerFailureKind.BadSignature], Kinds(wrongPin.Verify(null, head, null, checks)));
    }

    [Fact]
    public void Proof_requests_outside_the_log_are_refused()
    {
        var ledger = NewLedger();
        ledger.Append(LedgerFixtures.Events(0, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => ledger.InclusionProof(4, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => ledger.InclusionProof(0, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => ledger.ConsistencyProof(3, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => ledger.ConsistencyProof(1, 5));
        Assert.Empty(ledger.ConsistencyProof(4, 4).ConsistencyPath);
    }

    [Fact]
    public async Task Concurrent_appends_and_proofs_keep_one_consistent_log()
    {
        var ledger = NewLedger();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 50; i++)
                ledger.Append(LedgerFixtures.Events((w * 1000) + (i * 2), 2));
        }));
        var reader = Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                var head = ledger.TreeHead();
                if (head.TreeSize == 0)
                    continue;
                var index = i % head.TreeSize;
                var proof = ledger.InclusionProof(index, head.TreeSize);
                Assert.True(MerkleProofVerifier.VerifyInclusion(ledger.Entry(index)!.LeafHash, index, head.TreeSize, proof.AuditPath, head.RootHash.Span));
            }
        });
        await Task.WhenAll([.. writers, reader]);
        Assert.Equal(400, ledger.Size);
        var entries = Enumerable.Range(0, 400).Select(i => ledger.Entry(i)!).ToList();
        Assert.All(entries, (e, i) => Assert.Equal(i, LedgerEntryEncoding.Decode(e.Entry).Index));
        Assert.Equal(RfcReference.Mth([.. entries.Select(e => e.Entry)]), ledger.RootHash(400));
    }
}
