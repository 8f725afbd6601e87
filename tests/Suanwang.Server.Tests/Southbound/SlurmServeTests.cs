using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Suanwang.Providers.Tests.Slurm;
using Suanwang.Server.Store;
using Suanwang.Server.Scheduling;
using Suanwang.Server.Southbound;
using Suanwang.Server.Tests.Api;
using static Suanwang.Server.Tests.Api.JobsApiTests;

namespace Suanwang.Server.Tests.Southbound;

/// <summary>
/// The control plane driving a real Slurm (munge, slurmctld, slurmd, slurmrestd from Debian's packages, started on
/// loopback by the fixture): a providers file names the cluster, a provider registers the site, a tenant submits
/// through the API, the loop places the job on the partition, Slurm runs it, and its output comes back.
/// </summary>
[Collection(SlurmGroup.Name)]
public sealed class SlurmServeTests(SlurmCluster slurm)
{
    private const string Site = """
        {"id": "sg-hpc", "at": "Beijing", "tier": "region", "jurisdiction": "SG", "provider": "p-hpc",
         "pools": [{"id": "sg-hpc/debug", "kind": "hpc", "nodes": 1, "node": {"cpu": 1, "memory": "1GiB"},
                    "price_per_cu_hour": "0.50 CNY", "pue": 1.3, "carbon_g_per_kwh": 400}]}
        """;

    [Fact]
    public async Task A_job_submitted_through_the_api_runs_on_the_slurm_partition_its_providers_file_names()
    {
        var tokenFile = Path.GetTempFileName();
        var providersFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(tokenFile, slurm.Token);
            await File.WriteAllTextAsync(providersFile, $"""
                slurm:
                  - name: sg
                    url: {slurm.RestAddress}
                    user: {SlurmCluster.User}
                    token_file: {tokenFile}
                    work_root: {slurm.WorkRoot}
                    logs_readable: true
                    pools: [{"{"} pool: sg-hpc/debug, site: sg-hpc, partition: {SlurmCluster.Partition} {"}"}]
                """);
            var (providers, errors) = ProvidersFile.Read(await File.ReadAllTextAsync(providersFile), providersFile);
            Assert.Empty(errors);
            await using var api = await TestApi.StartAsync(schedule: true, providers: providers);
            var loop = api.Services.GetRequiredService<SchedulingLoop>();
            var provider = await api.ClientAsync(Role.Provider, "p-hpc");
            var tenant = await api.ClientAsync(Role.Tenant, "acme");
            Assert.Equal(HttpStatusCode.Created, (await provider.PutAsync("/v1/sites/sg-hpc", Json(Site))).StatusCode);

            // Only the registered site is in jurisdiction SG, so the job must run on Slurm.
            var job = """
                {"apiVersion":"suanwang/v1","kind":"Job","name":"on-slurm","resources":{"cpu":1,"memory":"64MiB"},"duration":"5m",
                 "jurisdictions":["SG"],"run":{"command":"echo hello from $SLURM_JOB_PARTITION; echo task $SUANWANG_TASK_ID"}}
                """;
            var id = (await Body(await tenant.PostAsync("/v1/jobs", Json(job)))).GetProperty("id").GetString()!;
            var state = "";
            for (var attempt = 0; attempt < 300 && state is not ("completed" or "failed"); attempt++)
            {
                await loop.RunCycleAsync(default); // each cycle polls the real slurmrestd
                state = (await Body(await tenant.GetAsync($"/v1/jobs/{id}"))).GetProperty("state").GetString()!;
                if (state is not ("completed" or "failed"))
                    await Task.Delay(200); // waiting for a real external process, not timing anything
            }
            var view = await Body(await tenant.GetAsync($"/v1/jobs/{id}"));
            Assert.True(state == "completed", view.ToString());
            Assert.Equal("sg-hpc/debug", view.GetProperty("placement").GetProperty("pool").GetString());
            var logs = await tenant.GetAsync($"/v1/jobs/{id}/logs");
            var text = await logs.Content.ReadAsStringAsync();
            Assert.Contains($"hello from {SlurmCluster.Partition}", text, StringComparison.Ordinal);
            Assert.Contains($"task {id}#0", text, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(tokenFile);
            File.Delete(providersFile);
        }
    }
}
