using System.Collections.Immutable;
using System.Globalization;
using Suanwang.Core.Model;

namespace Suanwang.Core.Specs;

/// <summary>
/// Turns <see cref="SpecNode"/> trees into model values while collecting <em>every</em> error with
/// its file, line and field path, instead of stopping at the first. It also remembers where each
/// field path was read, so errors found later by model validation can point into the file too.
/// </summary>
public sealed class SpecBinder
{
    private readonly List<SpecError> _errors = [];
    private readonly Dictionary<string, SourcePosition> _positions = new(StringComparer.Ordinal);

    /// <summary>Creates a binder for one source file.</summary>
    /// <param name="source">The file name used in messages.</param>
    public SpecBinder(string source) => Source = source;

    /// <summary>The file name used in messages.</summary>
    public string Source { get; }

    /// <summary>Errors so far, in the order found.</summary>
    public IReadOnlyList<SpecError> Errors => _errors;

    /// <summary>True when no error has been recorded.</summary>
    public bool IsValid => _errors.Count == 0;

    /// <summary>Records an error at a node.</summary>
    public void Error(SpecNode? node, string path, string message) =>
        _errors.Add(new SpecError(Source, node?.Position ?? PositionOf(path), path, message));

    /// <summary>Records an error found after binding (by model validation), placed at the field's position or its nearest ancestor's.</summary>
    public void ErrorAt(string path, string message) => _errors.Add(new SpecError(Source, PositionOf(path), path, message));

    /// <summary>Where <paramref name="path"/> (or its nearest bound ancestor) is in the source.</summary>
    public SourcePosition? PositionOf(string path)
    {
        for (var p = path; ; p = Parent(p))
        {
            if (_positions.TryGetValue(p, out var position))
                return position;
            if (p.Length == 0)
                return null;
        }
    }

    /// <summary>Opens a mapping for field-by-field reading; records an error and returns null when the node is not a mapping.</summary>
    public MappingBinder? Mapping(SpecNode? node, string path)
    {
        if (node is null)
            return null;
        Remember(path, node);
        if (node is SpecMapping mapping)
            return new MappingBinder(this, mapping, path);
        Error(node, path, $"expected a mapping of fields here, found {node.Shape}");
        return null;
    }

    /// <summary>The items of a list with their paths; a single non-list value is an error.</summary>
    public IEnumerable<(SpecNode Node, string Path)> Items(SpecNode? node, string path)
    {
        if (node is null || node is SpecScalar { Value: null })
            return [];
        Remember(path, node);
        if (node is not SpecSequence sequence)
        {
            Error(node, path, $"expected a list here, found {node.Shape}");
            return [];
        }
        return sequence.Items.Select((item, i) =>
        {
            var itemPath = $"{path}[{i}]";
            Remember(itemPath, item);
            return (item, itemPath);
        }).ToArray();
    }

    /// <summary>Reads a scalar's text; an error and null when the node is not a scalar.</summary>
    public string? Text(SpecNode node, string path)
    {
        Remember(path, node);
        if (node is SpecScalar scalar)
            return scalar.Value;
        Error(node, path, $"expected a value here, found {node.Shape}");
        return null;
    }

    /// <summary>Parses a scalar with <paramref name="parse"/>, recording its error message at the node.</summary>
    public T? Parse<T>(SpecNode node, string path, Func<string, ParseResult<T>> parse) where T : struct
    {
        ArgumentNullException.ThrowIfNull(parse);
        var text = Text(node, path);
        if (text is null)
            return null;
        var result = parse(text);
        if (result.Success)
            return result.Value;
        Error(node, path, result.Error!);
        return null;
    }

    internal void Remember(string path, SpecNode node) => _positions.TryAdd(path, node.Position);

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut < 0 ? "" : path[..cut];
    }
}

/// <summary>
/// Reads the fields of one mapping. Each accessor marks its field as known; <see cref="Done"/>
/// reports every field that no accessor asked for, because unknown fields are errors (DESIGN §10).
/// </summary>
public sealed class MappingBinder
{
    private readonly SpecBinder _binder;
    private readonly SpecMapping _mapping;
    private readonly List<string> _known = [];

    internal MappingBinder(SpecBinder binder, SpecMapping mapping, string path)
    {
        _binder = binder;
        _mapping = mapping;
        Path = path;
    }

    /// <summary>The path of this mapping.</summary>
    public string Path { get; }

    /// <summary>The binder that collects errors.</summary>
    public SpecBinder Binder => _binder;

    /// <summary>The path of a field of this mapping.</summary>
    public string PathOf(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    /// <summary>True when the field is present (marks it known).</summary>
    public bool Has(string key)
    {
        _known.Add(key);
        return _mapping[key] is not null;
    }

    /// <summary>
    /// The raw node of a field, or null when absent. A required field that is absent, or present with
    /// an empty value (<c>nodes:</c> or <c>nodes: ~</c>), is an error and gives null: an empty value
    /// is no more an answer than a missing one.
    /// </summary>
    public SpecNode? Node(string key, bool required = false)
    {
        _known.Add(key);
        var node = _mapping[key];
        if (node is not null)
            _binder.Remember(PathOf(key), node);
        if (required && node is null)
            _binder.Error(_mapping, PathOf(key), $"required field '{key}' is missing");
        else if (required && node is SpecScalar { Value: null })
        {
            _binder.Error(node, PathOf(key), $"required field '{key}' is empty");
            return null;
        }
        return node;
    }

    /// <summary>A string field.</summary>
    public string? Text(string key, bool required = false)
    {
        var node = Value(key, required);
        return node is null ? null : _binder.Text(node, PathOf(key));
    }

    /// <summary>An integer field, checked against a lower bound.</summary>
    public int? WholeNumber(string key, bool required = false, int min = int.MinValue) =>
        Number(key, required, text => int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? (v >= min ? ParseResult.Ok(v) : ParseResult.Fail<int>(string.Create(CultureInfo.InvariantCulture, $"{v} is below the minimum of {min}")))
            : ParseResult.Fail<int>($"'{text}' is not a whole number"));

    /// <summary>A long integer field, checked against a lower bound.</summary>
    public long? LongInteger(string key, bool required = false, long min = long.MinValue) =>
        Number(key, required, text => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? (v >= min ? ParseResult.Ok(v) : ParseResult.Fail<long>(string.Create(CultureInfo.InvariantCulture, $"{v} is below the minimum of {min}")))
            : ParseResult.Fail<long>($"'{text}' is not a whole number"));

    /// <summary>A real-number field, checked against a lower bound.</summary>
    public double? Real(string key, bool required = false, double min = double.NegativeInfinity) =>
        Number(key, required, text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? (v >= min ? ParseResult.Ok(v) : ParseResult.Fail<double>($"{text} is below the minimum of {min.ToString(CultureInfo.InvariantCulture)}"))
            : ParseResult.Fail<double>($"'{text}' is not a number"));

    /// <summary>A boolean field (<c>true</c> / <c>false</c>).</summary>
    public bool? Flag(string key, bool required = false) =>
        Number(key, required, text => text switch
        {
            "true" or "True" or "TRUE" => ParseResult.Ok(true),
            "false" or "False" or "FALSE" => ParseResult.Ok(false),
            _ => ParseResult.Fail<bool>($"'{text}' is not true or false"),
        });

    /// <summary>An enumeration field written in lower case (<c>hub</c>, <c>region</c>, <c>edge</c>).</summary>
    public T? Enum<T>(string key, bool required = false) where T : struct, System.Enum =>
        Number(key, required, text => SpecEnums.Parse<T>(text));

    /// <summary>A size field (<c>512MiB</c>).</summary>
    public ByteSize? Size(string key, bool required = false) => Number(key, required, Quantity.ParseSize);

    /// <summary>A bandwidth field (<c>10Gbps</c>).</summary>
    public Bandwidth? Bandwidth(string key, bool required = false) => Number(key, required, Quantity.ParseBandwidth);

    /// <summary>A duration field (<c>6h</c>).</summary>
    public TimeSpan? Duration(string key, bool required = false) => Number(key, required, Quantity.ParseDuration);

    /// <summary>A money field (<c>12000.00 CNY</c>).</summary>
    public Money? Money(string key, bool required = false) => Number(key, required, Quantity.ParseMoney);

    /// <summary>
    /// A timestamp field in ISO 8601, returned in UTC: <c>2026-12-01T00:00:00Z</c> or with an offset
    /// (<c>2026-01-15T08:00:00+08:00</c>), seconds optionally with a fraction; a date alone
    /// (<c>2026-12-01</c>) means midnight UTC. Nothing else: <c>01/02/2026</c> means different days in
    /// different countries, and a time without <c>Z</c> or an offset different instants in different zones.
    /// </summary>
    public DateTimeOffset? Timestamp(string key, bool required = false) =>
        Number(key, required, ParseTimestamp);

    private static readonly string[] TimestampFormats =
    [
        "yyyy-MM-dd",
        .. new[] { "'Z'", "zzz" }.SelectMany(zone => Enumerable.Range(0, 8).Select(digits =>
            "yyyy-MM-dd'T'HH:mm:ss" + (digits == 0 ? "" : "." + new string('f', digits)) + zone)),
    ];

    internal static ParseResult<DateTimeOffset> ParseTimestamp(string text) =>
        DateTimeOffset.TryParseExact(text.Trim(), TimestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var v)
            ? ParseResult.Ok(v.ToUniversalTime())
            : ParseResult.Fail<DateTimeOffset>($"'{text}' is not a timestamp; expected ISO 8601 with Z or an offset, such as 2026-12-01T00:00:00Z or 2026-01-15T08:00:00+08:00, or a date such as 2026-12-01 (midnight UTC)");

    /// <summary>A list of strings; a single string is accepted as a list of one.</summary>
    public ImmutableArray<string> Strings(string key, bool required = false)
    {
        var node = Node(key, required);
        if (node is null)
            return [];
        if (node is SpecScalar scalar)
            return scalar.Value is null ? [] : [scalar.Value];
        var result = ImmutableArray.CreateBuilder<string>();
        foreach (var (item, path) in _binder.Items(node, PathOf(key)))
        {
            if (_binder.Text(item, path) is { } text)
                result.Add(text);
        }
        return result.ToImmutable();
    }

    /// <summary>The items of a list field with their paths.</summary>
    public IEnumerable<(SpecNode Node, string Path)> Items(string key, bool required = false) =>
        _binder.Items(Node(key, required), PathOf(key));

    /// <summary>A nested mapping field.</summary>
    public MappingBinder? Mapping(string key, bool required = false) => _binder.Mapping(Node(key, required), PathOf(key));

    /// <summary>Reports every field that was not asked for. Call after reading all known fields.</summary>
    public void Done()
    {
        foreach (var (key, _) in _mapping.Entries)
        {
            if (!_known.Contains(key.Value!))
            {
                var expected = string.Join(", ", _known.Distinct());
                _binder.Error(key, PathOf(key.Value!), $"unknown field '{key.Value}'; expected one of: {expected}");
            }
        }
    }

    /// <summary>The field's node, or null when it is absent or empty (an error when required).</summary>
    private SpecNode? Value(string key, bool required)
    {
        var node = Node(key, required);
        return node is SpecScalar { Value: null } ? null : node;
    }

    private T? Number<T>(string key, bool required, Func<string, ParseResult<T>> parse) where T : struct
    {
        var node = Value(key, required);
        return node is null ? null : _binder.Parse(node, PathOf(key), parse);
    }
}

/// <summary>Spells enumeration values the way files do: lower case, words joined by hyphens.</summary>
public static class SpecEnums
{
    /// <summary>The file spelling of a value: <c>ProviderApi</c> → <c>provider-api</c>.</summary>
    public static string Name<T>(T value) where T : struct, Enum => Spell(value.ToString());

    /// <summary>Parses the file spelling (case-insensitive; hyphens optional).</summary>
    public static ParseResult<T> Parse<T>(string text) where T : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var value in Enum.GetValues<T>())
        {
            var name = value.ToString();
            if (string.Equals(text, name, StringComparison.OrdinalIgnoreCase) || string.Equals(text, Spell(name), StringComparison.OrdinalIgnoreCase))
                return ParseResult.Ok(value);
        }
        return ParseResult.Fail<T>($"'{text}' is not one of: {string.Join(", ", Enum.GetValues<T>().Select(v => Name(v)))}");
    }

    private static string Spell(string name)
    {
        // A hyphen starts each word: ProviderApi → provider-api. A run of capitals is one word, so
        // an acronym stays whole (FP64 → fp64, HttpAPI → http-api, HTTPServer → http-server) instead of f-p64.
        var spelled = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var afterWord = i > 0 && !char.IsUpper(name[i - 1]);
            var endsAcronym = i > 0 && char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1]);
            var startsWord = char.IsUpper(c) && (afterWord || endsAcronym);
            if (startsWord)
                spelled.Append('-');
            spelled.Append(char.ToLowerInvariant(c));
        }
        return spelled.ToString();
    }
}
