using Suanwang.Core.Topologies;
using Suanwang.Simulation.Runs;

namespace Suanwang.Simulation.Reporting.Plots;

/// <summary>
/// The SVG plots of <c>suanwang simulate --out</c>, written by hand as plain XML: the same result
/// gives byte-identical files (numbers invariant with two decimals, elements in a fixed order). What
/// each plot shows is in docs/scenarios.md, "Running a simulation".
/// </summary>
public static class SvgPlots
{
    /// <summary>The JCT CDF of completed jobs, one curve per policy, log-scale x axis.</summary>
    /// <param name="result">The runs.</param>
    public static string JctCdf(ScenarioResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return JctCdfPlot.Render(result);
    }

    /// <summary>Busy nodes ÷ <paramref name="totalNodes"/> over simulated time, one curve per policy.</summary>
    /// <param name="result">The runs.</param>
    /// <param name="totalNodes">Nodes of every pool of the topology.</param>
    public static string Utilization(ScenarioResult result, long totalNodes)
    {
        ArgumentNullException.ThrowIfNull(result);
        return UtilizationPlot.Render(result, totalNodes);
    }

    /// <summary>Sites and links of <paramref name="topology"/> coloured by load, one panel per policy.</summary>
    /// <param name="result">The runs.</param>
    /// <param name="topology">The scenario's topology (the one the runs used).</param>
    public static string LoadMap(ScenarioResult result, Topology topology)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(topology);
        return LoadMapPlot.Render(result, topology);
    }
}
