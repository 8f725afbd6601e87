using System.Text.Json;
using Suanwang.Core.Measurement;
using Suanwang.Providers.Measurement;

namespace Suanwang.Providers.Agent;

/// <summary>The machine's rating: CU and grade for general work, or neither when not measured.</summary>
/// <param name="ComputeUnits">Compute units (docs/measurement.md), or null.</param>
/// <param name="Grade">Grade A–D, or null.</param>
/// <param name="Cores">Logical processors when measured (a cached rating of a different core count is stale).</param>
/// <param name="MeasuredAt">When it was measured.</param>
public sealed record MachineRating(double? ComputeUnits, string? Grade, int Cores, DateTimeOffset MeasuredAt);

/// <summary>
/// Runs the GEMM micro-benchmark once and keeps its rating in <c>{work-dir}/measurement.json</c>: a restarted
/// agent reuses it (when the core count is unchanged) instead of spending ~10 s measuring again; delete the file or
/// pass <c>--remeasure</c> to measure again, or <c>--skip-measure</c> to register without CU and grade.
/// </summary>
internal static class MeasurementCache
{
    public const string FileName = "measurement.json";

    public static MachineRating Get(string workDirectory, bool skip, bool remeasure, MatrixMultiplyOptions options, TimeProvider clock, CancellationToken cancel)
    {
        var path = Path.Combine(workDirectory, FileName);
        if (skip)
            return new MachineRating(null, null, Environment.ProcessorCount, clock.GetUtcNow());
        if (!remeasure && File.Exists(path))
        {
            try
            {
                if (JsonSerializer.Deserialize<MachineRating>(File.ReadAllText(path), AgentJson.Options) is { } cached && cached.Cores == Environment.ProcessorCount)
                    return cached;
            }
            catch (JsonException)
            {
                // an unreadable cache is measured again
            }
        }
        var result = MatrixMultiplyBenchmark.Run(options, cancel);
        // The benchmark's matrices and triad arrays (~100 MiB) are garbage now; give the memory back to the system
        // rather than carry it through the agent's idle life (measured: 189 MB RSS without this).
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var rating = result.Rate(WorkloadClass.General).Value;
        var measured = new MachineRating(rating?.ComputeUnits, rating?.Grade.ToString(), Environment.ProcessorCount, clock.GetUtcNow());
        AtomicFile.Write(path, JsonSerializer.Serialize(measured, AgentJson.Options));
        return measured;
    }
}

/// <summary>Writes a file so a reader (or a crash) never sees half of it: a temporary file next to it, then rename.</summary>
internal static class AtomicFile
{
    public static void Write(string path, string text)
    {
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }
}
