namespace Suanwang.Server.Ledger;

/// <summary>
/// A growable sequence of 32-byte hashes in fixed-size chunks: no copy of everything when it grows,
/// and no array large enough to fragment the large-object heap's compaction story at millions of hashes.
/// Not thread-safe; <see cref="MerkleTree"/> guards it.
/// </summary>
internal sealed class HashColumn
{
    private const int ChunkShift = 14; // 16,384 hashes (512 KiB) per chunk
    private const int ChunkHashes = 1 << ChunkShift;
    private const int ChunkMask = ChunkHashes - 1;
    private const int Size = MerkleHashing.HashSize;

    private readonly List<byte[]> _chunks = [];

    /// <summary>Number of hashes held.</summary>
    public long Count { get; private set; }

    /// <summary>Appends one hash.</summary>
    public void Add(ReadOnlySpan<byte> hash)
    {
        var chunk = (int)(Count >> ChunkShift);
        if (chunk == _chunks.Count)
            _chunks.Add(new byte[(chunk == 0 ? 16 : ChunkHashes) * Size]);
        else if (chunk == 0 && _chunks[0].Length == Count * Size)
        {
            // The first chunk starts small and doubles, so a small log (or a high, sparse level) does not
            // hold 512 KiB per level.
            var grown = new byte[Math.Min(_chunks[0].Length * 2, ChunkHashes * Size)];
            _chunks[0].CopyTo(grown, 0);
            _chunks[0] = grown;
        }
        hash.CopyTo(_chunks[chunk].AsSpan((int)(Count & ChunkMask) * Size, Size));
        Count++;
    }

    /// <summary>The hash at <paramref name="index"/> (valid until the column shrinks).</summary>
    public ReadOnlySpan<byte> this[long index]
    {
        get
        {
            if ((ulong)index >= (ulong)Count)
                throw new ArgumentOutOfRangeException(nameof(index));
            return _chunks[(int)(index >> ChunkShift)].AsSpan((int)(index & ChunkMask) * Size, Size);
        }
    }

    /// <summary>Forgets every hash from <paramref name="count"/> on (kept chunks are reused on growth).</summary>
    public void Truncate(long count)
    {
        if (count < 0 || count > Count)
            throw new ArgumentOutOfRangeException(nameof(count));
        Count = count;
    }
}
