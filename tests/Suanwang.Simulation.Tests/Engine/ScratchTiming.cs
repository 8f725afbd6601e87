using System.Diagnostics;
using Suanwang.Core.Measurement;
using Suanwang.Simulation.Runs;
using Suanwang.Simulation.Scenarios;
using Suanwang.Simulation.Tests.Scenarios;
using Xunit.Abstractions;

namespace Suanwang.Simulation.Tests.Engine;

public sealed class ScratchTiming(ITestOutputHelper output)
{
    [Fact]
    public void National()
    {
        var path = Environment.GetEnvironmentVariable("SCN") ?? "/tmp/scn/national.yaml";
        var loaded = ScenarioLoader.Load(path, ScenarioTestFiles.IsKnownModel);
        Assert.True(loaded.Errors.IsEmpty, string.Join("\n", loaded.Errors));
        var sw = Stopwatch.StartNew();
        var (result, errors) = ScenarioRunner.Run(loaded.Scenario!, Path.GetDirectoryName(path)!, DeviceCatalog.LoadEmbedded(), [], (p, f) => output.WriteLine($"{p} {f} {sw.Elapsed.TotalSeconds:F1}s"));
        Assert.True(errors.IsEmpty, string.Join("\n", errors));
        output.WriteLine(ScenarioJson.Write(result!));
        foreach (var run in result!.Runs)
            output.WriteLine($"{run.Report.Policy}: events {run.Events} calls {run.SchedulerCalls} restarts {run.Restarts}; failed reasons: {string.Join(" | ", run.Outcomes.Where(o => o.End != Suanwang.Simulation.Reporting.JobEnd.Completed).Select(o => o.Reason).GroupBy(r => r.Length > 90 ? r[..90] : r).OrderByDescending(g => g.Count()).Take(4).Select(g => $"{g.Count()}× {g.Key}"))}");
    }
}
