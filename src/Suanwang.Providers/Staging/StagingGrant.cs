using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Suanwang.Providers.Staging;

/// <summary>
/// Permission to read one dataset replica from an agent for one task, until <see cref="ExpiresAt"/>.
/// The control plane signs grants; agents that serve data check them with the control plane's public key,
/// so an agent needs no account of every other agent and a grant cannot be widened (another dataset,
/// another tenant, a later expiry) without the key.
/// </summary>
/// <param name="Tenant">The dataset's tenant.</param>
/// <param name="Dataset">The dataset's id within the tenant.</param>
/// <param name="Task">The task the data is for (recorded in the serving agent's log).</param>
/// <param name="ExpiresAt">Unix seconds after which the grant is refused.</param>
public sealed record StagingGrant(
    [property: JsonPropertyName("tenant")] string Tenant,
    [property: JsonPropertyName("dataset")] string Dataset,
    [property: JsonPropertyName("task")] string Task,
    [property: JsonPropertyName("exp")] long ExpiresAt)
{
    // Domain separation: the signing key is the ledger's, and a signed grant must never read as a signed ledger head.
    private static readonly byte[] Context = Encoding.ASCII.GetBytes("suanwang-staging-grant-v1.");

    /// <summary>The grant as a bearer token: <c>base64url(JSON) "." base64url(ECDSA P-256 SHA-256 signature, IEEE P1363)</c>.</summary>
    public string Sign(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(this));
        return payload + "." + Base64Url.EncodeToString(key.SignData(Signed(payload), HashAlgorithmName.SHA256));
    }

    /// <summary>
    /// The grant a token carries if its signature verifies with <paramref name="publicKey"/> and it has not
    /// expired at <paramref name="now"/>; otherwise null and why.
    /// </summary>
    public static (StagingGrant? Grant, string? Error) Verify(string? token, ECDsa publicKey, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        if (string.IsNullOrEmpty(token) || token.Length > 4096 || token.Split('.') is not [var payload, var signature])
            return (null, "no staging grant, or not of the form payload.signature");
        try
        {
            if (!publicKey.VerifyData(Signed(payload), Base64Url.DecodeFromChars(signature), HashAlgorithmName.SHA256))
                return (null, "the staging grant's signature does not verify");
            var grant = JsonSerializer.Deserialize<StagingGrant>(Base64Url.DecodeFromChars(payload));
            if (grant is null || string.IsNullOrEmpty(grant.Tenant) || string.IsNullOrEmpty(grant.Dataset))
                return (null, "the staging grant names no dataset");
            return grant.ExpiresAt < now.ToUnixTimeSeconds() ? (null, "the staging grant has expired") : (grant, null);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return (null, "the staging grant is not well-formed");
        }
    }

    private static byte[] Signed(string payload) => [.. Context, .. Encoding.ASCII.GetBytes(payload)];
}
