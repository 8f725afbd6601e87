using System.Text;
using Microsoft.AspNetCore.Http;

namespace Suanwang.Server.Api;

/// <summary>Reads request bodies within a size limit, as strict UTF-8.</summary>
internal static class RequestBody
{
    /// <summary>The largest body any endpoint reads (a batch of 1,000 ordinary specs fits).</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The body as text, or the problem to answer (413 too large, 400 not UTF-8 or empty).</summary>
    public static async Task<(string? Text, IResult? Problem)> ReadTextAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxBytes)
            return (null, TooLarge(context));
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
                return (null, TooLarge(context));
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0)
            return (null, Problems.BadRequest(context, "the body is empty"));
        try
        {
            return (Strict.GetString(buffer.GetBuffer(), 0, (int)buffer.Length), null);
        }
        catch (DecoderFallbackException)
        {
            return (null, Problems.BadRequest(context, "the body is not valid UTF-8"));
        }
    }

    private static IResult TooLarge(HttpContext context) =>
        Problems.Result(context, StatusCodes.Status413PayloadTooLarge, "Payload Too Large", $"the body is larger than {MaxBytes} bytes");
}
