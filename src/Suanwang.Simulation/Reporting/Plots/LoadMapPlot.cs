using System.Globalization;
using Suanwang.Core.Topologies;
using Suanwang.Simulation.Runs;

namespace Suanwang.Simulation.Reporting.Plots;

/// <summary>
/// The load map: one panel per policy (three to a row), each drawing the same layout
/// (<see cref="MapLayout"/>). Links between points of presence are coloured and thickened by the bytes
/// they carried, on one scale shared by every panel (the largest link of any policy is the darkest);
/// sites are discs sized by their nodes and coloured by their utilization (node-weighted over their
/// pools, green 0 % → yellow 50 % → red 100 %). Site ids are written beside the discs when there are at
/// most 24 sites; every disc and link carries a tooltip with its figures.
/// </summary>
internal static class LoadMapPlot
{
    private const double PanelWidth = 420;
    private const double PanelHeight = 380;
    private const double Margin = 36;
    private const double TitleHeight = 40;
    private const double LegendHeight = 80;
    private const int LabelledSitesAtMost = 24;

    private static readonly string[] UtilizationColours = ["#1a9850", "#fee08b", "#d73027"];
    private static readonly string[] LinkColours = ["#fdae6b", "#e6550d", "#7f2704"];

    public static string Render(ScenarioResult result, Topology topology)
    {
        var layout = MapLayout.Of(topology);
        var columns = Math.Clamp(result.Runs.Length, 1, 3);
        var rows = Math.Max(1, (result.Runs.Length + columns - 1) / columns);
        var canvas = new SvgCanvas(columns * PanelWidth, TitleHeight + rows * PanelHeight + LegendHeight, $"{result.Scenario}: load map");
        canvas.Text(columns * PanelWidth / 2, 26, $"{result.Scenario}: sites by utilization, links by bytes carried", "middle", 15);
        canvas.Gradient("utilization", UtilizationColours);
        canvas.Gradient("link-bytes", LinkColours);

        var maxBytes = result.Runs.SelectMany(r => r.LinkBytes).DefaultIfEmpty(0).Max();
        var maxNodes = Math.Max(1, topology.Sites.Select(s => s.Pools.Sum(p => (long)p.NodeCount)).DefaultIfEmpty(0).Max());
        for (var i = 0; i < result.Runs.Length; i++)
        {
            var (ox, oy) = (i % columns * PanelWidth, TitleHeight + i / columns * PanelHeight);
            DrawPanel(canvas, topology, layout, result.Runs[i], ox, oy, maxBytes, maxNodes);
        }
        DrawLegend(canvas, TitleHeight + rows * PanelHeight, maxBytes, layout.Geographic);
        return canvas.ToString();
    }

    private static void DrawPanel(SvgCanvas canvas, Topology topology, MapLayout layout, Engine.SimulationResult run,
        double ox, double oy, double maxBytes, long maxNodes)
    {
        canvas.Rect(ox + 4, oy, PanelWidth - 8, PanelHeight - 8, "#fbfbfb", "#cccccc");
        canvas.Text(ox + PanelWidth / 2, oy + 18, run.Report.Policy, "middle", 13);
        var size = Math.Min(PanelWidth, PanelHeight - 24) - 2 * Margin;
        var (left, top) = (ox + (PanelWidth - size) / 2, oy + 24 + Margin);
        (double X, double Y) At((double X, double Y) p) => (left + p.X * size, top + p.Y * size);

        var links = topology.Network.Links;
        var network = topology.Network;
        for (var l = 0; l < links.Length; l++)
        {
            var (a, b) = (layout.PointsOfPresence[network.IndexOf(links[l].A)], layout.PointsOfPresence[network.IndexOf(links[l].B)]);
            if (double.IsNaN(a.X) || double.IsNaN(b.X))
                continue;
            var bytes = l < run.LinkBytes.Length ? run.LinkBytes[l] : 0;
            var share = maxBytes > 0 ? Math.Sqrt(bytes / maxBytes) : 0;
            var (pa, pb) = (At(a), At(b));
            canvas.Line(pa.X, pa.Y, pb.X, pb.Y, bytes > 0 ? Colours.Lerp(LinkColours, share) : "#c8c8c8", bytes > 0 ? 1.5 + 5 * share : 1,
                $"{links[l].A} – {links[l].B}: {Bytes(bytes)} carried");
        }
        var hosting = new HashSet<string>(topology.Sites.Select(s => s.AttachedTo).OfType<string>(), StringComparer.Ordinal);
        for (var n = 0; n < network.Nodes.Length; n++)
        {
            if (double.IsNaN(layout.PointsOfPresence[n].X) || hosting.Contains(network.Nodes[n].Id))
                continue;
            var p = At(layout.PointsOfPresence[n]);
            canvas.Circle(p.X, p.Y, 2, "#999999", "#999999", network.Nodes[n].Name);
        }

        var utilization = SiteUtilization(topology, run);
        var sites = topology.Sites;
        // Big sites first, so small ones on the same spot stay visible on top.
        var order = Enumerable.Range(0, sites.Length).OrderByDescending(s => sites[s].Pools.Sum(p => (long)p.NodeCount)).ThenBy(s => s);
        foreach (var s in order)
        {
            var nodes = sites[s].Pools.Sum(p => (long)p.NodeCount);
            var p = At(layout.Sites[s]);
            var radius = 3 + 6 * Math.Sqrt((double)nodes / maxNodes);
            canvas.Circle(p.X, p.Y, radius, Colours.Lerp(UtilizationColours, utilization[s]), "#333333", string.Create(CultureInfo.InvariantCulture,
                $"{sites[s].Id}: {utilization[s] * 100:0.#} % busy, {nodes} nodes"));
            if (sites.Length <= LabelledSitesAtMost)
                canvas.Text(p.X + radius + 2, p.Y + 3, sites[s].Id, size: 9, fill: "#444444");
        }
    }

    /// <summary>Per site (topology order): its pools' utilization weighted by their nodes.</summary>
    private static double[] SiteUtilization(Topology topology, Engine.SimulationResult run)
    {
        var shares = new double[topology.Sites.Length];
        var pool = 0;
        for (var s = 0; s < topology.Sites.Length; s++)
        {
            double busy = 0, nodes = 0;
            foreach (var p in topology.Sites[s].Pools)
            {
                var u = pool < run.PoolUtilization.Length ? run.PoolUtilization[pool] : 0;
                busy += u * p.NodeCount;
                nodes += p.NodeCount;
                pool++;
            }
            shares[s] = nodes > 0 ? Math.Clamp(busy / nodes, 0, 1) : 0;
        }
        return shares;
    }

    private static void DrawLegend(SvgCanvas canvas, double y, double maxBytes, bool geographic)
    {
        canvas.Text(20, y + 20, "site utilization", size: 11);
        canvas.Rect(20, y + 26, 160, 10, "url(#utilization)", "#888888");
        canvas.Text(20, y + 48, "0 %", size: 10);
        canvas.Text(100, y + 48, "50 %", "middle", 10);
        canvas.Text(180, y + 48, "100 %", "end", 10);
        canvas.Text(220, y + 20, "bytes carried per link (width and colour ∝ √bytes)", size: 11);
        canvas.Rect(220, y + 26, 160, 10, "url(#link-bytes)", "#888888");
        canvas.Text(220, y + 48, "0", size: 10);
        canvas.Text(380, y + 48, maxBytes > 0 ? Bytes(maxBytes) : "no link carried data", "end", 10);
        canvas.Text(20, y + 68, geographic
            ? "Sites at their coordinates (or their point of presence's); disc area ∝ nodes; one panel per policy."
            : "No coordinates: points of presence on a circle, sites around them; disc area ∝ nodes; one panel per policy.", size: 10, fill: "#555555");
    }

    private static string Bytes(double bytes) => bytes switch
    {
        >= 1e12 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e12:0.##} TB"),
        >= 1e9 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:0.##} GB"),
        >= 1e6 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.##} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes:0} B"),
    };
}
