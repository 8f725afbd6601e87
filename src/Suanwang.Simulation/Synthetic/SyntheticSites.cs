using System.Collections.Immutable;
using System.Globalization;
using Suanwang.Core.Measurement;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Scheduling;

namespace Suanwang.Simulation.Synthetic;

/// <summary>
/// Sites, pools, datasets and running allocations of a <see cref="SyntheticWorld"/>. Ranges follow
/// the china-national preset's conventions: hubs are cheap with low PUE, edge sites dear and small.
/// </summary>
internal static class SyntheticSites
{
    /// <summary>Share of sites outside the CN jurisdiction, so jurisdiction filters have something to refuse.</summary>
    public const double ForeignSiteShare = 0.05;

    public static ImmutableArray<Site> Generate(
        SyntheticWorldOptions options, ImmutableArray<PointOfPresence> points, ImmutableArray<Provider> providers, DeviceCatalog catalog, Random random)
    {
        var accelerators = catalog.Devices.Where(d => d.IsAccelerator).Select(d => d.Model).ToArray();
        var cpus = catalog.Devices.Where(d => !d.IsAccelerator).Select(d => d.Model).ToArray();

        // Sites of 1–4 pools until every pool has a site; then the node split.
        var plan = new List<(SiteTier Tier, int Pools)>();
        for (var left = options.Pools; left > 0;)
        {
            var tier = Pick(random, (SiteTier.Hub, 0.2), (SiteTier.Region, 0.5), (SiteTier.Edge, 0.3));
            var pools = Math.Min(left, tier == SiteTier.Edge ? 1 + random.Next(2) : 1 + random.Next(4));
            plan.Add((tier, pools));
            left -= pools;
        }
        var kinds = new List<PoolKind>(options.Pools);
        foreach (var (tier, pools) in plan)
        {
            for (var p = 0; p < pools; p++)
                kinds.Add(tier == SiteTier.Edge ? PoolKind.Edge : Pick(random, (PoolKind.Ai, 0.35), (PoolKind.Hpc, 0.25), (PoolKind.General, 0.4)));
        }
        var nodeCounts = SplitNodes(options.Nodes, kinds, random);

        var sites = ImmutableArray.CreateBuilder<Site>(plan.Count);
        var poolIndex = 0;
        for (var s = 0; s < plan.Count; s++)
        {
            var (tier, poolCount) = plan[s];
            var id = Invariant($"s{s:D5}");
            var at = points[random.Next(points.Length)].Id;
            var jurisdiction = random.NextDouble() < ForeignSiteShare ? "HK" : "CN";
            var provider = providers[random.Next(providers.Length)].Id;
            var pools = ImmutableArray.CreateBuilder<Pool>(poolCount);
            for (var p = 0; p < poolCount; p++, poolIndex++)
            {
                var kind = kinds[poolIndex];
                var (priceLow, priceHigh, pueLow, pueHigh) = tier switch
                {
                    SiteTier.Hub => (60, 110, 1.10, 1.25),
                    SiteTier.Region => (100, 170, 1.30, 1.45),
                    _ => (220, 280, 1.40, 1.60),
                };
                pools.Add(new Pool(
                    Invariant($"{id}/{p}-{kind.ToString().ToLowerInvariant()}"), id, kind, Shape(kind, accelerators, cpus, random), nodeCounts[poolIndex],
                    new Money(priceLow + random.Next(priceHigh - priceLow + 1), "CNY"),
                    Math.Round(pueLow + random.NextDouble() * (pueHigh - pueLow), 2),
                    Math.Round(100 + random.NextDouble() * 600), AccessMode.Simulated));
            }
            sites.Add(new Site(id, tier, jurisdiction, provider, at, null, pools.MoveToImmutable()));
        }
        return sites.MoveToImmutable();
    }

    private static NodeShape Shape(PoolKind kind, string[] accelerators, string[] cpus, Random random)
    {
        string? Cpu() => cpus.Length == 0 || random.NextDouble() < 0.2 ? null : cpus[random.Next(cpus.Length)];
        AcceleratorSet? Accelerators(int count) => accelerators.Length == 0 ? null : new AcceleratorSet(accelerators[random.Next(accelerators.Length)], count);
        return kind switch
        {
            PoolKind.Ai => new NodeShape(OneOf(random, 112, 192), ByteSize.FromGibibytes(OneOf(random, 1024, 2048)), Accelerators(OneOf(random, 4, 8)), Cpu()),
            PoolKind.Hpc => new NodeShape(OneOf(random, 64, 128, 192), ByteSize.FromGibibytes(OneOf(random, 256, 512, 768)), null, Cpu()),
            PoolKind.General => new NodeShape(OneOf(random, 32, 64, 96), ByteSize.FromGibibytes(OneOf(random, 128, 256, 384)), null, Cpu()),
            _ => new NodeShape(OneOf(random, 16, 32, 48), ByteSize.FromGibibytes(OneOf(random, 64, 128, 192)),
                random.NextDouble() < 0.5 ? Accelerators(2) : null, Cpu()),
        };
    }

    /// <summary>
    /// Splits <paramref name="total"/> nodes so every pool gets at least one and the rest follows
    /// log-uniform weights over a 1:50 range (edge pools a fifth of that): a few big pools, many small.
    /// </summary>
    private static int[] SplitNodes(int total, List<PoolKind> kinds, Random random)
    {
        var weights = kinds.Select(k => Math.Exp(random.NextDouble() * Math.Log(50)) * (k == PoolKind.Edge ? 0.2 : 1)).ToArray();
        var sum = weights.Sum();
        var spare = total - kinds.Count;
        var counts = weights.Select(w => 1 + (int)Math.Floor(spare * w / sum)).ToArray();
        // Rounding down leaves fewer than one node per pool over; hand them out in pool order.
        var left = total - counts.Sum(c => (long)c);
        for (var i = 0; left > 0; i = (i + 1) % counts.Length, left--)
            counts[i]++;
        return counts;
    }

    public static ImmutableArray<Dataset> Datasets(SyntheticWorldOptions options, ImmutableArray<Site> sites, ImmutableArray<string> tenants, Random random)
    {
        var count = Math.Clamp(options.Pools / 5, 1, 5000);
        var domestic = sites.Where(s => s.Jurisdiction == "CN").ToArray();
        var datasets = ImmutableArray.CreateBuilder<Dataset>(count);
        for (var i = 0; i < count; i++)
        {
            var restricted = domestic.Length > 0 && random.NextDouble() < 0.7;
            var candidates = restricted ? domestic : sites.ToArray();
            var replicas = Math.Min(candidates.Length, 1 + random.Next(3));
            var chosen = new SortedSet<string>(StringComparer.Ordinal);
            while (chosen.Count < replicas)
                chosen.Add(candidates[random.Next(candidates.Length)].Id);
            var size = ByteSize.FromGigabytes(Math.Round(Math.Exp(random.NextDouble() * Math.Log(100_000)), 1)); // 1 GB – 100 TB
            datasets.Add(new Dataset(Invariant($"ds-{i:D4}"), tenants[random.Next(tenants.Length)], size, [.. chosen],
                restricted ? ["CN"] : []));
        }
        return datasets.MoveToImmutable();
    }

    /// <summary>Each pool 0–70 % busy at <paramref name="now"/>, in one to three allocations ending within a day.</summary>
    public static ImmutableArray<RunningAllocation> Running(ImmutableArray<Site> sites, ImmutableArray<string> tenants, DateTimeOffset now, Random random)
    {
        var running = ImmutableArray.CreateBuilder<RunningAllocation>();
        foreach (var pool in sites.SelectMany(s => s.Pools))
        {
            var busy = (int)(pool.NodeCount * random.NextDouble() * 0.7);
            var parts = 1 + random.Next(3);
            for (var k = 0; k < parts && busy > 0; k++)
            {
                var nodes = k == parts - 1 ? busy : Math.Max(1, busy / (parts - k));
                busy -= nodes;
                var start = now - TimeSpan.FromSeconds(random.Next(1, 12 * 3600));
                var end = now + TimeSpan.FromSeconds(random.Next(300, 24 * 3600));
                running.Add(new RunningAllocation(Invariant($"run-{pool.Id}-{k}"), tenants[random.Next(tenants.Length)], pool.Id, nodes, start, end));
            }
        }
        return running.ToImmutable();
    }

    internal static T Pick<T>(Random random, params (T Value, double Weight)[] choices)
    {
        var x = random.NextDouble() * choices.Sum(c => c.Weight);
        foreach (var (value, weight) in choices)
        {
            if (x < weight)
                return value;
            x -= weight;
        }
        return choices[^1].Value;
    }

    internal static int OneOf(Random random, params int[] values) => values[random.Next(values.Length)];

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
