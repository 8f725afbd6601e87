using System.Data.Common;

namespace Suanwang.Server.Ledger;

/// <summary>Ledger storage in a list, for tests and throwaway logs. Ignores transactions.</summary>
internal sealed class InMemoryLedgerStorage : ILedgerStorage
{
    private readonly List<StoredEntry> _entries = [];
    private readonly Lock _lock = new();

    /// <inheritdoc />
    public long Count(DbTransaction? transaction = null)
    {
        lock (_lock)
            return _entries.Count;
    }

    /// <inheritdoc />
    public void Append(IReadOnlyList<StoredEntry> entries, DbTransaction? transaction = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        lock (_lock)
        {
            for (var i = 0; i < entries.Count; i++)
                if (entries[i].Index != _entries.Count + i)
                    throw new InvalidOperationException($"Ledger entry {entries[i].Index} does not continue a log of {_entries.Count + i}.");
            _entries.AddRange(entries);
        }
    }

    /// <inheritdoc />
    public StoredEntry? Read(long index)
    {
        lock (_lock)
            return index >= 0 && index < _entries.Count ? _entries[(int)index] : null;
    }

    /// <inheritdoc />
    public IEnumerable<byte[]> LeafHashes(long from)
    {
        lock (_lock)
            return [.. _entries.Skip((int)Math.Min(from, _entries.Count)).Select(e => e.LeafHash)];
    }

    /// <summary>Overwrites a stored entry in place: what an attacker with write access to the database could do.</summary>
    public void Tamper(StoredEntry replacement)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        lock (_lock)
            _entries[(int)replacement.Index] = replacement;
    }
}
