using System.Collections.Immutable;
using Suanwang.Core.Topologies;

namespace Suanwang.Simulation.Reporting.Plots;

/// <summary>
/// Where the load map draws each point of presence and site, in the unit square (x right, y down).
/// Geographic when every site and every linked point of presence has coordinates: an equirectangular
/// projection (longitude scaled by the cosine of the mean latitude), fitted to the square with its
/// aspect kept. Otherwise the points of presence that carry sites or links go on a circle in topology
/// order (a single one at the centre). Either way, sites that would sit on the same spot are fanned out
/// on a small circle around it, in topology order starting at the top. Points not drawn are NaN.
/// </summary>
internal sealed record MapLayout(ImmutableArray<(double X, double Y)> PointsOfPresence, ImmutableArray<(double X, double Y)> Sites, bool Geographic)
{
    public static MapLayout Of(Topology topology)
    {
        var nodes = topology.Network.Nodes;
        var links = topology.Network.Links;
        var sites = topology.Sites;
        var linked = new HashSet<string>(links.SelectMany(l => new[] { l.A, l.B }), StringComparer.Ordinal);
        var hosting = new HashSet<string>(sites.Select(s => s.AttachedTo).OfType<string>(), StringComparer.Ordinal);
        var siteLocations = sites.Select(s => s.Location ?? (s.AttachedTo is { } at ? topology.FindPointOfPresence(at)?.Location : null)).ToArray();
        var geographic = siteLocations.All(l => l is not null) && nodes.Where(n => linked.Contains(n.Id)).All(n => n.Location is not null)
            && sites.Length + linked.Count > 0;

        (double X, double Y)[] pops;
        (double X, double Y)[] placed;
        double fan;
        if (geographic)
        {
            var all = siteLocations.Select(l => l!.Value).Concat(nodes.Where(n => n.Location is not null).Select(n => n.Location!.Value)).ToArray();
            var cos = Math.Cos(all.Average(p => p.Latitude) * Math.PI / 180);
            var (minX, maxX) = (all.Min(p => p.Longitude * cos), all.Max(p => p.Longitude * cos));
            var (minY, maxY) = (all.Min(p => -p.Latitude), all.Max(p => -p.Latitude));
            var scale = Math.Max(maxX - minX, maxY - minY) is var extent and > 0 ? 1 / extent : 0;
            var (offsetX, offsetY) = ((1 - (maxX - minX) * scale) / 2, (1 - (maxY - minY) * scale) / 2);
            (double X, double Y) Project(double lat, double lon) => (offsetX + (lon * cos - minX) * scale, offsetY + (-lat - minY) * scale);
            pops = [.. nodes.Select(n => n.Location is { } l ? Project(l.Latitude, l.Longitude) : (double.NaN, double.NaN))];
            placed = [.. siteLocations.Select(l => Project(l!.Value.Latitude, l.Value.Longitude))];
            fan = 0.02;
        }
        else
        {
            var drawn = nodes.Select((n, i) => (n.Id, i)).Where(x => linked.Contains(x.Id) || hosting.Contains(x.Id)).ToArray();
            pops = [.. nodes.Select(_ => (double.NaN, double.NaN))];
            for (var j = 0; j < drawn.Length; j++)
                pops[drawn[j].i] = drawn.Length == 1 ? (0.5, 0.5) : OnCircle(0.5, 0.5, 0.45, j, drawn.Length);
            placed = [.. sites.Select(s => s.AttachedTo is { } at && topology.Network.IndexOf(at) is var k and >= 0 ? pops[k] : (0.5, 0.5))];
            fan = drawn.Length <= 1 ? 0.4 : 0.06;
        }

        // Sites on one spot (several at one point of presence) fan out around it.
        foreach (var group in Enumerable.Range(0, placed.Length).GroupBy(i => (Math.Round(placed[i].X, 6), Math.Round(placed[i].Y, 6))))
        {
            var members = group.ToArray();
            if (members.Length < 2)
                continue;
            var centre = placed[members[0]];
            for (var j = 0; j < members.Length; j++)
                placed[members[j]] = OnCircle(centre.X, centre.Y, fan, j, members.Length);
        }
        return new MapLayout([.. pops], [.. placed], geographic);
    }

    private static (double X, double Y) OnCircle(double cx, double cy, double radius, int index, int count)
    {
        var angle = 2 * Math.PI * index / count - Math.PI / 2;
        return (cx + radius * Math.Cos(angle), cy + radius * Math.Sin(angle));
    }
}
