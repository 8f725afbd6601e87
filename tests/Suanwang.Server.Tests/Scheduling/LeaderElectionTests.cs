using Suanwang.Server.Store;

namespace Suanwang.Server.Tests.Scheduling;

/// <summary>
/// Two control-plane replicas (two <see cref="ControlStore"/>s, two loops, two simulated providers) on one
/// real PostgreSQL database: exactly one schedules; when it dies the other takes over after the lease
/// expires, adopts what the dead one placed and places nothing twice.
/// </summary>
[Collection(PostgresGroup.Name)]
public sealed class LeaderElectionTests(PostgresServer server) : IAsyncLifetime
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
    private readonly List<Replica> _replicas = [];
    private StoreLocation _location = new(StoreKind.Postgres, "");

    public async Task InitializeAsync() => _location = new(StoreKind.Postgres, await server.NewDatabaseAsync());

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas)
            await replica.DisposeAsync();
    }

    private async Task<Replica> StartAsync(string holder)
    {
        var replica = await Replica.StartAsync(_location, _clock, holder);
        _replicas.Add(replica);
        return replica;
    }

    [Fact]
    public async Task Two_replicas_give_one_scheduler_and_the_survivor_takes_over_without_placing_anything_twice()
    {
        var a = await StartAsync("replica-a");
        var b = await StartAsync("replica-b");
        var first = await a.SubmitAsync([.. Enumerable.Range(0, 20).Select(i => Replica.Spec($"first-{i}", duration: "10h"))]);

        // Both replicas run their cycles at the same moments: in every round exactly one holds the lease, always the same one.
        var leaders = new List<Replica>();
        for (var round = 0; round < 3; round++)
        {
            var reports = await Task.WhenAll(a.CycleAsync(), b.CycleAsync());
            Assert.Single(reports, r => r.Leader);
            leaders.Add(reports[0].Leader ? a : b);
            _clock.Advance(Replica.Interval);
        }
        Assert.Single(leaders.Distinct());
        var leader = leaders[0];
        var survivor = leader == a ? b : a;
        Assert.Equal(20, leader.Provider.Submissions);
        Assert.Equal(0, survivor.Provider.Submissions);
        Assert.All(first, j => Assert.Equal(JobState.Running, survivor.JobAsync(j.Id).Result.State));

        // The leader dies without giving up its lease; more work arrives through the survivor.
        _replicas.Remove(leader);
        await leader.DisposeAsync();
        var second = await survivor.SubmitAsync([.. Enumerable.Range(0, 5).Select(i => Replica.Spec($"second-{i}", duration: "10h"))]);
        Assert.False((await survivor.CycleAsync()).Leader); // the lease (renewed at the last round) has not expired
        _clock.Advance(Replica.Lease);
        var takeover = await survivor.CycleAsync();
        Assert.True(takeover.Leader);
        Assert.Equal(5, takeover.Placed);        // only the new jobs are placed ...
        Assert.Equal(25, takeover.Dispatched);   // ... the dead leader's 20 are adopted
        Assert.Equal(25, survivor.Provider.Submissions);
        foreach (var job in first.Concat(second))
            Assert.Single(await survivor.EventTypesAsync(job.Id), "placed");
    }
}
