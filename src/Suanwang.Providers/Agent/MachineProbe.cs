using System.Diagnostics;
using System.Globalization;

namespace Suanwang.Providers.Agent;

/// <summary>What the agent found on its machine.</summary>
/// <param name="Cores">Logical processors this process may use.</param>
/// <param name="MemoryBytes">Main memory (MemTotal of /proc/meminfo).</param>
/// <param name="Gpus">GPUs reported by nvidia-smi; empty when it is not on PATH or fails.</param>
public sealed record MachineDescription(int Cores, long MemoryBytes, IReadOnlyList<GpuInfo> Gpus);

/// <summary>Reads cores, memory and GPUs of the local Linux machine.</summary>
internal static class MachineProbe
{
    public static async Task<MachineDescription> DescribeAsync(CancellationToken cancel)
    {
        var memory = File.Exists("/proc/meminfo") ? ParseMemTotal(await File.ReadAllTextAsync("/proc/meminfo", cancel).ConfigureAwait(false)) : null;
        return new MachineDescription(Environment.ProcessorCount, memory ?? 0, await GpusAsync(cancel).ConfigureAwait(false));
    }

    /// <summary>MemTotal in bytes from /proc/meminfo text (<c>MemTotal:  8039508 kB</c>), or null.</summary>
    public static long? ParseMemTotal(string meminfo)
    {
        ArgumentNullException.ThrowIfNull(meminfo);
        foreach (var line in meminfo.Split('\n'))
        {
            if (!line.StartsWith("MemTotal:", StringComparison.Ordinal))
                continue;
            var fields = line["MemTotal:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 1 && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kib))
                return fields.Length >= 2 && fields[1] != "kB" ? null : kib * 1024;
        }
        return null;
    }

    private static async Task<IReadOnlyList<GpuInfo>> GpusAsync(CancellationToken cancel)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "nvidia-smi")).FirstOrDefault(File.Exists);
        if (path is null)
            return [];
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in NvidiaSmi.Arguments)
            start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start)!;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(TimeSpan.FromSeconds(20));
            var output = await process.StandardOutput.ReadToEndAsync(timeout.Token).ConfigureAwait(false);
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            return process.ExitCode == 0 ? NvidiaSmi.Parse(output) : [];
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or IOException or OperationCanceledException && !cancel.IsCancellationRequested)
        {
            return []; // a broken driver means no usable GPUs, not a dead agent
        }
    }
}
