using System.Collections.Immutable;
using Suanwang.Core.Measurement;
using Suanwang.Core.Scheduling;
using Suanwang.Core.Specs;
using Suanwang.Simulation.Engine;
using Suanwang.Simulation.Scenarios;

namespace Suanwang.Simulation.Runs;

/// <summary>The result of simulating a scenario under each of its policies, on the same jobs.</summary>
/// <param name="Scenario">The scenario's name.</param>
/// <param name="Seed">Its seed.</param>
/// <param name="Runs">One per policy, in the order asked.</param>
/// <param name="Warnings">What loading the workloads skipped.</param>
public sealed record ScenarioResult(string Scenario, long Seed, ImmutableArray<SimulationResult> Runs, ImmutableArray<string> Warnings);

/// <summary>Runs a loaded scenario: builds its jobs once, then one <see cref="SimulationRun"/> per policy.</summary>
public static class ScenarioRunner
{
    /// <summary>
    /// The simulated clock's start: a fixed instant, so runs are reproducible and recorded jobs'
    /// absolute deadlines mean the same in every run (2026-01-01T00:00Z).
    /// </summary>
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How often the scheduler also runs while jobs wait, besides arrivals, completions and failures.</summary>
    public static readonly TimeSpan RoundInterval = TimeSpan.FromMinutes(5);

    /// <summary>Simulates <paramref name="scenario"/> under <paramref name="policies"/> (or the scenario's own list when empty).</summary>
    /// <param name="scenario">A loaded scenario.</param>
    /// <param name="baseDirectory">The scenario file's folder.</param>
    /// <param name="catalog">The device catalogue.</param>
    /// <param name="policies">Policy names overriding the scenario's, or empty.</param>
    /// <param name="progress">Told the policy name and the share of its jobs that have arrived so far (0 at its start, 1 at its end), for a progress bar; may be null.</param>
    public static (ScenarioResult? Result, ImmutableArray<SpecError> Errors) Run(
        Scenario scenario, string baseDirectory, DeviceCatalog catalog, IReadOnlyList<string> policies, Action<string, double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(policies);
        var names = policies.Count > 0 ? [.. policies] : scenario.Spec.Policies;
        var unknown = names.Where(n => SchedulingPolicy.ByName(n) is null).ToArray();
        if (unknown.Length > 0)
        {
            return (null, [.. unknown.Select(n => new SpecError(scenario.Spec.Name, null, "policies",
                $"unknown policy '{n}'; known policies: {string.Join(", ", PolicyNames.All)}"))]);
        }
        var (jobs, warnings, errors) = ScenarioWorkloads.Load(scenario, baseDirectory, catalog, Epoch);
        if (!errors.IsEmpty)
            return (null, errors);
        var input = new SimulationInput(scenario.Topology, catalog, scenario.Spec.Datasets, jobs, scenario.Spec.Failures, Epoch,
            scenario.Spec.Horizon, RoundInterval);
        var runs = ImmutableArray.CreateBuilder<SimulationResult>(names.Length);
        foreach (var name in names)
        {
            progress?.Invoke(name, 0);
            runs.Add(SimulationRun.Run(input, SchedulingPolicy.ByName(name)!, progress is null ? null : share => progress(name, share)));
            progress?.Invoke(name, 1);
        }
        return (new ScenarioResult(scenario.Spec.Name, scenario.Spec.Seed, runs.MoveToImmutable(), [.. scenario.Warnings, .. warnings]), []);
    }
}
