namespace Suanwang.Server.Ledger;

/// <summary>
/// The proof verification algorithms of RFC 9162, transcribed step by step: §2.1.3.2 (is a leaf
/// hash at an index of a tree with a given root?) and §2.1.4.2 (is a tree with one root a prefix of
/// a tree with another?). Pure: no I/O, no state; a client runs these without trusting the server.
/// </summary>
public static class MerkleProofVerifier
{
    /// <summary>
    /// RFC 9162 §2.1.3.2: true when <paramref name="inclusionPath"/> proves that the leaf with hash
    /// <paramref name="leafHash"/> is at <paramref name="leafIndex"/> of the tree of
    /// <paramref name="treeSize"/> leaves whose root is <paramref name="rootHash"/>.
    /// </summary>
    public static bool VerifyInclusion(ReadOnlySpan<byte> leafHash, long leafIndex, long treeSize,
        IReadOnlyList<ReadOnlyMemory<byte>> inclusionPath, ReadOnlySpan<byte> rootHash)
    {
        ArgumentNullException.ThrowIfNull(inclusionPath);
        // Step 1: the index must lie inside the tree.
        if (leafIndex < 0 || leafIndex >= treeSize || !IsHash(leafHash) || !IsHash(rootHash))
            return false;
        // Steps 2 and 3.
        long fn = leafIndex, sn = treeSize - 1;
        Span<byte> r = stackalloc byte[MerkleHashing.HashSize];
        leafHash.CopyTo(r);
        // Step 4.
        foreach (var p in inclusionPath)
        {
            if (!IsHash(p.Span) || sn == 0)
                return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                MerkleHashing.NodeHash(p.Span, r, r);
                if ((fn & 1) == 0)
                    (fn, sn) = ShiftWhileEven(fn, sn);
            }
            else
            {
                MerkleHashing.NodeHash(r, p.Span, r);
            }
            fn >>= 1;
            sn >>= 1;
        }
        // Step 5.
        return sn == 0 && r.SequenceEqual(rootHash);
    }

    /// <summary>
    /// RFC 9162 §2.1.4.2: true when <paramref name="consistencyPath"/> proves that the tree of
    /// <paramref name="first"/> leaves with root <paramref name="firstHash"/> is a prefix of the tree of
    /// <paramref name="second"/> leaves with root <paramref name="secondHash"/>. The RFC defines proofs
    /// for 0 &lt; first &lt; second; the two trivial cases are settled the only sound way: an empty tree is a
    /// prefix of every tree, and equal sizes are consistent exactly when the roots are equal (both with
    /// an empty path).
    /// </summary>
    public static bool VerifyConsistency(long first, long second, ReadOnlySpan<byte> firstHash,
        ReadOnlySpan<byte> secondHash, IReadOnlyList<ReadOnlyMemory<byte>> consistencyPath)
    {
        ArgumentNullException.ThrowIfNull(consistencyPath);
        if (first < 0 || first > second || !IsHash(firstHash) || !IsHash(secondHash))
            return false;
        if (first == 0)
            return consistencyPath.Count == 0;
        if (first == second)
            return consistencyPath.Count == 0 && firstHash.SequenceEqual(secondHash);
        // Step 1: a proof between different non-empty sizes is never empty.
        if (consistencyPath.Count == 0)
            return false;
        foreach (var c in consistencyPath)
            if (!IsHash(c.Span))
                return false;
        // Step 2: when first is a power of two its root is itself a node of the second tree, and the RFC
        // omits it from the proof; put it back at the front.
        IReadOnlyList<ReadOnlyMemory<byte>> path = IsPowerOfTwo(first) ? [firstHash.ToArray(), .. consistencyPath] : consistencyPath;
        // Steps 3 and 4.
        long fn = first - 1, sn = second - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }
        // Step 5.
        Span<byte> fr = stackalloc byte[MerkleHashing.HashSize];
        Span<byte> sr = stackalloc byte[MerkleHashing.HashSize];
        path[0].Span.CopyTo(fr);
        path[0].Span.CopyTo(sr);
        // Step 6.
        for (var i = 1; i < path.Count; i++)
        {
            var c = path[i].Span;
            if (sn == 0)
                return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                MerkleHashing.NodeHash(c, fr, fr);
                MerkleHashing.NodeHash(c, sr, sr);
                if ((fn & 1) == 0)
                    (fn, sn) = ShiftWhileEven(fn, sn);
            }
            else
            {
                MerkleHashing.NodeHash(sr, c, sr);
            }
            fn >>= 1;
            sn >>= 1;
        }
        // Step 7.
        return sn == 0 && fr.SequenceEqual(firstHash) && sr.SequenceEqual(secondHash);
    }

    // "Right-shift both fn and sn equally until either LSB(fn) is set or fn is 0."
    private static (long Fn, long Sn) ShiftWhileEven(long fn, long sn)
    {
        while ((fn & 1) == 0 && fn != 0)
        {
            fn >>= 1;
            sn >>= 1;
        }
        return (fn, sn);
    }

    private static bool IsPowerOfTwo(long value) => value > 0 && (value & (value - 1)) == 0;

    private static bool IsHash(ReadOnlySpan<byte> value) => value.Length == MerkleHashing.HashSize;
}
