using Microsoft.Extensions.Logging;
using Suanwang.Providers.Adapters;
using Suanwang.Server.Store;

namespace Suanwang.Server.Scheduling;

public sealed partial class SchedulingLoop
{
    /// <summary>
    /// Hands every part of each job to its pool's adapter. A job counts as dispatched once all its parts
    /// were accepted; an adapter that throws is retried next cycle (submission is idempotent by task id).
    /// A running job re-submitted after a restart carries the time it started, for adapters that keep no state.
    /// </summary>
    private async Task DispatchAsync(IEnumerable<ActiveJob> jobs, Tally tally, CancellationToken cancel)
    {
        foreach (var active in jobs)
        {
            if (active.Placement is not { } placement || (active.Demand ?? Demand(active.Job).Demand) is not { } demand)
                continue; // fails in the next fold (unreadable placement) or cannot be described to a provider
            var accepted = 0;
            for (var i = 0; i < placement.Parts.Count; i++)
            {
                var part = placement.Parts[i];
                if (_providers.For(part.Pool) is not { } adapter)
                    break;
                var taskId = TaskId(active.Job.Id, placement, i);
                var request = new TaskRequest(taskId, active.Job.Id, active.Job.Tenant, part.Pool, part.Site, part.Tasks, part.Nodes,
                    part.TasksPerNode, demand.Resources, demand.Run, part.Start, part.Runtime,
                    active.Job.State == JobState.Running ? placement.StartedAt ?? active.Job.UpdatedAt : null, demand.Output?.Size);
                try
                {
                    if (Staging is not null && !demand.Inputs.IsEmpty)
                        request = request with { Inputs = await Staging.InputsAsync(active.Job.Tenant, demand.Inputs, placement, i, taskId, cancel).ConfigureAwait(false) };
                    await adapter.SubmitAsync(request, cancel).ConfigureAwait(false);
                    accepted++;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _logger.LogWarning(ex, "adapter {Adapter} did not accept task {Task}; retrying next cycle", adapter.Name, request.TaskId);
                    break;
                }
            }
            if (accepted == placement.Parts.Count && _dispatched.Add(active.Job.Id))
                tally.Dispatched++;
        }
    }

    /// <summary>Stops at their adapters the tasks of jobs this leader dispatched that left placed/running without it (cancelled).</summary>
    private async Task StopAbandonedAsync(List<ActiveJob> active, Tally tally, CancellationToken cancel)
    {
        var still = active.Select(a => a.Job.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var id in _dispatched.Where(id => !still.Contains(id)).ToArray())
        {
            _dispatched.Remove(id);
            if (PlacementJson.Read((await _store.FindJobAsync(id, cancel).ConfigureAwait(false))?.Placement) is not { } placement)
                continue;
            var stopped = false;
            for (var i = 0; i < placement.Parts.Count; i++)
                stopped |= await CancelTaskAsync(placement.Parts[i].Pool, TaskId(id, placement, i), cancel).ConfigureAwait(false);
            if (stopped)
                tally.Stopped++;
        }
    }

    private async Task<bool> CancelTaskAsync(string pool, string taskId, CancellationToken cancel)
    {
        if (_providers.For(pool) is not { } adapter)
            return false;
        try
        {
            return await adapter.CancelAsync(taskId, cancel).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning(ex, "adapter {Adapter} could not cancel task {Task}", adapter.Name, taskId);
            return false;
        }
    }

    /// <summary>
    /// Polls the adapters for every dispatched job's tasks (one call per adapter) and adds the state changes
    /// their reports imply. Returns the jobs that stop holding capacity (completed or failed).
    /// </summary>
    private async Task<HashSet<string>> FoldReportsAsync(List<ActiveJob> active, IReadOnlyList<string> downSites, List<Change> changes, CancellationToken cancel)
    {
        var leaving = new HashSet<string>(StringComparer.Ordinal);
        var down = downSites.ToHashSet(StringComparer.Ordinal);
        var asks = new Dictionary<IProviderAdapter, List<string>>(ReferenceEqualityComparer.Instance);
        var polled = new List<ActiveJob>();
        foreach (var job in active)
        {
            if (job.Placement is not { } placement)
            {
                changes.Add(Change.Fail(job.Job, "the stored placement cannot be read"));
                leaving.Add(job.Job.Id);
                continue;
            }
            if (placement.Parts.FirstOrDefault(p => down.Contains(p.Site)) is { } lost)
            {
                // Self-healing: work on a site that went down (its provider failed or its agent fell silent) goes back
                // to the queue and is placed again elsewhere as new tasks; the old ones are stopped at their adapter
                // next cycle (a provider that comes back kills its stale copy), and the ledger records the heal.
                changes.Add(new Change(new JobTransition(job.Job.Id, job.Job.Version, JobState.Pending, "healed",
                    $"re-queued: site '{lost.Site}' went down while the job was {ControlStore.StateName(job.Job.State)}; it restarts from the beginning elsewhere",
                    null), ChangeKind.Fold, job.Job, null, null));
                leaving.Add(job.Job.Id);
                continue;
            }
            if (placement.Parts.FirstOrDefault(p => _providers.For(p.Pool) is null) is { } orphan)
            {
                changes.Add(Change.Fail(job.Job, $"placed on pool {orphan.Pool}, which no provider adapter runs"));
                leaving.Add(job.Job.Id);
                continue;
            }
            if (!_dispatched.Contains(job.Job.Id))
                continue;
            polled.Add(job);
            for (var i = 0; i < placement.Parts.Count; i++)
            {
                var adapter = _providers.For(placement.Parts[i].Pool)!;
                if (!asks.TryGetValue(adapter, out var ids))
                    asks[adapter] = ids = [];
                ids.Add(TaskId(job.Job.Id, placement, i));
            }
        }
        var reports = new Dictionary<string, TaskReport>(StringComparer.Ordinal);
        foreach (var (adapter, ids) in asks)
        {
            try
            {
                foreach (var report in await adapter.StatusAsync(ids, cancel).ConfigureAwait(false))
                    reports[report.TaskId] = report;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogWarning(ex, "adapter {Adapter} did not report; its jobs keep their state until it does", adapter.Name);
            }
        }
        foreach (var job in polled)
        {
            var parts = Enumerable.Range(0, job.Placement!.Parts.Count).Select(i => reports.GetValueOrDefault(TaskId(job.Job.Id, job.Placement, i))).ToArray();
            if (parts.Any(r => r is null))
                continue;
            var (state, reason) = TaskFold.Fold(parts!, job.Placement.Parts);
            if (state == JobState.Failed)
            {
                for (var i = 0; i < parts.Length; i++)
                {
                    if (!parts[i]!.IsFinal && parts[i]!.Phase != TaskPhase.Unknown)
                        await CancelTaskAsync(job.Placement.Parts[i].Pool, parts[i]!.TaskId, cancel).ConfigureAwait(false);
                }
            }
            var started = parts.Select(r => r!.StartedAt).Where(t => t is not null).Min();
            var startedPlacement = job.Job.State == JobState.Placed && started is { } at ? job.Placement with { StartedAt = at } : null;
            var json = startedPlacement is null ? null : PlacementJson.Write(startedPlacement);
            foreach (var transition in TaskFold.Transitions(job.Job, state, reason, json))
                changes.Add(new Change(transition, ChangeKind.Fold, job.Job, startedPlacement, null));
            if (state is JobState.Completed or JobState.Failed)
                leaving.Add(job.Job.Id);
        }
        return leaving;
    }

    /// <summary>Sites the adapters report down (an adapter that does not answer reports none).</summary>
    private async Task<IReadOnlyList<string>> DownSitesAsync(CancellationToken cancel)
    {
        var down = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var adapter in _providers.Adapters)
        {
            try
            {
                down.UnionWith((await adapter.HealthAsync(cancel).ConfigureAwait(false)).DownSites);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogWarning(ex, "adapter {Adapter} did not report its health", adapter.Name);
            }
        }
        return [.. down];
    }
}
