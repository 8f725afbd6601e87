using Suanwang.Simulation.Engine;

namespace Suanwang.Simulation.Tests.Engine;

public sealed class FlowNetworkTests
{
    private const double GB = 1e9;

    [Fact]
    public void Two_transfers_sharing_one_link_get_half_each_until_the_smaller_ends()
    {
        // 1 GB/s link; 10 GB and 20 GB start together: 0.5 GB/s each, so the first ends at 20 s with
        // 10 GB of the second left, which then runs alone at 1 GB/s and ends at 30 s (30 GB / 1 GB/s).
        var network = new FlowNetwork([1 * GB]);
        var small = network.Start([0], 10 * GB);
        var large = network.Start([0], 20 * GB);

        Assert.Equal(0.5 * GB, network.Rate(small));
        Assert.Equal(20, network.NextCompletion(), 9);
        Assert.Equal([small], network.AdvanceTo(20));
        Assert.Equal(10 * GB, network.Remaining(large), 3);
        Assert.Equal(1 * GB, network.Rate(large));
        Assert.Equal(30, network.NextCompletion(), 9);
        Assert.Equal([large], network.AdvanceTo(30));
        Assert.Equal(0, network.ActiveFlows);
    }

    [Fact]
    public void Shares_are_max_min_fair_across_links()
    {
        // Arc 0 carries 10, arc 1 carries 4. Flow a crosses both, b only arc 0, c only arc 1.
        // Arc 1 is the bottleneck: a and c get 2 each; arc 0 has 8 left for b.
        var network = new FlowNetwork([10, 4]);
        var a = network.Start([0, 1], 100);
        var b = network.Start([0], 100);
        var c = network.Start([1], 100);

        Assert.Equal((2.0, 8.0, 2.0), (network.Rate(a), network.Rate(b), network.Rate(c)));
    }

    [Fact]
    public void A_reserved_transfer_gets_its_reservation_and_best_effort_shares_the_rest()
    {
        var network = new FlowNetwork([10]);
        var reserved = network.Start([0], 100, reservedRate: 6);
        var first = network.Start([0], 100);
        var second = network.Start([0], 100);

        Assert.Equal((6.0, 2.0, 2.0), (network.Rate(reserved), network.Rate(first), network.Rate(second)));
    }

    [Fact]
    public void A_degraded_link_scales_reservations_down_and_stalls_best_effort_until_restored()
    {
        var network = new FlowNetwork([10]);
        var reserved = network.Start([0], 100, reservedRate: 8);
        var bestEffort = network.Start([0], 100);
        network.SetCapacity(0, 4); // degraded to 40 %

        Assert.Equal((4.0, 0.0), (network.Rate(reserved), network.Rate(bestEffort)));
        network.AdvanceTo(5); // reserved: 100 − 20 left
        network.SetCapacity(0, 10);
        Assert.Equal((8.0, 2.0), (network.Rate(reserved), network.Rate(bestEffort)));
        Assert.Equal(80, network.Remaining(reserved), 9);
        Assert.Equal(100, network.Remaining(bestEffort), 9);
        Assert.Equal(15, network.NextCompletion(), 9); // 80 / 8
    }

    [Fact]
    public void A_stalled_network_never_completes_and_a_transfer_within_one_site_runs_at_its_cap()
    {
        var network = new FlowNetwork([0]);
        network.Start([0], 100);
        Assert.Equal(double.PositiveInfinity, network.NextCompletion());

        var local = new FlowNetwork([]);
        var flow = local.Start([], 50, maxRate: 25);
        Assert.Equal(25, local.Rate(flow));
        Assert.Equal(2, local.NextCompletion());
    }

    [Fact]
    public void A_cancelled_transfer_frees_its_share()
    {
        var network = new FlowNetwork([10]);
        var first = network.Start([0], 100);
        var second = network.Start([0], 100);
        network.AdvanceTo(2);

        Assert.Equal(90, network.Cancel(first), 9);
        Assert.Equal(10, network.Rate(second));
    }

    [Fact]
    public void Bad_arguments_are_refused_with_the_reason()
    {
        var network = new FlowNetwork([10]);
        Assert.Throws<ArgumentOutOfRangeException>(() => network.Start([1], 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => network.Start([0], -1));
        Assert.Throws<ArgumentException>(() => network.Start([], 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => network.AdvanceTo(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlowNetwork([double.NaN]));
    }
}

/// <summary>The defining properties of a max-min fair allocation, on random networks.</summary>
public sealed class FlowNetworkPropertyTests
{
    [FsCheck.Xunit.Property(MaxTest = 300)]
    public bool Rates_never_exceed_capacity_and_every_best_effort_flow_has_a_bottleneck(int seed)
    {
        var random = new Random(seed);
        var arcs = random.Next(1, 6);
        var capacity = Enumerable.Range(0, arcs).Select(_ => (double)random.Next(0, 50)).ToArray();
        var network = new FlowNetwork(capacity);
        var flows = new List<(int Id, int[] Arcs, double? Reserved, double Cap)>();
        for (var k = random.Next(1, 8); k > 0; k--)
        {
            var path = Enumerable.Range(0, arcs).Where(_ => random.Next(2) == 0).ToArray();
            double? reserved = random.Next(4) == 0 ? random.Next(1, 20) : null;
            var cap = path.Length == 0 || random.Next(3) == 0 ? random.Next(1, 30) : double.PositiveInfinity;
            flows.Add((network.Start(path, 1000, reserved, cap), path, reserved, Math.Min(cap, reserved ?? double.PositiveInfinity)));
        }
        var rate = flows.ToDictionary(f => f.Id, f => network.Rate(f.Id));
        const double Tolerance = 1e-9;
        for (var a = 0; a < arcs; a++)
        {
            var load = flows.Where(f => f.Arcs.Contains(a)).Sum(f => rate[f.Id]);
            if (load > capacity[a] + Tolerance)
                return false;
        }
        foreach (var f in flows.Where(f => f.Reserved is null))
        {
            if (rate[f.Id] >= f.Cap - Tolerance)
                continue;
            // Bottleneck: a saturated arc on which no other flow gets more than this one.
            var bottlenecked = f.Arcs.Any(a =>
                flows.Where(g => g.Arcs.Contains(a)).Sum(g => rate[g.Id]) >= capacity[a] - Tolerance
                && flows.Where(g => g.Arcs.Contains(a) && g.Reserved is null).All(g => rate[g.Id] <= rate[f.Id] + Tolerance));
            if (!bottlenecked)
                return false;
        }
        return true;
    }
}
