using System.Collections.Immutable;

namespace Suanwang.Core.Specs;

/// <summary>
/// The order errors are reported in: by file (ordinal), then line, then column; errors without a
/// position come last in their file. Every reader sorts with it, so output reads top to bottom.
/// </summary>
public sealed class SpecErrorOrder : IComparer<SpecError>
{
    private SpecErrorOrder()
    {
    }

    /// <summary>The one instance.</summary>
    public static SpecErrorOrder Instance { get; } = new();

    /// <summary>Sorts <paramref name="errors"/>; errors that compare equal keep the order they were found in.</summary>
    public static ImmutableArray<SpecError> Sort(IEnumerable<SpecError> errors) => [.. errors.Order(Instance)];

    /// <inheritdoc />
    public int Compare(SpecError? x, SpecError? y)
    {
        if (ReferenceEquals(x, y))
            return 0;
        if (x is null)
            return -1;
        if (y is null)
            return 1;
        var bySource = string.CompareOrdinal(x.Source, y.Source);
        if (bySource != 0)
            return bySource;
        return (x.Position, y.Position) switch
        {
            (null, null) => 0,
            (null, _) => 1,
            (_, null) => -1,
            ({ } a, { } b) => a.Line != b.Line ? a.Line.CompareTo(b.Line) : a.Column.CompareTo(b.Column),
        };
    }
}
