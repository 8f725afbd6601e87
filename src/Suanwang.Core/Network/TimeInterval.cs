using System.Globalization;

namespace Suanwang.Core.Network;

/// <summary>
/// A half-open span of time [<paramref name="Start"/>, <paramref name="End"/>): it contains its
/// start but not its end, so [0, 10) and [10, 20) touch without overlapping and back-to-back
/// reservations of a link's full capacity are allowed.
/// </summary>
/// <param name="Start">First instant inside the interval.</param>
/// <param name="End">First instant after the interval.</param>
public readonly record struct TimeInterval(DateTimeOffset Start, DateTimeOffset End)
{
    /// <summary>Length of the interval; zero or negative when the interval is empty.</summary>
    public TimeSpan Duration => End - Start;

    /// <summary>True when the interval contains no instant (End ≤ Start).</summary>
    public bool IsEmpty => End <= Start;

    /// <summary>An interval of the given length starting at <paramref name="start"/>.</summary>
    public static TimeInterval FromDuration(DateTimeOffset start, TimeSpan duration) => new(start, start + duration);

    /// <summary>True when the two intervals share at least one instant.</summary>
    public bool Overlaps(TimeInterval other) => Start < other.End && other.Start < End && !IsEmpty && !other.IsEmpty;

    /// <summary>Formats as <c>[start, end)</c> in ISO 8601.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{Start:O}, {End:O})");
}
