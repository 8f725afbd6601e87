using Microsoft.Extensions.Logging.Abstractions;
using Suanwang.Core.Measurement;
using Suanwang.Providers.Adapters;
using Suanwang.Server.Scheduling;
using Suanwang.Server.Store;

namespace Suanwang.Server.Tests.Scheduling;

/// <summary>One replica of the control plane for loop tests: a store, a simulated provider running every pool of the preset, and a loop.</summary>
internal sealed class Replica : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);

    private static readonly Lazy<ServerWorld> China = new(() => ServerWorld.FromPreset("china-national", DeviceCatalog.LoadEmbedded()));

    private Replica(ControlStore store, SimulatedProvider provider, SchedulingLoop loop)
    {
        Store = store;
        Provider = provider;
        Loop = loop;
    }

    public static ServerWorld World => China.Value;

    public ControlStore Store { get; }

    public SimulatedProvider Provider { get; }

    public SchedulingLoop Loop { get; }

    public static async Task<Replica> StartAsync(StoreLocation location, TimeProvider clock, string holder, TimeSpan? interval = null)
    {
        var store = await ControlStore.OpenAsync(location, clock, default);
        var provider = new SimulatedProvider(clock, World.Topology.Pools);
        var providers = new ProviderDirectory().Add(provider, World.Topology.Pools.Select(p => p.Id));
        var options = new SchedulingLoopOptions { Holder = holder, Interval = interval ?? Interval, LeaseDuration = Lease };
        var loop = new SchedulingLoop(store, World, providers, clock, new ServerMetrics(), options, NullLogger<SchedulingLoop>.Instance);
        return new Replica(store, provider, loop);
    }

    public Task<CycleReport> CycleAsync() => Loop.RunCycleAsync(default);

    public async Task<IReadOnlyList<JobRecord>> SubmitAsync(params string[] specs) =>
        await Store.SubmitAsync([.. specs.Select((spec, i) => new NewJob("acme", $"job-{i}", "normal", spec, null))], default);

    public async Task<JobRecord> JobAsync(string id) => (await Store.FindJobAsync(id, default))!;

    public async Task<string[]> EventTypesAsync(string id) => [.. (await Store.EventsAsync(id, 0, 100, default)).Select(e => e.Type)];

    /// <summary>A crash: the loop and the store go away without giving up the lease.</summary>
    public async ValueTask DisposeAsync()
    {
        Loop.Dispose();
        await Store.DisposeAsync();
    }

    public static string Spec(string name, int cpu = 2, string duration = "30m") =>
        $$"""{"apiVersion":"suanwang/v1","kind":"Job","name":"{{name}}","resources":{"cpu":{{cpu}},"memory":"4GiB"},"duration":"{{duration}}"}""";
}
