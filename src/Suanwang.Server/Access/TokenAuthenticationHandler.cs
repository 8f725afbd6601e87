using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Suanwang.Server.Store;

namespace Suanwang.Server.Access;

/// <summary>
/// Authenticates <c>Authorization: Bearer sw_…</c> against the store's token hashes. A missing header is
/// "no result" (the endpoint's policy then answers 401); a malformed, unknown, revoked or wrong token is
/// a failure that lowers the trust score of the client address; a blocked principal fails at once.
/// Challenges and refusals are answered as RFC 7807 problem details.
/// </summary>
internal sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TokenCache tokens,
    TrustScores trust)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "SuanwangToken";

    private const string BlockedKey = "suanwang:blocked";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.Length == 0)
            return AuthenticateResult.NoResult();
        var client = ClientPrincipal(Context);
        if (trust.IsBlocked(client))
            return Blocked(client);
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal) || !ApiToken.TryParse(header[7..].Trim(), out var id, out var secret))
            return Failed(client, "the Authorization header is not 'Bearer sw_…'");
        var principal = $"token:{id}";
        if (trust.IsBlocked(principal))
            return Blocked(principal);
        var record = await tokens.FindAsync(id, Context.RequestAborted).ConfigureAwait(false);
        if (record is null || !ApiToken.Matches(record, secret))
            return Failed(client, $"unknown token or wrong secret for id {id}");
        if (record.RevokedAt is not null)
            return Failed(client, $"token {id} was revoked");
        return AuthenticateResult.Success(new AuthenticationTicket(Caller.Principalize(record, SchemeName), SchemeName));
    }

    private AuthenticateResult Failed(string client, string detail)
    {
        trust.FailedAuthentication(client, detail);
        return AuthenticateResult.Fail("invalid token");
    }

    private AuthenticateResult Blocked(string principal)
    {
        Context.Items[BlockedKey] = principal;
        return AuthenticateResult.Fail("blocked");
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items.ContainsKey(BlockedKey))
            return Problems.Write(Context, StatusCodes.Status403Forbidden, "Blocked",
                "Too many failed authentications or policy violations from this client; try again later.");
        Response.Headers.WWWAuthenticate = "Bearer";
        return Problems.Write(Context, StatusCodes.Status401Unauthorized, "Unauthorized",
            "Every request needs 'Authorization: Bearer <token>' with a valid token (suanwang token create).");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        if (Context.User.Identity?.IsAuthenticated == true)
        {
            var caller = Caller.From(Context.User);
            trust.Violation(caller.Principal, $"{caller.Role} token called {Request.Method} {Request.Path}");
        }
        return Problems.Write(Context, StatusCodes.Status403Forbidden, "Forbidden", "This token's role may not do this.");
    }

    /// <summary>The trust key of a client that has not (yet) shown a valid token: its address.</summary>
    public static string ClientPrincipal(HttpContext context) => $"ip:{context.Connection.RemoteIpAddress?.ToString() ?? "unknown"}";
}

/// <summary>
/// Token records by id, cached for a few seconds so a busy client does not cost a store read per
/// request; a revocation takes effect within <see cref="Lifetime"/>.
/// </summary>
internal sealed class TokenCache(ControlStore store, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<string, (TokenRecord? Token, DateTimeOffset Until)> _entries = new(StringComparer.Ordinal);

    public async Task<TokenRecord?> FindAsync(string id, CancellationToken cancel)
    {
        var now = clock.GetUtcNow();
        if (_entries.TryGetValue(id, out var entry) && entry.Until > now)
            return entry.Token;
        var token = await store.FindTokenAsync(id, cancel).ConfigureAwait(false);
        if (_entries.Count >= MaxEntries)
            _entries.Clear(); // bounded: unknown ids sprayed by a client must not grow memory without limit
        if (token is not null)
            _entries[id] = (token, now + Lifetime);
        return token;
    }
}
