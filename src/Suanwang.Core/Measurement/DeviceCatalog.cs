using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using Suanwang.Core.Specs;

namespace Suanwang.Core.Measurement;

/// <summary>The result of reading a device catalogue: the catalogue, or every error found.</summary>
/// <param name="Catalog">The catalogue when the file is valid.</param>
/// <param name="Errors">Errors with file, line and field path; empty when valid.</param>
public sealed record CatalogLoadResult(DeviceCatalog? Catalog, ImmutableArray<SpecError> Errors);

/// <summary>
/// The catalogue of CPU and accelerator models with published peak throughput (算力度量). The shipped
/// catalogue is <c>data/catalog/devices.yaml</c>, embedded in this assembly. Lookup is by model or
/// alias, ignoring case, spaces, hyphens and underscores; an unknown name gets a message with the
/// closest catalogued names.
/// </summary>
public sealed class DeviceCatalog
{
    /// <summary>Manifest resource name of the shipped catalogue.</summary>
    public const string ResourceName = "Suanwang.Data.catalog.devices.yaml";

    /// <summary>The shipped catalogue's path in the repository, used in error messages.</summary>
    public const string SourceName = "data/catalog/devices.yaml";

    private readonly Dictionary<string, DeviceSpec> _byName;

    internal DeviceCatalog(ImmutableArray<DeviceSpec> devices)
    {
        Devices = devices;
        _byName = new Dictionary<string, DeviceSpec>(StringComparer.Ordinal);
        foreach (var device in devices)
        {
            foreach (var name in device.Aliases.Prepend(device.Model))
                _byName.TryAdd(Normalize(name), device);
        }
    }

    /// <summary>Every catalogued device, in file order.</summary>
    public ImmutableArray<DeviceSpec> Devices { get; }

    /// <summary>Reads a catalogue document (YAML, <c>kind: DeviceCatalog</c>).</summary>
    /// <param name="text">The file's text.</param>
    /// <param name="source">The file name used in error messages.</param>
    public static CatalogLoadResult Parse(string text, string source) => DeviceCatalogReader.Read(text, source);

    /// <summary>
    /// Loads the catalogue shipped inside this assembly. The shipped file is checked by the tests, so
    /// an error here is a build defect and throws <see cref="InvalidOperationException"/> listing every error.
    /// </summary>
    public static DeviceCatalog LoadEmbedded()
    {
        using var stream = typeof(DeviceCatalog).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the device catalogue resource '{ResourceName}' is missing from {typeof(DeviceCatalog).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var result = Parse(reader.ReadToEnd(), SourceName);
        return result.Catalog ?? throw new InvalidOperationException(
            "the shipped device catalogue is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, result.Errors));
    }

    /// <summary>Finds a device by model or alias.</summary>
    public bool TryFind(string name, [NotNullWhen(true)] out DeviceSpec? device)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(Normalize(name), out device);
    }

    /// <summary>
    /// Finds a device by model or alias, or explains that it is unknown and names the closest matches.
    /// </summary>
    /// <param name="name">Model id or alias.</param>
    /// <param name="role">The word used in the message, e.g. <c>accelerator</c> or <c>CPU</c>.</param>
    public Outcome<DeviceSpec> Find(string name, string role = "device")
    {
        ArgumentNullException.ThrowIfNull(name);
        if (TryFind(name, out var device))
            return Outcome.Ok(device);
        var close = ClosestModels(name);
        var hint = close.Length > 0
            ? $"did you mean {string.Join(" or ", close)}?"
            : $"known models: {string.Join(", ", Devices.Select(d => d.Model))}";
        return Outcome.Fail<DeviceSpec>($"unknown {role} model '{name}': it is not in the device catalogue ({SourceName}); {hint}");
    }

    /// <summary>Canonical models whose model or alias is close to <paramref name="name"/> (small edit distance, or one contains the other), best first.</summary>
    public ImmutableArray<string> ClosestModels(string name, int max = 3)
    {
        ArgumentNullException.ThrowIfNull(name);
        var query = Normalize(name);
        if (query.Length == 0)
            return [];
        var scored = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (key, device) in _byName)
        {
            var distance = EditDistance(query, key);
            var contains = query.Length >= 2 && (key.Contains(query, StringComparison.Ordinal) || query.Contains(key, StringComparison.Ordinal));
            var limit = Math.Max(1, Math.Min(query.Length, key.Length) / 3);
            if (distance > limit && !contains)
                continue;
            var score = contains ? Math.Min(distance, 1) : distance;
            if (!scored.TryGetValue(device.Model, out var best) || score < best)
                scored[device.Model] = score;
        }
        return [.. scored.OrderBy(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(max).Select(p => p.Key)];
    }

    /// <summary>The lookup key: upper case without spaces, hyphens or underscores.</summary>
    internal static string Normalize(string name) =>
        string.Concat(name.Where(c => c is not (' ' or '-' or '_')).Select(char.ToUpperInvariant));

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
