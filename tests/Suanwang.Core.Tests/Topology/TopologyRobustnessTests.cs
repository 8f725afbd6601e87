using FsCheck;
using FsCheck.Xunit;
using Suanwang.Core.Topologies;

namespace Suanwang.Core.Tests.Topologies;

/// <summary>Bad input must end in messages, never in an exception (the CLI would print a stack trace).</summary>
public sealed class TopologyRobustnessTests
{
    private static readonly string Chinanet = TopologyPresets.ReadResource("Chinanet.gml")!;
    private static readonly string ChinaNational = TopologyPresets.ReadResource("china-national.yaml")!;

    [Property(MaxTest = 300)]
    public bool Arbitrary_text_never_throws(NonNull<string> text)
    {
        var gml = GmlTopologyImporter.Import(text.Get, "x.gml");
        var yaml = TopologyReader.Read(text.Get, "x.yaml");
        return (gml.Success || !gml.Errors.IsEmpty) && (yaml.Success || !yaml.Errors.IsEmpty);
    }

    [Property(MaxTest = 200)]
    public bool Truncated_gml_is_imported_or_refused_with_a_line(PositiveInt cut)
    {
        var result = GmlTopologyImporter.Import(Chinanet[..(cut.Get % Chinanet.Length)], "Chinanet.gml");
        return result.Success || result.Errors.All(e => e.Position is not null || e.Message.Contains("no 'graph", StringComparison.Ordinal) || e.Message.StartsWith("network is disconnected", StringComparison.Ordinal));
    }

    [Property(MaxTest = 100)]
    public bool Truncated_preset_is_read_or_refused(PositiveInt cut)
    {
        var result = TopologyReader.Read(ChinaNational[..(cut.Get % ChinaNational.Length)], "china-national.yaml");
        return result.Success || !result.Errors.IsEmpty;
    }
}
