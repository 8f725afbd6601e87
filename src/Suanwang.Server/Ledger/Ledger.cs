using System.Data.Common;

namespace Suanwang.Server.Ledger;

/// <summary>
/// The verifiable ledger: an append-only log of <see cref="LedgerEvent"/>s whose Merkle tree (RFC 9162)
/// lets anyone check, with the public key alone, that an entry is in the log and that the log only ever
/// grew. Thread-safe: appends are serialized (one writer), reads run between them. The tree is rebuilt
/// from the storage's leaf hashes on construction, so a restart resumes the same log.
/// </summary>
internal sealed class Ledger
{
    private readonly ILedgerStorage _storage;
    private readonly LedgerSigner _signer;
    private readonly TimeProvider _time;
    private readonly MerkleTree _tree = new();
    private readonly Lock _writer = new(); // held across a whole append, storage write included
    private readonly Lock _treeLock = new(); // held only while the in-memory tree is read or changed

    /// <summary>Opens the log held by <paramref name="storage"/>, signing heads with <paramref name="signer"/>.</summary>
    public Ledger(ILedgerStorage storage, LedgerSigner signer, TimeProvider? time = null)
    {
        _storage = storage ?? throw new ArgumentNullException(nameof(storage));
        _signer = signer ?? throw new ArgumentNullException(nameof(signer));
        _time = time ?? TimeProvider.System;
        foreach (var leaf in storage.LeafHashes(0))
            _tree.Append(leaf);
    }

    /// <summary>Number of entries.</summary>
    public long Size
    {
        get
        {
            lock (_treeLock)
                return _tree.Count;
        }
    }

    /// <summary>The public key that verifies this log's tree heads, as SPKI PEM.</summary>
    public string PublicKeyPem => _signer.PublicKeyPem;

    /// <summary>
    /// Appends <paramref name="events"/> in order and returns their indexes. With a
    /// <paramref name="transaction"/> the entries commit with the caller's other writes; if the caller
    /// then rolls back, it must call <see cref="Resync"/> (before appending again) so the tree forgets them.
    /// </summary>
    public IReadOnlyList<long> Append(IReadOnlyList<LedgerEvent> events, DbTransaction? transaction = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        lock (_writer)
        {
            var first = Size;
            var batch = new StoredEntry[events.Count];
            for (var i = 0; i < events.Count; i++)
            {
                var bytes = LedgerEntryEncoding.Encode(new LedgerEntry(first + i, events[i]));
                batch[i] = new StoredEntry(first + i, bytes, MerkleHashing.LeafHash(bytes));
            }
            _storage.Append(batch, transaction);
            lock (_treeLock)
            {
                foreach (var stored in batch)
                    _tree.Append(stored.LeafHash);
            }
            return [.. batch.Select(b => b.Index)];
        }
    }

    /// <summary>Brings the tree back in line with storage (after a caller rolled back a transaction that appended).</summary>
    public void Resync()
    {
        lock (_writer)
        {
            var stored = _storage.Count();
            lock (_treeLock)
            {
                if (stored < _tree.Count)
                    _tree.Truncate(stored);
                else
                    foreach (var leaf in _storage.LeafHashes(_tree.Count))
                        _tree.Append(leaf);
            }
        }
    }

    /// <summary>A freshly signed head of the whole log.</summary>
    public SignedTreeHead TreeHead()
    {
        long size;
        byte[] root;
        lock (_treeLock)
        {
            size = _tree.Count;
            root = _tree.RootHash(size);
        }
        return _signer.Sign(size, _time.GetUtcNow().ToUnixTimeMilliseconds(), root);
    }

    /// <summary>The stored entry at <paramref name="index"/> (its exact bytes and leaf hash), or null when the log has none.</summary>
    public StoredEntry? Entry(long index) => index >= 0 && index < Size ? _storage.Read(index) : null;

    /// <summary>The audit path of entry <paramref name="index"/> in the tree of <paramref name="treeSize"/> entries.</summary>
    public InclusionProof InclusionProof(long index, long treeSize)
    {
        lock (_treeLock)
            return new InclusionProof(index, treeSize, _tree.InclusionPath(index, treeSize));
    }

    /// <summary>The proof that the tree of <paramref name="first"/> entries is a prefix of the tree of <paramref name="second"/>.</summary>
    public ConsistencyProof ConsistencyProof(long first, long second)
    {
        lock (_treeLock)
            return new ConsistencyProof(first, second, _tree.ConsistencyPath(first, second));
    }

    /// <summary>The root hash of the tree of the first <paramref name="treeSize"/> entries (unsigned).</summary>
    public byte[] RootHash(long treeSize)
    {
        lock (_treeLock)
            return _tree.RootHash(treeSize);
    }
}
