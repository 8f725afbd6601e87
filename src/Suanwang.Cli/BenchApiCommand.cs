using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Suanwang.Server;
using Suanwang.Server.Access;
using Suanwang.Server.Store;

namespace Suanwang.Cli;

/// <summary>
/// <c>suanwang bench api</c>: durable submissions per second and their latency over real HTTP on
/// loopback — the real server (Kestrel, authentication, rate limits, validation, group commit) in this
/// process, and N concurrent clients each submitting one job per request and waiting for its 201,
/// which the server sends only once the job is committed to disk.
/// </summary>
internal static class BenchApiCommand
{
    public static Command Create(CliConsole console)
    {
        var db = new Option<string>("--db") { Description = "sqlite:PATH or postgres:CONNSTR (default: a fresh SQLite file in a temporary directory)." };
        var clients = new Option<int>("--clients") { Description = "Concurrent clients.", DefaultValueFactory = _ => 64 };
        var jobs = new Option<int>("--jobs") { Description = "Submissions measured (after a warm-up of at least 3,000).", DefaultValueFactory = _ => 20_000 };
        var json = CommonOptions.Json();
        var command = new Command("api", "Measure durable job submissions/s and p50/p99 latency over HTTP on loopback.") { db, clients, jobs, json };
        command.SetAction((parse, cancel) => RunAsync(console, parse.GetValue(db), parse.GetValue(clients), parse.GetValue(jobs), parse.GetValue(json), cancel));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, string? db, int clients, int jobs, bool json, CancellationToken cancel)
    {
        if (clients is < 1 or > 4096 || jobs is < 100 or > 10_000_000)
            return console.InvalidInput("--clients must be 1–4096 and --jobs 100–10,000,000");
        var temporary = db is null ? Path.Combine(Path.GetTempPath(), $"suanwang-bench-api-{Guid.NewGuid():N}") : null;
        if (!StoreLocation.TryParse(db ?? $"sqlite:{Path.Combine(temporary!, "state.db")}", out var location, out var error))
            return console.InvalidInput(error!);
        try
        {
            await using var store = await ControlStore.OpenAsync(location!, TimeProvider.System, cancel).ConfigureAwait(false);
            var (token, record) = ApiToken.Create(Role.Tenant, "bench", store.Now);
            await store.AddTokenAsync(record, cancel).ConfigureAwait(false);
            var port = FreePort();
            var settings = new ServerSettings(location!, [$"http://127.0.0.1:{port}"], temporary ?? Path.GetTempPath(), RequestsPerSecond: 1_000_000, Burst: 1_000_000,
                Schedule: false); // submissions only: the scheduling loop's cost is measured by its own numbers (docs/control-plane.md)
            await using var app = ServerApp.Build(settings, store, TimeProvider.System, builder => builder.Logging.ClearProviders());
            await app.StartAsync(cancel).ConfigureAwait(false);
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"),
                Timeout = TimeSpan.FromMinutes(2),
            };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

            // Warm up until tiered compilation settles (no method compiled for 300 ms, at most 10 s), so the
            // measured requests run the code a long-running server runs, not the JIT.
            await Submit(http, clients, 3_000, "warm", cancel).ConfigureAwait(false);
            var settle = Stopwatch.StartNew();
            for (var compiled = System.Runtime.JitInfo.GetCompiledMethodCount(); settle.Elapsed < TimeSpan.FromSeconds(10);)
            {
                await Submit(http, clients, 500, $"warm{settle.ElapsedMilliseconds}", cancel).ConfigureAwait(false);
                await Task.Delay(300, cancel).ConfigureAwait(false);
                var now = System.Runtime.JitInfo.GetCompiledMethodCount();
                if (now == compiled)
                    break;
                compiled = now;
            }
            var commitsBefore = store.Commits;
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var latencies = await Submit(http, clients, jobs, "bench", cancel).ConfigureAwait(false);
            var seconds = clock.Elapsed.TotalSeconds;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            var commits = store.Commits - commitsBefore;
            await app.StopAsync(cancel).ConfigureAwait(false);

            Array.Sort(latencies);
            var result = new
            {
                Db = location!.Kind.ToString().ToLowerInvariant(),
                Clients = clients,
                Jobs = jobs,
                SubmissionsPerS = Math.Round(jobs / seconds, 0),
                P50Ms = Math.Round(Percentile(latencies, 0.50), 2),
                P99Ms = Math.Round(Percentile(latencies, 0.99), 2),
                Commits = commits,
                JobsPerCommit = Math.Round((double)jobs / Math.Max(1, commits), 1),
                // Processor time of the whole process (server and clients) per submission: less sensitive to a shared machine than wall time.
                CpuUsPerSubmission = Math.Round(cpu.TotalMicroseconds / jobs, 0),
            };
            if (json)
            {
                console.WriteJson(result);
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Simple).AddColumns("store", "clients", "submissions", "durable submissions/s", "p50", "p99", "jobs per commit", "CPU per submission");
            table.AddRow(result.Db, Invariant($"{clients}"), Invariant($"{jobs:N0}"), Invariant($"{result.SubmissionsPerS:N0}"),
                Invariant($"{result.P50Ms:F2} ms"), Invariant($"{result.P99Ms:F2} ms"), Invariant($"{result.JobsPerCommit:F1}"), Invariant($"{result.CpuUsPerSubmission:F0} µs"));
            console.Ansi.Write(table);
            return ExitCodes.Ok;
        }
        catch (StoreException ex)
        {
            return console.InvalidInput(ex.Message);
        }
        finally
        {
            if (temporary is not null && Directory.Exists(temporary))
                Directory.Delete(temporary, recursive: true);
        }
    }

    private static async Task<double[]> Submit(HttpClient http, int clients, int jobs, string prefix, CancellationToken cancel)
    {
        var latencies = new double[jobs];
        var next = -1;
        async Task Client()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < jobs)
            {
                var body = $$"""{"apiVersion":"suanwang/v1","kind":"Job","name":"{{prefix}}-{{i}}","resources":{"cpu":1,"memory":"1GiB"},"duration":"10m"}""";
                var started = Stopwatch.GetTimestamp();
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await http.PostAsync("/v1/jobs", content, cancel).ConfigureAwait(false);
                if (response.StatusCode != HttpStatusCode.Created)
                    throw new InvalidOperationException($"submission {i} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancel).ConfigureAwait(false)}");
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(Client, cancel))).ConfigureAwait(false);
        return latencies;
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
