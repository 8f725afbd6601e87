using Suanwang.Core.Model;
using Suanwang.Providers.Adapters;

namespace Suanwang.Providers.Tests.Adapters;

public sealed class SimulatedProviderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static readonly Pool[] Pools =
    [
        new("east/cpu", "east", PoolKind.General, new NodeShape(64, ByteSize.FromGibibytes(256), null, null), 10, new Money(50, "CNY"), 1.2, 500, AccessMode.Agent),
        new("west/cpu", "west", PoolKind.General, new NodeShape(64, ByteSize.FromGibibytes(256), null, null), 10, new Money(40, "CNY"), 1.1, 300, AccessMode.Agent),
    ];

    private static TaskRequest Task(string id, string pool = "east/cpu", int nodes = 2, TimeSpan? runtime = null, DateTimeOffset? notBefore = null,
        DateTimeOffset? startedAt = null) =>
        new(id, id.Split('#')[0], "acme", pool, pool.Split('/')[0], nodes, nodes, 1, new TaskResources(4, ByteSize.FromGibibytes(8), null), null,
            notBefore ?? T0, runtime ?? TimeSpan.FromHours(1), startedAt);

    private static async Task<TaskReport> Status(SimulatedProvider provider, string id) => (await provider.StatusAsync([id], default))[0];

    [Fact]
    public async Task A_task_runs_for_its_runtime_divided_by_the_speed_up_then_succeeds()
    {
        var clock = new Clock(T0);
        var provider = new SimulatedProvider(clock, Pools, speedUp: 60);
        Assert.Equal(TaskPhase.Running, (await provider.SubmitAsync(Task("j#0"), default)).Phase);
        // One hour at a speed-up of 60 is one minute.
        clock.Now = T0.AddSeconds(59);
        Assert.Equal(TaskPhase.Running, (await Status(provider, "j#0")).Phase);
        Assert.Equal(8, (await provider.DescribePoolsAsync(default))[0].FreeNodes); // 10 nodes, 2 busy
        clock.Now = T0.AddMinutes(1);
        var done = await Status(provider, "j#0");
        Assert.Equal((TaskPhase.Succeeded, T0, T0.AddMinutes(1), 0), (done.Phase, done.StartedAt, done.EndedAt, done.ExitCode));
    }

    [Fact]
    public async Task Submitting_a_task_id_again_returns_the_first_handle_and_starts_nothing_new()
    {
        var clock = new Clock(T0);
        var provider = new SimulatedProvider(clock, Pools);
        var first = await provider.SubmitAsync(Task("j#0"), default);
        clock.Now = T0.AddMinutes(30);
        var again = await provider.SubmitAsync(Task("j#0", runtime: TimeSpan.FromHours(5)), default);
        Assert.Equal(first.ExternalId, again.ExternalId);
        Assert.Equal(1, provider.Submissions);
        clock.Now = T0.AddHours(1);
        Assert.Equal(TaskPhase.Succeeded, (await Status(provider, "j#0")).Phase); // still the first request's hour
    }

    [Fact]
    public async Task A_task_waits_for_its_planned_start_and_a_resumed_task_keeps_its_recorded_start()
    {
        var clock = new Clock(T0);
        var provider = new SimulatedProvider(clock, Pools);
        await provider.SubmitAsync(Task("later#0", notBefore: T0.AddMinutes(10)), default);
        await provider.SubmitAsync(Task("resumed#0", startedAt: T0.AddMinutes(-50)), default);
        Assert.Equal(TaskPhase.Queued, (await Status(provider, "later#0")).Phase);
        clock.Now = T0.AddMinutes(10);
        Assert.Equal(TaskPhase.Running, (await Status(provider, "later#0")).Phase);
        Assert.Equal(T0.AddMinutes(10), (await Status(provider, "resumed#0")).EndedAt); // started 50 min before T0, runs 1 h
    }

    [Fact]
    public async Task A_site_going_down_fails_its_unfinished_tasks_then_and_refuses_new_ones_until_it_is_back()
    {
        var clock = new Clock(T0);
        var provider = new SimulatedProvider(clock, Pools);
        await provider.SubmitAsync(Task("east#0"), default);
        await provider.SubmitAsync(Task("west#0", pool: "west/cpu"), default);
        clock.Now = T0.AddMinutes(20);
        provider.SetSiteDown("east", down: true);
        clock.Now = T0.AddHours(2);
        var east = await Status(provider, "east#0");
        Assert.Equal((TaskPhase.Failed, T0.AddMinutes(20)), (east.Phase, east.EndedAt));
        Assert.Equal(TaskPhase.Succeeded, (await Status(provider, "west#0")).Phase);
        Assert.Equal(["east"], (await provider.HealthAsync(default)).DownSites);
        Assert.Equal(TaskPhase.Failed, (await provider.SubmitAsync(Task("east#1"), default)).Phase);
        provider.SetSiteDown("east", down: false);
        Assert.Equal(TaskPhase.Running, (await provider.SubmitAsync(Task("east#2"), default)).Phase);
    }

    [Fact]
    public async Task Cancel_stops_a_running_task_once_and_unknown_ids_are_reported_unknown()
    {
        var clock = new Clock(T0);
        var provider = new SimulatedProvider(clock, Pools);
        await provider.SubmitAsync(Task("j#0"), default);
        clock.Now = T0.AddMinutes(5);
        Assert.True(await provider.CancelAsync("j#0", default));
        Assert.False(await provider.CancelAsync("j#0", default));
        Assert.Equal(TaskPhase.Cancelled, (await Status(provider, "j#0")).Phase);
        Assert.Equal(TaskPhase.Unknown, (await Status(provider, "nobody#0")).Phase);
        var log = await provider.LogsAsync("j#0", 0, 4096, default);
        Assert.True(log.Complete);
        Assert.Contains("cancelled", log.Text, StringComparison.Ordinal);
        Assert.Equal(log.NextOffset, (await provider.LogsAsync("j#0", log.NextOffset, 10, default)).Offset);
    }

    [Fact]
    public async Task Two_providers_given_the_same_calls_at_the_same_times_answer_the_same()
    {
        async Task<string> Run()
        {
            var clock = new Clock(T0);
            var provider = new SimulatedProvider(clock, Pools, speedUp: 7);
            for (var i = 0; i < 5; i++)
            {
                await provider.SubmitAsync(Task($"j{i}#0", pool: i % 2 == 0 ? "east/cpu" : "west/cpu", runtime: TimeSpan.FromMinutes(17 * (i + 1))), default);
                clock.Now += TimeSpan.FromMinutes(3);
            }
            provider.SetSiteDown("west", down: true);
            clock.Now += TimeSpan.FromMinutes(10);
            var reports = await provider.StatusAsync([.. Enumerable.Range(0, 5).Select(i => $"j{i}#0")], default);
            return string.Join("\n", reports);
        }
        Assert.Equal(await Run(), await Run());
    }

    [Fact]
    public async Task A_pool_it_does_not_run_is_refused()
    {
        var provider = new SimulatedProvider(new Clock(T0), Pools);
        await Assert.ThrowsAsync<ArgumentException>(() => provider.SubmitAsync(Task("j#0", pool: "north/gpu"), default));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimulatedProvider(new Clock(T0), Pools, speedUp: 0.5));
    }

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
