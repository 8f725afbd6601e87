using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Suanwang.Server.Api;

/// <summary>Reads small JSON documents (datasets, heartbeats, probes, tenants) strictly: unknown fields and wrong types are errors.</summary>
internal static class Documents
{
    private static readonly JsonSerializerOptions Strict = new(Json.Options)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict, // "12" is not a number
    };

    /// <summary>The document, or the problem to answer.</summary>
    public static async Task<(T? Document, IResult? Problem)> ReadAsync<T>(HttpContext context, string what) where T : class
    {
        if (context.Request.ContentType?.Split(';')[0].Trim() is not "application/json")
            return (null, Problems.Result(context, StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type", $"send the {what} as application/json"));
        var (text, problem) = await RequestBody.ReadTextAsync(context).ConfigureAwait(false);
        if (problem is not null)
            return (null, problem);
        try
        {
            return JsonSerializer.Deserialize<T>(text!, Strict) is { } document
                ? (document, null)
                : (null, Problems.BadRequest(context, $"the {what} is null"));
        }
        catch (JsonException ex)
        {
            return (null, Problems.BadRequest(context, $"the {what} is not valid: {ex.Message.Split(" Path:", 2)[0]}{(ex.Path is { } path ? $" (at {path})" : "")}"));
        }
    }

    /// <summary>True for an identifier the API accepts: 1–100 characters of letters, digits, '-', '_', '.', '/'.</summary>
    public static bool IsId(string id) =>
        id.Length is > 0 and <= 100 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/');
}
