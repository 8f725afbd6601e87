using System.Collections.Immutable;
using System.Globalization;
using Suanwang.Core.Measurement;
using Suanwang.Core.Model;
using Suanwang.Core.Scheduling;
using Suanwang.Core.Topologies;
using Suanwang.Simulation.Scenarios;
using static Suanwang.Simulation.Synthetic.SyntheticSites;

namespace Suanwang.Simulation.Workloads;

/// <summary>
/// Seeded synthetic workloads of a scenario (<c>generate: { mix, jobs, rate, users }</c>;
/// docs/scenarios.md, "Generated workloads"): Poisson arrivals of AI training, inference services,
/// HPC gangs and data-heavy analytics, with inputs from the scenario's datasets, users in the given
/// cities, a few skewed tenants, and actual run times shorter than the users' estimates. The
/// distributions are plausible assumptions, not measured data. Same inputs and seed ⇒ same jobs.
/// </summary>
public static class MixGenerator
{
    /// <summary>Tenants per workload, <c>t-{mix}-1</c> … <c>t-{mix}-5</c>; tenant k submits with weight 1/k.</summary>
    public const int TenantsPerWorkload = 5;

    /// <summary>Reference price used to size budgets, in CNY per CU-hour (the order of the preset pools' list prices).</summary>
    private const double BudgetCnyPerCuHour = 1.0;

    /// <summary>Generates the workload's jobs in arrival order.</summary>
    /// <param name="workload">Mix, job count, arrival rate and user shares.</param>
    /// <param name="workloadIndex">The workload's index in the scenario: job ids are <c>w{index}-{n}</c>, n from 1.</param>
    /// <param name="topology">The scenario's merged topology (accelerators on offer, node shapes, points of presence).</param>
    /// <param name="datasets">The scenario's datasets, for inputs.</param>
    /// <param name="catalog">The device catalogue: only its accelerators are asked for.</param>
    /// <param name="start">The simulation's start; the first arrival follows one inter-arrival time later.</param>
    /// <param name="random">The seeded source of every choice.</param>
    /// <exception cref="ArgumentException">The mix is not one of <see cref="ScenarioReader.Mixes"/>, or a user city is not a point of presence of a topology that has a network.</exception>
    public static ImmutableArray<SimulatedJob> Generate(
        GeneratedWorkload workload, int workloadIndex, Topology topology, ImmutableArray<Dataset> datasets,
        DeviceCatalog catalog, DateTimeOffset start, Random random)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegative(workloadIndex);
        ArgumentOutOfRangeException.ThrowIfLessThan(workload.Jobs, 1);
        if (!(double.IsFinite(workload.RatePerHour) && workload.RatePerHour > 0))
            throw new ArgumentOutOfRangeException(nameof(workload), workload.RatePerHour, "the arrival rate must be a positive number of jobs per hour");
        if (!ScenarioReader.Mixes.Contains(workload.Mix, StringComparer.Ordinal))
            throw new ArgumentException($"unknown mix '{workload.Mix}'; known mixes: {string.Join(", ", ScenarioReader.Mixes)}", nameof(workload));

        var world = new MixWorld(topology, datasets, catalog, workload.Users ?? ImmutableSortedDictionary<string, double>.Empty);
        var tenants = Enumerable.Range(1, TenantsPerWorkload).Select(k => Invariant($"t-{workload.Mix}-{k}")).ToArray();
        var tenantWeights = Enumerable.Range(1, TenantsPerWorkload).Select(k => 1.0 / k).ToArray();
        var userWeights = world.UserShares.Select(u => u.Share).ToArray();

        var jobs = ImmutableArray.CreateBuilder<SimulatedJob>(workload.Jobs);
        var clock = 0.0; // hours since start
        for (var n = 1; n <= workload.Jobs; n++)
        {
            // Exponential gap: 1 − U lies in (0, 1], so the logarithm is finite.
            clock += -Math.Log(1 - random.NextDouble()) / workload.RatePerHour;
            var submitted = start + TimeSpan.FromMilliseconds(Math.Round(clock * 3_600_000));
            var jobClass = ClassOf(workload.Mix, random);
            var shape = MixShapes.Draw(jobClass, world, random);
            string? location = world.UserShares.IsEmpty
                ? (world.Points.IsEmpty ? null : world.Points[random.Next(world.Points.Length)])
                : world.UserShares[MixShapes.WeightedIndex(random, userWeights)].Point;
            var tenant = tenants[MixShapes.WeightedIndex(random, tenantWeights)];
            // Users over-estimate: the job really runs 30–100 % of its estimate, in whole seconds, at least 1 s.
            var actual = TimeSpan.FromSeconds(Math.Max(1, Math.Floor(shape.Duration.TotalSeconds * (0.3 + 0.7 * random.NextDouble()))));

            var id = Invariant($"w{workloadIndex}-{n}");
            var demand = Demand(id, shape, location, submitted);
            jobs.Add(new SimulatedJob(new PendingJob(id, tenant, demand, submitted), actual,
                Invariant($"workloads[{workloadIndex}] {workload.Mix} job {n} ({Name(jobClass)})")));
        }
        return jobs.MoveToImmutable();
    }

    /// <summary>The class of the next job: fixed for a single-class mix; for <c>mixed</c> 30 % training, 20 % inference, 30 % HPC, 20 % analytics.</summary>
    private static MixClass ClassOf(string mix, Random random) => mix switch
    {
        "ai-training" => MixClass.AiTraining,
        "inference" => MixClass.Inference,
        "hpc" => MixClass.Hpc,
        "analytics" => MixClass.Analytics,
        _ => Pick(random, (MixClass.AiTraining, 0.3), (MixClass.Inference, 0.2), (MixClass.Hpc, 0.3), (MixClass.Analytics, 0.2)),
    };

    private static JobDemand Demand(string id, JobShape shape, string? location, DateTimeOffset submitted)
    {
        var user = location is null ? null : new UserSpec(location, shape.Latency);
        // Without a user to send it to, output stays at the site.
        var output = shape.Output is { To: OutputDestination.User } toUser && user is null ? toUser with { To = OutputDestination.Site } : shape.Output;
        DateTimeOffset? deadline = shape.DeadlineFactor is { } d ? submitted + shape.Duration * d : null;
        Money? budget = shape.BudgetFactor is { } b
            ? new Money(Math.Max(100, (long)Math.Ceiling(b * shape.Tasks * shape.ComputeUnitsPerTask * shape.Duration.TotalHours * BudgetCnyPerCuHour) * 100), "CNY")
            : null;
        return new JobDemand(id, shape.Priority, shape.Type, shape.Tasks, shape.Resources, shape.Duration,
            [.. shape.Inputs.Select(i => i.Id)], output, user, deadline, budget, Jurisdictions(shape.Inputs),
            PlacementPreference.None, shape.Flags, Run: null);
    }

    /// <summary>
    /// Where the job may run, as its data demands: the jurisdictions common to every input that
    /// restricts them (sorted); when the inputs disagree entirely, the first restricted input's.
    /// Unrestricted inputs add nothing.
    /// </summary>
    private static ImmutableArray<string> Jurisdictions(ImmutableArray<Dataset> inputs)
    {
        var restricted = inputs.Where(i => !i.Jurisdictions.IsEmpty).ToArray();
        if (restricted.Length == 0)
            return [];
        var common = new SortedSet<string>(restricted[0].Jurisdictions, StringComparer.Ordinal);
        foreach (var input in restricted.Skip(1))
            common.IntersectWith(input.Jurisdictions);
        return common.Count > 0 ? [.. common] : [.. restricted[0].Jurisdictions.Distinct().Order(StringComparer.Ordinal)];
    }

    private static string Name(MixClass jobClass) => jobClass switch
    {
        MixClass.AiTraining => "ai-training",
        MixClass.Inference => "inference",
        MixClass.Hpc => "hpc",
        _ => "analytics",
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
