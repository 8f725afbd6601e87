using Suanwang.Core.Measurement;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Scheduling;
using Suanwang.Simulation.Synthetic;

namespace Suanwang.Simulation.Tests.Synthetic;

public sealed class SyntheticWorldTests
{
    private static readonly DeviceCatalog Catalog = DeviceCatalog.LoadEmbedded();

    private static SyntheticWorld Make(int pools, int nodes, int jobs, int seed) =>
        SyntheticWorld.Generate(new SyntheticWorldOptions(pools, nodes, jobs), Catalog, new Random(seed));

    /// <summary>Everything that matters about a world, as text, so two worlds compare field by field.</summary>
    private static string Describe(SyntheticWorld world)
    {
        var lines = new List<string>();
        lines.AddRange(world.Topology.Network.Nodes.Select(n => $"pop {n.Id} {n.Location}"));
        lines.AddRange(world.Topology.Network.Links.Select(l => $"link {l.Id} {l.Capacity} {l.LatencyMs:R} {l.PricePerGb}"));
        foreach (var site in world.Topology.Sites)
        {
            lines.Add($"site {site.Id} {site.Tier} {site.Jurisdiction} {site.ProviderId} {site.AttachedTo}");
            lines.AddRange(site.Pools.Select(p => $"pool {p.Id} {p.Kind} {p.NodeCount} {p.Node} {p.PricePerCuHour} {p.Pue:R} {p.CarbonGramsPerKwh:R}"));
        }
        lines.AddRange(world.Datasets.Select(d => $"dataset {d.Id} {d.OwnerTenantId} {d.Size.Bytes} {string.Join(',', d.ReplicaSites)} {string.Join(',', d.Jurisdictions)}"));
        lines.AddRange(world.Running.Select(r => r.ToString()));
        lines.AddRange(world.Jobs.Select(j => $"{j.Id} {j.TenantId} {j.SubmittedAt:O} {j.Demand.Type} {j.Demand.Tasks} {j.Demand.Resources} {j.Demand.Duration} " +
            $"{string.Join(',', j.Demand.Inputs)} {j.Demand.User} {j.Demand.Output} {j.Demand.Deadline:O} {j.Demand.Budget} {j.Demand.Priority} {j.Demand.Flags}"));
        return string.Join('\n', lines);
    }

    [Fact]
    public void The_same_seed_gives_the_same_world()
    {
        var first = Describe(Make(60, 3000, 200, seed: 7));
        var second = Describe(Make(60, 3000, 200, seed: 7));

        Assert.Equal(first, second);
    }

    [Fact]
    public void Another_seed_gives_another_world()
    {
        Assert.NotEqual(Describe(Make(60, 3000, 200, seed: 7)), Describe(Make(60, 3000, 200, seed: 8)));
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(5, 100, 50)]
    [InlineData(60, 3000, 200)]
    [InlineData(450, 20000, 10)]
    public void The_world_has_the_sizes_asked_for(int pools, int nodes, int jobs)
    {
        var world = Make(pools, nodes, jobs, seed: 1);

        Assert.Equal(pools, world.Topology.Pools.Count());
        Assert.Equal(nodes, world.Topology.Pools.Sum(p => p.NodeCount));
        Assert.All(world.Topology.Pools, p => Assert.True(p.NodeCount >= 1, p.Id));
        Assert.Equal(jobs, world.Jobs.Length);
        Assert.Equal(jobs, world.Jobs.Select(j => j.Id).Distinct().Count());
        Assert.Single(world.Topology.Network.Components());
    }

    [Fact]
    public void Points_of_presence_lie_in_chinas_bounding_box_and_links_have_geographic_latency()
    {
        var world = Make(300, 10000, 1, seed: 3);

        Assert.Equal(15, world.Topology.Network.Nodes.Length);
        Assert.All(world.Topology.Network.Nodes, n =>
        {
            Assert.InRange(n.Location!.Value.Latitude, 18, 54);
            Assert.InRange(n.Location!.Value.Longitude, 73, 135);
        });
        foreach (var link in world.Topology.Network.Links)
        {
            var a = world.Topology.FindPointOfPresence(link.A)!.Location!.Value;
            var b = world.Topology.FindPointOfPresence(link.B)!.Location!.Value;
            Assert.Equal(GeoLatency.Default.LinkLatencyMs(a, b), link.LatencyMs, 9);
        }
    }

    [Fact]
    public void The_mix_has_every_job_type_accelerator_work_inputs_and_several_tenants()
    {
        var world = Make(200, 20000, 2000, seed: 42);
        var demands = world.Jobs.Select(j => j.Demand).ToList();

        Assert.All(Enum.GetValues<JobType>(), type => Assert.Contains(demands, d => d.Type == type));
        Assert.Contains(demands, d => d.Resources.Accelerators is { Grade: not null });
        Assert.Contains(demands, d => d.Resources.Accelerators is { Model: not null });
        Assert.Contains(demands, d => d.Resources.Accelerators is { ComputeUnits: not null });
        Assert.Contains(demands, d => d.Resources.Accelerators is null);
        Assert.Contains(demands, d => d.Inputs.Length == 2);
        Assert.True(world.Jobs.Select(j => j.TenantId).Distinct().Count() > 5);
        Assert.All(demands, d => Assert.Empty(Core.Validation.JobDemandValidator.Validate(d, m => Catalog.TryFind(m, out _))));
        Assert.Contains(world.Topology.Pools, p => p.Node.Accelerators is not null);
        Assert.All(world.Datasets, d => Assert.NotEmpty(d.ReplicaSites));
        // Jobs come in submission order, and the world is seen at its fixed epoch.
        Assert.Equal(world.Jobs.OrderBy(j => j.SubmittedAt).ThenBy(j => j.Id, StringComparer.Ordinal), world.Jobs);
        Assert.Equal(SyntheticWorld.Epoch, world.Now);
    }

    [Fact]
    public void A_small_world_schedules()
    {
        var world = Make(5, 100, 50, seed: 11);

        var plan = Scheduler.Plan(world.Snapshot(Catalog), world.Jobs, world.Now, SchedulingPolicy.NetworkAware);

        Assert.Equal(50, plan.Decisions.Length);
        Assert.Contains(plan.Decisions, d => d.Kind == DecisionKind.Placed);
    }

    [Theory]
    [InlineData(0, 10, 10, "pools must be between 1 and")]
    [InlineData(10, 5, 10, "nodes must be at least the number of pools")]
    [InlineData(10, 10, 0, "jobs must be between 1 and")]
    [InlineData(SyntheticWorldOptions.MaxPools + 1, SyntheticWorldOptions.MaxPools + 1, 1, "pools must be between 1 and")]
    [InlineData(1, SyntheticWorldOptions.MaxNodes + 1, 1, "nodes must be between 1 and")]
    public void Out_of_range_sizes_are_refused_with_the_option_named(int pools, int nodes, int jobs, string message)
    {
        var options = new SyntheticWorldOptions(pools, nodes, jobs);

        Assert.Contains(options.Validate(), p => p.Contains(message, StringComparison.Ordinal));
        var thrown = Assert.Throws<ArgumentException>(() => SyntheticWorld.Generate(options, Catalog, new Random(1)));
        Assert.Contains(message, thrown.Message, StringComparison.Ordinal);
    }
}
