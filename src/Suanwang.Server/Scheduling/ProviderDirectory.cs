using Suanwang.Providers.Adapters;

namespace Suanwang.Server.Scheduling;

/// <summary>
/// Which adapter runs which pool. A pool has at most one adapter; a job placed on a pool no adapter
/// runs fails with that reason instead of waiting for ever.
/// </summary>
public sealed class ProviderDirectory
{
    // Agents attach their pools while the server runs, so the directory is read and written concurrently.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IProviderAdapter> _byPool = new(StringComparer.Ordinal);
    private readonly List<IProviderAdapter> _adapters = [];
    private readonly Lock _adaptersLock = new();

    /// <summary>Registers <paramref name="adapter"/> as the one that runs <paramref name="poolIds"/>.</summary>
    /// <exception cref="ArgumentException">A pool already has an adapter.</exception>
    public ProviderDirectory Add(IProviderAdapter adapter, IEnumerable<string> poolIds)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        ArgumentNullException.ThrowIfNull(poolIds);
        foreach (var pool in poolIds)
        {
            if (!_byPool.TryAdd(pool, adapter))
                throw new ArgumentException($"pool '{pool}' already has the adapter '{_byPool[pool].Name}'", nameof(poolIds));
        }
        lock (_adaptersLock)
        {
            if (!_adapters.Contains(adapter))
                _adapters.Add(adapter);
        }
        return this;
    }

    /// <summary>
    /// Makes <paramref name="adapter"/> the one that runs <paramref name="poolId"/> unless another adapter
    /// already does; true when the pool is (now or already) <paramref name="adapter"/>'s.
    /// </summary>
    public bool TryAttach(IProviderAdapter adapter, string poolId)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        var owner = _byPool.GetOrAdd(poolId, adapter);
        if (!ReferenceEquals(owner, adapter))
            return false;
        lock (_adaptersLock)
        {
            if (!_adapters.Contains(adapter))
                _adapters.Add(adapter);
        }
        return true;
    }

    /// <summary>Every registered adapter, in the order added.</summary>
    public IReadOnlyList<IProviderAdapter> Adapters
    {
        get
        {
            lock (_adaptersLock)
                return [.. _adapters];
        }
    }

    /// <summary>The adapter that runs the pool, or null.</summary>
    public IProviderAdapter? For(string poolId) => _byPool.GetValueOrDefault(poolId);
}
