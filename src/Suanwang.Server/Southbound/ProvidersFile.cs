using System.Collections.Immutable;
using Suanwang.Core.Specs;
using Suanwang.Providers.Adapters;
using Suanwang.Providers.Slurm;

namespace Suanwang.Server.Southbound;

/// <summary>An adapter the operator configured, and the pools it runs.</summary>
/// <param name="Adapter">The adapter.</param>
/// <param name="Pools">Its pools, each with its site.</param>
public sealed record ConfiguredProvider(IProviderAdapter Adapter, ImmutableArray<ConfiguredPool> Pools)
{
    /// <summary>
    /// Problems with the pools given the network's pools (<paramref name="siteOfPool"/>: pool id → site id):
    /// a pool the network does not have, or one at another site than configured.
    /// </summary>
    public IEnumerable<string> Check(IReadOnlyDictionary<string, string> siteOfPool) =>
        Pools.Select(p => !siteOfPool.TryGetValue(p.Pool, out var site)
                ? $"{Adapter.Name}: pool '{p.Pool}' is not in the network (register its site first: PUT /v1/sites/{p.Site})"
                : site != p.Site ? $"{Adapter.Name}: pool '{p.Pool}' is at site '{site}', not '{p.Site}'" : null)
            .OfType<string>();
}

/// <summary>A pool of a configured provider.</summary>
/// <param name="Pool">The pool id.</param>
/// <param name="Site">Its site id.</param>
public sealed record ConfiguredPool(string Pool, string Site);

/// <summary>
/// <c>serve --providers FILE</c>: the providers the control plane drives through their own schedulers
/// (YAML or JSON, every error reported with file, line and field):
/// <code>
/// slurm:
///   - name: hpc-east                    # the adapter's name: slurm:hpc-east
///     url: http://slurm-head:6820/      # slurmrestd
///     user: suanwang                    # X-SLURM-USER-NAME
///     token_file: /etc/suanwang/slurm.jwt   # X-SLURM-USER-TOKEN, re-read on every request
///     work_root: /shared/suanwang
///     logs_readable: true               # work_root is mounted where the server runs
///     pools: [{ pool: hpc-east/cpu, site: hpc-east, partition: batch }]
/// </code>
/// </summary>
public static class ProvidersFile
{
    /// <summary>Reads a providers file's text; on any error returns no providers and every error.</summary>
    public static (ImmutableArray<ConfiguredProvider> Providers, ImmutableArray<SpecError> Errors) Read(string text, string source)
    {
        var read = SpecDocumentReader.Read(text, source);
        if (read.Errors.Length > 0)
            return ([], read.Errors);
        var binder = new SpecBinder(source);
        var specs = new List<(SlurmOptions Options, string Path)>();
        if (read.Documents.Length != 1)
            binder.Error(null, "", "expected one document");
        else if (binder.Mapping(read.Documents[0], "") is { } root)
        {
            foreach (var (node, path) in root.Items("slurm"))
            {
                if (Slurm(binder, node, path) is { } options)
                    specs.Add((options, path));
            }
            root.Done();
        }
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (options, path) in specs)
        {
            foreach (var pool in options.Pools)
            {
                if (!seen.TryAdd(pool.PoolId, path))
                    binder.ErrorAt(path, $"pool '{pool.PoolId}' is already run by {seen[pool.PoolId]}");
            }
        }
        if (!binder.IsValid)
            return ([], [.. binder.Errors]);
        return ([.. specs.Select(s => new ConfiguredProvider(new SlurmAdapter(s.Options), [.. s.Options.Pools.Select(p => new ConfiguredPool(p.PoolId, p.SiteId))]))], []);
    }

    /// <summary>The network's pools with their sites, as a server with <paramref name="settings"/> on <paramref name="store"/> starts: the preset's and the registered sites'.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> SiteOfPoolAsync(ServerSettings settings, Store.ControlStore store, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(store);
        var pools = Scheduling.ServerWorld.FromPreset(settings.Topology, Core.Measurement.DeviceCatalog.LoadEmbedded()).Topology.Pools
            .ToDictionary(p => p.Id, p => p.SiteId, StringComparer.Ordinal);
        foreach (var stored in await store.ListObjectsAsync("sites", null, null, Registry.MaxObjects, cancel).ConfigureAwait(false))
        {
            if (SiteDocuments.Read(stored.Body).Site is { } site)
            {
                foreach (var pool in site.Pools)
                    pools[pool.Id] = site.Id;
            }
        }
        return pools;
    }

    private static SlurmOptions? Slurm(SpecBinder binder, SpecNode node, string path)
    {
        if (binder.Mapping(node, path) is not { } entry)
            return null;
        var name = entry.Text("name", required: true);
        var url = entry.Text("url", required: true);
        var user = entry.Text("user", required: true);
        var tokenFile = entry.Text("token_file", required: true);
        var workRoot = entry.Text("work_root", required: true);
        var logsReadable = entry.Flag("logs_readable") ?? false;
        var pools = new List<SlurmPool>();
        foreach (var (item, itemPath) in entry.Items("pools", required: true))
        {
            if (binder.Mapping(item, itemPath) is not { } pool)
                continue;
            var (id, site, partition) = (pool.Text("pool", required: true), pool.Text("site", required: true), pool.Text("partition", required: true));
            pool.Done();
            if (id is not null && site is not null && partition is not null)
                pools.Add(new SlurmPool(id, site, partition));
        }
        entry.Done();
        if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https")))
            binder.ErrorAt(entry.PathOf("url"), $"'{url}' is not an absolute http:// or https:// address");
        if (tokenFile is not null && !File.Exists(tokenFile))
            binder.ErrorAt(entry.PathOf("token_file"), $"'{tokenFile}' does not exist (it holds the JWT from 'scontrol token username=USER')");
        if (workRoot is not null && !Path.IsPathFullyQualified(workRoot))
            binder.ErrorAt(entry.PathOf("work_root"), $"'{workRoot}' is not an absolute path");
        if (name is null || url is null || user is null || tokenFile is null || workRoot is null || pools.Count == 0 || !binder.IsValid)
            return null;
        return new SlurmOptions
        {
            Name = $"slurm:{name}",
            BaseAddress = new Uri(url.EndsWith('/') ? url : url + "/"),
            UserName = user,
            Token = () => File.ReadAllText(tokenFile).Trim(),
            Pools = pools,
            WorkRoot = workRoot,
            LogsReadable = logsReadable,
        };
    }
}
