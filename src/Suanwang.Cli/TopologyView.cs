using System.Globalization;
using Spectre.Console;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Specs;
using Suanwang.Core.Topologies;

namespace Suanwang.Cli;

/// <summary>What <c>topology show</c> prints: the topology plus its all-pairs latency summary, as tables or JSON.</summary>
internal sealed class TopologyView
{
    private readonly Topology _topology;
    private readonly LatencyMatrix _latencies;
    private readonly TierReport _tiers;

    private TopologyView(Topology topology, LatencyMatrix latencies, TierReport tiers)
    {
        _topology = topology;
        _latencies = latencies;
        _tiers = tiers;
    }

    public static TopologyView Build(Topology topology)
    {
        var matrix = new PathFinder(topology.Network).AllPairsLatencies();
        return new TopologyView(topology, matrix, Census(topology, matrix));
    }

    /// <summary>Tier census of site pairs; a backbone without sites counts its points of presence as sites.</summary>
    public static TierReport Census(Topology topology, LatencyMatrix? matrix = null)
    {
        matrix ??= new PathFinder(topology.Network).AllPairsLatencies();
        return topology.Sites.IsEmpty
            ? LatencyTiers.Census(matrix, [.. topology.Network.Nodes.Select(n => n.Id)], topology.Constants)
            : LatencyTiers.Census(matrix, topology.Sites, topology.Constants);
    }

    private IEnumerable<(Site A, Site B, double? Ms)> SitePairs()
    {
        var sites = _topology.Sites;
        for (var i = 0; i < sites.Length; i++)
        {
            for (var j = i + 1; j < sites.Length; j++)
                yield return (sites[i], sites[j], _latencies.LatencyMs(_topology.Network.IndexOf(sites[i].AttachedTo!), _topology.Network.IndexOf(sites[j].AttachedTo!)));
        }
    }

    private (double Min, double Median, double Max, string Farthest)? LatencySpread()
    {
        var pairs = SitePairs().Where(p => p.Ms is not null).OrderBy(p => p.Ms).ToList();
        if (pairs.Count == 0)
            return null;
        var far = pairs[^1];
        return (pairs[0].Ms!.Value, pairs[pairs.Count / 2].Ms!.Value, far.Ms!.Value, $"{far.A.Id} ↔ {far.B.Id}");
    }

    public void Render(IAnsiConsole console)
    {
        var t = _topology;
        var pools = t.Pools.ToList();
        console.Write(new Rule($"[bold]{Markup.Escape(t.Name)}[/]").LeftJustified());
        console.WriteLine(string.Join(", ",
            CliText.Count(t.Network.Nodes.Length, "point of presence", "points of presence"),
            CliText.Count(t.Network.Links.Length, "link"),
            CliText.Count(t.Sites.Length, "site") + Invariant($" ({Count(SiteTier.Hub)} hub, {Count(SiteTier.Region)} region, {Count(SiteTier.Edge)} edge)"),
            CliText.Count(pools.Count, "pool"),
            CliText.Count(pools.Sum(p => (long)p.NodeCount), "node"),
            CliText.Count(pools.Sum(p => (long)p.NodeCount * (p.Node.Accelerators?.Count ?? 0)), "accelerator")));

        if (!t.Sites.IsEmpty)
        {
            var sites = new Table().Title("sites").AddColumns("site", "tier", "at", "provider", "pools", "nodes", "accelerators", "price / CU-h", "PUE", "gCO₂/kWh");
            foreach (var site in t.Sites)
            {
                var accelerators = site.Pools.Where(p => p.Node.Accelerators is not null)
                    .GroupBy(p => p.Node.Accelerators!.Model)
                    .Select(g => Invariant($"{g.Sum(p => (long)p.NodeCount * p.Node.Accelerators!.Count)}×{g.Key}"));
                sites.AddRow(
                    Markup.Escape(site.Id), SpecEnums.Name(site.Tier), Markup.Escape(site.AttachedTo ?? ""), Markup.Escape(site.ProviderId),
                    string.Join(" ", site.Pools.Select(p => SpecEnums.Name(p.Kind))),
                    site.Pools.Sum(p => (long)p.NodeCount).ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(string.Join(" ", accelerators)),
                    Markup.Escape(Range(site.Pools.Select(p => p.PricePerCuHour.Amount), "0.00")),
                    Range(site.Pools.Select(p => p.Pue), "0.00"),
                    Range(site.Pools.Select(p => p.CarbonGramsPerKwh), "0"));
            }
            console.Write(sites);
        }

        var links = new Table().Title("links").AddColumns("from", "to", "capacity", "latency ms", "price / GB");
        foreach (var link in t.Network.Links)
            links.AddRow(Markup.Escape(link.A), Markup.Escape(link.B), link.Capacity.ToString(), Invariant($"{link.LatencyMs:0.00}"), link.PricePerGb.ToString());
        console.Write(links);

        if (_tiers.Pairs.Sum() == 0)
        {
            console.WriteLine("latency between sites: no pairs to measure (fewer than two sites)");
            console.WriteLine(Invariant($"constants: {t.Constants.KmPerMs} km/ms, inflation {t.Constants.Inflation}, {t.Constants.HopMs} ms per hop"));
            return;
        }
        var summary = new Table().Title("latency between sites (one-way, shortest path)").AddColumns("city ≤1ms", "region ≤5ms", "national ≤20ms", "beyond", "unreachable", "min", "median", "max");
        var spread = LatencySpread();
        summary.AddRow(
            Invariant($"{_tiers.Pairs.City}"), Invariant($"{_tiers.Pairs.Region}"), Invariant($"{_tiers.Pairs.National}"),
            Invariant($"{_tiers.Pairs.Beyond}"), Invariant($"{_tiers.Pairs.Unreachable}"),
            spread is { } s ? Invariant($"{s.Min:0.00} ms") : "-",
            spread is { } m ? Invariant($"{m.Median:0.00} ms") : "-",
            spread is { } x ? Markup.Escape(Invariant($"{x.Max:0.00} ms ({x.Farthest})")) : "-");
        console.Write(summary);
        console.WriteLine(Invariant($"constants: {t.Constants.KmPerMs} km/ms, inflation {t.Constants.Inflation}, {t.Constants.HopMs} ms per hop"));

        int Count(SiteTier tier) => t.Sites.Count(s => s.Tier == tier);
    }

    public object ToJson()
    {
        var t = _topology;
        var spread = LatencySpread();
        return new
        {
            Name = t.Name,
            Constants = t.Constants,
            PointsOfPresence = t.Network.Nodes.Select(n => new { n.Id, n.Name, Latitude = n.Location?.Latitude, Longitude = n.Location?.Longitude, Region = t.RegionOf(n.Id) }),
            Links = t.Network.Links.Select(l => new { l.Id, From = l.A, To = l.B, CapacityGbps = l.Capacity.Gbps, l.LatencyMs, PricePerGb = l.PricePerGb.ToString() }),
            Sites = t.Sites.Select(s => new
            {
                s.Id,
                Tier = SpecEnums.Name(s.Tier),
                At = s.AttachedTo,
                s.Jurisdiction,
                Provider = s.ProviderId,
                Pools = s.Pools.Select(p => new
                {
                    p.Id,
                    Kind = SpecEnums.Name(p.Kind),
                    Nodes = p.NodeCount,
                    Node = new { Cpu = p.Node.Cores, Memory = p.Node.Memory.ToString(), Accelerators = p.Node.Accelerators, CpuModel = p.Node.CpuModel },
                    PricePerCuHour = p.PricePerCuHour.ToString(),
                    p.Pue,
                    CarbonGPerKwh = p.CarbonGramsPerKwh,
                    Access = SpecEnums.Name(p.Access),
                }),
            }),
            Latency = new
            {
                _tiers.Pairs,
                MinMs = spread?.Min,
                MedianMs = spread?.Median,
                MaxMs = spread?.Max,
                FarthestPair = spread?.Farthest,
            },
            Warnings = t.Warnings,
        };
    }

    // Generic so doubles are formatted as doubles: a (decimal) cast of a huge PUE or carbon figure would throw.
    private static string Range<T>(IEnumerable<T> values, string format) where T : struct, IComparable<T>, IFormattable
    {
        var list = values.ToList();
        if (list.Count == 0)
            return "";
        var (lo, hi) = (list.Min(), list.Max());
        return lo.CompareTo(hi) == 0 ? lo.ToString(format, CultureInfo.InvariantCulture) : $"{lo.ToString(format, CultureInfo.InvariantCulture)}–{hi.ToString(format, CultureInfo.InvariantCulture)}";
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
