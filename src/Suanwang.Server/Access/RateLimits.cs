using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace Suanwang.Server.Access;

/// <summary>
/// One token bucket per principal: the authenticated token, or the client address for requests
/// without a valid one. A refused request is 429 with problem details and a Retry-After, and counts as
/// a policy violation against the principal's trust score.
/// </summary>
internal static class RateLimits
{
    public static void Configure(RateLimiterOptions options, ServerSettings settings)
    {
        options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            RateLimitPartition.GetTokenBucketLimiter(PrincipalOf(context), _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = Math.Max(1, settings.Burst),
                TokensPerPeriod = Math.Max(1, settings.RequestsPerSecond / 10),
                ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
        options.OnRejected = async (rejected, cancel) =>
        {
            var context = rejected.HttpContext;
            context.RequestServices.GetRequiredService<TrustScores>().Violation(PrincipalOf(context), "rate limit exceeded");
            context.Response.Headers.RetryAfter = "1";
            await Problems.Write(context, StatusCodes.Status429TooManyRequests, "Too Many Requests",
                $"more than {settings.RequestsPerSecond} requests per second from this principal").ConfigureAwait(false);
        };
    }

    private static string PrincipalOf(HttpContext context) => context.User.Identity?.IsAuthenticated == true
        ? Caller.From(context.User).Principal
        : TokenAuthenticationHandler.ClientPrincipal(context);
}
