using System.Globalization;

namespace Suanwang.Providers.Agent;

/// <summary>One GPU found on the machine.</summary>
/// <param name="Name">The driver's name, e.g. <c>NVIDIA A100-SXM4-80GB</c>.</param>
/// <param name="MemoryMiB">Its memory in MiB, or null when the driver did not say.</param>
public sealed record GpuInfo(string Name, long? MemoryMiB);

/// <summary>
/// Reads <c>nvidia-smi --query-gpu=name,memory.total --format=csv,noheader,nounits</c>: one line per GPU,
/// <c>name, MiB</c>. Robust to what drivers print instead: a header line, units (<c>81920 MiB</c>),
/// <c>[N/A]</c> or <c>[Not Supported]</c> for the memory, commas inside the name (the memory is the last field),
/// blank lines and Windows line ends; lines with no name are skipped.
/// </summary>
internal static class NvidiaSmi
{
    /// <summary>The arguments the agent runs <c>nvidia-smi</c> with.</summary>
    public static readonly string[] Arguments = ["--query-gpu=name,memory.total", "--format=csv,noheader,nounits"];

    public static IReadOnlyList<GpuInfo> Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var gpus = new List<GpuInfo>();
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith("name", StringComparison.OrdinalIgnoreCase))
                continue; // blank, or the header of --format=csv without noheader
            var comma = line.LastIndexOf(',');
            var name = (comma < 0 ? line : line[..comma]).Trim();
            var memory = comma < 0 ? "" : line[(comma + 1)..].Trim();
            if (name.Length == 0 || name.Any(char.IsControl))
                continue;
            if (memory.EndsWith("MiB", StringComparison.OrdinalIgnoreCase))
                memory = memory[..^3].Trim();
            long? mib = long.TryParse(memory, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;
            gpus.Add(new GpuInfo(name.Length > 200 ? name[..200] : name, mib));
        }
        return gpus;
    }
}
