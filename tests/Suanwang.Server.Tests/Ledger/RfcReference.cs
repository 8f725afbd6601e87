using System.Security.Cryptography;

namespace Suanwang.Server.Tests.Ledger;

/// <summary>
/// An independent transcription of RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1: plain recursion on lists of
/// entries, hashing with its own SHA-256 calls (nothing from the production code), slow and obviously
/// right. The production tree must give the same roots and proofs.
/// </summary>
internal static class RfcReference
{
    public static byte[] Sha256(params byte[][] parts) => SHA256.HashData(parts.SelectMany(p => p).ToArray());

    public static byte[] Leaf(byte[] entry) => Sha256([0x00], entry);

    public static byte[] Node(byte[] left, byte[] right) => Sha256([0x01], left, right);

    /// <summary>MTH(D[n]).</summary>
    public static byte[] Mth(IReadOnlyList<byte[]> d)
    {
        var n = d.Count;
        if (n == 0)
            return Sha256();
        if (n == 1)
            return Leaf(d[0]);
        var k = Split(n);
        return Node(Mth(d.Take(k).ToList()), Mth(d.Skip(k).ToList()));
    }

    /// <summary>PATH(m, D[n]) for 0 &lt;= m &lt; n.</summary>
    public static List<byte[]> Path(int m, IReadOnlyList<byte[]> d)
    {
        var n = d.Count;
        if (n == 1)
            return [];
        var k = Split(n);
        return m < k
            ? [.. Path(m, d.Take(k).ToList()), Mth(d.Skip(k).ToList())]
            : [.. Path(m - k, d.Skip(k).ToList()), Mth(d.Take(k).ToList())];
    }

    /// <summary>PROOF(m, D[n]) for 0 &lt; m &lt; n.</summary>
    public static List<byte[]> Proof(int m, IReadOnlyList<byte[]> d) => SubProof(m, d, true);

    private static List<byte[]> SubProof(int m, IReadOnlyList<byte[]> d, bool b)
    {
        var n = d.Count;
        if (m == n)
            return b ? [] : [Mth(d)];
        var k = Split(n);
        return m <= k
            ? [.. SubProof(m, d.Take(k).ToList(), b), Mth(d.Skip(k).ToList())]
            : [.. SubProof(m - k, d.Skip(k).ToList(), false), Mth(d.Take(k).ToList())];
    }

    // The largest power of two smaller than n (n > 1).
    private static int Split(int n)
    {
        var k = 1;
        while (k * 2 < n)
            k *= 2;
        return k;
    }
}
