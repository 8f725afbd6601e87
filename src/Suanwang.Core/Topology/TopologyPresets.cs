using System.Collections.Immutable;

namespace Suanwang.Core.Topologies;

/// <summary>
/// Built-in topologies shipped inside the assembly (data files under <c>data/topologies/</c>, embedded
/// as resources named <c>Suanwang.Data.topologies.&lt;file&gt;</c>), so the CLI works from any directory:
/// <list type="bullet">
/// <item><c>china-national</c>: the 东数西算 hubs, clusters, regional centres and edge sites with pools;</item>
/// <item><c>chinanet</c>, <c>cernet</c>: the Topology Zoo backbones, imported with default constants and no sites.</item>
/// </list>
/// </summary>
public static class TopologyPresets
{
    private const string ResourcePrefix = "Suanwang.Data.topologies.";

    private static readonly ImmutableArray<(string Name, string File)> Presets =
    [
        ("china-national", "china-national.yaml"),
        ("chinanet", "Chinanet.gml"),
        ("cernet", "Cernet.gml"),
    ];

    /// <summary>The preset names, in a stable order.</summary>
    public static ImmutableArray<string> Names { get; } = [.. Presets.Select(p => p.Name)];

    /// <summary>The presets imported from Topology Zoo GML, which take <see cref="GmlImportOptions"/> (constants, link capacity, price).</summary>
    public static ImmutableArray<string> GmlNames { get; } = [.. Presets.Where(p => IsGmlFile(p.File)).Select(p => p.Name)];

    /// <summary>True when <paramref name="name"/> is a preset imported from GML (case-insensitive).</summary>
    public static bool IsGml(string name) => GmlNames.Contains(name, StringComparer.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="name"/> is a preset (case-insensitive).</summary>
    public static bool Exists(string name) => Presets.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Loads a preset by name (case-insensitive). An unknown name gives an error listing the known ones.
    /// GML presets take <paramref name="gmlOptions"/> (defaults when null); the YAML preset ignores them.
    /// </summary>
    /// <param name="name">A preset name such as <c>china-national</c>.</param>
    /// <param name="isKnownAcceleratorModel">Tells whether an accelerator model is in the device catalogue; null accepts every model.</param>
    /// <param name="gmlOptions">Import options for the GML presets.</param>
    public static TopologyReadResult Load(string name, Func<string, bool>? isKnownAcceleratorModel = null, GmlImportOptions? gmlOptions = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        var preset = Presets.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
        if (preset.Name is null)
            return TopologyReadResult.Fail($"preset:{name}", $"unknown topology preset '{name}'; known presets: {string.Join(", ", Names)}");
        var text = ReadResource(preset.File);
        if (text is null)
            return TopologyReadResult.Fail($"preset:{preset.Name}", $"the preset file {preset.File} is missing from the build; rebuild Suanwang.Core");
        return IsGmlFile(preset.File)
            ? GmlTopologyImporter.Import(text, preset.File, gmlOptions)
            : TopologyReader.Read(text, preset.File, isKnownAcceleratorModel);
    }

    private static bool IsGmlFile(string file) => file.EndsWith(".gml", StringComparison.Ordinal);

    /// <summary>The text of an embedded topology data file, or null when absent.</summary>
    internal static string? ReadResource(string file)
    {
        using var stream = typeof(TopologyPresets).Assembly.GetManifestResourceStream(ResourcePrefix + file);
        if (stream is null)
            return null;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
