using Suanwang.Core.Specs;

namespace Suanwang.Core.Tests.Specs;

/// <summary>Timestamps (a job's <c>deadline</c>) are ISO 8601 with a zone, or a date meaning midnight UTC; nothing that reads differently by country.</summary>
public sealed class TimestampParsingTests
{
    [Theory]
    [InlineData("2026-12-01T00:00:00Z", "2026-12-01T00:00:00.0000000+00:00")]
    [InlineData("2026-01-15T08:00:00+08:00", "2026-01-15T00:00:00.0000000+00:00")]
    [InlineData("2026-01-15T08:00:00-05:30", "2026-01-15T13:30:00.0000000+00:00")]
    [InlineData("2026-12-01T12:34:56.5Z", "2026-12-01T12:34:56.5000000+00:00")]
    [InlineData("2026-12-01T12:34:56.1234567+01:00", "2026-12-01T11:34:56.1234567+00:00")]
    [InlineData("2026-12-01", "2026-12-01T00:00:00.0000000+00:00")]
    public void Iso_8601_with_a_zone_or_a_date_alone_is_read_in_utc(string text, string expected)
    {
        var result = MappingBinder.ParseTimestamp(text);
        Assert.True(result.Success, result.Error);
        Assert.Equal(expected, result.Value.ToString("o", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("01/02/2026")]
    [InlineData("2026-12-01T00:00:00")]
    [InlineData("2026-12-01 00:00:00Z")]
    [InlineData("Dec 1, 2026")]
    [InlineData("2026-13-01")]
    [InlineData("2026-12-01T25:00:00Z")]
    [InlineData("tomorrow")]
    public void Anything_else_is_an_error_that_shows_the_forms(string text)
    {
        var result = MappingBinder.ParseTimestamp(text);
        Assert.False(result.Success);
        Assert.Contains("2026-12-01T00:00:00Z", result.Error);
    }
}
