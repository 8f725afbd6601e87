using System.Collections.Immutable;
using Suanwang.Core.Model;
using Suanwang.Core.Specs;

namespace Suanwang.Core.Topologies;

/// <summary>
/// Binds the <c>sites:</c> list of DESIGN §10 (shared by topology files and scenarios) into
/// <see cref="Site"/> and <see cref="Pool"/> records. It checks syntax and units and records every
/// error in the <see cref="SpecBinder"/>; value rules (PUE ≥ 1, nodes ≥ 1, known accelerator
/// models, known points of presence) are checked by <see cref="Topology.Validate"/>, so programs
/// that build sites directly get the same checks.
/// </summary>
/// <remarks>
/// Schema of one site: <c>id, at, tier, jurisdiction, provider, pools</c>; of one pool:
/// <c>id, kind, nodes, node: { cpu, memory, cpu_model, accelerators: { model, count } },
/// price_per_cu_hour, pue, carbon_g_per_kwh, access</c> (access defaults to <c>simulated</c>).
/// </remarks>
public static class SiteSpecBinder
{
    /// <summary>Binds a list of sites found at <paramref name="path"/>; items with errors are left out.</summary>
    /// <param name="binder">Collects errors and positions.</param>
    /// <param name="node">The list node (null when the field is absent).</param>
    /// <param name="path">Path of the list, e.g. <c>sites</c>.</param>
    public static ImmutableArray<Site> BindSites(SpecBinder binder, SpecNode? node, string path)
    {
        ArgumentNullException.ThrowIfNull(binder);
        var sites = ImmutableArray.CreateBuilder<Site>();
        foreach (var (item, itemPath) in binder.Items(node, path))
        {
            if (BindSite(binder, item, itemPath) is { } site)
                sites.Add(site);
        }
        return sites.ToImmutable();
    }

    /// <summary>Binds one site mapping; null when its own fields are unreadable. Errors are recorded in <paramref name="binder"/>, which the caller must check.</summary>
    public static Site? BindSite(SpecBinder binder, SpecNode node, string path)
    {
        ArgumentNullException.ThrowIfNull(binder);
        var fields = binder.Mapping(node, path);
        if (fields is null)
            return null;
        var id = fields.Text("id", required: true);
        var at = fields.Text("at");
        var tier = fields.Enum<SiteTier>("tier", required: true);
        var jurisdiction = fields.Text("jurisdiction", required: true);
        var provider = fields.Text("provider", required: true);
        var pools = ImmutableArray.CreateBuilder<Pool>();
        var poolsNode = fields.Node("pools", required: true);
        if (poolsNode is SpecSequence { Items.IsEmpty: true })
            binder.Error(poolsNode, fields.PathOf("pools"), $"site '{id}' has no pools; list at least one");
        foreach (var (poolNode, poolPath) in binder.Items(poolsNode, fields.PathOf("pools")))
        {
            if (BindPool(binder, poolNode, poolPath, id ?? "") is { } pool)
                pools.Add(pool);
        }
        fields.Done();
        // A site whose own fields are readable is kept even when some pools are not, so that the
        // model checks (unknown 'at', provider, pool values) still run and every error surfaces at once.
        if (id is null || tier is null || jurisdiction is null || provider is null)
            return null;
        return new Site(id, tier.Value, jurisdiction, provider, at, null, pools.ToImmutable());
    }

    /// <summary>Binds one pool mapping of the site <paramref name="siteId"/>; null when a required value is unreadable.</summary>
    public static Pool? BindPool(SpecBinder binder, SpecNode node, string path, string siteId)
    {
        ArgumentNullException.ThrowIfNull(binder);
        var fields = binder.Mapping(node, path);
        if (fields is null)
            return null;
        var id = fields.Text("id", required: true);
        var kind = fields.Enum<PoolKind>("kind", required: true);
        var count = fields.WholeNumber("nodes", required: true);
        var shape = BindNodeShape(fields.Mapping("node", required: true));
        var price = fields.Money("price_per_cu_hour", required: true);
        var pue = fields.Real("pue", required: true);
        var carbon = fields.Real("carbon_g_per_kwh", required: true);
        var access = fields.Enum<AccessMode>("access") ?? AccessMode.Simulated;
        fields.Done();
        if (id is null || kind is null || count is null || shape is null || price is null || pue is null || carbon is null)
            return null;
        return new Pool(id, siteId, kind.Value, shape, count.Value, price.Value, pue.Value, carbon.Value, access);
    }

    private static NodeShape? BindNodeShape(MappingBinder? fields)
    {
        if (fields is null)
            return null;
        var cores = fields.WholeNumber("cpu", required: true);
        var memory = fields.Size("memory", required: true);
        var cpuModel = fields.Text("cpu_model");
        AcceleratorSet? accelerators = null;
        var acceleratorsUnreadable = false;
        // 'accelerators: ~' means the same as leaving the field out: CPU-only nodes.
        if (fields.Node("accelerators") is { } node && node is not SpecScalar { Value: null })
        {
            var device = fields.Binder.Mapping(node, fields.PathOf("accelerators"));
            var model = device?.Text("model", required: true);
            var count = device?.WholeNumber("count", required: true);
            device?.Done();
            if (model is not null && count is not null)
                accelerators = new AcceleratorSet(model, count.Value);
            else
                acceleratorsUnreadable = true;
        }
        fields.Done();
        // Unreadable accelerators must not turn the pool into a CPU-only one: drop the shape (the error is recorded).
        return cores is null || memory is null || acceleratorsUnreadable ? null : new NodeShape(cores.Value, memory.Value, accelerators, cpuModel);
    }
}
