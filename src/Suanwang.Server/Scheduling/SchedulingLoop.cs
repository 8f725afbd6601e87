using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Suanwang.Core.Model;
using Suanwang.Core.Specs;
using Suanwang.Server.Store;

namespace Suanwang.Server.Scheduling;

/// <summary>
/// The control plane's scheduling loop (docs/control-plane.md, Scheduling loop). Each cycle: hold the
/// leader lease <see cref="LeaseName"/> (only its holder schedules), fold the adapters' reports into the
/// jobs they run, take a snapshot (world + what placed and running jobs hold), call the Core scheduler on
/// the pending jobs, apply what starts now with optimistic concurrency on job versions, and hand the new
/// placements to the adapters of their pools. Cycles run on a timer of the injected clock, or sooner
/// after <see cref="Trigger"/>; <see cref="RunCycleAsync"/> runs exactly one (tests drive it that way).
/// </summary>
public sealed partial class SchedulingLoop : BackgroundService
{
    /// <summary>The name of the leader lease in the store.</summary>
    public const string LeaseName = "scheduler";

    private readonly ControlStore _store;
    private readonly ServerWorld _world;
    private readonly ProviderDirectory _providers;
    private readonly TimeProvider _clock;
    private readonly ServerMetrics _metrics;
    private readonly SchedulingLoopOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _cycleGate = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0, 1);
    // Jobs whose every task was handed to its adapter during this term as leader. Cleared when the lease is
    // lost or taken, so a new leader (or this one after a restart) re-submits what the store says is placed
    // or running — harmless, since adapters make submission idempotent by task id.
    private readonly HashSet<string> _dispatched = new(StringComparer.Ordinal);
    // Pending jobs' specs parsed once: a spec never changes after submission.
    private readonly Dictionary<string, (JobDemand? Demand, string? Error)> _demands = new(StringComparer.Ordinal);
    // Placed and running jobs' placements parsed once per job version: reading thousands of them every cycle would dominate it.
    private readonly Dictionary<string, (long Version, PlacementDocument? Placement)> _placements = new(StringComparer.Ordinal);
    private long _cycles;

    /// <summary>Creates the loop; it runs once the host starts it, or cycle by cycle through <see cref="RunCycleAsync"/>.</summary>
    public SchedulingLoop(ControlStore store, ServerWorld world, ProviderDirectory providers, TimeProvider clock, ServerMetrics metrics,
        SchedulingLoopOptions options, ILogger<SchedulingLoop> logger, Registry? registry = null, Agents.AgentAdapter? agents = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(providers);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _world = world;
        _providers = providers;
        _clock = clock;
        _metrics = metrics;
        _options = options;
        _logger = logger;
        _registry = registry;
        _agents = agents;
    }

    private readonly Registry? _registry;
    private readonly Agents.AgentAdapter? _agents;

    /// <summary>Builds tasks' staging inputs; null in hosts without agents (tasks then carry no inputs).</summary>
    internal TaskStaging? Staging { get; set; }

    /// <summary>Whether this replica held the lease in its last cycle.</summary>
    public bool IsLeader { get; private set; }

    /// <summary>Runs after planning and before the plan is applied (tests use it to change jobs in between).</summary>
    internal Func<CancellationToken, Task>? BeforeApply { get; set; }

    /// <summary>This replica's name in the lease.</summary>
    public string Holder => _options.Holder;

    /// <summary>Asks for a cycle now instead of at the next tick (e.g. after a submission). Never blocks.</summary>
    public void Trigger()
    {
        try
        {
            if (_wake.CurrentCount == 0)
                _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Another trigger got there first: one wake-up is enough.
        }
    }

    /// <summary>Runs exactly one cycle (cycles never overlap) and says what it did.</summary>
    public async Task<CycleReport> RunCycleAsync(CancellationToken cancel)
    {
        await _cycleGate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            return await CycleAsync(cancel).ConfigureAwait(false);
        }
        finally
        {
            _cycleGate.Release();
        }
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var report = await RunCycleAsync(stoppingToken).ConfigureAwait(false);
                if (report.Placed + report.Completed + report.Failed > 0)
                    _logger.LogInformation("scheduling cycle: {Placed} placed, {Refused} refused, {Completed} completed, {Failed} failed, {Pending} were pending",
                        report.Placed, report.Refused, report.Completed, report.Failed, report.Pending);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is StoreException or System.Data.Common.DbException or InvalidOperationException or IOException)
            {
                // The store or an adapter failed: nothing half-applied survives (transitions commit together), so try again next tick.
                _logger.LogWarning(ex, "scheduling cycle failed; retrying at the next tick");
            }
            await WaitForNextCycleAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the loop and gives up the lease, so another replica takes over at once instead of after it expires.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (IsLeader)
        {
            IsLeader = false;
            try
            {
                await _store.ReleaseLeaseAsync(LeaseName, Holder, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is StoreException or System.Data.Common.DbException or ObjectDisposedException)
            {
                _logger.LogWarning(ex, "could not release the scheduler lease; it expires by itself");
            }
        }
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _cycleGate.Dispose();
        _wake.Dispose();
        base.Dispose();
    }

    private async Task WaitForNextCycleAsync(CancellationToken stoppingToken)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var tick = Task.Delay(_options.Interval, _clock, either.Token);
        var wake = _wake.WaitAsync(either.Token);
        await Task.WhenAny(tick, wake).ConfigureAwait(false);
        await either.CancelAsync().ConfigureAwait(false);
    }

    private async Task<CycleReport> CycleAsync(CancellationToken cancel)
    {
        var start = _clock.GetUtcNow();
        // The store dates the lease by its own clock at least as late as `start`, so the lease lasts at least until here.
        var leaseUntil = start + _options.LeaseDuration;
        if (!await _store.TryAcquireLeaseAsync(LeaseName, Holder, _options.LeaseDuration, cancel).ConfigureAwait(false))
        {
            StepDown("another replica holds the scheduler lease");
            await RefreshGaugesAsync(null, cancel).ConfigureAwait(false);
            return CycleReport.Follower;
        }
        if (!IsLeader)
        {
            IsLeader = true;
            _dispatched.Clear();
            _logger.LogInformation("{Holder} holds the scheduler lease and schedules", Holder);
        }
        var tally = new Tally();
        var active = await ActiveJobsAsync(cancel).ConfigureAwait(false);
        var pending = await ReadJobsAsync(JobState.Pending, _options.MaxPendingPerCycle, cancel).ConfigureAwait(false);
        tally.Pending = pending.Count;
        await StopAbandonedAsync(active, tally, cancel).ConfigureAwait(false);
        await DispatchAsync(active.Where(a => !_dispatched.Contains(a.Job.Id)), tally, cancel).ConfigureAwait(false);
        var changes = new List<Change>();
        var downSites = await DownSitesAsync(cancel).ConfigureAwait(false);
        if (_registry is not null)
            downSites = [.. downSites.Union(await _registry.DownSitesAsync(cancel).ConfigureAwait(false)).Order(StringComparer.Ordinal)];
        if (_registry is not null && _agents is not null)
        {
            // After a restart, pools that agents run (access: agent) belong to the agent adapter before their agents
            // pull again, so their running work waits for its agent (or heals once the agent stays silent past the
            // heartbeat timeout) instead of failing as unrun; this needs the registered sites before the fold.
            _world.UseRegistry(await _registry.DatasetsAsync(cancel).ConfigureAwait(false), await _registry.SitesAsync(cancel).ConfigureAwait(false));
            _agents.Expect(_world.Topology.Pools.Where(p => p.Access == Core.Model.AccessMode.Agent));
        }
        var leaving = await FoldReportsAsync(active, downSites, changes, cancel).ConfigureAwait(false);
        var holding = active.Where(a => a.Placement is not null && !leaving.Contains(a.Job.Id)).ToList();
        if (_registry is not null)
        {
            // What providers and tenants registered through the API: datasets, and sites whose pools all report down.
            _world.UseRegistry(await _registry.DatasetsAsync(cancel).ConfigureAwait(false), await _registry.SitesAsync(cancel).ConfigureAwait(false));
            // A site with a pool no adapter runs cannot take work yet (its provider's adapter has not attached): down for planning.
            var unattached = _world.Topology.Sites.Where(site => site.Pools.Any(pool => _providers.For(pool.Id) is null)).Select(site => site.Id);
            downSites = [.. downSites.Union(unattached).Order(StringComparer.Ordinal)];
        }
        PlanAndDecide(holding, pending, downSites, start, changes, tally);
        if (_clock.GetUtcNow() >= leaseUntil)
        {
            // This cycle outlived the lease: another replica may lead now, so apply nothing (versions would refuse doubles anyway).
            StepDown("the cycle outlived the scheduler lease");
            return CycleReport.Follower;
        }
        if (BeforeApply is { } hook)
            await hook(cancel).ConfigureAwait(false);
        var results = changes.Count == 0 ? [] : await _store.TransitionAsync([.. changes.Select(c => c.Transition)], cancel).ConfigureAwait(false);
        var placed = Conclude(changes, results, tally);
        await DispatchAsync(placed, tally, cancel).ConfigureAwait(false);
        await RefreshGaugesAsync(tally, cancel).ConfigureAwait(false);
        return tally.Report();
    }

    private void StepDown(string why)
    {
        if (!IsLeader)
            return;
        IsLeader = false;
        _dispatched.Clear();
        _demands.Clear();
        _logger.LogWarning("{Holder} stops scheduling: {Why}", Holder, why);
    }

    private async Task RefreshGaugesAsync(Tally? tally, CancellationToken cancel)
    {
        var counts = await _store.CountJobsByStateAsync(cancel).ConfigureAwait(false);
        foreach (var (state, count) in counts)
            _metrics.JobsByState.WithLabels(ControlStore.StateName(state)).Set(count);
        _metrics.QueueDepth.Set(counts.GetValueOrDefault(JobState.Pending));
        if (tally is not null)
            _metrics.Decisions.Inc(tally.Placed);
    }

    private (JobDemand? Demand, string? Error) Demand(JobRecord job)
    {
        if (_demands.TryGetValue(job.Id, out var known))
            return known;
        var read = JobSpecReader.Read(job.Spec, "job.json");
        // Datasets live in their tenant's namespace ("tenant/id" in the world), so a job's inputs are its tenant's datasets.
        var parsed = read.IsValid && read.Jobs.Length == 1
            ? (read.Jobs[0].Demand with { Inputs = [.. read.Jobs[0].Demand.Inputs.Select(input => Registry.QualifiedDataset(job.Tenant, input))] }, (string?)null)
            : ((JobDemand?)null, $"the stored spec cannot be read: {string.Join("; ", read.Errors.Select(e => e.ToString()))}");
        if (job.State == JobState.Pending)
            _demands[job.Id] = parsed;
        return parsed;
    }
}
