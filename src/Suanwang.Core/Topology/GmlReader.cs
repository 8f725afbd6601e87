using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Text;
using Suanwang.Core.Specs;

namespace Suanwang.Core.Topologies;

/// <summary>A GML value: a number, a string or a nested list, with the line it starts on.</summary>
/// <param name="Line">1-based line of the value.</param>
internal abstract record GmlValue(int Line);

/// <summary>A GML number (integer or real), kept as a double and as its source text.</summary>
internal sealed record GmlNumber(double Value, string Text, int Line) : GmlValue(Line);

/// <summary>A GML string with HTML entities (<c>&amp;amp;</c>) decoded, as Topology Zoo writes them.</summary>
internal sealed record GmlString(string Value, int Line) : GmlValue(Line);

/// <summary>A GML list: key–value pairs in source order; keys may repeat (<c>node</c>, <c>edge</c>).</summary>
internal sealed record GmlList(ImmutableArray<GmlEntry> Entries, int Line) : GmlValue(Line)
{
    /// <summary>The first value under <paramref name="key"/>, or null.</summary>
    public GmlValue? this[string key] => Entries.FirstOrDefault(e => e.Key == key)?.Value;

    /// <summary>Every value under <paramref name="key"/>, in order.</summary>
    public IEnumerable<GmlValue> All(string key) => Entries.Where(e => e.Key == key).Select(e => e.Value);
}

/// <summary>One <c>key value</c> pair of a GML list.</summary>
internal sealed record GmlEntry(string Key, GmlValue Value, int Line);

/// <summary>The parsed document, or the first syntax error with its line and column.</summary>
internal sealed record GmlReadResult(GmlList? Root, SpecError? Error);

/// <summary>
/// A small parser for GML (Graph Modelling Language, Himsolt 1997) as the Internet Topology Zoo
/// writes it: <c>key value</c> pairs, nested <c>[ … ]</c> lists, double-quoted strings, integers and
/// reals, <c>#</c> comment lines. We wrote our own because there is no maintained GML library for
/// .NET, and the format is small enough that a hand-written recursive-descent parser with precise
/// line numbers is shorter than an adapter around an abandoned one. Pure: text in, tree out.
/// </summary>
internal static class GmlReader
{
    /// <summary>Nesting deeper than this is refused, so hostile input cannot exhaust the stack.</summary>
    public const int MaxDepth = 64;

    /// <summary>Parses <paramref name="text"/>; <paramref name="source"/> labels error messages.</summary>
    public static GmlReadResult Read(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(text, source);
        return parser.ReadDocument();
    }

    private sealed class Parser(string text, string source)
    {
        private int _index;
        private int _line = 1;
        private int _column = 1;
        private SpecError? _error;

        public GmlReadResult ReadDocument()
        {
            var root = ReadList(depth: 0, path: "", openLine: 1, openColumn: 1, nested: false);
            return _error is null ? new GmlReadResult(root, null) : new GmlReadResult(null, _error);
        }

        private GmlList? ReadList(int depth, string path, int openLine, int openColumn, bool nested)
        {
            if (depth > MaxDepth)
                return Fail(path, $"lists are nested more than {MaxDepth} deep");
            var entries = ImmutableArray.CreateBuilder<GmlEntry>();
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            while (true)
            {
                SkipBlanks();
                if (AtEnd)
                {
                    if (nested)
                        return Fail<GmlList>(path, $"the list opened with '[' at line {openLine}, column {openColumn} is never closed with ']'", openLine, openColumn);
                    return new GmlList(entries.ToImmutable(), openLine);
                }
                var c = text[_index];
                if (c == ']')
                {
                    if (!nested)
                        return Fail(path, "unexpected ']' with no matching '['");
                    Advance();
                    return new GmlList(entries.ToImmutable(), openLine);
                }
                if (!IsKeyStart(c))
                    return Fail(path, $"expected a key (a word such as 'node' or 'label'), found {Describe(c)}");
                var keyLine = _line;
                var key = ReadWhile(IsKeyPart);
                var index = counts.GetValueOrDefault(key);
                counts[key] = index + 1;
                // Only the repeated keys of Topology Zoo files get an index, matching the importer's paths (graph.node[3]).
                var childPath = $"{(path.Length == 0 ? "" : path + ".")}{key}{(key is "node" or "edge" ? $"[{index}]" : "")}";
                SkipBlanks();
                if (AtEnd)
                    return Fail(childPath, $"key '{key}' has no value; the file ends here");
                var value = ReadValue(key, depth, childPath);
                if (value is null)
                    return null;
                entries.Add(new GmlEntry(key, value, keyLine));
            }
        }

        private GmlValue? ReadValue(string key, int depth, string path)
        {
            var line = _line;
            var column = _column;
            var c = text[_index];
            if (c == '[')
            {
                Advance();
                return ReadList(depth + 1, path, line, column, nested: true);
            }
            if (c == '"')
                return ReadString(path, line, column);
            if (c is '+' or '-' or '.' || char.IsAsciiDigit(c))
            {
                var token = ReadWhile(ch => ch is '+' or '-' or '.' or 'e' or 'E' || char.IsAsciiDigit(ch));
                if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
                    return new GmlNumber(number, token, line);
                return Fail<GmlValue>(path, $"'{token}' is not a number (value of key '{key}')", line, column);
            }
            return Fail<GmlValue>(path, $"key '{key}' needs a value (a number, a \"string\" or a [ list ]), found {Describe(c)}");
        }

        private GmlString? ReadString(string path, int line, int column)
        {
            Advance();
            var builder = new StringBuilder();
            while (!AtEnd && text[_index] != '"')
            {
                builder.Append(text[_index]);
                Advance();
            }
            if (AtEnd)
                return Fail<GmlString>(path, $"the string starting at line {line}, column {column} is never closed with '\"'", line, column);
            Advance();
            return new GmlString(WebUtility.HtmlDecode(builder.ToString()), line);
        }

        private bool AtEnd => _index >= text.Length;

        private void Advance()
        {
            if (text[_index] == '\n')
            {
                _line++;
                _column = 1;
            }
            else
            {
                _column++;
            }
            _index++;
        }

        private void SkipBlanks()
        {
            while (!AtEnd)
            {
                var c = text[_index];
                if (c == '#')
                {
                    while (!AtEnd && text[_index] != '\n')
                        Advance();
                }
                else if (char.IsWhiteSpace(c) || c == '\uFEFF')
                {
                    Advance();
                }
                else
                {
                    return;
                }
            }
        }

        private string ReadWhile(Func<char, bool> accept)
        {
            var start = _index;
            while (!AtEnd && accept(text[_index]))
                Advance();
            return text[start.._index];
        }

        private static bool IsKeyStart(char c) => char.IsAsciiLetter(c) || c == '_';

        private static bool IsKeyPart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

        private static string Describe(char c) => c switch
        {
            '"' => "a string",
            '[' => "'['",
            _ when char.IsControl(c) => $"control character U+{(int)c:X4}",
            _ => $"'{c}'",
        };

        private T? Fail<T>(string path, string message, int? line = null, int? column = null) where T : class
        {
            _error ??= new SpecError(source, new SourcePosition(line ?? _line, column ?? _column), path, $"malformed GML: {message}");
            return null;
        }

        private GmlList? Fail(string path, string message) => Fail<GmlList>(path, message);
    }
}
