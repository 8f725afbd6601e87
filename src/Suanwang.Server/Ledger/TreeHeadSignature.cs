using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Suanwang.Server.Ledger;

/// <summary>
/// What a tree head's signature covers, byte for byte: the ASCII label <c>suanwang-ledger-tree-head-v1</c>,
/// one 0x00 byte, tree_size as an unsigned 64-bit big-endian integer, timestamp (ms since the Unix epoch)
/// likewise, then the 32-byte root hash — 77 bytes. The signature is ECDSA P-256 over SHA-256 of those
/// bytes, DER-encoded (RFC 3279 Ecdsa-Sig-Value, as <c>openssl dgst -sha256 -verify</c> expects).
/// </summary>
public static class TreeHeadSignature
{
    private static readonly byte[] Label = Encoding.ASCII.GetBytes("suanwang-ledger-tree-head-v1\0");

    /// <summary>Length of the signing input in bytes.</summary>
    public static int InputLength => Label.Length + 8 + 8 + MerkleHashing.HashSize;

    /// <summary>The exact bytes signed for a head of these three fields.</summary>
    public static byte[] SigningInput(long treeSize, long timestamp, ReadOnlySpan<byte> rootHash)
    {
        if (treeSize < 0 || timestamp < 0)
            throw new ArgumentOutOfRangeException(nameof(treeSize), "Tree size and timestamp are not negative.");
        if (rootHash.Length != MerkleHashing.HashSize)
            throw new ArgumentException($"A root hash has {MerkleHashing.HashSize} bytes.", nameof(rootHash));
        var input = new byte[InputLength];
        Label.CopyTo(input, 0);
        BinaryPrimitives.WriteUInt64BigEndian(input.AsSpan(Label.Length), (ulong)treeSize);
        BinaryPrimitives.WriteUInt64BigEndian(input.AsSpan(Label.Length + 8), (ulong)timestamp);
        rootHash.CopyTo(input.AsSpan(Label.Length + 16));
        return input;
    }

    /// <summary>True when <paramref name="key"/> is on NIST P-256 (secp256r1), the only curve tree heads are signed with.</summary>
    public static bool IsNistP256(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        // A 256-bit size alone would also admit secp256k1 or brainpoolP256r1.
        var curve = key.ExportParameters(includePrivateParameters: false).Curve;
        return curve.IsNamed && (curve.Oid.Value == "1.2.840.10045.3.1.7"
            || curve.Oid.FriendlyName is "nistP256" or "ECDSA_P256" or "prime256v1" or "secp256r1");
    }

    /// <summary>True when <paramref name="head"/>'s signature is valid for its fields under <paramref name="publicKey"/>.</summary>
    public static bool Verify(SignedTreeHead head, ECDsa publicKey)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(publicKey);
        if (head.TreeSize < 0 || head.Timestamp < 0 || head.RootHash.Length != MerkleHashing.HashSize)
            return false;
        var input = SigningInput(head.TreeSize, head.Timestamp, head.RootHash.Span);
        return publicKey.VerifyData(input, head.Signature.Span, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }
}
