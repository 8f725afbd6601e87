using System.Globalization;

namespace Suanwang.Core.Model;

/// <summary>An amount of data in bytes. Parsed from strings such as <c>512MiB</c> or <c>2TB</c> (SI and IEC suffixes).</summary>
/// <param name="Bytes">The size in bytes; never negative in a valid model.</param>
public readonly record struct ByteSize(long Bytes) : IComparable<ByteSize>
{
    /// <summary>Zero bytes.</summary>
    public static ByteSize Zero => new(0);

    /// <summary>Creates a size from gigabytes (10^9 bytes).</summary>
    public static ByteSize FromGigabytes(double gigabytes) => new(checked((long)Math.Round(gigabytes * 1e9)));

    /// <summary>Creates a size from gibibytes (2^30 bytes).</summary>
    public static ByteSize FromGibibytes(double gibibytes) => new(checked((long)Math.Round(gibibytes * (1L << 30))));

    /// <summary>The size in gigabytes (10^9 bytes).</summary>
    public double Gigabytes => Bytes / 1e9;

    /// <summary>Compares two values.</summary>
    public static bool operator <(ByteSize left, ByteSize right) => left.CompareTo(right) < 0;

    /// <summary>Compares two values.</summary>
    public static bool operator >(ByteSize left, ByteSize right) => left.CompareTo(right) > 0;

    /// <summary>Compares two values.</summary>
    public static bool operator <=(ByteSize left, ByteSize right) => left.CompareTo(right) <= 0;

    /// <summary>Compares two values.</summary>
    public static bool operator >=(ByteSize left, ByteSize right) => left.CompareTo(right) >= 0;

    /// <inheritdoc />
    public int CompareTo(ByteSize other) => Bytes.CompareTo(other.Bytes);

    /// <summary>Formats with the largest IEC unit that keeps the number at least 1.</summary>
    public override string ToString() => Quantity.FormatBytes(Bytes);
}

/// <summary>A data rate in bits per second. Parsed from strings such as <c>10Gbps</c> or <c>400Mbps</c>.</summary>
/// <param name="BitsPerSecond">The rate; never negative in a valid model.</param>
public readonly record struct Bandwidth(long BitsPerSecond) : IComparable<Bandwidth>
{
    /// <summary>Creates a rate from gigabits per second.</summary>
    public static Bandwidth FromGbps(double gbps) => new(checked((long)Math.Round(gbps * 1e9)));

    /// <summary>The rate in gigabits per second.</summary>
    public double Gbps => BitsPerSecond / 1e9;

    /// <summary>Bytes per second at this rate.</summary>
    public double BytesPerSecond => BitsPerSecond / 8.0;

    /// <summary>Compares two values.</summary>
    public static bool operator <(Bandwidth left, Bandwidth right) => left.CompareTo(right) < 0;

    /// <summary>Compares two values.</summary>
    public static bool operator >(Bandwidth left, Bandwidth right) => left.CompareTo(right) > 0;

    /// <summary>Compares two values.</summary>
    public static bool operator <=(Bandwidth left, Bandwidth right) => left.CompareTo(right) <= 0;

    /// <summary>Compares two values.</summary>
    public static bool operator >=(Bandwidth left, Bandwidth right) => left.CompareTo(right) >= 0;

    /// <inheritdoc />
    public int CompareTo(Bandwidth other) => BitsPerSecond.CompareTo(other.BitsPerSecond);

    /// <inheritdoc />
    public override string ToString() => Quantity.FormatBandwidth(BitsPerSecond);
}

/// <summary>
/// A sum of money in integer minor units (fen for CNY: two decimals). Never floating point, so
/// metering and settlement add up exactly.
/// </summary>
/// <param name="MinorUnits">The amount in hundredths of the currency unit.</param>
/// <param name="Currency">ISO 4217 code, upper case, e.g. <c>CNY</c>.</param>
public readonly record struct Money(long MinorUnits, string Currency)
{
    /// <summary>Number of decimals in the minor unit; every currency Suanwang uses today has two.</summary>
    public const int Decimals = 2;

    /// <summary>The amount as a decimal number of currency units (for display and ratios, not for arithmetic).</summary>
    public decimal Amount => MinorUnits / 100m;

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Amount:0.00} {Currency}");
}
