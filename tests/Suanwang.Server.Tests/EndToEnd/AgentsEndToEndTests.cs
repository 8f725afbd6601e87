using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Suanwang.Server.Tests.Processes;
using static Suanwang.Server.Tests.Api.JobsApiTests;

namespace Suanwang.Server.Tests.EndToEnd;

/// <summary>
/// Issue 6's end to end, all real processes on loopback: <c>suanwang serve --demo</c>, two <c>suanwang agent</c>s on
/// two new sites, a dataset that lives on one agent and is staged over HTTP to the other, outputs registered and
/// fetched back with their checksums; and an agent killed mid-job, whose work finishes on the other agent.
/// Waits are on conditions with a deadline (real processes), never on a fixed sleep.
/// </summary>
public sealed class AgentsEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"suanwang-e2e-{Guid.NewGuid():N}");
    private readonly List<IAsyncDisposable> _processes = [];

    [Fact]
    public async Task A_multi_task_job_reads_a_dataset_staged_from_the_other_agent_and_its_outputs_come_back_with_their_checksums()
    {
        var (server, tenant, provider) = await StartDemoAsync();
        var dirA = Path.Combine(_directory, "agent-a");
        var dirB = Path.Combine(_directory, "agent-b");
        await StartAgentAsync(server, tenant, provider, "lab-a", dirA, "Beijing");
        await StartAgentAsync(server, tenant, provider, "lab-b", dirB, "Shanghai");

        // The dataset lives on agent A only; the tenant registers it with every file's SHA-256.
        var replica = Path.Combine(dirA, "data", "demo", "genome");
        Directory.CreateDirectory(replica);
        var random = new Random(7);
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, size) in new[] { ("chr1.bin", 3_000_000), ("chr2.bin", 1_000_003) })
        {
            var bytes = new byte[size];
            random.NextBytes(bytes);
            await File.WriteAllBytesAsync(Path.Combine(replica, name), bytes);
            expected[name] = Convert.ToHexStringLower(SHA256.HashData(bytes));
        }
        var put = await CliAsync(server, "dataset", "put", "genome", "--from", replica, "--replica", "lab-a", "--jurisdiction", "SG");
        Assert.True(put.Code == 0, put.Output);

        // Two tasks, kept off lab-a, so the input must travel to lab-b.
        var command = "cd inputs/genome && for i in $(seq 1 $SUANWANG_TASKS); do sha256sum chr1.bin chr2.bin > $SUANWANG_OUTPUT/sums-$i.txt; done; echo staged $(wc -c < chr1.bin) bytes";
        var job = $$$"""
            {"apiVersion":"suanwang/v1","kind":"Job","name":"align","type":"array","tasks":2,"resources":{"cpu":1,"memory":"64MiB"},"duration":"5m",
             "inputs":[{"dataset":"genome"}],"output":{"size":"1MB","to":"user"},"user":{"location":"Shanghai","latency":"any"},"jurisdictions":["SG"],"placement":{"avoid":["lab-a"]},
             "run":{"command":{{{JsonSerializer.Serialize(command)}}}}}
            """;
        var id = await SubmitAsync(tenant, job);
        var done = await UntilJobAsync(tenant, id, "completed", server);

        var placement = done.GetProperty("placement");
        Assert.Equal("lab-b/box", placement.GetProperty("pool").GetString());
        Assert.Contains(placement.GetProperty("transfers").EnumerateArray(), t => t.GetProperty("from_site").GetString() == "lab-a");
        Assert.Contains("staged 3000000 bytes", await (await tenant.GetAsync($"/v1/jobs/{id}/logs")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        foreach (var (name, hash) in expected) // B now holds a verified replica too
            Assert.Equal(hash, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(dirB, "data", "demo", "genome", name)))));

        // The outputs are a dataset of the tenant; fetching them checks every file's SHA-256.
        var outputs = Path.Combine(_directory, "fetched");
        var fetch = await CliAsync(server, "dataset", "fetch", $"{id}-out-0", "--to", outputs);
        Assert.True(fetch.Code == 0, fetch.Output);
        foreach (var i in new[] { 1, 2 })
        {
            var sums = (await File.ReadAllLinesAsync(Path.Combine(outputs, $"sums-{i}.txt"))).Select(l => l.Split("  ")).ToDictionary(p => p[1], p => p[0]);
            Assert.Equal(expected.OrderBy(e => e.Key), sums.OrderBy(e => e.Key));
        }

        // SIGTERM (a service stop) ends an agent cleanly even though it runs its own data server.
        var agentA = _processes.OfType<AgentProcess>().First();
        Assert.Equal(0, await agentA.TerminateAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task When_the_agent_running_a_job_is_killed_the_job_is_healed_onto_the_other_agent_and_resumes_from_its_checkpoint()
    {
        var (server, tenant, provider) = await StartDemoAsync();
        var victim = await StartAgentAsync(server, tenant, provider, "lab-b", Path.Combine(_directory, "agent-b"), "Shanghai");
        // Counts to 8, one step a second, keeping the count in its checkpoint; says where it started from.
        var command = "n=$(cat $SUANWANG_CHECKPOINT/step 2>/dev/null || echo 0); first=$n; echo start at $n; "
            + "while [ $n -lt 8 ]; do n=$((n+1)); echo $n > $SUANWANG_CHECKPOINT/step; sleep 1; done; echo resumed-from $first > $SUANWANG_OUTPUT/result.txt";
        var job = $$$"""
            {"apiVersion":"suanwang/v1","kind":"Job","name":"long","resources":{"cpu":1,"memory":"64MiB"},"duration":"5m","jurisdictions":["SG"],
             "flags":{"checkpointable":true},"run":{"command":{{{JsonSerializer.Serialize(command)}}}}}
            """;
        var id = await SubmitAsync(tenant, job);
        var running = await UntilJobAsync(tenant, id, "running", server);
        Assert.Equal("lab-b/box", running.GetProperty("placement").GetProperty("pool").GetString());
        var checkpoint = Path.Combine(_directory, ".suanwang", "checkpoints", $"{id}-0.zip");
        await UntilAsync(() => Task.FromResult(File.Exists(checkpoint)), () => $"no checkpoint reached the server:\n{victim.Log}");

        var survivor = Path.Combine(_directory, "agent-a");
        await StartAgentAsync(server, tenant, provider, "lab-a", survivor, "Beijing");
        victim.KillHard(); // silent from now on: after the 5 s agent timeout its site is down and the job is re-placed

        var done = await UntilJobAsync(tenant, id, "completed", server);
        Assert.Equal("lab-a/box", done.GetProperty("placement").GetProperty("pool").GetString());
        var events = await (await tenant.GetAsync($"/v1/jobs/{id}/events")).Content.ReadAsStringAsync();
        Assert.Contains("healed", events, StringComparison.Ordinal);
        // The heal is in the signed ledger too, with why.
        await UntilAsync(async () =>
        {
            var ledger = await (await tenant.GetAsync("/v1/ledger/entries?limit=1000")).Content.ReadAsStringAsync();
            return ledger.Contains("\"heal\"", StringComparison.Ordinal) && ledger.Contains(id, StringComparison.Ordinal) && ledger.Contains("lab-b", StringComparison.Ordinal);
        }, () => "no heal entry in the ledger");
        var result = await File.ReadAllTextAsync(Path.Combine(survivor, "data", "demo", $"{id}-out-0", "result.txt"));
        Assert.StartsWith("resumed-from ", result, StringComparison.Ordinal);
        Assert.InRange(int.Parse(result["resumed-from ".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture), 1, 8); // not from 0
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // xUnit 2 disposes test classes through IAsyncLifetime (not IAsyncDisposable): without this the child processes outlive the run.
    public async Task DisposeAsync()
    {
        for (var i = _processes.Count - 1; i >= 0; i--)
            await _processes[i].DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // leftovers of killed processes are harmless
        }
        catch (UnauthorizedAccessException)
        {
            // read-only replica files
        }
    }

    private async Task<(ServerProcess Server, HttpClient Tenant, string Provider)> StartDemoAsync()
    {
        Directory.CreateDirectory(_directory);
        var server = await ServerProcess.StartAsync(_directory, ServerProcess.FreePort(), "--demo", "--agent-timeout", "5s");
        _processes.Add(server);
        var tokens = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_directory, ".suanwang", "demo-tokens.json"))).RootElement;
        var tenant = new HttpClient { BaseAddress = server.Url };
        tenant.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("tenant").GetString());
        return (server, tenant, tokens.GetProperty("provider").GetString()!);
    }

    private async Task<AgentProcess> StartAgentAsync(ServerProcess server, HttpClient tenant, string provider, string site, string directory, string at)
    {
        var agent = AgentProcess.Start(server.Url, provider, site, "box", directory, at, "SG");
        _processes.Add(agent);
        await UntilAsync(async () => (await tenant.GetAsync($"/v1/sites/{site}")).IsSuccessStatusCode, () => $"agent for {site} did not register:\n{agent.Log}");
        return agent;
    }

    private static async Task<string> SubmitAsync(HttpClient tenant, string job)
    {
        var response = await tenant.PostAsync("/v1/jobs", Json(job));
        var body = await Body(response);
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body.GetProperty("id").GetString()!;
    }

    private async Task<JsonElement> UntilJobAsync(HttpClient tenant, string id, string state, ServerProcess server)
    {
        JsonElement job = default;
        await UntilAsync(async () =>
        {
            job = await Body(await tenant.GetAsync($"/v1/jobs/{id}"));
            var now = job.GetProperty("state").GetString();
            if (now == "failed" && state != "failed")
                throw new InvalidOperationException($"job failed: {job}\n{server.Log}");
            return now == state;
        }, () => $"job {id} never became {state}: {job}\n{server.Log}\n{string.Join('\n', _processes.OfType<AgentProcess>().Select(a => a.Log))}");
        return job;
    }

    private async Task<(int Code, string Output)> CliAsync(ServerProcess server, params string[] arguments)
    {
        var tokens = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_directory, ".suanwang", "demo-tokens.json"))).RootElement;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "suanwang.dll") }.Concat(arguments)
            .Concat(["--server", server.Url.ToString(), "--token", tokens.GetProperty("tenant").GetString()!]))
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, new StringBuilder(await output).Append(await error).ToString());
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, Func<string> explain)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Patience)
                throw new TimeoutException(explain());
            await Task.Delay(200); // polling real processes, not timing anything
        }
    }
}
