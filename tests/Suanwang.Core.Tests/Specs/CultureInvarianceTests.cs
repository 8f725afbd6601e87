using System.Globalization;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Specs;
using Suanwang.Core.Validation;

namespace Suanwang.Core.Tests.Specs;

/// <summary>Messages read the same under every culture: numbers are written the invariant way.</summary>
public sealed class CultureInvarianceTests
{
    /// <summary>A culture with a typographic minus and a decimal comma (invariant globalization forbids named cultures).</summary>
    private static CultureInfo Unusual()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NegativeSign = "\u2212";
        culture.NumberFormat.NumberDecimalSeparator = ",";
        return culture;
    }

    private static T Under<T>(Func<T> action)
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = Unusual();
        try
        {
            return action();
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void A_whole_number_below_its_minimum_is_reported_with_an_ascii_minus()
    {
        var errors = Under(() =>
        {
            var read = SpecDocumentReader.Read("n: -5\n", "x.yaml");
            var binder = new SpecBinder("x.yaml");
            binder.Mapping(read.Documents[0], "")!.WholeNumber("n", min: -1);
            return binder.Errors;
        });
        Assert.Equal("-5 is below the minimum of -1", Assert.Single(errors).Message);
    }

    [Fact]
    public void Job_rules_report_negative_counts_with_an_ascii_minus()
    {
        var demand = new JobDemand("job", JobPriority.Normal, JobType.Batch, -2, new TaskResources(-3, ByteSize.FromGibibytes(1), null),
            TimeSpan.FromHours(1), [], null, null, null, null, [], PlacementPreference.None, JobFlags.None, null);
        var errors = Under(() => JobDemandValidator.Validate(demand));
        Assert.Contains(errors, e => e.Message == "must be at least 1, found -2");
        Assert.Contains(errors, e => e.Message == "must be at least 1 core, found -3");
    }

    [Fact]
    public void A_negative_link_latency_is_reported_with_invariant_numbers()
    {
        var (_, errors) = Under(() => NetworkGraph.Create(
            [new PointOfPresence("A", "A", null), new PointOfPresence("B", "B", null)],
            [new NetworkLink("ab", "A", "B", Bandwidth.FromGbps(1), -1.5, new Money(0, "CNY"))]));
        Assert.Contains("latency -1.5 ms", Assert.Single(errors));
    }
}
