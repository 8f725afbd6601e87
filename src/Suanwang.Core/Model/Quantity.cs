using System.Globalization;
using System.Text.RegularExpressions;

namespace Suanwang.Core.Model;

/// <summary>
/// Parses and formats the unit-carrying strings of DESIGN §10: sizes (<c>512MiB</c>, <c>2TB</c>),
/// bandwidth (<c>10Gbps</c>), durations (<c>90s</c>, <c>15m</c>, <c>6h</c>, <c>7d</c>, <c>1h30m</c>, <c>8ms</c>)
/// and money (<c>12000.00 CNY</c>). Every parser returns either a value or a message that says what
/// was expected, so callers can report it with a file position.
/// </summary>
public static partial class Quantity
{
    private static readonly (string Suffix, double Factor)[] SizeUnits =
    [
        ("B", 1), ("kB", 1e3), ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12), ("PB", 1e15),
        ("KiB", 1024d), ("MiB", 1024d * 1024), ("GiB", 1024d * 1024 * 1024),
        ("TiB", 1024d * 1024 * 1024 * 1024), ("PiB", 1024d * 1024 * 1024 * 1024 * 1024),
    ];

    private static readonly (string Suffix, double Factor)[] RateUnits =
    [
        ("bps", 1), ("Kbps", 1e3), ("kbps", 1e3), ("Mbps", 1e6), ("Gbps", 1e9), ("Tbps", 1e12),
    ];

    private static readonly (string Suffix, double Seconds)[] TimeUnits =
    [
        ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400), ("w", 7 * 86400),
    ];

    private const double TwoToThe63 = 9223372036854775808d;

    [GeneratedRegex(@"^\s*(?<num>[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?)\s*(?<unit>[A-Za-z]+)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberWithUnit();

    [GeneratedRegex(@"(?<num>[0-9]+(\.[0-9]+)?)(?<unit>ms|s|m|h|d|w)", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPart();

    [GeneratedRegex(@"^\s*(?<sign>-)?(?<int>[0-9]+)(\.(?<frac>[0-9]{1,2}))?\s+(?<cur>[A-Z]{3})\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex MoneyPattern();

    /// <summary>Parses a data size. Bare numbers are refused: the unit must be explicit.</summary>
    public static ParseResult<ByteSize> ParseSize(string text)
    {
        if (!TryNumberWithUnit(text, SizeUnits, out var bytes, out var error))
            return ParseResult.Fail<ByteSize>(error ?? $"'{text}' is not a size; expected a number and a unit such as 512MiB, 40GB or 2TB");
        // 2^63 itself does not fit in a long; a cast would wrap to a negative size.
        if (bytes >= TwoToThe63)
            return ParseResult.Fail<ByteSize>($"size '{text}' is too large");
        return ParseResult.Ok(new ByteSize((long)Math.Round(bytes)));
    }

    /// <summary>Parses a data rate such as <c>10Gbps</c>.</summary>
    public static ParseResult<Bandwidth> ParseBandwidth(string text)
    {
        if (!TryNumberWithUnit(text, RateUnits, out var bps, out var error))
            return ParseResult.Fail<Bandwidth>(error ?? $"'{text}' is not a bandwidth; expected a number and a unit such as 400Mbps or 10Gbps");
        if (bps >= TwoToThe63)
            return ParseResult.Fail<Bandwidth>($"bandwidth '{text}' is too large");
        return ParseResult.Ok(new Bandwidth((long)Math.Round(bps)));
    }

    /// <summary>Parses a duration: one or more number-unit parts (<c>90s</c>, <c>1h30m</c>, <c>8ms</c>, <c>7d</c>).</summary>
    public static ParseResult<TimeSpan> ParseDuration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var expected = $"'{text}' is not a duration; expected a number and a unit (ms, s, m, h, d, w) such as 90s, 15m, 6h or 1h30m";
        if (trimmed.Length == 0)
            return ParseResult.Fail<TimeSpan>(expected);
        if (trimmed.StartsWith('-'))
            return ParseResult.Fail<TimeSpan>($"'{text}' is negative; a duration must be zero or more");
        double seconds = 0;
        var position = 0;
        foreach (Match part in DurationPart().Matches(trimmed))
        {
            if (part.Index != position)
                return ParseResult.Fail<TimeSpan>(expected);
            position = part.Index + part.Length;
            var number = double.Parse(part.Groups["num"].Value, CultureInfo.InvariantCulture);
            var unit = part.Groups["unit"].Value;
            seconds += number * Array.Find(TimeUnits, u => u.Suffix == unit).Seconds;
        }
        if (position != trimmed.Length)
            return ParseResult.Fail<TimeSpan>(expected);
        if (seconds > TimeSpan.MaxValue.TotalSeconds / 2)
            return ParseResult.Fail<TimeSpan>($"duration '{text}' is too long");
        return ParseResult.Ok(TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond)));
    }

    /// <summary>Parses money written as <c>AMOUNT CUR</c> with at most two decimals, e.g. <c>12000.00 CNY</c>.</summary>
    public static ParseResult<Money> ParseMoney(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = MoneyPattern().Match(text);
        if (!match.Success)
            return ParseResult.Fail<Money>($"'{text}' is not an amount of money; expected a number with at most two decimals and a currency code, such as 12000.00 CNY");
        var integer = match.Groups["int"].Value;
        var fraction = match.Groups["frac"].Value.PadRight(2, '0');
        if (!long.TryParse(integer, NumberStyles.None, CultureInfo.InvariantCulture, out var units) || units > long.MaxValue / 100 - 100)
            return ParseResult.Fail<Money>($"amount '{text}' is too large");
        var minor = units * 100 + int.Parse(fraction, CultureInfo.InvariantCulture);
        if (match.Groups["sign"].Success)
            minor = -minor;
        return ParseResult.Ok(new Money(minor, match.Groups["cur"].Value));
    }

    /// <summary>Formats bytes with the largest IEC unit that keeps the number at least 1.</summary>
    public static string FormatBytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        double value = bytes;
        var unit = 0;
        while (Math.Abs(value) >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return value == Math.Floor(value)
            ? string.Create(CultureInfo.InvariantCulture, $"{value:0}{units[unit]}")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.##}{units[unit]}");
    }

    /// <summary>Formats a rate with the largest SI unit that keeps the number at least 1.</summary>
    public static string FormatBandwidth(long bitsPerSecond)
    {
        string[] units = ["bps", "Kbps", "Mbps", "Gbps", "Tbps"];
        double value = bitsPerSecond;
        var unit = 0;
        while (Math.Abs(value) >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }
        return string.Create(CultureInfo.InvariantCulture, $"{value:0.##}{units[unit]}");
    }

    /// <summary>Formats a duration in the shortest exact form of the parser's units (<c>1h30m</c>, <c>90s</c>).</summary>
    public static string FormatDuration(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
            return "0s";
        var parts = new List<string>();
        var remaining = duration;
        if (remaining < TimeSpan.Zero)
        {
            parts.Add("-");
            remaining = remaining.Negate();
        }
        AppendPart(parts, ref remaining, TimeSpan.FromDays(1), "d");
        AppendPart(parts, ref remaining, TimeSpan.FromHours(1), "h");
        AppendPart(parts, ref remaining, TimeSpan.FromMinutes(1), "m");
        AppendPart(parts, ref remaining, TimeSpan.FromSeconds(1), "s");
        if (remaining > TimeSpan.Zero)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{remaining.TotalMilliseconds:0.###}ms"));
        return string.Concat(parts);
    }

    private static void AppendPart(List<string> parts, ref TimeSpan remaining, TimeSpan unit, string suffix)
    {
        var count = remaining.Ticks / unit.Ticks;
        if (count <= 0)
            return;
        parts.Add(string.Create(CultureInfo.InvariantCulture, $"{count}{suffix}"));
        remaining -= TimeSpan.FromTicks(count * unit.Ticks);
    }

    private static bool TryNumberWithUnit(string text, (string Suffix, double Factor)[] units, out double value, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = 0;
        error = null;
        if (text.TrimStart().StartsWith('-'))
        {
            error = $"'{text}' is negative; a quantity must be zero or more";
            return false;
        }
        var match = NumberWithUnit().Match(text);
        if (!match.Success)
            return false;
        var unit = match.Groups["unit"].Value;
        var factor = Array.Find(units, u => u.Suffix == unit);
        if (factor.Suffix is null)
        {
            error = $"unknown unit '{unit}' in '{text}'; expected one of {string.Join(", ", units.Select(u => u.Suffix))}";
            return false;
        }
        value = double.Parse(match.Groups["num"].Value, CultureInfo.InvariantCulture) * factor.Factor;
        return true;
    }
}

/// <summary>The outcome of parsing one value: the value, or a message explaining what was wrong.</summary>
/// <typeparam name="T">The parsed type.</typeparam>
public readonly record struct ParseResult<T>(bool Success, T Value, string? Error);

/// <summary>Factory methods for <see cref="ParseResult{T}"/>.</summary>
public static class ParseResult
{
    /// <summary>A successful result.</summary>
    public static ParseResult<T> Ok<T>(T value) => new(true, value, null);

    /// <summary>A failed result with its message.</summary>
    public static ParseResult<T> Fail<T>(string error) => new(false, default!, error);
}
