using Suanwang.Server.Ledger;

namespace Suanwang.Server.Tests.Ledger;

/// <summary>The production tree and verifiers against the RFC's recursive definitions and published vectors.</summary>
public class MerkleTreeTests
{
    private const int MaxSize = 70;

    // Entry i is i+1 bytes of value i: distinct, of varied lengths.
    private static readonly List<byte[]> Entries = [.. Enumerable.Range(0, MaxSize).Select(i => Enumerable.Repeat((byte)i, i + 1).ToArray())];

    private static MerkleTree TreeOf(IEnumerable<byte[]> entries)
    {
        var tree = new MerkleTree();
        foreach (var entry in entries)
            tree.Append(MerkleHashing.LeafHash(entry));
        return tree;
    }

    private static List<byte[]> Bytes(IReadOnlyList<ReadOnlyMemory<byte>> path) => [.. path.Select(p => p.ToArray())];

    private static List<ReadOnlyMemory<byte>> Memory(IEnumerable<byte[]> path) => [.. path.Select(p => (ReadOnlyMemory<byte>)p)];

    private static byte[] Flip(byte[] hash, int bit)
    {
        var copy = (byte[])hash.Clone();
        copy[bit / 8 % copy.Length] ^= (byte)(1 << (bit % 8));
        return copy;
    }

    [Fact]
    public void Roots_and_proofs_equal_the_RFC_definitions_for_every_size_up_to_70()
    {
        var tree = TreeOf(Entries); // one tree of 70 answers for every earlier size too
        for (var n = 0; n <= MaxSize; n++)
        {
            var d = Entries.Take(n).ToList();
            var root = RfcReference.Mth(d);
            Assert.Equal(root, tree.RootHash(n));
            Assert.Equal(root, TreeOf(d).RootHash(n)); // and a tree that stopped growing at n
            for (var m = 0; m < n; m++)
                Assert.Equal(RfcReference.Path(m, d), Bytes(tree.InclusionPath(m, n)));
            for (var m = 1; m < n; m++)
                Assert.Equal(RfcReference.Proof(m, d), Bytes(tree.ConsistencyPath(m, n)));
            Assert.Empty(tree.ConsistencyPath(0, n));
            Assert.Empty(tree.ConsistencyPath(n, n));
        }
    }

    [Fact]
    public void Inclusion_verifier_accepts_the_RFC_paths_and_rejects_any_change()
    {
        for (var n = 1; n <= MaxSize; n++)
        {
            var d = Entries.Take(n).ToList();
            var root = RfcReference.Mth(d);
            for (var m = 0; m < n; m++)
            {
                var leaf = RfcReference.Leaf(d[m]);
                var path = RfcReference.Path(m, d);
                Assert.True(MerkleProofVerifier.VerifyInclusion(leaf, m, n, Memory(path), root), $"n={n} m={m}");
                Assert.False(MerkleProofVerifier.VerifyInclusion(Flip(leaf, m), m, n, Memory(path), root));
                Assert.False(MerkleProofVerifier.VerifyInclusion(leaf, m, n, Memory(path), Flip(root, n)));
                for (var i = 0; i < path.Count; i++)
                {
                    var changed = path.ToList();
                    changed[i] = Flip(path[i], i + m);
                    Assert.False(MerkleProofVerifier.VerifyInclusion(leaf, m, n, Memory(changed), root), $"n={n} m={m} i={i}");
                }
                for (var other = 0; other < n; other++)
                    if (other != m)
                        Assert.False(MerkleProofVerifier.VerifyInclusion(leaf, other, n, Memory(path), root), $"n={n} m={m} as {other}");
                Assert.False(MerkleProofVerifier.VerifyInclusion(leaf, m, n, Memory([.. path, root]), root));
                if (path.Count > 0)
                    Assert.False(MerkleProofVerifier.VerifyInclusion(leaf, m, n, Memory(path.SkipLast(1)), root));
                Assert.False(MerkleProofVerifier.VerifyInclusion(leaf, n, n, Memory(path), root));
                Assert.False(MerkleProofVerifier.VerifyInclusion(leaf, -1, n, Memory(path), root));
            }
        }
    }

    [Fact]
    public void Consistency_verifier_accepts_the_RFC_proofs_and_rejects_any_change()
    {
        var empty = RfcReference.Mth([]);
        for (var n = 1; n <= MaxSize; n++)
        {
            var d = Entries.Take(n).ToList();
            var second = RfcReference.Mth(d);
            Assert.True(MerkleProofVerifier.VerifyConsistency(0, n, empty, second, []));
            Assert.True(MerkleProofVerifier.VerifyConsistency(n, n, second, second, []));
            Assert.False(MerkleProofVerifier.VerifyConsistency(n, n, Flip(second, 3), second, []));
            for (var m = 1; m < n; m++)
            {
                var first = RfcReference.Mth(d.Take(m).ToList());
                var proof = RfcReference.Proof(m, d);
                Assert.True(MerkleProofVerifier.VerifyConsistency(m, n, first, second, Memory(proof)), $"m={m} n={n}");
                Assert.False(MerkleProofVerifier.VerifyConsistency(m, n, Flip(first, m), second, Memory(proof)));
                Assert.False(MerkleProofVerifier.VerifyConsistency(m, n, first, Flip(second, n), Memory(proof)));
                Assert.False(MerkleProofVerifier.VerifyConsistency(m, n, first, second, []));
                Assert.False(MerkleProofVerifier.VerifyConsistency(m, n, first, second, Memory(proof.SkipLast(1))));
                Assert.False(MerkleProofVerifier.VerifyConsistency(m, n, first, second, Memory([.. proof, second])));
                Assert.False(MerkleProofVerifier.VerifyConsistency(n, m, second, first, Memory(proof)));
                for (var i = 0; i < proof.Count; i++)
                {
                    var changed = proof.ToList();
                    changed[i] = Flip(proof[i], i + n);
                    Assert.False(MerkleProofVerifier.VerifyConsistency(m, n, first, second, Memory(changed)), $"m={m} n={n} i={i}");
                }
                // The proof of another prefix size does not pass for this one.
                if (m + 1 < n)
                    Assert.False(MerkleProofVerifier.VerifyConsistency(m, n, first, second, Memory(RfcReference.Proof(m + 1, d))));
            }
        }
    }

    [Fact]
    public void Known_answers_of_the_empty_tree_and_the_published_RFC_6962_test_leaves()
    {
        // The empty tree's hash is SHA-256 of nothing.
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Convert.ToHexStringLower(new MerkleTree().RootHash(0)));
        // The eight leaves of the Certificate Transparency / Trillian test data and the roots of their
        // prefixes, as published there and recomputed independently with Python's hashlib.
        string[] leaves = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];
        string[] roots =
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ];
        var tree = TreeOf(leaves.Select(Convert.FromHexString));
        for (var n = 1; n <= 8; n++)
            Assert.Equal(roots[n - 1], Convert.ToHexStringLower(tree.RootHash(n)));
    }

    [Fact]
    public void The_seven_leaf_example_of_RFC_9162_section_2_1_5()
    {
        // The RFC's tree: leaves a..f, d6 under j; g=(a,b) h=(c,d) i=(e,f) k=(g,h) l=(i,j), root=(k,l).
        var d = Entries.Take(7).ToList();
        var leaf = d.Select(RfcReference.Leaf).ToArray();
        byte[] a = leaf[0], b = leaf[1], c = leaf[2], dd = leaf[3], e = leaf[4], f = leaf[5], j = leaf[6];
        var g = RfcReference.Node(a, b);
        var h = RfcReference.Node(c, dd);
        var i = RfcReference.Node(e, f);
        var k = RfcReference.Node(g, h);
        var l = RfcReference.Node(i, j);
        var tree = TreeOf(d);
        Assert.Equal(RfcReference.Node(k, l), tree.RootHash(7));
        // §2.1.5: the inclusion proofs of d0, d3, d4 and d6 are [b, h, l], [c, g, l], [f, j, k] and [i, k].
        Assert.Equal([b, h, l], Bytes(tree.InclusionPath(0, 7)));
        Assert.Equal([c, g, l], Bytes(tree.InclusionPath(3, 7)));
        Assert.Equal([f, j, k], Bytes(tree.InclusionPath(4, 7)));
        Assert.Equal([i, k], Bytes(tree.InclusionPath(6, 7)));
        // And the consistency proofs from 3, 4 and 6 leaves are [c, d, g, l], [l] and [i, j, k].
        Assert.Equal([c, dd, g, l], Bytes(tree.ConsistencyPath(3, 7)));
        Assert.Equal([l], Bytes(tree.ConsistencyPath(4, 7)));
        Assert.Equal([i, j, k], Bytes(tree.ConsistencyPath(6, 7)));
    }

    [Fact]
    public void Truncating_gives_back_the_tree_of_the_shorter_log()
    {
        var tree = TreeOf(Entries);
        tree.Truncate(37);
        Assert.Equal(37, tree.Count);
        Assert.Equal(RfcReference.Mth(Entries.Take(37).ToList()), tree.RootHash(37));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.RootHash(38));
        foreach (var entry in Entries.Skip(37))
            tree.Append(MerkleHashing.LeafHash(entry));
        Assert.Equal(RfcReference.Mth(Entries), tree.RootHash(MaxSize));
    }

    [Fact]
    public void Roots_and_proofs_cost_logarithmically_many_hashes()
    {
        // 100,000 leaves: a root, any inclusion path or consistency proof hashes at most the one
        // incomplete right edge (fewer than log2 n = 17 nodes) per subtree it needs; a tree that
        // recomputed subtrees would hash tens of thousands.
        var tree = new MerkleTree();
        var leaf = new byte[MerkleHashing.HashSize];
        for (var i = 0; i < 100_000; i++)
        {
            BitConverter.TryWriteBytes(leaf, i);
            tree.Append(MerkleHashing.LeafHash(leaf));
        }
        var random = new Random(7);
        for (var trial = 0; trial < 200; trial++)
        {
            var n = random.Next(1, 100_001);
            var m = random.Next(0, n);
            var before = tree.HashesComputed;
            tree.RootHash(n);
            tree.InclusionPath(m, n);
            tree.ConsistencyPath(m, n);
            Assert.InRange(tree.HashesComputed - before, 0, 3 * 17);
        }
    }
}
