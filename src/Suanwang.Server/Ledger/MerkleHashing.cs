using System.Buffers;
using System.Security.Cryptography;

namespace Suanwang.Server.Ledger;

/// <summary>
/// The hashes of RFC 9162 §2.1.1: SHA-256, with a one-byte prefix that separates leaves (0x00) from
/// interior nodes (0x01) so that no leaf can be passed off as a node (second-preimage resistance).
/// </summary>
public static class MerkleHashing
{
    /// <summary>Length in bytes of every hash in the ledger (SHA-256).</summary>
    public const int HashSize = 32;

    private const byte LeafPrefix = 0x00;
    private const byte NodePrefix = 0x01;

    /// <summary>MTH({}) = SHA-256 of the empty string, the root hash of an empty tree.</summary>
    public static byte[] EmptyTreeHash() => SHA256.HashData(ReadOnlySpan<byte>.Empty);

    /// <summary>MTH({d}) = SHA-256(0x00 || d), the hash of one leaf (an entry's exact bytes).</summary>
    public static byte[] LeafHash(ReadOnlySpan<byte> entry)
    {
        var hash = new byte[HashSize];
        LeafHash(entry, hash);
        return hash;
    }

    /// <summary>Writes SHA-256(0x00 || entry) into <paramref name="destination"/>.</summary>
    public static void LeafHash(ReadOnlySpan<byte> entry, Span<byte> destination)
    {
        // One contiguous buffer so a small entry costs one SHA-256 call and no allocation.
        var length = entry.Length + 1;
        var rented = length > 1024 ? ArrayPool<byte>.Shared.Rent(length) : null;
        var input = rented is null ? stackalloc byte[length] : rented.AsSpan(0, length);
        input[0] = LeafPrefix;
        entry.CopyTo(input[1..]);
        SHA256.HashData(input, destination);
        if (rented is not null)
            ArrayPool<byte>.Shared.Return(rented);
    }

    /// <summary>SHA-256(0x01 || left || right), the hash of an interior node.</summary>
    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var hash = new byte[HashSize];
        NodeHash(left, right, hash);
        return hash;
    }

    /// <summary>Writes SHA-256(0x01 || left || right) into <paramref name="destination"/> (which may alias either input).</summary>
    public static void NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        if (left.Length != HashSize || right.Length != HashSize)
            throw new ArgumentException($"Node children must be {HashSize}-byte hashes.");
        Span<byte> input = stackalloc byte[1 + (2 * HashSize)];
        input[0] = NodePrefix;
        left.CopyTo(input[1..]);
        right.CopyTo(input[(1 + HashSize)..]);
        SHA256.HashData(input, destination);
    }
}
