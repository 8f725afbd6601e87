using System.Security.Claims;
using Suanwang.Server.Store;

namespace Suanwang.Server.Access;

/// <summary>Who is calling: the role and subject of the token that authenticated the request.</summary>
/// <param name="Role">The token's role.</param>
/// <param name="Subject">The tenant or provider it acts for (the operator's name for operators).</param>
/// <param name="TokenId">The token's public id (the trust-score and rate-limit key).</param>
public sealed record Caller(Role Role, string Subject, string TokenId)
{
    internal const string RoleClaim = "suanwang:role";
    internal const string SubjectClaim = "suanwang:subject";
    internal const string TokenClaim = "suanwang:token";

    /// <summary>The principal name used by trust scores and rate limits.</summary>
    public string Principal => $"token:{TokenId}";

    /// <summary>True for operators, who see everything.</summary>
    public bool IsOperator => Role == Role.Operator;

    /// <summary>The caller of an authenticated request.</summary>
    public static Caller From(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new Caller(
            Enum.Parse<Role>(user.FindFirstValue(RoleClaim) ?? throw new InvalidOperationException("the request is not authenticated")),
            user.FindFirstValue(SubjectClaim)!,
            user.FindFirstValue(TokenClaim)!);
    }

    /// <summary>The claims identity for a verified token.</summary>
    internal static ClaimsPrincipal Principalize(TokenRecord token, string scheme) => new(new ClaimsIdentity(
    [
        new Claim(RoleClaim, token.Role.ToString()),
        new Claim(SubjectClaim, token.Subject),
        new Claim(TokenClaim, token.Id),
        new Claim(ClaimTypes.Role, token.Role.ToString()),
        new Claim(ClaimTypes.Name, token.Subject),
    ], scheme));
}
