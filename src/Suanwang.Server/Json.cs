using System.Text.Encodings.Web;
using System.Text.Json;

namespace Suanwang.Server;

/// <summary>JSON conventions of the control plane: snake_case names, enums as lower-case strings.</summary>
internal static class Json
{
    /// <summary>Options used for every body the API reads or writes.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>A JSON string literal for <paramref name="text"/>.</summary>
    public static string Quote(string text) => JsonSerializer.Serialize(text, Options);

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
