using System.Security.Cryptography;
using System.Text;
using Suanwang.Server.Store;

namespace Suanwang.Server.Access;

/// <summary>
/// API tokens: <c>sw_</c> + a 12-hex-digit id + <c>_</c> + a 43-character base64url secret (32 random bytes).
/// The store keeps only the id and SHA-256 of the secret, so a stolen database grants nothing; a token
/// is checked by looking up its id and comparing hashes in constant time. Opaque tokens rather than
/// signed JWTs: revocation takes effect at once, there is no signing key to distribute or rotate, and
/// every request is checked against the store anyway for per-object authorization.
/// </summary>
public static class ApiToken
{
    private const string Prefix = "sw_";

    /// <summary>Makes a new token for <paramref name="role"/> acting for <paramref name="subject"/>: the text to hand out once, and the record to store.</summary>
    public static (string Token, TokenRecord Record) Create(Role role, string subject, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        return ($"{Prefix}{id}_{secret}", new TokenRecord(id, Hash(secret), role, subject, now, null));
    }

    /// <summary>Splits a presented token into id and secret; false when it does not have the shape of one.</summary>
    public static bool TryParse(string? text, out string id, out string secret)
    {
        id = "";
        secret = "";
        if (text is null || text.Length != Prefix.Length + 12 + 1 + 43 || !text.StartsWith(Prefix, StringComparison.Ordinal) || text[Prefix.Length + 12] != '_')
            return false;
        id = text.Substring(Prefix.Length, 12);
        secret = text[(Prefix.Length + 13)..];
        return id.All(char.IsAsciiHexDigitLower) && secret.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
    }

    /// <summary>True when <paramref name="secret"/> is the one <paramref name="record"/> was made with (constant-time).</summary>
    public static bool Matches(TokenRecord record, string secret)
    {
        ArgumentNullException.ThrowIfNull(record);
        return CryptographicOperations.FixedTimeEquals(record.SecretHash, Hash(secret));
    }

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.ASCII.GetBytes(secret));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
