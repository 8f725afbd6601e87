using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Suanwang.Server;

/// <summary>RFC 7807 problem details: every error the API answers has this shape.</summary>
internal static class Problems
{
    /// <summary>Writes a problem to the response.</summary>
    public static Task Write(HttpContext context, int status, string title, string detail, IDictionary<string, object?>? extensions = null)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(Create(context, status, title, detail, extensions), Json.Options, "application/problem+json");
    }

    /// <summary>A problem as an endpoint result.</summary>
    public static IResult Result(HttpContext context, int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Json(Create(context, status, title, detail, extensions), Json.Options, "application/problem+json", status);

    /// <summary>404 for an object that does not exist or that the caller may not see — the same answer for both.</summary>
    public static IResult NotFound(HttpContext context, string what, string id) =>
        Result(context, StatusCodes.Status404NotFound, "Not Found", $"no {what} '{id}'");

    /// <summary>400 with a detail.</summary>
    public static IResult BadRequest(HttpContext context, string detail, IDictionary<string, object?>? extensions = null) =>
        Result(context, StatusCodes.Status400BadRequest, "Bad Request", detail, extensions);

    private static ProblemDetails Create(HttpContext context, int status, string title, string detail, IDictionary<string, object?>? extensions)
    {
        var problem = new ProblemDetails
        {
            Type = $"https://httpstatuses.io/{status}",
            Title = title,
            Status = status,
            Detail = detail,
            Instance = context.Request.Path,
        };
        problem.Extensions["trace_id"] = context.TraceIdentifier;
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
            problem.Extensions[key] = value;
        return problem;
    }
}
