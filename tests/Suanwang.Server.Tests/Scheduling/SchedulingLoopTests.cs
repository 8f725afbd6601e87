using System.Text.Json;
using Suanwang.Providers.Adapters;
using Suanwang.Server.Store;

namespace Suanwang.Server.Tests.Scheduling;

/// <summary>The scheduling loop on a real SQLite store, driven cycle by cycle with a manual clock.</summary>
public sealed class SchedulingLoopTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"suanwang-loop-{Guid.NewGuid():N}");
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
    private readonly List<Replica> _replicas = [];

    private StoreLocation Location => new(StoreKind.Sqlite, Path.Combine(_directory, "state.db"));

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas)
            await replica.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<Replica> StartAsync(string holder = "replica-a", TimeSpan? interval = null)
    {
        var replica = await Replica.StartAsync(Location, _clock, holder, interval);
        _replicas.Add(replica);
        return replica;
    }

    [Fact]
    public async Task Submitted_jobs_are_placed_on_a_pool_of_the_preset_then_run_and_complete()
    {
        var server = await StartAsync();
        var jobs = await server.SubmitAsync(Replica.Spec("a"), Replica.Spec("b"), Replica.Spec("c"));

        var first = await server.CycleAsync();
        Assert.True(first.Leader);
        Assert.Equal((3, 3, 0), (first.Pending, first.Placed, first.Refused));
        Assert.Equal(3, first.Dispatched);
        var runtimes = new List<TimeSpan>();
        foreach (var job in jobs)
        {
            var placed = await server.JobAsync(job.Id);
            Assert.Equal(JobState.Placed, placed.State);
            using var placement = JsonDocument.Parse(placed.Placement!);
            var root = placement.RootElement;
            var pool = Replica.World.Topology.FindPool(root.GetProperty("pool").GetString()!);
            Assert.NotNull(pool); // a real pool of china-national
            Assert.Equal(pool.SiteId, root.GetProperty("site").GetString());
            Assert.Equal(_clock.GetUtcNow(), root.GetProperty("start").GetDateTimeOffset()); // free capacity: starts now
            Assert.Equal("network-aware", root.GetProperty("policy").GetString());
            // The explanation names every pool of the preset, each rejected or scored.
            var candidates = root.GetProperty("candidates").EnumerateArray().ToArray();
            Assert.Equal(Replica.World.Topology.Pools.Count(), candidates.Length);
            Assert.Contains(candidates, c => c.GetProperty("pool").GetString() == pool.Id && c.GetProperty("score").ValueKind == JsonValueKind.Object);
            runtimes.Add(TimeSpan.FromSeconds(root.GetProperty("runtime_seconds").GetDouble()));
        }
        Assert.Equal(3, server.Provider.Submissions);

        _clock.Advance(TimeSpan.FromSeconds(1));
        var second = await server.CycleAsync();
        Assert.Equal((3, 0, 0), (second.Started, second.Completed, second.Placed));
        Assert.All(jobs, j => Assert.Equal(JobState.Running, server.JobAsync(j.Id).Result.State));

        _clock.Advance(runtimes.Max());
        var third = await server.CycleAsync();
        Assert.Equal(3, third.Completed);
        foreach (var job in jobs)
        {
            Assert.Equal(JobState.Completed, (await server.JobAsync(job.Id)).State);
            Assert.Equal(["submitted", "placed", "running", "completed"], await server.EventTypesAsync(job.Id));
        }
        Assert.Equal(3, server.Provider.Submissions); // nothing was handed over twice
    }

    [Fact]
    public async Task A_job_cancelled_between_plan_and_apply_is_refused_and_never_dispatched()
    {
        var server = await StartAsync();
        var jobs = await server.SubmitAsync(Replica.Spec("keep"), Replica.Spec("cancel-me"));
        server.Loop.BeforeApply = async cancel => await server.Store.CancelJobAsync(jobs[1].Id, null, "changed my mind", cancel);

        var report = await server.CycleAsync();
        Assert.Equal((1, 1, 1), (report.Placed, report.Refused, report.Dispatched));
        Assert.Equal(JobState.Cancelled, (await server.JobAsync(jobs[1].Id)).State);
        Assert.Null((await server.JobAsync(jobs[1].Id)).Placement);
        Assert.Equal(1, server.Provider.Submissions); // only the job that was not cancelled
        var unknown = await server.Provider.StatusAsync([jobs[1].Id + "#0"], default);
        Assert.Equal(TaskPhase.Unknown, unknown[0].Phase);
    }

    [Fact]
    public async Task A_job_cancelled_while_running_is_stopped_at_its_provider()
    {
        var server = await StartAsync();
        var job = (await server.SubmitAsync(Replica.Spec("long", duration: "10h")))[0];
        await server.CycleAsync();
        _clock.Advance(TimeSpan.FromMinutes(1));
        await server.CycleAsync();
        Assert.Equal(JobState.Running, (await server.JobAsync(job.Id)).State);

        await server.Store.CancelJobAsync(job.Id, null, "no longer needed", default);
        var report = await server.CycleAsync();
        Assert.Equal(1, report.Stopped);
        Assert.Equal(TaskPhase.Cancelled, (await server.Provider.StatusAsync([job.Id + "#0"], default))[0].Phase);
        Assert.Equal(JobState.Cancelled, (await server.JobAsync(job.Id)).State);
    }

    [Fact]
    public async Task An_unschedulable_job_stays_pending_with_its_reason_written_once()
    {
        var server = await StartAsync();
        // No node of china-national has 4096 cores, so no pool can ever run one task of this job.
        var job = (await server.SubmitAsync(Replica.Spec("huge", cpu: 4096)))[0];
        var report = await server.CycleAsync();
        Assert.Equal((0, 1), (report.Placed, report.Unschedulable));
        var after = await server.JobAsync(job.Id);
        Assert.Equal(JobState.Pending, after.State);
        Assert.StartsWith("unschedulable: ", after.Reason, StringComparison.Ordinal);

        _clock.Advance(TimeSpan.FromSeconds(1));
        await server.CycleAsync();
        Assert.Equal(after.Version, (await server.JobAsync(job.Id)).Version); // same reason: not rewritten
        Assert.Equal(0, server.Provider.Submissions);
    }

    [Fact]
    public async Task A_site_going_down_requeues_its_jobs_which_run_again_elsewhere_and_later_jobs_avoid_it()
    {
        var server = await StartAsync();
        var job = (await server.SubmitAsync(Replica.Spec("victim", duration: "10h")))[0];
        await server.CycleAsync();
        var site = JsonDocument.Parse((await server.JobAsync(job.Id)).Placement!).RootElement.GetProperty("site").GetString()!;

        _clock.Advance(TimeSpan.FromMinutes(1));
        server.Provider.SetSiteDown(site, down: true);
        var next = (await server.SubmitAsync(Replica.Spec("after")))[0];
        var report = await server.CycleAsync();
        Assert.Equal((0, 1), (report.Failed, report.Placed));
        var requeued = await server.JobAsync(job.Id);
        Assert.Equal(JobState.Pending, requeued.State);
        Assert.Contains($"re-queued: site '{site}' went down", requeued.Reason, StringComparison.Ordinal);
        // The network-aware policy put both identical jobs on the same site before; now that site is down.
        Assert.NotEqual(site, JsonDocument.Parse((await server.JobAsync(next.Id)).Placement!).RootElement.GetProperty("site").GetString());

        await server.CycleAsync(); // placed again, elsewhere, as new tasks (attempt 2)
        _clock.Advance(TimeSpan.FromSeconds(1));
        await server.CycleAsync();
        var healed = await server.JobAsync(job.Id);
        Assert.Contains(healed.State, new[] { JobState.Placed, JobState.Running });
        var placement = JsonDocument.Parse(healed.Placement!).RootElement;
        Assert.NotEqual(site, placement.GetProperty("site").GetString());
        Assert.Equal(2, placement.GetProperty("attempt").GetInt32());
        var events = await server.Store.EventsAsync(job.Id, 0, 100, default);
        Assert.Contains(events, e => e.Type == "healed");
        Assert.Equal(2, events.Count(e => e.Type == "placed"));
    }

    [Fact]
    public async Task After_a_crash_placed_and_running_jobs_are_adopted_not_placed_again_and_finish_on_time()
    {
        var before = await StartAsync("replica-a");
        var jobs = await before.SubmitAsync(Replica.Spec("a"), Replica.Spec("b"));
        await before.CycleAsync();
        _clock.Advance(TimeSpan.FromSeconds(1));
        await before.CycleAsync(); // both running now
        var placements = await Task.WhenAll(jobs.Select(j => before.JobAsync(j.Id)));
        var completion = placements.Max(j => JsonDocument.Parse(j.Placement!).RootElement.GetProperty("completion").GetDateTimeOffset());
        var late = (await before.SubmitAsync(Replica.Spec("late")))[0];
        _replicas.Remove(before);
        await before.DisposeAsync(); // crash: the lease is not released

        var after = await StartAsync("replica-b");
        Assert.False((await after.CycleAsync()).Leader); // the dead replica's lease still holds
        _clock.Advance(Replica.Lease + TimeSpan.FromSeconds(1)); // past the expiry of the last renewal, made one second in
        var takeover = await after.CycleAsync();
        Assert.True(takeover.Leader);
        Assert.Equal((2, 1), (takeover.Dispatched - takeover.Placed, takeover.Placed)); // two adopted, only the new job placed
        Assert.All(jobs, j => Assert.Equal(JobState.Running, after.JobAsync(j.Id).Result.State));

        // The adopted jobs resume from the start the store recorded, so they end exactly when planned; the late job started 12 s later.
        _clock.Advance(completion - _clock.GetUtcNow() - TimeSpan.FromTicks(1));
        Assert.Equal(0, (await after.CycleAsync()).Completed);
        _clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(2, (await after.CycleAsync()).Completed);
        Assert.All(jobs, j => Assert.Equal(JobState.Completed, after.JobAsync(j.Id).Result.State));
        Assert.Equal(JobState.Running, (await after.JobAsync(late.Id)).State);
        foreach (var job in jobs.Append(late))
            Assert.Single(await after.EventTypesAsync(job.Id), "placed");
    }

    [Fact]
    public async Task As_a_hosted_service_a_trigger_runs_a_cycle_at_once_and_stopping_hands_the_lease_over()
    {
        // Cycles an hour apart: only the first cycle at start and the trigger can place anything within this test.
        var server = await StartAsync("replica-a", TimeSpan.FromHours(1));
        await server.Loop.StartAsync(default);
        await WaitForAsync(async () => server.Loop.IsLeader);
        var job = (await server.SubmitAsync(Replica.Spec("triggered")))[0];
        server.Loop.Trigger();
        await WaitForAsync(async () => (await server.JobAsync(job.Id)).State == JobState.Placed);
        await server.Loop.StopAsync(default);
        Assert.False(server.Loop.IsLeader);

        // The lease was released, so another replica leads at once, without waiting for it to expire.
        var other = await StartAsync("replica-b");
        Assert.True((await other.CycleAsync()).Leader);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not become true within 20 s");
            await Task.Delay(20);
        }
    }
}
