using System.Security.Cryptography;

namespace Suanwang.Server.Ledger;

/// <summary>What a ledger check found wrong.</summary>
public enum LedgerFailureKind
{
    /// <summary>A tree head's signature does not verify under the pinned key.</summary>
    BadSignature,

    /// <summary>The current head does not extend the one seen before (the log was rewritten or forked).</summary>
    InconsistentHeads,

    /// <summary>An entry's inclusion proof does not lead to the current head's root.</summary>
    EntryNotIncluded,

    /// <summary>An entry's bytes are not what the log recorded (not canonical, not the leaf hashed, or not the copy kept).</summary>
    EntryAltered,
}

/// <summary>One failed check.</summary>
/// <param name="Kind">What failed.</param>
/// <param name="Index">The entry concerned, or null for a failure of the heads.</param>
/// <param name="Message">What exactly did not hold, for a person.</param>
public sealed record LedgerFailure(LedgerFailureKind Kind, long? Index, string Message);

/// <summary>The outcome of <see cref="LedgerVerifier.Verify"/>: every failure found, none when the log checks out.</summary>
/// <param name="Failures">The failures, heads first, then entries in the order given.</param>
public sealed record LedgerVerification(IReadOnlyList<LedgerFailure> Failures)
{
    /// <summary>True when nothing failed.</summary>
    public bool Ok => Failures.Count == 0;
}

/// <summary>An entry to check against the current head, as the server served it.</summary>
/// <param name="Index">The entry's index.</param>
/// <param name="Entry">The entry's bytes as served.</param>
/// <param name="Proof">Its inclusion proof in the current head's tree.</param>
/// <param name="ServedLeafHash">The leaf hash the server says it recorded (empty when not served): lets a
/// change of the bytes be told apart from an entry that is simply not in the tree.</param>
/// <param name="KeptCopy">The client's own copy of the entry from an earlier visit (empty when none).</param>
public sealed record LedgerEntryCheck(long Index, ReadOnlyMemory<byte> Entry, InclusionProof Proof,
    ReadOnlyMemory<byte> ServedLeafHash = default, ReadOnlyMemory<byte> KeptCopy = default);

/// <summary>
/// The client side of the ledger (what <c>suanwang ledger verify</c> runs): with only a pinned public key,
/// checks that a tree head is signed, that it extends the head seen last, and that entries are in it
/// unchanged. Trusts nothing the server says beyond what the proofs and signatures establish.
/// </summary>
public sealed class LedgerVerifier : IDisposable
{
    private readonly ECDsa _key;

    /// <summary>A verifier pinned to the SPKI PEM public key <paramref name="publicKeyPem"/> (ECDSA P-256).</summary>
    public LedgerVerifier(string publicKeyPem)
    {
        ArgumentException.ThrowIfNullOrEmpty(publicKeyPem);
        _key = ECDsa.Create();
        _key.ImportFromPem(publicKeyPem);
        if (!TreeHeadSignature.IsNistP256(_key))
        {
            _key.Dispose();
            throw new CryptographicException("The ledger key is not an ECDSA P-256 key.");
        }
    }

    /// <summary>
    /// Checks <paramref name="current"/>'s signature; when <paramref name="previous"/> is given, its
    /// signature and that <paramref name="consistency"/> proves current extends it (null stands for the empty
    /// proof when the earlier size is 0 or both sizes are equal); then every entry.
    /// If the current head's signature fails nothing else is checked, since nothing can be proved against it.
    /// </summary>
    public LedgerVerification Verify(SignedTreeHead? previous, SignedTreeHead current, ConsistencyProof? consistency,
        IReadOnlyList<LedgerEntryCheck> entries)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(entries);
        var failures = new List<LedgerFailure>();
        if (!TreeHeadSignature.Verify(current, _key))
        {
            failures.Add(new(LedgerFailureKind.BadSignature, null,
                $"The current tree head (size {current.TreeSize}) is not signed by the pinned key; nothing else was checked."));
            return new LedgerVerification(failures);
        }
        if (previous is not null)
            CheckHeads(previous, current, consistency, failures);
        foreach (var check in entries)
        {
            if (CheckEntry(check, current) is { } failure)
                failures.Add(failure);
        }
        return new LedgerVerification(failures);
    }

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();

    private void CheckHeads(SignedTreeHead previous, SignedTreeHead current, ConsistencyProof? proof, List<LedgerFailure> failures)
    {
        if (!TreeHeadSignature.Verify(previous, _key))
        {
            failures.Add(new(LedgerFailureKind.BadSignature, null,
                $"The previously seen tree head (size {previous.TreeSize}) is not signed by the pinned key."));
            return;
        }
        // Between an empty log or equal sizes the proof is empty by definition; a client need not fetch it.
        if (proof is null && (previous.TreeSize == 0 || previous.TreeSize == current.TreeSize))
            proof = new ConsistencyProof(previous.TreeSize, current.TreeSize, []);
        string? problem = null;
        if (current.TreeSize < previous.TreeSize)
            problem = $"the log shrank from {previous.TreeSize} to {current.TreeSize} entries";
        else if (proof is null || proof.First != previous.TreeSize || proof.Second != current.TreeSize)
            problem = $"no consistency proof from {previous.TreeSize} to {current.TreeSize} was given";
        else if (!MerkleProofVerifier.VerifyConsistency(previous.TreeSize, current.TreeSize,
                     previous.RootHash.Span, current.RootHash.Span, proof.ConsistencyPath))
            problem = $"the tree of {current.TreeSize} entries does not extend the tree of {previous.TreeSize} seen before";
        if (problem is not null)
            failures.Add(new(LedgerFailureKind.InconsistentHeads, null, $"Inconsistent tree heads: {problem}."));
    }

    private static LedgerFailure? CheckEntry(LedgerEntryCheck check, SignedTreeHead current)
    {
        LedgerFailure Altered(string why) => new(LedgerFailureKind.EntryAltered, check.Index, $"Entry {check.Index} was altered: {why}.");
        LedgerFailure NotIncluded(string why) => new(LedgerFailureKind.EntryNotIncluded, check.Index, $"Entry {check.Index} is not included: {why}.");

        LedgerEntry decoded;
        try
        {
            decoded = LedgerEntryEncoding.Decode(check.Entry.Span);
        }
        catch (FormatException ex)
        {
            return Altered($"its bytes are not a canonical ledger entry ({ex.Message})");
        }
        if (decoded.Index != check.Index)
            return Altered($"it says it is entry {decoded.Index}");
        if (!check.KeptCopy.IsEmpty && !check.KeptCopy.Span.SequenceEqual(check.Entry.Span))
            return Altered("it differs from the copy kept from an earlier visit");
        var leafHash = MerkleHashing.LeafHash(check.Entry.Span);
        if (!check.ServedLeafHash.IsEmpty && !check.ServedLeafHash.Span.SequenceEqual(leafHash))
            return Altered("its bytes no longer hash to the leaf hash the log recorded");
        if (check.Proof.LeafIndex != check.Index || check.Proof.TreeSize != current.TreeSize)
            return NotIncluded($"the proof is for entry {check.Proof.LeafIndex} of a tree of {check.Proof.TreeSize}, not for the current head of {current.TreeSize}");
        if (!MerkleProofVerifier.VerifyInclusion(leafHash, check.Index, current.TreeSize, check.Proof.AuditPath, current.RootHash.Span))
            return NotIncluded($"its audit path does not lead to the root of the tree of {current.TreeSize} entries");
        return null;
    }
}
