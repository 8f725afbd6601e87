using Suanwang.Core.Model;
using Suanwang.Core.Specs;

namespace Suanwang.Core.Tests.Specs;

public class SpecEnumsTests
{
    private enum Sample
    {
        ProviderApi,
        FP64,
        HttpAPI,
        HTTPServer,
        H100Sxm,
    }

    [Fact]
    public void Names_are_lower_case_and_hyphenated_per_word()
    {
        Assert.Equal("provider-api", SpecEnums.Name(AccessMode.ProviderApi));
        Assert.Equal("hub", SpecEnums.Name(SiteTier.Hub));
        Assert.Equal("urgent", SpecEnums.Name(JobPriority.Urgent));
        Assert.Equal("a", SpecEnums.Name(ComputeGrade.A));
    }

    [Fact]
    public void Acronyms_stay_one_word()
    {
        Assert.Equal(
            ["provider-api", "fp64", "http-api", "http-server", "h100-sxm"],
            Enum.GetValues<Sample>().Select(v => SpecEnums.Name(v)));
    }

    [Theory]
    [InlineData("provider-api")]
    [InlineData("providerapi")]
    [InlineData("ProviderApi")]
    [InlineData("PROVIDER-API")]
    public void Parsing_ignores_case_and_hyphens_are_optional(string text)
    {
        var result = SpecEnums.Parse<AccessMode>(text);

        Assert.True(result.Success);
        Assert.Equal(AccessMode.ProviderApi, result.Value);
    }

    [Fact]
    public void Every_value_parses_back_from_its_name()
    {
        foreach (var value in Enum.GetValues<Sample>())
            Assert.Equal(value, SpecEnums.Parse<Sample>(SpecEnums.Name(value)).Value);
        foreach (var value in Enum.GetValues<JobType>())
            Assert.Equal(value, SpecEnums.Parse<JobType>(SpecEnums.Name(value)).Value);
    }

    [Fact]
    public void Unknown_values_list_the_choices()
    {
        var result = SpecEnums.Parse<JobPriority>("asap");

        Assert.False(result.Success);
        Assert.Equal("'asap' is not one of: low, normal, high, urgent", result.Error);
    }

    [Fact]
    public void Numbers_are_not_enum_values()
    {
        Assert.False(SpecEnums.Parse<JobPriority>("1").Success);
    }
}
