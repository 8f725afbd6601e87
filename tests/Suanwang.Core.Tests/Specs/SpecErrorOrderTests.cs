using Suanwang.Core.Specs;

namespace Suanwang.Core.Tests.Specs;

public sealed class SpecErrorOrderTests
{
    private static SpecError At(string source, int? line, int column = 1, string message = "") =>
        new(source, line is { } l ? new SourcePosition(l, column) : null, "", message);

    [Fact]
    public void Errors_sort_by_file_then_line_then_column_with_position_less_ones_last()
    {
        SpecError[] errors = [At("b.yaml", 1), At("a.yaml", null), At("a.yaml", 3, 5), At("a.yaml", 3, 2), At("a.yaml", 1, 9)];
        Assert.Equal(new[] { errors[4], errors[3], errors[2], errors[1], errors[0] }, SpecErrorOrder.Sort(errors).ToArray());
    }

    [Fact]
    public void Equal_positions_keep_the_order_they_were_found_in()
    {
        SpecError[] errors = [At("a.yaml", 2, 1, "first"), At("a.yaml", 1), At("a.yaml", 2, 1, "second"), At("a.yaml", null, 1, "x"), At("a.yaml", null, 1, "y")];
        Assert.Equal(["", "first", "second", "x", "y"], SpecErrorOrder.Sort(errors).Select(e => e.Message));
    }

    [Fact]
    public void Job_and_topology_readers_put_position_less_errors_last()
    {
        var topology = TopologyReaderOrder();
        Assert.NotEmpty(topology);
        Assert.Equal(topology, SpecErrorOrder.Sort(topology).ToArray());
    }

    private static SpecError[] TopologyReaderOrder() =>
        [.. Core.Topologies.TopologyReader.Read("apiVersion: suanwang/v1\nkind: Topology\nnodes: []\nsites:\n  - { id: s, tier: edge, jurisdiction: CN, provider: p, pools: [] }\nbogus: 1\n", "t.yaml").Errors];
}
