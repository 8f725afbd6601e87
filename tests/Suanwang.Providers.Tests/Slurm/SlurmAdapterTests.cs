using System.Collections.Immutable;
using Suanwang.Core.Model;
using Suanwang.Providers.Adapters;
using Suanwang.Providers.Slurm;

namespace Suanwang.Providers.Tests.Slurm;

/// <summary>The adapter against a real slurmctld, slurmd and slurmrestd (see <see cref="SlurmCluster"/>).</summary>
[Collection(SlurmGroup.Name)]
public sealed class SlurmAdapterTests(SlurmCluster cluster)
{
    internal static TaskRequest Task(string id, string command, int cpu = 1, TimeSpan? runtime = null,
        IReadOnlyDictionary<string, string>? environment = null, string tenant = "acme") =>
        new(id, id.Split('#')[0], tenant, "hpc/debug", "hpc", 1, 1, 1, new TaskResources(cpu, ByteSize.FromGibibytes(0.125), null),
            new RunSpec(command, (environment ?? new Dictionary<string, string>()).ToImmutableSortedDictionary(StringComparer.Ordinal), ""),
            DateTimeOffset.UnixEpoch, runtime ?? TimeSpan.FromMinutes(2));

    private static string NewId(string name) => $"j-{name}-{Guid.NewGuid():N}"[..30] + "#0";

    private static async Task<TaskReport> WaitUntil(SlurmAdapter adapter, string id, Func<TaskReport, bool> done)
    {
        var report = (await adapter.StatusAsync([id], default))[0];
        for (var i = 0; i < 300 && !done(report); i++)
        {
            await System.Threading.Tasks.Task.Delay(100);
            report = (await adapter.StatusAsync([id], default))[0];
        }
        Assert.True(done(report), $"gave up waiting; last report {report}");
        return report;
    }

    [Fact]
    public async Task A_command_exiting_3_fails_with_exit_code_3_and_its_output_is_readable()
    {
        using var adapter = cluster.Adapter();
        var id = NewId("exit");
        var handle = await adapter.SubmitAsync(Task(id, "/bin/sh -c 'echo hi; exit 3'", environment: new Dictionary<string, string> { ["GREETING"] = "it's ok" }), default);
        Assert.Equal(TaskPhase.Queued, handle.Phase);
        var report = await WaitUntil(adapter, id, r => r.IsFinal);
        // Slurm reports exit_code 768, the raw wait status of exit(3): 3 << 8.
        Assert.Equal((TaskPhase.Failed, 3), (report.Phase, report.ExitCode));
        Assert.Contains("exit code 3", report.Message, StringComparison.Ordinal);
        Assert.NotNull(report.StartedAt);
        Assert.NotNull(report.EndedAt);
        var log = await adapter.LogsAsync(id, 0, 4096, default);
        Assert.Equal(("hi\n", 3L, true), (log.Text, log.NextOffset, log.Complete));
    }

    [Fact]
    public async Task A_successful_command_succeeds_with_exit_code_0_in_its_own_directory_with_its_environment()
    {
        using var adapter = cluster.Adapter();
        var id = NewId("ok");
        await adapter.SubmitAsync(Task(id, "pwd; echo \"$GREETING\" \"$SUANWANG_TASK_ID\"", environment: new Dictionary<string, string> { ["GREETING"] = "it's ok" }), default);
        var report = await WaitUntil(adapter, id, r => r.IsFinal);
        Assert.Equal((TaskPhase.Succeeded, 0, (string?)null), (report.Phase, report.ExitCode, report.Message));
        var log = await adapter.LogsAsync(id, 0, 4096, default);
        Assert.Equal($"{Path.Combine(cluster.WorkRoot, "acme", id)}\nit's ok {id}\n", log.Text);
    }

    [Fact]
    public async Task Arguments_run_without_a_shell_in_the_working_directory_the_task_names()
    {
        using var adapter = cluster.Adapter();
        var id = NewId("args");
        var request = Task(id, "/bin/sh");
        request = request with { Run = request.Run! with { Args = ["-c", "pwd; printf '%s|' \"$@\"", "x", "it's", "$HOME", "a b"], Workdir = "sub/dir" } };
        await adapter.SubmitAsync(request, default);
        var report = await WaitUntil(adapter, id, r => r.IsFinal);
        Assert.Equal((TaskPhase.Succeeded, 0), (report.Phase, report.ExitCode));
        var log = await adapter.LogsAsync(id, 0, 4096, default);
        // Each argument arrives as one word, unexpanded: no shell read them on the way.
        Assert.Equal($"{Path.Combine(cluster.WorkRoot, "acme", id, "sub", "dir")}\nit's|$HOME|a b|", log.Text);
    }

    [Fact]
    public async Task A_sleeping_task_runs_and_cancelling_it_ends_it_cancelled()
    {
        using var adapter = cluster.Adapter();
        var id = NewId("sleep");
        await adapter.SubmitAsync(Task(id, "sleep 120"), default);
        var running = await WaitUntil(adapter, id, r => r.Phase != TaskPhase.Queued);
        Assert.Equal(TaskPhase.Running, running.Phase);
        Assert.NotNull(running.StartedAt);
        Assert.True(await adapter.CancelAsync(id, default));
        var ended = await WaitUntil(adapter, id, r => r.IsFinal && r.Message != "cancelled by the control plane");
        Assert.Equal(TaskPhase.Cancelled, ended.Phase); // Slurm's own CANCELLED, seen after the adapter's note
        Assert.False(await adapter.CancelAsync(id, default)); // already ended
    }

    [Fact]
    public async Task Submitting_a_task_id_again_returns_the_same_Slurm_job_even_from_a_new_adapter()
    {
        var id = NewId("again");
        using var first = cluster.Adapter();
        var handle = await first.SubmitAsync(Task(id, "sleep 60"), default);
        var again = await first.SubmitAsync(Task(id, "sleep 60"), default);
        // A restarted control plane has a fresh adapter: it must find the job by its name, not start a second one.
        using var fresh = cluster.Adapter();
        var adopted = await fresh.SubmitAsync(Task(id, "sleep 60"), default);
        Assert.Equal(handle.ExternalId, again.ExternalId);
        Assert.Equal(handle.ExternalId, adopted.ExternalId);
        var named = await cluster.Scontrol("show", "job", "--oneliner");
        Assert.Equal(1, named.Split('\n').Count(line => line.Contains($"JobName={id} ", StringComparison.Ordinal)));
        Assert.True(await fresh.CancelAsync(id, default));
    }

    [Fact]
    public async Task A_task_planned_for_later_waits_in_Slurm_for_its_begin_time()
    {
        using var adapter = cluster.Adapter();
        var id = NewId("later");
        await adapter.SubmitAsync(Task(id, "true") with { NotBefore = DateTimeOffset.UtcNow.AddHours(1) }, default);
        var report = (await adapter.StatusAsync([id], default))[0];
        // begin_time defers the allocation: Slurm keeps it PENDING with reason BeginTime.
        Assert.Equal(TaskPhase.Queued, report.Phase);
        Assert.Equal("pending in Slurm: BeginTime", report.Message);
        Assert.True(await adapter.CancelAsync(id, default));
        Assert.Equal(TaskPhase.Cancelled, (await WaitUntil(adapter, id, r => r.IsFinal)).Phase);
    }

    [Fact]
    public async Task A_task_id_Slurm_never_saw_is_unknown()
    {
        using var adapter = cluster.Adapter();
        var report = (await adapter.StatusAsync(["j-never-submitted#0"], default))[0];
        Assert.Equal((TaskPhase.Unknown, (string?)null), (report.Phase, report.ExternalId));
        Assert.False(await adapter.CancelAsync("j-never-submitted#0", default));
    }

    [Fact]
    public async Task Describing_pools_shows_the_partitions_node_with_its_cpus_and_memory()
    {
        using var adapter = cluster.Adapter();
        var partition = Assert.Single(await adapter.DescribePartitionsAsync(default));
        // The fixture's slurm.conf: one node with the machine's CPUs and RealMemory=1024 MiB in partition debug.
        Assert.Equal(("hpc/debug", "debug", "UP", SlurmCluster.Cpus, 1024L), (partition.PoolId, partition.Partition, partition.State, partition.Cpus, partition.MemoryMiB));
        var node = Assert.Single(partition.Nodes);
        Assert.Equal(("localhost", true), (node.Name, node.Usable));
        var pool = Assert.Single(await adapter.DescribePoolsAsync(default));
        Assert.Equal(("hpc/debug", "hpc", 1, true), (pool.PoolId, pool.SiteId, pool.TotalNodes, pool.Healthy));
        var health = await adapter.HealthAsync(default);
        Assert.Equal((true, 0), (health.Reachable, health.DownSites.Count));
    }

    [Fact]
    public async Task A_site_whose_only_node_is_drained_is_down_and_back_up_after_resume()
    {
        using var adapter = cluster.Adapter();
        await cluster.Scontrol("update", "nodename=localhost", "state=drain", "reason=suanwang-test");
        try
        {
            var health = await adapter.HealthAsync(default);
            Assert.True(health.Reachable);
            Assert.Equal(["hpc"], health.DownSites);
            var node = Assert.Single(Assert.Single(await adapter.DescribePartitionsAsync(default)).Nodes);
            Assert.False(node.Usable);
            Assert.Contains("DRAIN", node.State, StringComparison.Ordinal);
            Assert.Equal((0, false), (Assert.Single(await adapter.DescribePoolsAsync(default)).FreeNodes, false));
        }
        finally
        {
            await cluster.Scontrol("update", "nodename=localhost", "state=resume");
            await cluster.WaitUntilIdleAsync();
        }
        Assert.Empty((await adapter.HealthAsync(default)).DownSites);
    }

    [Fact]
    public async Task A_partition_Slurm_does_not_have_is_refused_with_Slurms_submit_error()
    {
        using var adapter = new SlurmAdapter(new SlurmOptions
        {
            BaseAddress = cluster.RestAddress,
            UserName = SlurmCluster.User,
            Token = () => cluster.Token,
            Pools = [new SlurmPool("hpc/debug", "hpc", "no-such-partition")],
            WorkRoot = cluster.WorkRoot,
        });
        var error = await Assert.ThrowsAsync<SlurmException>(() => adapter.SubmitAsync(Task(NewId("nopart"), "true"), default));
        Assert.Equal((false, 2000), (error.Unreachable, error.ErrorNumber));
        Assert.Contains("Invalid partition name specified", error.Message, StringComparison.Ordinal);
        var pool = Assert.Single(await adapter.DescribePoolsAsync(default));
        Assert.False(pool.Healthy);
        Assert.Equal(["hpc"], (await adapter.HealthAsync(default)).DownSites);
    }

    [Fact]
    public async Task A_wrong_token_is_refused_with_a_clear_message()
    {
        using var adapter = new SlurmAdapter(new SlurmOptions
        {
            BaseAddress = cluster.RestAddress,
            UserName = SlurmCluster.User,
            Token = () => "not-a-token",
            Pools = [new SlurmPool("hpc/debug", "hpc", SlurmCluster.Partition)],
            WorkRoot = cluster.WorkRoot,
        });
        var error = await Assert.ThrowsAsync<SlurmException>(() => adapter.StatusAsync(["j-x#0"], default));
        Assert.False(error.Unreachable);
        // slurmctld's refusal comes back as "Unspecified error (-1)"; the adapter names the likely cause.
        Assert.Contains($"wrong or expired token for user '{SlurmCluster.User}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_slurmrestd_stopped_health_says_unreachable_and_calls_throw()
    {
        using var adapter = cluster.Adapter();
        await cluster.StopRestAsync();
        try
        {
            var health = await adapter.HealthAsync(default);
            Assert.False(health.Reachable);
            Assert.Empty(health.DownSites); // a silent REST daemon says nothing about the cluster's jobs
            Assert.Contains("did not answer", health.Message, StringComparison.Ordinal);
            var error = await Assert.ThrowsAsync<SlurmException>(() => adapter.StatusAsync(["j-x#0"], default));
            Assert.True(error.Unreachable);
            Assert.Contains($"slurmrestd at {cluster.RestAddress} did not answer", error.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<SlurmException>(() => adapter.SubmitAsync(Task(NewId("down"), "true"), default));
            await Assert.ThrowsAsync<SlurmException>(() => adapter.DescribePoolsAsync(default));
        }
        finally
        {
            await cluster.StartRestAsync();
        }
        Assert.True((await adapter.HealthAsync(default)).Reachable);
    }
}
