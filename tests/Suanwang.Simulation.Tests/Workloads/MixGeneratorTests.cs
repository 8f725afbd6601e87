using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Suanwang.Core.Measurement;
using Suanwang.Core.Model;
using Suanwang.Core.Topologies;
using Suanwang.Core.Validation;
using Suanwang.Simulation.Scenarios;
using Suanwang.Simulation.Workloads;

namespace Suanwang.Simulation.Tests.Workloads;

public sealed class MixGeneratorTests
{
    private static readonly DeviceCatalog Catalog = DeviceCatalog.LoadEmbedded();
    private static readonly Topology China = TopologyPresets.Load("china-national", m => Catalog.TryFind(m, out _)).Topology!;
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Largest first: corpus-zh (CN), genomes (CN), orders (unrestricted), a small HK set.</summary>
    private static readonly ImmutableArray<Dataset> Datasets =
    [
        new("corpus-zh", "t-acme", ByteSize.FromGigabytes(40_000), ["shanghai-region"], ["CN"]),
        new("genomes", "t-bio", ByteSize.FromGigabytes(8_000), ["beijing-region"], ["CN"]),
        new("orders", "t-acme", ByteSize.FromGigabytes(2_000), ["hangzhou-region"], []),
        new("hk-logs", "t-hk", ByteSize.FromGigabytes(500), ["hangzhou-region"], ["HK"]),
    ];

    private static GeneratedWorkload Workload(string mix, int jobs, double rate = 20, ImmutableSortedDictionary<string, double>? users = null) =>
        new(mix, jobs, rate, users ?? ImmutableSortedDictionary<string, double>.Empty.Add("Beijing", 0.4).Add("Shanghai", 0.6));

    private static ImmutableArray<SimulatedJob> Generate(GeneratedWorkload workload, int seed, int index = 1, Topology? topology = null) =>
        MixGenerator.Generate(workload, index, topology ?? China, Datasets, Catalog, Start, new Random(seed));

    /// <summary>Which class a job belongs to, from its shape: services are inference, arrays analytics, accelerator work training, CPU gangs HPC.</summary>
    private static string ClassOf(SimulatedJob job) => job.Job.Demand switch
    {
        { Type: JobType.Service } => "inference",
        { Type: JobType.Array } => "analytics",
        { Resources.Accelerators: not null } => "ai-training",
        _ => "hpc",
    };

    private static string Describe(SimulatedJob j) =>
        $"{j.Job.Id} {j.Job.TenantId} {j.Job.SubmittedAt:O} {j.ActualRuntime} {j.Source} {j.Job.Demand with { Inputs = [], Jurisdictions = [] }} " +
        $"{string.Join(',', j.Job.Demand.Inputs)} {string.Join(',', j.Job.Demand.Jurisdictions)}";

    [Theory]
    [InlineData("ai-training")]
    [InlineData("inference")]
    [InlineData("hpc")]
    [InlineData("analytics")]
    [InlineData("mixed")]
    public void The_same_seed_gives_the_same_jobs_and_another_seed_other_jobs(string mix)
    {
        var first = Generate(Workload(mix, 300), seed: 42).Select(Describe).ToArray();
        var second = Generate(Workload(mix, 300), seed: 42).Select(Describe).ToArray();
        var other = Generate(Workload(mix, 300), seed: 43).Select(Describe).ToArray();

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Theory]
    [InlineData(20.0, 1)]
    [InlineData(20.0, 2)]
    [InlineData(3600.0, 3)]
    [InlineData(0.5, 4)]
    public void Arrivals_are_Poisson_at_the_rate_asked(double rate, int seed)
    {
        const int count = 5000;
        var jobs = Generate(Workload("mixed", count, rate), seed);

        // Mean of 5,000 exponential gaps: standard error 1/√5000 ≈ 1.4 % of the mean, so ±5 % is 3.5 σ.
        var meanGapSeconds = (jobs[^1].Job.SubmittedAt - Start).TotalSeconds / count;
        var expected = 3600 / rate;
        Assert.InRange(meanGapSeconds, expected * 0.95, expected * 1.05);
        Assert.True(jobs[0].Job.SubmittedAt > Start);
        Assert.All(jobs.Zip(jobs.Skip(1)), p => Assert.True(p.First.Job.SubmittedAt <= p.Second.Job.SubmittedAt, p.Second.Job.Id));
        // Exponential gaps have a coefficient of variation of 1 (a regular or uniform process would not).
        var gaps = jobs.Zip(jobs.Skip(1), (a, b) => (b.Job.SubmittedAt - a.Job.SubmittedAt).TotalSeconds).ToArray();
        var sd = Math.Sqrt(gaps.Select(g => (g - gaps.Average()) * (g - gaps.Average())).Average());
        Assert.InRange(sd / gaps.Average(), 0.9, 1.1);
    }

    [Property(MaxTest = 60)]
    public Property Every_generated_job_is_valid(PositiveInt seed, NonNegativeInt mixIndex)
    {
        var mix = ScenarioReader.Mixes[mixIndex.Get % ScenarioReader.Mixes.Length];
        var jobs = Generate(Workload(mix, 150), seed.Get);
        var problems = jobs
            .SelectMany(j => JobDemandValidator.Validate(j.Job.Demand, m => Catalog.TryFind(m, out _)).Select(e => $"{j.Job.Id}: {e}"))
            .Concat(jobs.Where(j => !JobDemandValidator.IsValidName(j.Job.TenantId)).Select(j => $"{j.Job.Id}: tenant {j.Job.TenantId}"))
            .ToArray();
        return (problems.Length == 0).Label($"{mix} seed {seed.Get}: {string.Join("; ", problems.Take(3))}");
    }

    [Fact]
    public void Ids_are_numbered_from_one_in_arrival_order_and_unique()
    {
        var jobs = Generate(Workload("mixed", 1000), seed: 5, index: 3);

        Assert.Equal(Enumerable.Range(1, 1000).Select(n => $"w3-{n}"), jobs.Select(j => j.Job.Id));
        Assert.All(jobs, j => Assert.Equal(j.Job.Id, j.Job.Demand.Name));
        Assert.Equal(1000, jobs.Select(j => j.Job.Id).Distinct().Count());
    }

    [Fact]
    public void Users_follow_the_shares_given()
    {
        var jobs = Generate(Workload("mixed", 5000), seed: 9);

        // Standard error of a 0.4 share over 5,000 draws is 0.007; ±0.03 is over 4 σ.
        var beijing = jobs.Count(j => j.Job.Demand.User!.Location == "Beijing") / 5000.0;
        var shanghai = jobs.Count(j => j.Job.Demand.User!.Location == "Shanghai") / 5000.0;
        Assert.InRange(beijing, 0.37, 0.43);
        Assert.InRange(shanghai, 0.57, 0.63);
        Assert.Equal(1.0, beijing + shanghai, 10);
    }

    [Fact]
    public void Users_are_points_of_presence_the_scheduler_resolves_when_no_shares_are_given()
    {
        var jobs = Generate(Workload("inference", 2000, users: ImmutableSortedDictionary<string, double>.Empty), seed: 9);

        Assert.All(jobs, j => Assert.NotNull(China.FindPointOfPresence(j.Job.Demand.User!.Location)));
        // Uniform over the preset's points: far more than two distinct cities in 2,000 draws.
        Assert.True(jobs.Select(j => j.Job.Demand.User!.Location).Distinct().Count() > China.Network.Nodes.Length / 2);
    }

    [Fact]
    public void A_city_written_by_a_different_case_resolves_to_the_point_of_presence_id()
    {
        var users = ImmutableSortedDictionary<string, double>.Empty.Add("shanghai", 1.0);

        Assert.All(Generate(Workload("hpc", 50, users: users), seed: 1), j => Assert.Equal("Shanghai", j.Job.Demand.User!.Location));
    }

    [Fact]
    public void In_a_flat_scenario_every_user_is_on_the_one_point()
    {
        var flat = ScenarioLoader.Load(
            "apiVersion: suanwang/v1\nkind: Scenario\nname: flat\nsites:\n  - { id: lab, tier: region, jurisdiction: CN, provider: p, pools: [ { id: lab/cpu, kind: hpc, nodes: 4, node: { cpu: 64, memory: 512GiB }, price_per_cu_hour: 1.00 CNY, pue: 1.2, carbon_g_per_kwh: 500 } ] }\n",
            "flat.yaml", ".", m => Catalog.TryFind(m, out _));
        var topology = Assert.IsType<Scenario>(flat.Scenario).Topology;

        var jobs = MixGenerator.Generate(Workload("mixed", 200), 0, topology, [], Catalog, Start, new Random(1));

        Assert.All(jobs, j => Assert.Equal(ScenarioLoader.FlatPointOfPresence, j.Job.Demand.User!.Location));
        Assert.All(jobs, j => Assert.Empty(j.Job.Demand.Inputs));
    }

    [Fact]
    public void A_mixed_workload_has_the_documented_proportions()
    {
        var jobs = Generate(Workload("mixed", 5000), seed: 11);

        // Expected 30/20/30/20 %; standard error ≤ 0.0065, so ±0.03 is over 4.5 σ.
        var shares = jobs.GroupBy(ClassOf).ToDictionary(g => g.Key, g => g.Count() / 5000.0);
        Assert.InRange(shares["ai-training"], 0.27, 0.33);
        Assert.InRange(shares["inference"], 0.17, 0.23);
        Assert.InRange(shares["hpc"], 0.27, 0.33);
        Assert.InRange(shares["analytics"], 0.17, 0.23);
    }

    [Theory]
    [InlineData("ai-training")]
    [InlineData("inference")]
    [InlineData("hpc")]
    [InlineData("analytics")]
    public void A_single_class_mix_has_only_that_class(string mix)
    {
        Assert.All(Generate(Workload(mix, 500), seed: 2), j => Assert.Equal(mix, ClassOf(j)));
    }

    [Fact]
    public void Jobs_really_run_30_to_100_percent_of_their_estimate()
    {
        var jobs = Generate(Workload("mixed", 3000), seed: 13);

        Assert.All(jobs, j =>
        {
            Assert.True(j.ActualRuntime <= j.Job.Demand.Duration, j.Job.Id);
            Assert.True(j.ActualRuntime >= j.Job.Demand.Duration * 0.3 - TimeSpan.FromSeconds(1), j.Job.Id);
        });
        // Uniform factor in [0.3, 1.0]: mean 0.65.
        Assert.InRange(jobs.Average(j => j.ActualRuntime / j.Job.Demand.Duration), 0.62, 0.68);
    }

    [Fact]
    public void Tenants_are_few_and_skewed()
    {
        var jobs = Generate(Workload("hpc", 5000), seed: 17);

        var counts = jobs.GroupBy(j => j.Job.TenantId).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Enumerable.Range(1, MixGenerator.TenantsPerWorkload).Select(k => $"t-hpc-{k}"), counts.Keys.Order(StringComparer.Ordinal));
        // Weights 1/k for k = 1..5: tenant 1 has 1 / (1 + 1/2 + 1/3 + 1/4 + 1/5) = 60/137 ≈ 0.438, tenant 5 ≈ 0.088.
        Assert.InRange(counts["t-hpc-1"] / 5000.0, 0.408, 0.468);
        Assert.InRange(counts["t-hpc-5"] / 5000.0, 0.068, 0.108);
    }

    [Fact]
    public void Training_prefers_the_largest_dataset_and_its_jurisdiction_follows()
    {
        var jobs = Generate(Workload("ai-training", 2000), seed: 19);

        var inputs = jobs.SelectMany(j => j.Job.Demand.Inputs).GroupBy(i => i).ToDictionary(g => g.Key, g => g.Count());
        // 80 % of jobs take one input with probability ∝ size: corpus-zh 40/50.5 ≈ 79 % of those.
        Assert.InRange(inputs["corpus-zh"] / 2000.0, 0.58, 0.68);
        Assert.True(inputs["corpus-zh"] > inputs["genomes"] && inputs["genomes"] > inputs["orders"]);
        Assert.All(jobs, j => Assert.Equal(
            j.Job.Demand.Inputs switch { ["corpus-zh"] or ["genomes"] => "CN", ["hk-logs"] => "HK", _ => "" },
            string.Join(',', j.Job.Demand.Jurisdictions)));
    }

    [Fact]
    public void Analytics_jobs_intersect_the_jurisdictions_of_their_inputs()
    {
        var jobs = Generate(Workload("analytics", 2000), seed: 23);

        Assert.All(jobs, j =>
        {
            var restricted = j.Job.Demand.Inputs.Select(i => Datasets.Single(d => d.Id == i)).Where(d => !d.Jurisdictions.IsEmpty).ToArray();
            // Each test dataset names one jurisdiction: two CN inputs give CN (their intersection); CN with HK
            // disagree entirely, and then the first restricted input's jurisdiction is the job's.
            var expected = restricted.Length == 0 ? "" : restricted[0].Jurisdictions[0];
            Assert.Equal(expected, string.Join(',', j.Job.Demand.Jurisdictions));
            Assert.True(j.Job.Demand.Flags.Splittable);
            Assert.InRange(j.Job.Demand.Inputs.Length, 1, 2);
        });
    }

    [Fact]
    public void Most_jobs_have_a_shape_some_pool_can_hold_but_the_workload_is_not_filtered()
    {
        var jobs = Generate(Workload("mixed", 3000), seed: 29);

        var fits = jobs.Count(j => China.Pools.Any(p => Holds(p.Node, j.Job.Demand.Resources)));
        // Measured ≈ 99 % over seeds 1–3: CPU shapes are redrawn until they fit; 10 % of accelerator
        // asks aim at any catalogued device, and those the preset lacks (H100, MI300X, …) fit nowhere.
        Assert.InRange(fits / 3000.0, 0.97, 1.0);
        Assert.True(fits < 3000, "some jobs must ask for what no pool has");
    }

    [Fact]
    public void Training_deadlines_are_three_durations_after_submission_on_about_a_tenth_of_jobs()
    {
        var jobs = Generate(Workload("ai-training", 3000), seed: 31);

        var withDeadline = jobs.Where(j => j.Job.Demand.Deadline is not null).ToArray();
        Assert.InRange(withDeadline.Length / 3000.0, 0.08, 0.12);
        Assert.All(withDeadline, j => Assert.Equal(j.Job.SubmittedAt + j.Job.Demand.Duration * 3, j.Job.Demand.Deadline));
        Assert.All(jobs, j => Assert.True(j.Job.Demand.Flags.Checkpointable));
        Assert.InRange(jobs.Count(j => j.Job.Demand.Budget is not null) / 3000.0, 0.08, 0.12);
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Generate(Workload("quantum", 10), seed: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Generate(Workload("hpc", 0), seed: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Generate(Workload("hpc", 10, rate: 0), seed: 1));
        Assert.Throws<ArgumentException>(() => Generate(Workload("hpc", 10, users: ImmutableSortedDictionary<string, double>.Empty.Add("Atlantis", 1.0)), seed: 1));
    }

    /// <summary>Whether one task fits a node: cores, memory, and enough accelerators of the kind asked.</summary>
    private static bool Holds(NodeShape node, TaskResources task)
    {
        if (node.Cores < task.Cpu || node.Memory < task.Memory)
            return false;
        if (task.Accelerators is not { } wanted)
            return true;
        if (node.Accelerators is not { } have || have.Count < wanted.Count || !Catalog.TryFind(have.Model, out var device))
            return false;
        var rating = ComputeUnits.Rate(device, WorkloadClass.Ai).Value!;
        return wanted switch
        {
            { Model: { } model } => Catalog.TryFind(model, out var asked) && asked.Model == device.Model,
            { Grade: { } grade } => rating.Grade <= grade,
            { ComputeUnits: { } cu } => rating.ComputeUnits >= cu,
            _ => false,
        };
    }
}
