using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Suanwang.Server.Ledger;

/// <summary>
/// The canonical bytes of a ledger entry: UTF-8 JSON without insignificant whitespace, the properties
/// <c>index, type, at, subject, tenant, data</c> in that order (<c>tenant</c> is <c>null</c> when absent),
/// <c>at</c> as <c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c>, the keys of every object inside <c>data</c> sorted by
/// UTF-16 code units, numbers as integers in decimal, strings escaped minimally (see
/// docs/ledger.md). One entry has exactly one encoding, so anyone can recompute its leaf hash.
/// </summary>
public static class LedgerEntryEncoding
{
    private const string AtFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'Z'";

    /// <summary>The canonical bytes of <paramref name="entry"/>; throws <see cref="FormatException"/> for an entry that has none.</summary>
    public static byte[] Encode(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var e = entry.Event;
        if (entry.Index < 0)
            throw new FormatException("A ledger index is not negative.");
        if (string.IsNullOrEmpty(e.Type) || string.IsNullOrEmpty(e.Subject) || e.Tenant is { Length: 0 })
            throw new FormatException("A ledger entry needs a type and a subject, and a tenant that is absent or non-empty.");
        if (e.Data.ValueKind != JsonValueKind.Object)
            throw new FormatException("Ledger data is a JSON object.");
        var json = new StringBuilder(256);
        json.Append("{\"index\":").Append(entry.Index.ToString(CultureInfo.InvariantCulture));
        json.Append(",\"type\":");
        WriteString(json, e.Type);
        json.Append(",\"at\":\"").Append(e.At.UtcDateTime.ToString(AtFormat, CultureInfo.InvariantCulture)).Append('"');
        json.Append(",\"subject\":");
        WriteString(json, e.Subject);
        json.Append(",\"tenant\":");
        if (e.Tenant is null)
            json.Append("null");
        else
            WriteString(json, e.Tenant);
        json.Append(",\"data\":");
        try
        {
            WriteValue(json, e.Data);
        }
        catch (InvalidOperationException ex)
        {
            // System.Text.Json reports text that is not valid UTF-8 only when it is read.
            throw new FormatException("Ledger data is not valid JSON text: " + ex.Message, ex);
        }
        json.Append('}');
        return Encoding.UTF8.GetBytes(json.ToString());
    }

    /// <summary>
    /// Reads an entry back; throws <see cref="FormatException"/> unless <paramref name="bytes"/> are
    /// exactly the canonical encoding of what they contain (so altered or re-serialized bytes are caught).
    /// </summary>
    public static LedgerEntry Decode(ReadOnlySpan<byte> bytes)
    {
        LedgerEntry entry;
        try
        {
            using var document = JsonDocument.Parse(bytes.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new FormatException("A ledger entry is a JSON object.");
            var tenant = root.GetProperty("tenant");
            var at = DateTime.ParseExact(root.GetProperty("at").GetString() ?? "", AtFormat,
                CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            entry = new LedgerEntry(root.GetProperty("index").GetInt64(), new LedgerEvent(
                root.GetProperty("type").GetString() ?? "",
                new DateTimeOffset(at, TimeSpan.Zero),
                root.GetProperty("subject").GetString() ?? "",
                tenant.ValueKind == JsonValueKind.Null ? null : tenant.GetString(),
                root.GetProperty("data").Clone()));
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw new FormatException("Not a ledger entry: " + ex.Message, ex);
        }
        if (!Encode(entry).AsSpan().SequenceEqual(bytes))
            throw new FormatException("Not the canonical encoding of a ledger entry.");
        return entry;
    }

    private static void WriteValue(StringBuilder json, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var properties = value.EnumerateObject().Select(p => (p.Name, p.Value)).ToList();
                properties.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
                json.Append('{');
                for (var i = 0; i < properties.Count; i++)
                {
                    if (i > 0 && properties[i].Name == properties[i - 1].Name)
                        throw new FormatException($"Ledger data repeats the key \"{properties[i].Name}\".");
                    if (i > 0)
                        json.Append(',');
                    WriteString(json, properties[i].Name);
                    json.Append(':');
                    WriteValue(json, properties[i].Value);
                }
                json.Append('}');
                break;
            case JsonValueKind.Array:
                json.Append('[');
                var first = true;
                foreach (var item in value.EnumerateArray())
                {
                    if (!first)
                        json.Append(',');
                    first = false;
                    WriteValue(json, item);
                }
                json.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(json, value.GetString()!);
                break;
            case JsonValueKind.Number:
                // Integers only: one decimal spelling each. Fractions have many (1.5, 15e-1, 1.50).
                if (!value.TryGetInt64(out var number))
                    throw new FormatException($"Ledger data numbers are integers (got {value.GetRawText()}); write fractional quantities as strings.");
                json.Append(number.ToString(CultureInfo.InvariantCulture));
                break;
            case JsonValueKind.True:
                json.Append("true");
                break;
            case JsonValueKind.False:
                json.Append("false");
                break;
            case JsonValueKind.Null:
                json.Append("null");
                break;
            default:
                throw new FormatException("Ledger data holds an undefined JSON value.");
        }
    }

    // Escapes only what JSON requires: the quote, the backslash and controls below U+0020 (the short
    // forms \b \t \n \f \r, otherwise \u00xx in lower-case hex); everything else is written as UTF-8.
    private static void WriteString(StringBuilder json, string value)
    {
        json.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                json.Append(c).Append(value[++i]);
                continue;
            }
            if (char.IsSurrogate(c))
                throw new FormatException("Ledger text must be valid Unicode (a lone surrogate has no UTF-8 form).");
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\b': json.Append("\\b"); break;
                case '\t': json.Append("\\t"); break;
                case '\n': json.Append("\\n"); break;
                case '\f': json.Append("\\f"); break;
                case '\r': json.Append("\\r"); break;
                case < ' ': json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: json.Append(c); break;
            }
        }
        json.Append('"');
    }
}
