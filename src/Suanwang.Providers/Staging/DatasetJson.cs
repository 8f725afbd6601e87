using System.Text.Json;

namespace Suanwang.Providers.Staging;

/// <summary>JSON of manifests on the wire: snake_case names, unknown fields refused.</summary>
internal static class DatasetJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };
}
