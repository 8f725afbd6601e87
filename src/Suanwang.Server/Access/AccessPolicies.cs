using Microsoft.AspNetCore.Authorization;
using Suanwang.Server.Store;

namespace Suanwang.Server.Access;

/// <summary>The authorization policies endpoints name; per-object checks are in the endpoints themselves.</summary>
internal static class AccessPolicies
{
    public const string Operator = "operator";
    public const string TenantOrOperator = "tenant-or-operator";
    public const string ProviderOrOperator = "provider-or-operator";

    public static void Add(AuthorizationOptions options)
    {
        options.FallbackPolicy = Authenticated(); // every endpoint needs a token unless it says otherwise
        options.DefaultPolicy = Authenticated();
        options.AddPolicy(Operator, p => p.AddAuthenticationSchemes(TokenAuthenticationHandler.SchemeName).RequireRole(nameof(Role.Operator)));
        options.AddPolicy(TenantOrOperator, p => p.AddAuthenticationSchemes(TokenAuthenticationHandler.SchemeName).RequireRole(nameof(Role.Tenant), nameof(Role.Operator)));
        options.AddPolicy(ProviderOrOperator, p => p.AddAuthenticationSchemes(TokenAuthenticationHandler.SchemeName).RequireRole(nameof(Role.Provider), nameof(Role.Operator)));
    }

    private static AuthorizationPolicy Authenticated() =>
        new AuthorizationPolicyBuilder(TokenAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build();
}
