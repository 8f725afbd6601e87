using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Suanwang.Core.Measurement;
using Suanwang.Core.Specs;
using Suanwang.Providers.Measurement;

namespace Suanwang.Cli;

/// <summary><c>suanwang measure</c>: run the GEMM micro-benchmark and grade this machine with the catalogue's formula.</summary>
internal static class MeasureCommand
{
    public static Command Create(CliConsole console)
    {
        var size = new Option<int>("--size") { Description = "Matrix order n (n×n GEMM).", DefaultValueFactory = _ => new MatrixMultiplyOptions().Size };
        var repetitions = new Option<int>("--repetitions") { Description = "Timed repetitions per measurement (after one warm-up).", DefaultValueFactory = _ => new MatrixMultiplyOptions().Repetitions };
        var threads = new Option<int>("--threads") { Description = "Threads for the all-cores run; 0 = one per logical processor.", DefaultValueFactory = _ => 0 };
        var noBandwidth = new Option<bool>("--no-bandwidth") { Description = "Skip the memory-bandwidth (triad) measurement." };
        var json = CommonOptions.Json();
        var command = new Command("measure", "Measure this machine's FP64/FP32 GFLOPS (blocked SIMD matrix multiply) and rate it in CU and grade A–D.")
        {
            size, repetitions, threads, noBandwidth, json,
        };
        command.SetAction((parse, cancel) => Task.FromResult(Run(console, new MatrixMultiplyOptions
        {
            Size = parse.GetValue(size),
            Repetitions = parse.GetValue(repetitions),
            Threads = parse.GetValue(threads),
            MeasureMemoryBandwidth = !parse.GetValue(noBandwidth),
        }, parse.GetValue(json), cancel)));
        return command;
    }

    private static int Run(CliConsole console, MatrixMultiplyOptions options, bool json, CancellationToken cancel)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
            return console.InvalidInput(string.Join("; ", problems));
        var result = MatrixMultiplyBenchmark.Run(options, cancel);
        var ratings = Enum.GetValues<WorkloadClass>().Select(w => (Workload: w, Rating: result.Rate(w))).ToList();
        if (json)
        {
            console.WriteJson(new
            {
                result.Size,
                result.Repetitions,
                result.LogicalProcessors,
                result.VectorBits,
                result.HardwareAccelerated,
                Gflops = new
                {
                    Fp64SingleThread = result.Fp64SingleThread,
                    Fp64AllThreads = result.Fp64AllThreads,
                    Fp32SingleThread = result.Fp32SingleThread,
                    Fp32AllThreads = result.Fp32AllThreads,
                },
                // Gigabytes per second (memory), not gigabits (network): hence not "_gbps".
                MemoryBandwidthGBPerS = result.MemoryBandwidthGBps,
                ElapsedSeconds = result.Elapsed.TotalSeconds,
                Ratings = ratings.Select(r => new
                {
                    Workload = SpecEnums.Name(r.Workload),
                    r.Rating.Value?.ComputeUnits,
                    Grade = r.Rating.Value?.Grade.ToString(),
                    Basis = r.Rating.Value is { } v ? SpecEnums.Name(v.Basis) : null,
                    Notes = r.Rating.Value?.Notes,
                    r.Rating.Error,
                }),
            });
            return ExitCodes.Ok;
        }

        var table = new Table().Title(Invariant($"GEMM {result.Size}×{result.Size}, {CliText.Count(result.Repetitions, "repetition")}, Vector<T> {result.VectorBits} bits{(result.HardwareAccelerated ? "" : " (not accelerated)")}"))
            .AddColumns("measurement", "threads", "median", "min", "max", "spread");
        void Row(string name, RepeatedMeasurement m, string unit) => table.AddRow(name, Invariant($"{m.Threads}"),
            Invariant($"{m.Median:0.0} {unit}"), Invariant($"{m.Min:0.0}"), Invariant($"{m.Max:0.0}"), Invariant($"{m.RelativeSpread * 100:0.0}%"));
        Row("FP64 GEMM", result.Fp64SingleThread, "GFLOPS");
        Row("FP64 GEMM", result.Fp64AllThreads, "GFLOPS");
        Row("FP32 GEMM", result.Fp32SingleThread, "GFLOPS");
        Row("FP32 GEMM", result.Fp32AllThreads, "GFLOPS");
        if (result.MemoryBandwidthGBps is { } bandwidth)
            Row("memory triad", bandwidth, "GB/s");
        console.Ansi.Write(table);

        var grades = new Table().Title("this machine rated by the catalogue formula (docs/measurement.md)").AddColumns("workload", "CU", "grade", "basis", "notes");
        foreach (var (workload, rating) in ratings)
        {
            if (rating.Value is { } v)
                grades.AddRow(SpecEnums.Name(workload), FormatComputeUnits(v.ComputeUnits), v.Grade.ToString(), SpecEnums.Name(v.Basis), Markup.Escape(string.Join("; ", v.Notes)));
            else
                grades.AddRow(SpecEnums.Name(workload), "-", "-", "-", Markup.Escape(rating.Error ?? ""));
        }
        console.Ansi.Write(grades);
        console.Ansi.WriteLine(Invariant($"measured in {result.Elapsed.TotalSeconds:0.0} s on {result.LogicalProcessors} logical processors"));
        return ExitCodes.Ok;
    }

    /// <summary>Three significant digits, so a laptop's 0.0004 CU does not print as "0".</summary>
    private static string FormatComputeUnits(double cu)
    {
        if (cu <= 0 || !double.IsFinite(cu))
            return cu.ToString(CultureInfo.InvariantCulture);
        var decimals = Math.Clamp(2 - (int)Math.Floor(Math.Log10(cu)), 0, 12);
        return Math.Round(cu, decimals).ToString("0.############", CultureInfo.InvariantCulture);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
