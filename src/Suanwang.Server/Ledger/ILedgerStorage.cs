using System.Data.Common;

namespace Suanwang.Server.Ledger;

/// <summary>One stored leaf: the entry's canonical bytes and SHA-256(0x00 || bytes) as computed when it was appended.</summary>
/// <param name="Index">Position in the log, from 0.</param>
/// <param name="Entry">The canonical entry bytes (<see cref="LedgerEntryEncoding"/>).</param>
/// <param name="LeafHash">The leaf hash (32 bytes).</param>
internal sealed record StoredEntry(long Index, byte[] Entry, byte[] LeafHash);

/// <summary>
/// Where the log's entries live. Append-only: a batch must continue the log exactly (its first index is
/// the current count, then consecutive). The tree is rebuilt from <see cref="LeafHashes"/> on start, so
/// storage is the single source of truth. Implementations are safe for concurrent readers and one writer.
/// </summary>
internal interface ILedgerStorage
{
    /// <summary>Number of stored entries (committed ones, plus any in <paramref name="transaction"/>).</summary>
    long Count(DbTransaction? transaction = null);

    /// <summary>
    /// Appends a batch in <paramref name="transaction"/> when given (it commits or rolls back with the
    /// caller's other writes), otherwise in a transaction of its own, durable on return.
    /// </summary>
    void Append(IReadOnlyList<StoredEntry> entries, DbTransaction? transaction = null);

    /// <summary>The entry at <paramref name="index"/>, or null when there is none.</summary>
    StoredEntry? Read(long index);

    /// <summary>The leaf hashes from <paramref name="from"/> to the end, in index order.</summary>
    IEnumerable<byte[]> LeafHashes(long from);
}
