using System.Diagnostics;
using System.Numerics;

namespace Suanwang.Server.Ledger;

/// <summary>
/// The RFC 9162 Merkle tree over a log's leaf hashes, for the current size and every earlier one.
/// It keeps, per level h, the hash of every complete, aligned subtree of 2^h leaves (level 0 holds
/// the leaves): about two hashes (64 bytes) per leaf. Those hashes never change once complete, so
/// the root of any size and any inclusion or consistency proof take O(log n) lookups plus at most
/// O(log n) SHA-256 calls for the one incomplete right edge. Appending costs one hash per subtree it
/// completes (amortized one). Not thread-safe: <see cref="Ledger"/> serializes access.
/// </summary>
internal sealed class MerkleTree
{
    private const int Size = MerkleHashing.HashSize;
    private readonly List<HashColumn> _levels = [new()];

    /// <summary>Number of leaves.</summary>
    public long Count => _levels[0].Count;

    /// <summary>SHA-256 calls made to answer roots and proofs (not appends); lets tests hold the O(log n) promise.</summary>
    public long HashesComputed { get; private set; }

    /// <summary>Appends one leaf hash (SHA-256(0x00 || entry)) and completes the subtrees it closes.</summary>
    public void Append(ReadOnlySpan<byte> leafHash)
    {
        if (leafHash.Length != Size)
            throw new ArgumentException($"A leaf hash has {Size} bytes.", nameof(leafHash));
        _levels[0].Add(leafHash);
        Span<byte> parent = stackalloc byte[Size];
        // A node with an odd index is a right child: its pair is complete, and so is their parent.
        var index = Count - 1;
        for (var level = 0; (index & 1) == 1; level++, index >>= 1)
        {
            if (level + 1 == _levels.Count)
                _levels.Add(new HashColumn());
            MerkleHashing.NodeHash(_levels[level][index - 1], _levels[level][index], parent);
            _levels[level + 1].Add(parent);
        }
    }

    /// <summary>The leaf hash at <paramref name="index"/>.</summary>
    public byte[] LeafHash(long index) => _levels[0][index].ToArray();

    /// <summary>Forgets every leaf from <paramref name="count"/> on (the log after a rolled-back append).</summary>
    public void Truncate(long count)
    {
        if (count < 0 || count > Count)
            throw new ArgumentOutOfRangeException(nameof(count));
        for (var level = 0; level < _levels.Count; level++)
            _levels[level].Truncate(count >> level);
    }

    /// <summary>MTH of the first <paramref name="treeSize"/> leaves (RFC 9162 §2.1.1).</summary>
    public byte[] RootHash(long treeSize)
    {
        CheckSize(treeSize);
        if (treeSize == 0)
            return MerkleHashing.EmptyTreeHash();
        var root = new byte[Size];
        SubtreeHash(0, treeSize, root);
        return root;
    }

    /// <summary>PATH(m, D[n]) of RFC 9162 §2.1.3.1: the audit path of leaf <paramref name="leafIndex"/> in the tree of <paramref name="treeSize"/> leaves.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> InclusionPath(long leafIndex, long treeSize)
    {
        CheckSize(treeSize);
        if (leafIndex < 0 || leafIndex >= treeSize)
            throw new ArgumentOutOfRangeException(nameof(leafIndex), "The leaf is not in a tree of that size.");
        // PATH appends each level's sibling after the path inside the subtree, so siblings found
        // walking down from the root come out in reverse.
        var siblings = new List<ReadOnlyMemory<byte>>();
        long start = 0, count = treeSize, m = leafIndex;
        while (count > 1)
        {
            var k = LargestPowerOfTwoBelow(count);
            var sibling = new byte[Size];
            if (m < k)
            {
                SubtreeHash(start + k, count - k, sibling);
                count = k;
            }
            else
            {
                SubtreeHash(start, k, sibling);
                start += k;
                m -= k;
                count -= k;
            }
            siblings.Add(sibling);
        }
        siblings.Reverse();
        return siblings;
    }

    /// <summary>
    /// PROOF(m, D[n]) of RFC 9162 §2.1.4.1 between sizes <paramref name="first"/> and
    /// <paramref name="second"/>; empty when first is 0 or equals second (nothing to prove).
    /// </summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> ConsistencyPath(long first, long second)
    {
        CheckSize(second);
        if (first < 0 || first > second)
            throw new ArgumentOutOfRangeException(nameof(first), "The first size must lie between 0 and the second.");
        if (first == 0 || first == second)
            return [];
        // SUBPROOF(m, D[n], b): walk down; each level appends one hash after the subproof below it.
        var appended = new List<byte[]>();
        long start = 0, count = second, m = first;
        var whole = true; // b: is the subtree reached the one the proof was requested for?
        while (m != count)
        {
            var k = LargestPowerOfTwoBelow(count);
            var hash = new byte[Size];
            if (m <= k)
            {
                SubtreeHash(start + k, count - k, hash);
                count = k;
            }
            else
            {
                SubtreeHash(start, k, hash);
                start += k;
                m -= k;
                count -= k;
                whole = false;
            }
            appended.Add(hash);
        }
        var proof = new List<ReadOnlyMemory<byte>>(appended.Count + 1);
        if (!whole)
        {
            // SUBPROOF(m, D[m], false) = {MTH(D[m])}: the old tree's last subtree, a node of both trees.
            var node = new byte[Size];
            SubtreeHash(start, count, node);
            proof.Add(node);
        }
        for (var i = appended.Count - 1; i >= 0; i--)
            proof.Add(appended[i]);
        return proof;
    }

    // MTH(D[start : start+count]) for a range the RFC's recursion produces: start is a multiple of the
    // largest power of two not above count, so the left part is always a stored complete subtree.
    private void SubtreeHash(long start, long count, Span<byte> destination)
    {
        if (BitOperations.IsPow2(count))
        {
            var level = BitOperations.Log2((ulong)count);
            Debug.Assert(start % count == 0, "complete subtrees are aligned");
            _levels[level][start >> level].CopyTo(destination);
            return;
        }
        var k = LargestPowerOfTwoBelow(count);
        Span<byte> left = stackalloc byte[Size];
        SubtreeHash(start, k, left);
        SubtreeHash(start + k, count - k, destination);
        MerkleHashing.NodeHash(left, destination, destination);
        HashesComputed++;
    }

    private void CheckSize(long treeSize)
    {
        if (treeSize < 0 || treeSize > Count)
            throw new ArgumentOutOfRangeException(nameof(treeSize), $"The log has {Count} entries.");
    }

    // k with k < n <= 2k, the RFC's split point (n >= 2).
    private static long LargestPowerOfTwoBelow(long n) => 1L << BitOperations.Log2((ulong)(n - 1));
}
