using Suanwang.Server.Southbound;

namespace Suanwang.Server.Tests.Southbound;

public sealed class ProvidersFileTests : IDisposable
{
    private readonly string _token = Path.GetTempFileName();

    public void Dispose() => File.Delete(_token);

    [Fact]
    public void A_file_with_a_slurm_and_a_kubernetes_cluster_gives_one_adapter_each_with_its_pools()
    {
        var (providers, errors) = ProvidersFile.Read($"""
            slurm:
              - name: hpc-east
                url: http://127.0.0.1:6820
                user: suanwang
                token_file: {_token}
                work_root: /shared/suanwang
                pools: [{"{"} pool: hpc-east/cpu, site: hpc-east, partition: batch {"}"}]
            kubernetes:
              - name: ai-north
                host: https://10.0.0.1:6443
                token_file: {_token}
                pools:
                  - {"{"} pool: ai-north/gpu, site: ai-north, namespace: suanwang, node_selector: {"{"} gpu: h100 {"}"} {"}"}
            """, "providers.yaml");
        Assert.Empty(errors);
        Assert.Equal(["slurm:hpc-east", "kubernetes:ai-north"], providers.Select(p => p.Adapter.Name));
        Assert.Equal([new ConfiguredPool("hpc-east/cpu", "hpc-east")], providers[0].Pools.ToArray());
        Assert.Equal([new ConfiguredPool("ai-north/gpu", "ai-north")], providers[1].Pools.ToArray());
        Assert.Equal(["slurm:hpc-east: pool 'hpc-east/cpu' is at site 'other', not 'hpc-east'"],
            providers[0].Check(new Dictionary<string, string> { ["hpc-east/cpu"] = "other" }));
        Assert.Contains("is not in the network", Assert.Single(providers[1].Check(new Dictionary<string, string>())), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_mistake_is_reported_with_its_line_and_field_and_nothing_is_built()
    {
        var (providers, errors) = ProvidersFile.Read($"""
            slurm:
              - name: a
                url: ftp://x
                user: u
                token_file: /no/such/token
                work_root: relative/dir
                colour: blue
                pools: [{"{"} pool: p/1, site: p, partition: batch {"}"}]
              - name: b
                url: http://x
                user: u
                token_file: {_token}
                work_root: /w
                pools: [{"{"} pool: p/1, site: p, partition: other {"}"}]
            kubernetes:
              - name: k
                kubeconfig: /no/such/kubeconfig
                host: https://x
                pools: [{"{"} pool: k/1, site: k, namespace: n, node_selector: [a] {"}"}]
            """, "providers.yaml");
        Assert.Empty(providers);
        var text = string.Join('\n', errors.Select(e => e.ToString()));
        Assert.Contains("providers.yaml:7:5: slurm[0].colour: unknown field 'colour'", text, StringComparison.Ordinal);
        Assert.Contains("slurm[0].url: 'ftp://x' is not an absolute http:// or https:// address", text, StringComparison.Ordinal);
        Assert.Contains("slurm[0].token_file: '/no/such/token' does not exist", text, StringComparison.Ordinal);
        Assert.Contains("slurm[0].work_root: 'relative/dir' is not an absolute path", text, StringComparison.Ordinal);
        Assert.Contains("either kubeconfig", text, StringComparison.Ordinal);
        Assert.Contains("kubernetes[0].pools[0].node_selector: expected a mapping of node labels", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_providers_may_not_claim_one_pool()
    {
        var entry = $"{{ name: NAME, url: http://x, user: u, token_file: {_token}, work_root: /w, pools: [{{ pool: p/1, site: p, partition: q }}] }}";
        var (_, errors) = ProvidersFile.Read($"slurm: [{entry.Replace("NAME", "a", StringComparison.Ordinal)}, {entry.Replace("NAME", "b", StringComparison.Ordinal)}]", "f.yaml");
        Assert.Contains("pool 'p/1' is already run by slurm[0]", Assert.Single(errors).Message, StringComparison.Ordinal);
    }
}
