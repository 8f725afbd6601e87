using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Spectre.Console;
using Suanwang.Core.Model;
using Suanwang.Providers.Adapters;
using Suanwang.Providers.Staging;

namespace Suanwang.Cli;

/// <summary>
/// <c>suanwang bench staging</c>: staging throughput on loopback against the reserved rate — a real
/// <see cref="DatasetServer"/> (Kestrel) and <see cref="DatasetFetcher"/> in this process moving one
/// dataset per rate, checksums included; the unpaced run is the baseline of what loopback and hashing allow.
/// </summary>
internal static class BenchStagingCommand
{
    public static Command Create(CliConsole console)
    {
        var size = new Option<string>("--size") { Description = "Dataset size per run (one file), e.g. 256MiB.", DefaultValueFactory = _ => "128MiB" };
        var rates = new Option<string[]>("--rate")
        {
            Description = "Reserved rates to stage at (repeatable); 'unpaced' for none.",
            AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = _ => ["unpaced", "100Mbps", "400Mbps", "1Gbps"],
        };
        var json = CommonOptions.Json();
        var command = new Command("staging", "Measure staging throughput over loopback HTTP against the reserved rate.") { size, rates, json };
        command.SetAction((parse, cancel) => RunAsync(console, parse.GetValue(size)!, parse.GetValue(rates)!, parse.GetValue(json), cancel));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, string sizeText, string[] rateTexts, bool json, CancellationToken cancel)
    {
        if (Quantity.ParseSize(sizeText) is not { Success: true, Value: var size } || size.Bytes is < 1 or > 64L << 30)
            return console.InvalidInput($"--size '{sizeText}': a size from 1B to 64GiB, e.g. 256MiB");
        var rates = new List<(string Text, long BytesPerSecond)>();
        foreach (var text in rateTexts)
        {
            if (text == "unpaced")
                rates.Add((text, 0));
            else if (Quantity.ParseBandwidth(text) is { Success: true, Value: var rate } && rate.BitsPerSecond >= 8)
                rates.Add((text, rate.BitsPerSecond / 8));
            else
                return console.InvalidInput($"--rate '{text}': a bandwidth such as 400Mbps, or 'unpaced'");
        }

        var root = Path.Combine(Path.GetTempPath(), $"suanwang-bench-staging-{Guid.NewGuid():N}");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        try
        {
            var replica = Path.Combine(root, "source", "bench", "data");
            Directory.CreateDirectory(replica);
            await WriteRandomFileAsync(Path.Combine(replica, "blob"), size.Bytes, cancel).ConfigureAwait(false);
            var files = await DatasetManifest.FromDirectoryAsync(replica, cancel).ConfigureAwait(false);
            var url = new Uri($"http://127.0.0.1:{BenchApiCommand.FreePort()}/");
            var server = await new DatasetServer(Path.Combine(root, "source"), () => key, TimeProvider.System).StartAsync(url.ToString(), cancel).ConfigureAwait(false);
            await using (server.ConfigureAwait(false))
            {
                using var http = new HttpClient();
                var fetcher = new DatasetFetcher(http);
                var rows = new List<object>();
                var table = new Table().Border(TableBorder.Simple).AddColumns("reserved", "bytes", "seconds", "achieved", "achieved / reserved");
                var run = 0;
                foreach (var (text, bytesPerSecond) in rates)
                {
                    var grant = new StagingGrant("bench", "data", "bench", DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()).Sign(key);
                    var input = new StagingInput("bench", "data", "local", [url], files, bytesPerSecond, grant);
                    var target = Path.Combine(root, $"target-{run++}");
                    var result = await fetcher.FetchAsync(input, Path.Combine(target, "replica"), Path.Combine(target, "partial"), cancel).ConfigureAwait(false);
                    var achieved = result.BytesFetched / result.Elapsed.TotalSeconds;
                    double? ratio = bytesPerSecond > 0 ? achieved / bytesPerSecond : null;
                    rows.Add(new { Reserved = text, ReservedBytesPerS = bytesPerSecond, Bytes = result.BytesFetched, Seconds = Math.Round(result.Elapsed.TotalSeconds, 3),
                        AchievedBytesPerS = Math.Round(achieved), Ratio = ratio is null ? (double?)null : Math.Round(ratio.Value, 3) });
                    table.AddRow(text, Invariant($"{result.BytesFetched:N0}"), Invariant($"{result.Elapsed.TotalSeconds:F2}"),
                        Invariant($"{achieved * 8 / 1e6:N0} Mbps"), ratio is null ? "—" : Invariant($"{ratio:F3}"));
                    Directory.Delete(target, recursive: true);
                }
                if (json)
                    console.WriteJson(new { Size = size.Bytes, Runs = rows });
                else
                    console.Ansi.Write(table);
            }
            return ExitCodes.Ok;
        }
        finally
        {
            if (Directory.Exists(root))
                Directory.Delete(root, recursive: true);
        }
    }

    private static async Task WriteRandomFileAsync(string path, long bytes, CancellationToken cancel)
    {
        var buffer = new byte[1 << 20];
        new Random(42).NextBytes(buffer);
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await using (file.ConfigureAwait(false))
        {
            for (var written = 0L; written < bytes; written += buffer.Length)
                await file.WriteAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, bytes - written)), cancel).ConfigureAwait(false);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
