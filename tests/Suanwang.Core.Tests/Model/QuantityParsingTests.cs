using FsCheck;
using FsCheck.Xunit;
using Suanwang.Core.Model;

namespace Suanwang.Core.Tests.Model;

public class QuantityParsingTests
{
    [Theory]
    [InlineData("512MiB", 512L * 1024 * 1024)]
    [InlineData("2TB", 2_000_000_000_000L)]
    [InlineData("50GB", 50_000_000_000L)]
    [InlineData("1kB", 1_000L)]
    [InlineData("1KB", 1_000L)]
    [InlineData("1KiB", 1_024L)]
    [InlineData("1.5GiB", 1_610_612_736L)]
    [InlineData("1TiB", 1L << 40)]
    [InlineData("3PB", 3_000_000_000_000_000L)]
    [InlineData(" 128 GiB ", 128L << 30)]
    [InlineData("0B", 0L)]
    public void Sizes_take_si_and_iec_suffixes(string text, long bytes)
    {
        var result = Quantity.ParseSize(text);

        Assert.True(result.Success, result.Error);
        Assert.Equal(bytes, result.Value.Bytes);
    }

    [Theory]
    [InlineData("128", "is not a size")]
    [InlineData("", "is not a size")]
    [InlineData("GiB", "is not a size")]
    [InlineData("128Gi", "unknown unit 'Gi'")]
    [InlineData("128gb", "unknown unit 'gb'")]
    [InlineData("-5GB", "negative")]
    [InlineData("8192PiB", "too large")]
    [InlineData("1e30PB", "too large")]
    public void Bad_sizes_say_what_is_wrong(string text, string expected)
    {
        var result = Quantity.ParseSize(text);

        Assert.False(result.Success);
        Assert.Contains(expected, result.Error);
    }

    [Theory]
    [InlineData("10Gbps", 10_000_000_000L)]
    [InlineData("400Mbps", 400_000_000L)]
    [InlineData("1.5Tbps", 1_500_000_000_000L)]
    [InlineData("64kbps", 64_000L)]
    [InlineData("64Kbps", 64_000L)]
    [InlineData("9600bps", 9_600L)]
    public void Bandwidth_uses_decimal_bits_per_second(string text, long bitsPerSecond)
    {
        var result = Quantity.ParseBandwidth(text);

        Assert.True(result.Success, result.Error);
        Assert.Equal(bitsPerSecond, result.Value.BitsPerSecond);
    }

    [Theory]
    [InlineData("10", "is not a bandwidth")]
    [InlineData("10GB", "unknown unit 'GB'")]
    [InlineData("-1Gbps", "negative")]
    public void Bad_bandwidths_say_what_is_wrong(string text, string expected)
    {
        var result = Quantity.ParseBandwidth(text);

        Assert.False(result.Success);
        Assert.Contains(expected, result.Error);
    }

    [Theory]
    [InlineData("90s", 90_000)]
    [InlineData("15m", 900_000)]
    [InlineData("6h", 21_600_000)]
    [InlineData("7d", 604_800_000)]
    [InlineData("2w", 1_209_600_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("8ms", 8)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("1d2h3m4s5ms", 93_784_005)]
    [InlineData("0s", 0)]
    public void Durations_add_up_their_parts(string text, long milliseconds)
    {
        var result = Quantity.ParseDuration(text);

        Assert.True(result.Success, result.Error);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), result.Value);
    }

    [Theory]
    [InlineData("90", "is not a duration")]
    [InlineData("6 hours", "is not a duration")]
    [InlineData("5min", "is not a duration")]
    [InlineData("1h 30m", "is not a duration")]
    [InlineData("h", "is not a duration")]
    [InlineData("", "is not a duration")]
    [InlineData("-5m", "negative")]
    [InlineData("99999999999999999d", "too long")]
    public void Bad_durations_say_what_is_wrong(string text, string expected)
    {
        var result = Quantity.ParseDuration(text);

        Assert.False(result.Success);
        Assert.Contains(expected, result.Error);
    }

    [Theory]
    [InlineData("12000.00 CNY", 1_200_000L, "CNY")]
    [InlineData("12000 CNY", 1_200_000L, "CNY")]
    [InlineData("0.5 USD", 50L, "USD")]
    [InlineData("0.05 CNY", 5L, "CNY")]
    [InlineData("-3.10 CNY", -310L, "CNY")]
    public void Money_keeps_exact_minor_units_with_up_to_two_decimals(string text, long minor, string currency)
    {
        var result = Quantity.ParseMoney(text);

        Assert.True(result.Success, result.Error);
        Assert.Equal(new Money(minor, currency), result.Value);
    }

    [Theory]
    [InlineData("12000.005 CNY")]
    [InlineData("12000.00")]
    [InlineData("12000.00CNY")]
    [InlineData("12000.00 cny")]
    [InlineData("CNY 12000")]
    [InlineData("1e3 CNY")]
    public void Money_refuses_three_decimals_missing_or_lower_case_currency(string text)
    {
        var result = Quantity.ParseMoney(text);

        Assert.False(result.Success);
        Assert.Contains("at most two decimals and a currency code", result.Error);
    }

    [Fact]
    public void Money_too_large_for_minor_units_is_refused()
    {
        Assert.Contains("too large", Quantity.ParseMoney("99999999999999999999 CNY").Error);
    }

    [Theory]
    [InlineData("90s")]
    [InlineData("1h30m")]
    [InlineData("8ms")]
    [InlineData("7d")]
    public void Formatted_durations_parse_back(string text)
    {
        var parsed = Quantity.ParseDuration(text).Value;

        Assert.Equal(parsed, Quantity.ParseDuration(Quantity.FormatDuration(parsed)).Value);
    }

    [Property]
    public bool Any_whole_millisecond_duration_formats_and_parses_back(PositiveInt milliseconds)
    {
        var duration = TimeSpan.FromMilliseconds(milliseconds.Get);

        return Quantity.ParseDuration(Quantity.FormatDuration(duration)).Value == duration;
    }

    [Property]
    public bool Any_byte_count_formats_to_a_size_within_rounding(PositiveInt bytes)
    {
        var parsed = Quantity.ParseSize(Quantity.FormatBytes(bytes.Get));

        // FormatBytes keeps two decimals, so the round trip is exact to within 0.5% of the value.
        return parsed.Success && Math.Abs(parsed.Value.Bytes - bytes.Get) <= bytes.Get * 0.005 + 1;
    }
}
