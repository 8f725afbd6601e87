using System.Collections.Immutable;
using System.Globalization;
using System.Xml.Linq;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Topologies;
using Suanwang.Simulation.Engine;
using Suanwang.Simulation.Reporting;
using Suanwang.Simulation.Reporting.Plots;
using Suanwang.Simulation.Runs;
using Suanwang.Simulation.Tests.Engine;

namespace Suanwang.Simulation.Tests.Reporting;

public sealed class SvgPlotsTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    // Three points of presence with coordinates; Beijing–Shanghai carries 100 GB, Shanghai–Chengdu nothing.
    private static Topology ThreeCities()
    {
        var draft = new TopologyDraft("cities",
            [new PointOfPresence("Beijing", "Beijing", new GeoCoordinate(39.9, 116.4)),
             new PointOfPresence("Shanghai", "Shanghai", new GeoCoordinate(31.2, 121.5)),
             new PointOfPresence("Chengdu", "Chengdu", new GeoCoordinate(30.7, 104.1))],
            [new NetworkLink("B-S", "Beijing", "Shanghai", Bandwidth.FromGbps(100), 5, new Money(0, "CNY")),
             new NetworkLink("S-C", "Shanghai", "Chengdu", Bandwidth.FromGbps(100), 9, new Money(0, "CNY"))],
            [new Site("bj", SiteTier.Region, "CN", "p", "Beijing", null, [TinyWorlds.Pool("bj/hpc", 4)]),
             new Site("sh", SiteTier.Region, "CN", "p", "Shanghai", null, [TinyWorlds.Pool("sh/hpc", 4)]),
             new Site("cd", SiteTier.Region, "CN", "p", "Chengdu", null, [TinyWorlds.Pool("cd/hpc", 4)])],
            [], GeoLatency.Default, ImmutableSortedDictionary<string, string>.Empty, []);
        var (topology, problems) = Topology.Create(draft);
        Assert.True(problems.IsEmpty, string.Join("; ", problems));
        return topology!;
    }

    private static ScenarioResult Result(string name, ImmutableArray<double> linkBytes, ImmutableArray<double> poolUtilization)
    {
        var report = PolicyReport.Summarize("network-aware", [], 12, 0, 0, 0);
        var run = new SimulationResult(report, [], [new UtilizationSample(0, 0), new UtilizationSample(3600, 6), new UtilizationSample(7200, 0)],
            linkBytes, poolUtilization, 0, 0, 0, 0, 0);
        return new ScenarioResult(name, 1, [run], []);
    }

    private static (double X, double Y) Centre(XElement circle) =>
        (double.Parse(circle.Attribute("cx")!.Value, CultureInfo.InvariantCulture), double.Parse(circle.Attribute("cy")!.Value, CultureInfo.InvariantCulture));

    [Fact]
    public void The_map_places_sites_by_coordinates_and_colours_links_and_sites_by_load()
    {
        var map = XDocument.Parse(SvgPlots.LoadMap(Result("cities", [100e9, 0], [0, 0.5, 1]), ThreeCities()));

        var discs = map.Descendants(Svg + "circle").ToDictionary(c => c.Element(Svg + "title")!.Value.Split(':')[0]);
        var (bj, sh, cd) = (Centre(discs["bj"]), Centre(discs["sh"]), Centre(discs["cd"]));
        // West to east: Chengdu (104° E), Beijing (116° E), Shanghai (121° E); Beijing (40° N) is north of both, so highest (smallest y).
        Assert.True(cd.X < bj.X && bj.X < sh.X, $"{cd} {bj} {sh}");
        Assert.True(bj.Y < sh.Y && bj.Y < cd.Y, $"{cd} {bj} {sh}");
        // Utilization 0, 50 %, 100 % are the three stops of the green–yellow–red scale.
        Assert.Equal(("#1a9850", "#fee08b", "#d73027"), (discs["bj"].Attribute("fill")!.Value, discs["sh"].Attribute("fill")!.Value, discs["cd"].Attribute("fill")!.Value));

        var links = map.Descendants(Svg + "line").Where(l => l.Element(Svg + "title") is not null).ToDictionary(l => l.Element(Svg + "title")!.Value);
        // The busiest link is the darkest and thickest (1.5 + 5 × √1); an idle one is thin grey.
        var busy = links["Beijing – Shanghai: 100 GB carried"];
        Assert.Equal(("#7f2704", "6.5"), (busy.Attribute("stroke")!.Value, busy.Attribute("stroke-width")!.Value));
        var idle = links["Shanghai – Chengdu: 0 B carried"];
        Assert.Equal(("#c8c8c8", "1"), (idle.Attribute("stroke")!.Value, idle.Attribute("stroke-width")!.Value));
        Assert.Contains("Sites at their coordinates", string.Concat(map.Descendants(Svg + "text").Select(t => t.Value)));
    }

    [Fact]
    public void Sites_at_one_point_without_coordinates_fan_out_on_a_circle()
    {
        var draft = TinyWorlds.OneSite(4).ToDraft();
        var second = draft.Sites[0] with { Id = "lab2", Pools = [TinyWorlds.Pool("lab2/hpc", 4)] };
        var (topology, problems) = Topology.Create(draft with { Sites = [draft.Sites[0], second] });
        Assert.True(problems.IsEmpty, string.Join("; ", problems));

        var map = XDocument.Parse(SvgPlots.LoadMap(Result("flat", [], [0.25, 0.75]), topology!));

        var centres = map.Descendants(Svg + "circle").Select(Centre).ToList();
        // Two sites on the one point: one at the top of the fan, one at the bottom, same x, distinct y.
        Assert.Equal(2, centres.Count);
        Assert.Equal(centres[0].X, centres[1].X, 2);
        Assert.NotEqual(centres[0].Y, centres[1].Y);
        Assert.Contains("No coordinates", string.Concat(map.Descendants(Svg + "text").Select(t => t.Value)));
    }

    [Fact]
    public void Text_is_escaped_and_every_plot_is_well_formed_xml()
    {
        var result = Result("a<b & \"c\"", [100e9, 0], [0, 0.5, 1]);

        foreach (var svg in new[] { SvgPlots.JctCdf(result), SvgPlots.Utilization(result, 12), SvgPlots.LoadMap(result, ThreeCities()) })
        {
            var document = XDocument.Parse(svg);
            Assert.StartsWith("a<b & \"c\":", document.Root!.Element(Svg + "title")!.Value, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Utilization_is_busy_nodes_over_all_nodes_with_a_minute_axis_for_a_two_hour_run()
    {
        var svg = XDocument.Parse(SvgPlots.Utilization(Result("u", [], []), 12));

        // 6 of 12 nodes busy from 1 h to 2 h: the curve climbs to y = 40 + (1 − 0.5) × 380 = 230.
        var points = svg.Descendants(Svg + "polyline").Single().Attribute("points")!.Value.Split(' ');
        Assert.Contains(points, p => p.EndsWith(",230", StringComparison.Ordinal));
        Assert.Contains("simulated time (min)", svg.Descendants(Svg + "text").Select(t => t.Value));
    }
}
