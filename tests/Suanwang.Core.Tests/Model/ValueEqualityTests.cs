using System.Collections.Immutable;
using Suanwang.Core.Measurement;
using Suanwang.Core.Model;
using Suanwang.Core.Specs;
using Suanwang.Core.Tests.Specs;

namespace Suanwang.Core.Tests.Model;

/// <summary>Model records holding lists compare by their items, so equal inputs give equal values.</summary>
public sealed class ValueEqualityTests
{
    private static JobDemand ReadDemand() =>
        Assert.Single(JobSpecReader.Read(JobSpecReaderTests.DesignExampleYaml, "job.yaml").Jobs).Demand;

    [Fact]
    public void Two_demands_read_from_the_same_yaml_are_equal_with_equal_hash_codes()
    {
        var (first, second) = (ReadDemand(), ReadDemand());
        Assert.NotSame(first, second);
        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
    }

    [Fact]
    public void Demands_that_differ_in_one_list_item_are_not_equal()
    {
        var demand = ReadDemand();
        Assert.NotEqual(demand, demand with { Jurisdictions = ["HK"] });
        Assert.NotEqual(demand, demand with { Inputs = ["corpus-zh", "corpus-en"] });
    }

    [Fact]
    public void Run_specs_with_equal_environments_are_equal()
    {
        var a = new RunSpec("train", ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("A", "1")]), "img");
        var b = new RunSpec("train", ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("A", "1")]), "img");
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, b with { Environment = ImmutableSortedDictionary<string, string>.Empty });
    }

    private static Pool Pool(string id) =>
        new(id, "s", PoolKind.Hpc, new NodeShape(8, ByteSize.FromGibibytes(32), null, null), 4, new Money(100, "CNY"), 1.2, 500, AccessMode.Simulated);

    [Fact]
    public void Sites_compare_pools_by_value_and_in_order()
    {
        Site Make(params Pool[] pools) => new("s", SiteTier.Edge, "CN", "p", "Beijing", null, [.. pools]);

        Assert.Equal(Make(Pool("s/a"), Pool("s/b")), Make(Pool("s/a"), Pool("s/b")));
        Assert.Equal(Make(Pool("s/a"), Pool("s/b")).GetHashCode(), Make(Pool("s/a"), Pool("s/b")).GetHashCode());
        Assert.NotEqual(Make(Pool("s/a"), Pool("s/b")), Make(Pool("s/b"), Pool("s/a")));
    }

    [Fact]
    public void Datasets_tenants_and_device_specs_compare_lists_by_value()
    {
        Assert.Equal(new Dataset("d", "t", ByteSize.Zero, ["a"], ["CN"]), new Dataset("d", "t", ByteSize.Zero, [.. new[] { "a" }], ["CN"]));
        Assert.Equal(new Tenant("t", "T", ["CN"]), new Tenant("t", "T", ["CN"]));
        var catalog = DeviceCatalog.LoadEmbedded();
        Assert.True(catalog.TryFind("H100", out var device));
        Assert.Equal(device, device with { Aliases = [.. device.Aliases] });
    }

    [Fact]
    public void A_default_list_equals_the_empty_list_and_behaves_as_empty()
    {
        EquatableArray<string> none = default;
        Assert.Equal(none, []);
        Assert.True(none.IsEmpty);
        Assert.Empty(none);
        Assert.Equal("[]", none.ToString());
        ImmutableArray<string> unwrapped = none;
        Assert.False(unwrapped.IsDefault);
    }
}
