using System.Collections.Immutable;

namespace Suanwang.Core.Specs;

/// <summary>A 1-based line and column in a source file.</summary>
/// <param name="Line">Line number, from 1.</param>
/// <param name="Column">Column number, from 1.</param>
public readonly record struct SourcePosition(int Line, int Column);

/// <summary>
/// One node of a parsed YAML or JSON document, with its position in the source. YAML and JSON carry
/// the same structure (DESIGN §10), so both readers produce this tree and one binder turns it into
/// the model.
/// </summary>
/// <param name="Position">Where the node starts.</param>
public abstract record SpecNode(SourcePosition Position)
{
    /// <summary>A short word for the node's shape, used in messages ("a mapping", "a list", "a value").</summary>
    public abstract string Shape { get; }
}

/// <summary>A scalar: a string, number, boolean or null, kept as its source text.</summary>
/// <param name="Value">The text of the scalar, or null for an explicit null (<c>~</c>, <c>null</c>, empty).</param>
/// <param name="Position">Where it starts.</param>
public sealed record SpecScalar(string? Value, SourcePosition Position) : SpecNode(Position)
{
    /// <inheritdoc />
    public override string Shape => "a value";
}

/// <summary>A list.</summary>
/// <param name="Items">The items in order.</param>
/// <param name="Position">Where it starts.</param>
public sealed record SpecSequence(ImmutableArray<SpecNode> Items, SourcePosition Position) : SpecNode(Position)
{
    /// <inheritdoc />
    public override string Shape => "a list";
}

/// <summary>A mapping of string keys to nodes, in source order; keys are unique.</summary>
/// <param name="Entries">Key nodes and their values, in source order.</param>
/// <param name="Position">Where it starts.</param>
public sealed record SpecMapping(ImmutableArray<KeyValuePair<SpecScalar, SpecNode>> Entries, SourcePosition Position)
    : SpecNode(Position)
{
    /// <inheritdoc />
    public override string Shape => "a mapping";

    /// <summary>The value under <paramref name="key"/>, or null.</summary>
    public SpecNode? this[string key] => Entries.FirstOrDefault(e => e.Key.Value == key).Value;
}

/// <summary>A problem found in an input file: where it is, which field, and what is wrong.</summary>
/// <param name="Source">The file name (or another label for the source).</param>
/// <param name="Position">Where in the file, when known.</param>
/// <param name="Path">The field path, e.g. <c>resources.accelerators.grade</c> or <c>sites[2].pools[0].nodes</c>; empty for the document.</param>
/// <param name="Message">What is wrong and what was expected.</param>
public sealed record SpecError(string Source, SourcePosition? Position, string Path, string Message)
{
    /// <summary>Formats as <c>file:line:column: path: message</c>, the form compilers use, so editors can jump to it.</summary>
    public override string ToString()
    {
        var where = Position is { } p ? $"{Source}:{p.Line}:{p.Column}" : Source;
        return Path.Length == 0 ? $"{where}: {Message}" : $"{where}: {Path}: {Message}";
    }
}
