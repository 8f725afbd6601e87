using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Suanwang.Core.Specs;

/// <summary>The documents read from one source, or the syntax errors that stopped the read.</summary>
/// <param name="Documents">The documents (a YAML stream may hold several; JSON holds one).</param>
/// <param name="Errors">Syntax errors; when present, <paramref name="Documents"/> is empty.</param>
public sealed record SpecReadResult(ImmutableArray<SpecNode> Documents, ImmutableArray<SpecError> Errors);

/// <summary>
/// Reads YAML (YamlDotNet's parser) or JSON (System.Text.Json's reader) into <see cref="SpecNode"/>
/// trees that remember line and column, so every later error can point into the file. Pure: it
/// takes text, not paths.
/// </summary>
public static class SpecDocumentReader
{
    /// <summary>
    /// Reads <paramref name="text"/>. JSON is chosen when <paramref name="source"/> ends in
    /// <c>.json</c> or the text starts with <c>{</c> or <c>[</c>; otherwise YAML.
    /// </summary>
    public static SpecReadResult Read(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        var looksJson = source.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            || text.TrimStart().StartsWith('{') || text.TrimStart().StartsWith('[');
        return looksJson ? ReadJson(text, source) : ReadYaml(text, source);
    }

    /// <summary>Reads YAML, resolving anchors and aliases; duplicate keys are errors.</summary>
    public static SpecReadResult ReadYaml(string text, string source)
    {
        var errors = new List<SpecError>();
        var documents = ImmutableArray.CreateBuilder<SpecNode>();
        try
        {
            var parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            while (parser.TryConsume<DocumentStart>(out _))
            {
                var anchors = new Dictionary<string, SpecNode>(StringComparer.Ordinal);
                documents.Add(ReadYamlNode(parser, anchors, source, "", errors));
                parser.Consume<DocumentEnd>();
            }
            parser.Consume<StreamEnd>();
        }
        catch (YamlException ex)
        {
            var message = ex.InnerException is { } inner ? $"{ex.Message} {inner.Message}" : ex.Message;
            errors.Add(new SpecError(source, new SourcePosition((int)ex.Start.Line, (int)ex.Start.Column), "",
                $"malformed YAML: {TrimYamlMessage(message)}"));
        }
        return errors.Count > 0 ? new SpecReadResult([], [.. errors]) : new SpecReadResult(documents.ToImmutable(), []);
    }

    /// <summary>Reads one JSON value; comments and trailing commas are allowed, duplicate keys are errors.</summary>
    public static SpecReadResult ReadJson(string text, string source)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var lineStarts = LineStarts(bytes);
        var errors = new List<SpecError>();
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            });
            if (!reader.Read())
                return new SpecReadResult([], [new SpecError(source, null, "", "the file is empty")]);
            var root = ReadJsonNode(ref reader, lineStarts, source, "", errors);
            if (reader.Read())
                errors.Add(new SpecError(source, Position(lineStarts, reader.TokenStartIndex), "", "malformed JSON: more than one value at the top level"));
            return errors.Count > 0 ? new SpecReadResult([], [.. errors]) : new SpecReadResult([root], []);
        }
        catch (JsonException ex)
        {
            var position = ex.LineNumber is { } line
                ? new SourcePosition((int)line + 1, (int)(ex.BytePositionInLine ?? 0) + 1)
                : (SourcePosition?)null;
            var message = ex.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0];
            return new SpecReadResult([], [new SpecError(source, position, "", $"malformed JSON: {message}")]);
        }
    }

    private static SpecNode ReadYamlNode(IParser parser, Dictionary<string, SpecNode> anchors, string source, string path, List<SpecError> errors)
    {
        var start = parser.Current?.Start ?? Mark.Empty;
        var position = new SourcePosition((int)start.Line, (int)start.Column);
        SpecNode node;
        string anchor;
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            if (anchors.TryGetValue(alias.Value.Value, out var target))
                return target;
            errors.Add(new SpecError(source, position, path, $"unknown alias '*{alias.Value.Value}'"));
            return new SpecScalar(null, position);
        }
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            var isNull = scalar.Style == ScalarStyle.Plain && scalar.Value is "" or "~" or "null" or "Null" or "NULL";
            node = new SpecScalar(isNull ? null : scalar.Value, position);
            anchor = scalar.Anchor.IsEmpty ? "" : scalar.Anchor.Value;
        }
        else if (parser.TryConsume<SequenceStart>(out var sequenceStart))
        {
            var items = ImmutableArray.CreateBuilder<SpecNode>();
            while (!parser.TryConsume<SequenceEnd>(out _))
                items.Add(ReadYamlNode(parser, anchors, source, $"{path}[{items.Count}]", errors));
            node = new SpecSequence(items.ToImmutable(), position);
            anchor = sequenceStart.Anchor.IsEmpty ? "" : sequenceStart.Anchor.Value;
        }
        else
        {
            var mappingStart = parser.Consume<MappingStart>();
            var entries = ImmutableArray.CreateBuilder<KeyValuePair<SpecScalar, SpecNode>>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var keyNode = ReadYamlNode(parser, anchors, source, path, errors);
                if (keyNode is not SpecScalar { Value: not null } key)
                {
                    errors.Add(new SpecError(source, keyNode.Position, path, "a mapping key must be a plain value"));
                    ReadYamlNode(parser, anchors, source, path, errors);
                    continue;
                }
                var childPath = path.Length == 0 ? key.Value : $"{path}.{key.Value}";
                var value = ReadYamlNode(parser, anchors, source, childPath, errors);
                if (!seen.Add(key.Value))
                    errors.Add(new SpecError(source, key.Position, childPath, $"field '{key.Value}' appears twice"));
                else
                    entries.Add(KeyValuePair.Create(key, value));
            }
            node = new SpecMapping(entries.ToImmutable(), position);
            anchor = mappingStart.Anchor.IsEmpty ? "" : mappingStart.Anchor.Value;
        }
        if (!string.IsNullOrEmpty(anchor))
            anchors[anchor] = node;
        return node;
    }

    private static SpecNode ReadJsonNode(ref Utf8JsonReader reader, int[] lineStarts, string source, string path, List<SpecError> errors)
    {
        var position = Position(lineStarts, reader.TokenStartIndex);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var entries = ImmutableArray.CreateBuilder<KeyValuePair<SpecScalar, SpecNode>>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var key = new SpecScalar(reader.GetString(), Position(lineStarts, reader.TokenStartIndex));
                    var childPath = path.Length == 0 ? key.Value! : $"{path}.{key.Value}";
                    reader.Read();
                    var value = ReadJsonNode(ref reader, lineStarts, source, childPath, errors);
                    if (!seen.Add(key.Value!))
                        errors.Add(new SpecError(source, key.Position, childPath, $"field '{key.Value}' appears twice"));
                    else
                        entries.Add(KeyValuePair.Create(key, value));
                }
                return new SpecMapping(entries.ToImmutable(), position);
            case JsonTokenType.StartArray:
                var items = ImmutableArray.CreateBuilder<SpecNode>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    items.Add(ReadJsonNode(ref reader, lineStarts, source, $"{path}[{items.Count}]", errors));
                return new SpecSequence(items.ToImmutable(), position);
            case JsonTokenType.String:
                return new SpecScalar(reader.GetString(), position);
            case JsonTokenType.Null:
                return new SpecScalar(null, position);
            default:
                // Numbers and booleans keep their source text; the binder parses them as it needs.
                return new SpecScalar(Encoding.UTF8.GetString(reader.ValueSpan), position);
        }
    }

    private static int[] LineStarts(byte[] bytes)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
                starts.Add(i + 1);
        }
        return [.. starts];
    }

    private static SourcePosition Position(int[] lineStarts, long offset)
    {
        var index = Array.BinarySearch(lineStarts, (int)offset);
        var line = index >= 0 ? index : ~index - 1;
        return new SourcePosition(line + 1, (int)offset - lineStarts[line] + 1);
    }

    private static string TrimYamlMessage(string message)
    {
        // YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; we print our own position.
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 ? message[(cut + 3)..] : message;
    }
}
