using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Suanwang.Providers.Kubernetes;

/// <summary>
/// Deterministic Kubernetes names for Suanwang's ids, which may hold characters Kubernetes refuses (<c>#</c>, <c>@</c>,
/// upper case, <c>/</c>): a readable slug of the id plus the first 10 hex digits of its SHA-256, so two ids that slug
/// alike still get different names. The full id always travels in an annotation.
/// </summary>
internal static partial class KubernetesNames
{
    /// <summary>
    /// A Job name is at most 52 characters: an Indexed Job's pod host name is <c>name-index</c> and must be a DNS label
    /// (≤ 63), which leaves room for a dash and a 10-digit index.
    /// </summary>
    public const int MaxJobName = 52;

    private const string JobPrefix = "sw-";

    /// <summary>The Job for a task id: <c>sw-</c>, the slug (≤ 38 characters), a dash, 10 hex digits of SHA-256.</summary>
    public static string JobName(string taskId)
    {
        var hash = Hash(taskId);
        var slug = Slug(taskId, MaxJobName - JobPrefix.Length - 1 - hash.Length);
        return slug.Length == 0 ? JobPrefix + hash : $"{JobPrefix}{slug}-{hash}";
    }

    /// <summary>The value itself when it is a valid label value; otherwise its slug (≤ 52) and hash, at most 63 characters.</summary>
    public static string LabelValue(string value)
    {
        if (IsLabelValue(value))
            return value;
        var hash = Hash(value);
        var slug = Slug(value, 63 - 1 - hash.Length);
        return slug.Length == 0 ? hash : $"{slug}-{hash}";
    }

    /// <summary>Kubernetes' label value rule: at most 63 of <c>[A-Za-z0-9_.-]</c>, starting and ending alphanumeric (or empty).</summary>
    public static bool IsLabelValue(string value) => value.Length <= 63 && LabelValuePattern().IsMatch(value);

    /// <summary>A label key: an optional DNS-subdomain prefix and <c>/</c>, then a name like a label value (not empty).</summary>
    public static bool IsLabelKey(string key)
    {
        var slash = key.LastIndexOf('/');
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (name.Length == 0 || !IsLabelValue(name))
            return false;
        return slash < 0 || (slash <= 253 && DnsSubdomain().IsMatch(key[..slash]));
    }

    /// <summary>A DNS-1123 label (namespaces): at most 63 of <c>[a-z0-9-]</c>, starting and ending alphanumeric.</summary>
    public static bool IsDnsLabel(string value) => value.Length is > 0 and <= 63 && DnsLabel().IsMatch(value);

    /// <summary>A DNS-1123 subdomain (priority classes, service accounts): dot-separated labels, at most 253 characters.</summary>
    public static bool IsDnsSubdomain(string value) => value.Length is > 0 and <= 253 && DnsSubdomain().IsMatch(value);

    /// <summary>A label's or annotation's value, or null when the map or the key is missing.</summary>
    public static string? Lookup(IDictionary<string, string>? map, string key) => map is not null && map.TryGetValue(key, out var value) ? value : null;

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..10];

    /// <summary>Lower-case ASCII letters and digits kept, every other run of characters one dash, no dash at either end.</summary>
    private static string Slug(string value, int max)
    {
        var slug = new StringBuilder(Math.Min(value.Length, max));
        foreach (var c in value.ToLowerInvariant())
        {
            if (slug.Length >= max)
                break;
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
                slug.Append(c);
            else if (slug.Length > 0 && slug[^1] != '-')
                slug.Append('-');
        }
        return slug.ToString().TrimEnd('-');
    }

    [GeneratedRegex(@"^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?\z")]
    private static partial Regex LabelValuePattern();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\z")]
    private static partial Regex DnsLabel();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z")]
    private static partial Regex DnsSubdomain();
}
