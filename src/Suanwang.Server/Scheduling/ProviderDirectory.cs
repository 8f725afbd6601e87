using Suanwang.Providers.Adapters;

namespace Suanwang.Server.Scheduling;

/// <summary>
/// Which adapter runs which pool. A pool has at most one adapter; a job placed on a pool no adapter
/// runs fails with that reason instead of waiting for ever.
/// </summary>
public sealed class ProviderDirectory
{
    private readonly Dictionary<string, IProviderAdapter> _byPool = new(StringComparer.Ordinal);
    private readonly List<IProviderAdapter> _adapters = [];

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
        if (!_adapters.Contains(adapter))
            _adapters.Add(adapter);
        return this;
    }

    /// <summary>Every registered adapter, in the order added.</summary>
    public IReadOnlyList<IProviderAdapter> Adapters => _adapters;

    /// <summary>The adapter that runs the pool, or null.</summary>
    public IProviderAdapter? For(string poolId) => _byPool.GetValueOrDefault(poolId);
}
