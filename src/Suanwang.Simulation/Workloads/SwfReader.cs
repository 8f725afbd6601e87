using System.Collections.Immutable;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Suanwang.Core.Specs;
using Suanwang.Simulation.IO;

namespace Suanwang.Simulation.Workloads;

/// <summary>
/// Reads Standard Workload Format traces (<c>.swf</c>, or gzip-compressed <c>.swf.gz</c>, recognised
/// by content, not by name). Strict: a line with the wrong number of fields, a field that is not a
/// number, or a negative value other than the "unknown" marker −1 is an error naming the file, line,
/// column and field; every such line is reported (up to <see cref="MaxErrors"/>), none is silently skipped.
/// </summary>
public static class SwfReader
{
    /// <summary>Errors reported before the rest are only counted.</summary>
    public const int MaxErrors = 20;

    /// <summary>Field names in SWF order, as error messages call them.</summary>
    public static readonly ImmutableArray<string> FieldNames =
    [
        "job_number", "submit_time", "wait_time", "run_time", "allocated_processors", "average_cpu_time",
        "used_memory", "requested_processors", "requested_time", "requested_memory", "status", "user_id",
        "group_id", "executable", "queue", "partition", "preceding_job", "think_time",
    ];

    // Fields that may hold fractions (averages and memory sizes in some logs); the others are whole numbers.
    private static readonly bool[] Fractional = [false, false, false, false, false, true, true, false, false, true, false, false, false, false, false, false, false, false];

    /// <summary>Reads a trace file; a file that cannot be read at all gives one error saying why.</summary>
    /// <param name="path">The <c>.swf</c> or <c>.swf.gz</c> file.</param>
    public static SwfTrace Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (TextFiles.Missing(path) is { } missing)
            return Unreadable(path, missing);
        try
        {
            using var file = File.OpenRead(path);
            var compressed = file.ReadByte() == 0x1f & file.ReadByte() == 0x8b;
            file.Position = 0;
            using Stream content = compressed ? new GZipStream(file, CompressionMode.Decompress) : file;
            using var reader = new StreamReader(content, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: false);
            return Read(reader, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or DecoderFallbackException)
        {
            var reason = ex is InvalidDataException ? "is not a valid gzip file" : ex is DecoderFallbackException ? "is not a text file" : $"cannot be read: {ex.Message}";
            return Unreadable(path, reason);
        }
    }

    /// <summary>Reads a trace from text; <paramref name="source"/> names it in errors.</summary>
    public static SwfTrace Read(TextReader reader, string source)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(source);
        var header = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>();
        var jobs = ImmutableArray.CreateBuilder<SwfJob>();
        var errors = ImmutableArray.CreateBuilder<SpecError>();
        var malformed = 0;
        Span<double> values = stackalloc double[18];
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var text = lineNumber == 1 ? line.AsSpan().TrimStart('\uFEFF') : line.AsSpan();
            if (text.Contains('\0'))
                return Unreadable(source, "is not a text file");
            var trimmed = text.TrimStart();
            if (trimmed.IsEmpty)
                continue;
            if (trimmed[0] == ';')
            {
                AddHeader(header, trimmed[1..]);
                continue;
            }
            if (ParseLine(text, lineNumber, source, values) is { } error)
            {
                malformed++;
                if (errors.Count < MaxErrors)
                    errors.Add(error);
                continue;
            }
            jobs.Add(ToJob(values, lineNumber));
        }
        if (malformed > MaxErrors)
            errors.Add(new SpecError(source, null, "", string.Create(CultureInfo.InvariantCulture, $"and {malformed - MaxErrors} more malformed lines")));
        if (malformed == 0 && jobs.Count == 0)
            errors.Add(new SpecError(source, null, "", "the trace has no job lines"));
        return new SwfTrace(source, new SwfHeader(header.ToImmutable()), jobs.ToImmutable(), errors.ToImmutable());
    }

    private static SwfTrace Unreadable(string path, string reason) =>
        new(path, new SwfHeader([]), [], [new SpecError(path, null, "", $"trace {reason}")]);

    private static void AddHeader(ImmutableArray<KeyValuePair<string, string>>.Builder header, ReadOnlySpan<char> comment)
    {
        var colon = comment.IndexOf(':');
        if (colon <= 0)
            return; // a free-text continuation line of a note
        var name = comment[..colon].Trim();
        if (name.IsEmpty || name.ContainsAny(' ', '\t'))
            return;
        header.Add(new(name.ToString(), comment[(colon + 1)..].Trim().ToString()));
    }

    /// <summary>Splits a job line into its 18 numbers, or says what is wrong with it.</summary>
    private static SpecError? ParseLine(ReadOnlySpan<char> line, int lineNumber, string source, Span<double> values)
    {
        var field = 0;
        var at = 0;
        while (at < line.Length)
        {
            while (at < line.Length && char.IsWhiteSpace(line[at]))
                at++;
            if (at == line.Length)
                break;
            var start = at;
            while (at < line.Length && !char.IsWhiteSpace(line[at]))
                at++;
            if (field == 18)
            {
                return new SpecError(source, new SourcePosition(lineNumber, start + 1), "",
                    string.Create(CultureInfo.InvariantCulture, $"a job line has 18 fields; this one has {CountFields(line)}"));
            }
            var token = line[start..at];
            var position = new SourcePosition(lineNumber, start + 1);
            if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                return new SpecError(source, position, FieldNames[field], $"'{Shorten(token)}' is not a number");
            if (!Fractional[field] && (value != Math.Floor(value) || Math.Abs(value) > int.MaxValue * 1000.0))
                return new SpecError(source, position, FieldNames[field], $"'{Shorten(token)}' is not a whole number");
            if (value < 0 && value != -1)
                return new SpecError(source, position, FieldNames[field], $"{Shorten(token)} is negative; SWF writes -1 for unknown");
            if (field is 4 or 7 or 10 or 11 or 12 or 13 or 14 or 15 && value > int.MaxValue)
                return new SpecError(source, position, FieldNames[field], $"{Shorten(token)} is too large");
            values[field++] = value;
        }
        if (field < 18)
        {
            return new SpecError(source, new SourcePosition(lineNumber, 1), "",
                string.Create(CultureInfo.InvariantCulture, $"a job line has 18 fields; this one has {field}"));
        }
        if (values[1] < 0)
            return new SpecError(source, new SourcePosition(lineNumber, 1), FieldNames[1], "the submit time is unknown (-1); a job cannot be replayed without it");
        return null;
    }

    private static int CountFields(ReadOnlySpan<char> line)
    {
        var count = 0;
        var inField = false;
        foreach (var c in line)
        {
            var space = char.IsWhiteSpace(c);
            if (!space && !inField)
                count++;
            inField = !space;
        }
        return count;
    }

    private static string Shorten(ReadOnlySpan<char> token) => token.Length <= 24 ? token.ToString() : string.Concat(token[..24], "…");

    private static SwfJob ToJob(ReadOnlySpan<double> v, int line) => new(
        (long)v[0], (long)v[1], (long)v[2], (long)v[3], (int)v[4], v[5], v[6], (int)v[7], (long)v[8], v[9],
        (int)v[10], (int)v[11], (int)v[12], (int)v[13], (int)v[14], (int)v[15], (long)v[16], (long)v[17], line);
}
