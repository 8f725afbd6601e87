using Suanwang.Core.Model;
using Suanwang.Core.Network;

namespace Suanwang.Core.Tests.Network;

/// <summary>Small hand-made backbones for the network tests.</summary>
internal static class TestGraphs
{
    /// <summary>Builds a graph from node ids and (a, b, latency ms) links; link i is named L{i}, 10 Gbps, 0.05 CNY/GB.</summary>
    public static NetworkGraph Build(IEnumerable<string> nodes, params (string A, string B, double Ms)[] links) =>
        Build(nodes, links.Select(l => (l.A, l.B, l.Ms, 10.0, 5L)).ToArray());

    /// <summary>As <see cref="Build(IEnumerable{string}, ValueTuple{string, string, double}[])"/> with capacity (Gbps) and price (fen) per link.</summary>
    public static NetworkGraph Build(IEnumerable<string> nodes, (string A, string B, double Ms, double Gbps, long PriceFen)[] links)
    {
        var (graph, errors) = NetworkGraph.Create(
            nodes.Select(id => new PointOfPresence(id, id, null)),
            links.Select((l, i) => new NetworkLink($"L{i}", l.A, l.B, Bandwidth.FromGbps(l.Gbps), l.Ms, new Money(l.PriceFen, "CNY"))));
        Assert.Empty(errors);
        return graph!;
    }

    /// <summary>A ─1─ B ─1─ D, A ─1─ C ─2─ D, B ─0.5─ C.</summary>
    public static NetworkGraph Diamond() => Build(["A", "B", "C", "D"],
        ("A", "B", 1), ("B", "D", 1), ("A", "C", 1), ("C", "D", 2), ("B", "C", 0.5));
}
