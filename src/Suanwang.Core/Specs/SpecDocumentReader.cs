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
    /// <summary>Nesting deeper than this is refused, as System.Text.Json does by default, so hostile input cannot exhaust the stack.</summary>
    internal const int MaxDepth = 64;

    /// <summary>
    /// Reads <paramref name="text"/>. The extension of <paramref name="source"/> decides: JSON Lines
    /// (one document per value) for <c>.jsonl</c> and <c>.ndjson</c>, JSON for <c>.json</c>, YAML for
    /// <c>.yaml</c> and <c>.yml</c>; otherwise JSON when the text starts with <c>{</c> or <c>[</c>, else YAML.
    /// </summary>
    public static SpecReadResult Read(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        if (source.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || source.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase))
            return ReadJson(text, source, multipleValues: true);
        if (source.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || source.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            return ReadYaml(text, source);
        var looksJson = source.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            || text.TrimStart().StartsWith('{') || text.TrimStart().StartsWith('[');
        return looksJson ? ReadJson(text, source) : ReadYaml(text, source);
    }

    /// <summary>Reads YAML, resolving anchors and aliases; duplicate keys are errors.</summary>
    public static SpecReadResult ReadYaml(string text, string source)
    {
        var errors = new List<SpecError>();
        var documents = ImmutableArray.CreateBuilder<SpecNode>();
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            while (parser.TryConsume<DocumentStart>(out _))
            {
                var anchors = new Dictionary<string, SpecNode>(StringComparer.Ordinal);
                documents.Add(ReadYamlNode(parser, anchors, source, "", 0, errors));
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
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way, not with a YamlException, on some unclosed flow
            // collections; the last event it parsed is the best position we have.
            var end = parser.Current?.End ?? Mark.Empty;
            errors.Add(new SpecError(source, new SourcePosition((int)end.Line, (int)end.Column), "",
                "malformed YAML: the parser could not go on after this point; look for an unclosed [, { or quote"));
        }
        return errors.Count > 0 ? new SpecReadResult([], [.. errors]) : new SpecReadResult(documents.ToImmutable(), []);
    }

    /// <summary>Reads one JSON value; comments and trailing commas are allowed, duplicate keys are errors.</summary>
    public static SpecReadResult ReadJson(string text, string source) => ReadJson(text, source, multipleValues: false);

    /// <summary>Reads one JSON value, or with <paramref name="multipleValues"/> a sequence of them (JSON Lines), each a document.</summary>
    internal static SpecReadResult ReadJson(string text, string source, bool multipleValues)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!multipleValues && string.IsNullOrWhiteSpace(text))
            return new SpecReadResult([], [new SpecError(source, null, "", "the file is empty")]);
        var bytes = Encoding.UTF8.GetBytes(text);
        var lines = new LineMap(bytes);
        var errors = new List<SpecError>();
        var documents = ImmutableArray.CreateBuilder<SpecNode>();
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
                AllowMultipleValues = multipleValues,
                MaxDepth = MaxDepth,
            });
            while (reader.Read())
                documents.Add(ReadJsonNode(ref reader, lines, source, "", errors));
            return errors.Count > 0 ? new SpecReadResult([], [.. errors]) : new SpecReadResult(documents.ToImmutable(), []);
        }
        catch (JsonException ex)
        {
            // The exception counts bytes within the line; editors count characters, so convert.
            var position = ex.LineNumber is { } line
                ? lines.Position((int)line, ex.BytePositionInLine ?? 0)
                : (SourcePosition?)null;
            var message = ex.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0];
            return new SpecReadResult([], [new SpecError(source, position, "", $"malformed JSON: {message}")]);
        }
    }

    private static SpecNode ReadYamlNode(IParser parser, Dictionary<string, SpecNode> anchors, string source, string path, int depth, List<SpecError> errors)
    {
        var start = parser.Current?.Start ?? Mark.Empty;
        var position = new SourcePosition((int)start.Line, (int)start.Column);
        SpecNode node;
        AnchorName anchor;
        if (depth >= MaxDepth && parser.Current is SequenceStart or MappingStart)
        {
            errors.Add(new SpecError(source, position, "", $"malformed YAML: nested deeper than {MaxDepth} levels"));
            parser.SkipThisAndNestedEvents();
            return new SpecScalar(null, position);
        }
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
            anchor = scalar.Anchor;
        }
        else if (parser.TryConsume<SequenceStart>(out var sequenceStart))
        {
            var items = ImmutableArray.CreateBuilder<SpecNode>();
            while (!parser.TryConsume<SequenceEnd>(out _))
                items.Add(ReadYamlNode(parser, anchors, source, $"{path}[{items.Count}]", depth + 1, errors));
            node = new SpecSequence(items.ToImmutable(), position);
            anchor = sequenceStart.Anchor;
        }
        else
        {
            var mappingStart = parser.Consume<MappingStart>();
            var entries = ImmutableArray.CreateBuilder<KeyValuePair<SpecScalar, SpecNode>>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var keyNode = ReadYamlNode(parser, anchors, source, path, depth + 1, errors);
                if (keyNode is not SpecScalar { Value: not null } key)
                {
                    errors.Add(new SpecError(source, keyNode.Position, path, "a mapping key must be a plain value"));
                    ReadYamlNode(parser, anchors, source, path, depth + 1, errors);
                    continue;
                }
                var childPath = path.Length == 0 ? key.Value : $"{path}.{key.Value}";
                var value = ReadYamlNode(parser, anchors, source, childPath, depth + 1, errors);
                if (!seen.Add(key.Value))
                    errors.Add(new SpecError(source, key.Position, childPath, $"field '{key.Value}' appears twice"));
                else
                    entries.Add(KeyValuePair.Create(key, value));
            }
            node = new SpecMapping(entries.ToImmutable(), position);
            anchor = mappingStart.Anchor;
        }
        // AnchorName.Value throws when there is no anchor, so test IsEmpty first.
        if (!anchor.IsEmpty)
            anchors[anchor.Value] = node;
        return node;
    }

    private static SpecNode ReadJsonNode(ref Utf8JsonReader reader, LineMap lines, string source, string path, List<SpecError> errors)
    {
        var position = lines.Position(reader.TokenStartIndex);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var entries = ImmutableArray.CreateBuilder<KeyValuePair<SpecScalar, SpecNode>>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var key = new SpecScalar(reader.GetString(), lines.Position(reader.TokenStartIndex));
                    var childPath = path.Length == 0 ? key.Value! : $"{path}.{key.Value}";
                    reader.Read();
                    var value = ReadJsonNode(ref reader, lines, source, childPath, errors);
                    if (!seen.Add(key.Value!))
                        errors.Add(new SpecError(source, key.Position, childPath, $"field '{key.Value}' appears twice"));
                    else
                        entries.Add(KeyValuePair.Create(key, value));
                }
                return new SpecMapping(entries.ToImmutable(), position);
            case JsonTokenType.StartArray:
                var items = ImmutableArray.CreateBuilder<SpecNode>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    items.Add(ReadJsonNode(ref reader, lines, source, $"{path}[{items.Count}]", errors));
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

    /// <summary>Turns UTF-8 byte offsets into 1-based lines and character columns (byte columns would drift after 上海).</summary>
    private sealed class LineMap
    {
        private readonly byte[] _bytes;
        private readonly int[] _lineStarts;

        public LineMap(byte[] bytes)
        {
            _bytes = bytes;
            var starts = new List<int> { 0 };
            for (var i = 0; i < bytes.Length; i++)
            {
                if (bytes[i] == (byte)'\n')
                    starts.Add(i + 1);
            }
            _lineStarts = [.. starts];
        }

        public SourcePosition Position(long offset)
        {
            var index = Array.BinarySearch(_lineStarts, (int)offset);
            var line = index >= 0 ? index : ~index - 1;
            return Position(line, offset - _lineStarts[line]);
        }

        /// <summary>Position of a byte within a 0-based line.</summary>
        public SourcePosition Position(int line, long byteInLine)
        {
            line = Math.Clamp(line, 0, _lineStarts.Length - 1);
            var start = _lineStarts[line];
            var length = (int)Math.Clamp(byteInLine, 0, _bytes.Length - start);
            return new SourcePosition(line + 1, Encoding.UTF8.GetCharCount(_bytes, start, length) + 1);
        }
    }

    private static string TrimYamlMessage(string message)
    {
        // YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; we print our own position.
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 ? message[(cut + 3)..] : message;
    }
}
