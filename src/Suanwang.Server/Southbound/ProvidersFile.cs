using System.Collections.Immutable;
using Suanwang.Core.Specs;
using k8s;
using Suanwang.Providers.Adapters;
using Suanwang.Providers.Kubernetes;
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
/// kubernetes:
///   - name: ai-north                    # the adapter's name: kubernetes:ai-north
///     kubeconfig: /etc/suanwang/kubeconfig  # with an optional context: …; or host: + token_file: (+ ca_file:)
///     pools:
///       - { pool: ai-north/gpu, site: ai-north, namespace: suanwang, node_selector: { gpu: h100 } }
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
        var clusters = new List<(KubernetesClientConfiguration Connection, KubernetesOptions Options, string Path)>();
        if (read.Documents.Length != 1)
            binder.Error(null, "", "expected one document");
        else if (binder.Mapping(read.Documents[0], "") is { } root)
        {
            foreach (var (node, path) in root.Items("slurm"))
            {
                if (Slurm(binder, node, path) is { } options)
                    specs.Add((options, path));
            }
            foreach (var (node, path) in root.Items("kubernetes"))
            {
                if (Kubernetes(binder, node, path) is { } cluster)
                    clusters.Add((cluster.Connection, cluster.Options, path));
            }
            root.Done();
        }
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (pool, path) in specs.SelectMany(s => s.Options.Pools.Select(p => (p.PoolId, s.Path)))
            .Concat(clusters.SelectMany(c => c.Options.Pools.Select(p => (p.PoolId, c.Path)))))
        {
            if (!seen.TryAdd(pool, path))
                binder.ErrorAt(path, $"pool '{pool}' is already run by {seen[pool]}");
        }
        if (!binder.IsValid)
            return ([], [.. binder.Errors]);
        var providers = new List<ConfiguredProvider>();
        providers.AddRange(specs.Select(s => new ConfiguredProvider(new SlurmAdapter(s.Options), [.. s.Options.Pools.Select(p => new ConfiguredPool(p.PoolId, p.SiteId))])));
        foreach (var (connection, options, path) in clusters)
        {
            try
            {
                providers.Add(new ConfiguredProvider(new KubernetesAdapter(connection, options), [.. options.Pools.Select(p => new ConfiguredPool(p.PoolId, p.SiteId))]));
            }
            catch (ArgumentException ex)
            {
                binder.ErrorAt(path, ex.Message); // the adapter's own checks: namespaces, labels, the API address
            }
        }
        return binder.IsValid ? ([.. providers], []) : ([], [.. binder.Errors]);
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

    private static (KubernetesClientConfiguration Connection, KubernetesOptions Options)? Kubernetes(SpecBinder binder, SpecNode node, string path)
    {
        if (binder.Mapping(node, path) is not { } entry)
            return null;
        var name = entry.Text("name", required: true);
        var (kubeconfig, context) = (entry.Text("kubeconfig"), entry.Text("context"));
        var (host, tokenFile, caFile) = (entry.Text("host"), entry.Text("token_file"), entry.Text("ca_file"));
        var pools = new List<KubernetesPool>();
        foreach (var (item, itemPath) in entry.Items("pools", required: true))
        {
            if (binder.Mapping(item, itemPath) is not { } pool)
                continue;
            var (id, site, ns) = (pool.Text("pool", required: true), pool.Text("site", required: true), pool.Text("namespace", required: true));
            var selector = new SortedDictionary<string, string>(StringComparer.Ordinal);
            if (pool.Node("node_selector") is { } labels and not SpecScalar { Value: null })
            {
                if (labels is SpecMapping map)
                {
                    foreach (var (key, value) in map.Entries)
                    {
                        if (value is SpecScalar { Value: { } text })
                            selector[key.Value!] = text;
                        else
                            binder.Error(value, $"{pool.PathOf("node_selector")}.{key.Value}", "expected a label value");
                    }
                }
                else
                {
                    binder.Error(labels, pool.PathOf("node_selector"), $"expected a mapping of node labels, found {labels.Shape}");
                }
            }
            var (priority, account) = (pool.Text("priority_class"), pool.Text("service_account"));
            pool.Done();
            if (id is not null && site is not null && ns is not null)
                pools.Add(new KubernetesPool(id, site, ns, selector, priority, account));
        }
        entry.Done();
        KubernetesClientConfiguration? connection = null;
        if (kubeconfig is not null == host is not null)
            binder.ErrorAt(path, "give either kubeconfig (and optionally context) or host and token_file");
        else if (kubeconfig is not null)
        {
            try
            {
                connection = KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig, context);
            }
            catch (Exception ex) when (ex is IOException or k8s.Exceptions.KubeConfigException or UnauthorizedAccessException or YamlDotNet.Core.YamlException)
            {
                binder.ErrorAt(entry.PathOf("kubeconfig"), $"'{kubeconfig}': {ex.Message}");
            }
        }
        else if (tokenFile is null || !File.Exists(tokenFile))
            binder.ErrorAt(entry.PathOf("token_file"), tokenFile is null ? "required with host" : $"'{tokenFile}' does not exist");
        else if (caFile is not null && !File.Exists(caFile))
            binder.ErrorAt(entry.PathOf("ca_file"), $"'{caFile}' does not exist");
        else
        {
            connection = new KubernetesClientConfiguration { Host = host, AccessToken = File.ReadAllText(tokenFile).Trim() };
            if (caFile is not null)
            {
                var certificates = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
                certificates.ImportFromPemFile(caFile);
                connection.SslCaCerts = certificates;
            }
        }
        if (name is null || connection is null || pools.Count == 0)
            return null;
        return (connection, new KubernetesOptions { Name = $"kubernetes:{name}", Pools = pools });
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
