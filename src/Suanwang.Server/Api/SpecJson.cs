using System.Globalization;
using System.Text;
using System.Text.Json;
using Suanwang.Core.Specs;

namespace Suanwang.Server.Api;

/// <summary>
/// Writes a parsed spec document (YAML or JSON) as compact JSON, keys in document order, so the server
/// stores one form whatever the client sent. Spec readers treat every scalar as text, so a scalar that
/// is a JSON literal (<c>true</c>, <c>false</c>, a number) is written bare and anything else as a string:
/// reading the JSON back gives the same spec.
/// </summary>
internal static class SpecJson
{
    /// <summary>The node as compact JSON, leaving out the top-level keys in <paramref name="omit"/>.</summary>
    public static string Write(SpecNode node, params string[] omit)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            WriteNode(writer, node, omit);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteNode(Utf8JsonWriter writer, SpecNode node, string[] omit)
    {
        switch (node)
        {
            case SpecMapping mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Entries)
                {
                    if (omit.Contains(key.Value, StringComparer.Ordinal))
                        continue;
                    writer.WritePropertyName(key.Value ?? "");
                    WriteNode(writer, value, []);
                }
                writer.WriteEndObject();
                break;
            case SpecSequence sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Items)
                    WriteNode(writer, item, []);
                writer.WriteEndArray();
                break;
            case SpecScalar { Value: null }:
                writer.WriteNullValue();
                break;
            case SpecScalar { Value: "true" or "false" } flag:
                writer.WriteBooleanValue(flag.Value == "true");
                break;
            case SpecScalar scalar when IsJsonNumber(scalar.Value!):
                writer.WriteRawValue(scalar.Value!);
                break;
            case SpecScalar scalar:
                writer.WriteStringValue(scalar.Value);
                break;
        }
    }

    // JSON's number grammar: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)? — checked by parsing it as JSON,
    // then confirming the invariant double round-trips the digits' shape (no leading '+', no "Infinity").
    private static bool IsJsonNumber(string text)
    {
        if (text.Length == 0 || text.Length > 32 || !(char.IsAsciiDigit(text[0]) || text[0] == '-'))
            return false;
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text));
        try
        {
            return reader.Read() && reader.TokenType == JsonTokenType.Number && reader.BytesConsumed == text.Length
                && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
