using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Scheduling;
using Suanwang.Server.Store;

namespace Suanwang.Server.Scheduling;

public sealed partial class SchedulingLoop
{
    /// <summary>
    /// Sites with a pool that real machines run (an agent, a Slurm or Kubernetes cluster): a job without a command is
    /// simulated work that only the simulated provider can run, so it must not be placed there.
    /// </summary>
    private EquatableArray<string> RealSites() =>
        [.. _world.Topology.Sites.Where(site => site.Pools.Any(pool => pool.Access != AccessMode.Simulated
                || _providers.For(pool.Id) is { } adapter && adapter is not Suanwang.Providers.Adapters.SimulatedProvider))
            .Select(site => site.Id).Order(StringComparer.Ordinal)];

    // The job's own exclusions plus the sites of real machines (its explanation then shows those sites as excluded).
    private static JobDemand OnlySimulated(JobDemand demand, EquatableArray<string> realSites) =>
        realSites.IsEmpty ? demand
            : demand with { Placement = demand.Placement with { Avoid = [.. demand.Placement.Avoid.Union(realSites, StringComparer.Ordinal)] } };

    /// <summary>Plans the pending jobs on a snapshot of the world plus what <paramref name="holding"/> holds, and adds the resulting changes.</summary>
    private void PlanAndDecide(List<ActiveJob> holding, List<JobRecord> pendingJobs, IReadOnlyList<string> downSites, DateTimeOffset now,
        List<Change> changes, Tally tally)
    {
        var byId = new Dictionary<string, (JobRecord Job, JobDemand Demand)>(StringComparer.Ordinal);
        var queue = new List<PendingJob>(pendingJobs.Count);
        EquatableArray<string>? realSites = null;
        foreach (var job in pendingJobs)
        {
            var (demand, error) = Demand(job);
            if (demand is null)
            {
                changes.Add(Change.Fail(job, error ?? "the stored spec cannot be read"));
                continue;
            }
            byId[job.Id] = (job, demand);
            queue.Add(new PendingJob(job.Id, job.Tenant, demand.Run is null ? OnlySimulated(demand, realSites ??= RealSites()) : demand, job.SubmittedAt));
        }
        foreach (var gone in _demands.Keys.Where(id => !byId.ContainsKey(id)).ToArray())
            _demands.Remove(gone);
        if (queue.Count == 0)
            return;

        var calendar = new ReservationCalendar(_world.Topology.Network);
        var running = new List<RunningAllocation>();
        foreach (var active in holding)
        {
            foreach (var part in active.Placement!.Parts)
            {
                // Nodes are held until the estimated end, or for as long as the job still runs past it.
                var end = part.Start + part.Runtime;
                running.Add(new RunningAllocation(active.Job.Id, active.Job.Tenant, part.Pool, part.Nodes, part.Start, end > now ? end : now.AddTicks(1)));
            }
            PlacementJson.ReserveTransfers(active.Placement, calendar, now);
        }
        var snapshot = _world.Snapshot(running, calendar, downSites, ++_cycles);
        var plan = Scheduler.Plan(snapshot, queue, now, _options.Policy);
        var horizon = now + _options.Interval;
        foreach (var decision in plan.Decisions)
        {
            var (job, demand) = byId[decision.JobId];
            switch (decision.Kind)
            {
                case DecisionKind.Placed when decision.Placement is { } placement && StartsBy(placement, horizon):
                    if (placement.Parts.FirstOrDefault(p => _providers.For(p.PoolId) is null) is { } orphan)
                    {
                        changes.Add(Change.Fail(job, $"placed on pool {orphan.PoolId}, which no provider adapter runs"));
                        break;
                    }
                    // A job re-queued off a failed site keeps its last placement until placed again: count the attempt on.
                    var attempt = (PlacementJson.Read(job.Placement)?.Attempt ?? 0) + 1;
                    var json = PlacementJson.Write(decision, plan.Policy, now, _world.Topology.Network.Links, attempt);
                    changes.Add(new Change(new JobTransition(job.Id, job.Version, JobState.Placed, "placed", decision.Reason, json),
                        ChangeKind.Place, job, PlacementJson.Read(json), demand));
                    break;
                case DecisionKind.Placed:
                    tally.Waiting++;
                    Note(changes, job, "waiting", $"waiting: the best placement, on pool {decision.Placement!.PoolId}, starts after this cycle");
                    break;
                case DecisionKind.Waiting:
                    tally.Waiting++;
                    Note(changes, job, "waiting", "waiting: " + decision.Reason);
                    break;
                default:
                    tally.Unschedulable++;
                    Note(changes, job, "unschedulable", "unschedulable: " + decision.Reason);
                    break;
            }
        }
    }

    /// <summary>
    /// Applied now when it starts within this cycle, or when its staging starts within it (the data must
    /// start moving now to be there at the planned start, as in the simulator).
    /// </summary>
    private static bool StartsBy(Placement placement, DateTimeOffset horizon) =>
        placement.Start <= horizon || placement.Transfers.Any(t => t.Interval.Start <= horizon);

    /// <summary>Records why a pending job stays pending — only when the reason changed, so a long queue does not rewrite itself every cycle.</summary>
    private static void Note(List<Change> changes, JobRecord job, string eventType, string reason)
    {
        if (job.Reason != reason)
            changes.Add(new Change(new JobTransition(job.Id, job.Version, JobState.Pending, eventType, reason, null), ChangeKind.Note, job, null, null));
    }

    /// <summary>Counts what the store accepted and returns the newly placed jobs, to dispatch.</summary>
    private List<ActiveJob> Conclude(List<Change> changes, IReadOnlyList<JobRecord?> results, Tally tally)
    {
        var placed = new List<ActiveJob>();
        for (var i = 0; i < changes.Count; i++)
        {
            var (change, result) = (changes[i], results[i]);
            if (result is null)
            {
                if (change.Kind == ChangeKind.Place)
                    tally.Refused++; // changed since read (cancelled meanwhile): never dispatched
                continue;
            }
            switch (change.Kind)
            {
                case ChangeKind.Place:
                    tally.Placed++;
                    _metrics.PlacementLatency.Observe(Math.Max(0, (result.UpdatedAt - result.SubmittedAt).TotalSeconds));
                    placed.Add(new ActiveJob(result, change.Placement, change.Demand));
                    _placements[result.Id] = (result.Version, change.Placement);
                    break;
                case ChangeKind.Fold when result.State == JobState.Running:
                    tally.Started++;
                    if (change.Placement is not null)
                        _placements[result.Id] = (result.Version, change.Placement);
                    break;
                case ChangeKind.Fold when result.State == JobState.Completed:
                    tally.Completed++;
                    _dispatched.Remove(result.Id);
                    break;
                case ChangeKind.Fold when result.State == JobState.Failed:
                    tally.Failed++;
                    _dispatched.Remove(result.Id);
                    break;
            }
        }
        return placed;
    }

    /// <summary>Jobs in one state by id, at most <paramref name="limit"/>.</summary>
    private async Task<List<JobRecord>> ReadJobsAsync(JobState state, int limit, CancellationToken cancel)
    {
        var jobs = new List<JobRecord>();
        string? after = null;
        do
        {
            var page = await _store.ListJobsAsync(new JobQuery(null, state, after, Math.Min(1000, limit - jobs.Count)), cancel).ConfigureAwait(false);
            jobs.AddRange(page.Jobs);
            after = page.Next;
        }
        while (after is not null && jobs.Count < limit);
        return jobs;
    }

    /// <summary>Placed and running jobs with their placements.</summary>
    private async Task<List<ActiveJob>> ActiveJobsAsync(CancellationToken cancel)
    {
        var placed = await ReadJobsAsync(JobState.Placed, int.MaxValue, cancel).ConfigureAwait(false);
        var running = await ReadJobsAsync(JobState.Running, int.MaxValue, cancel).ConfigureAwait(false);
        var active = placed.Concat(running).Select(j => new ActiveJob(j, Placement(j), null)).ToList();
        var ids = active.Select(a => a.Job.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _placements.Keys.Where(id => !ids.Contains(id)).ToArray())
            _placements.Remove(gone);
        return active;
    }

    /// <summary>The job's stored placement, parsed once per job version (it changes only when the job starts running).</summary>
    private PlacementDocument? Placement(JobRecord job)
    {
        if (_placements.TryGetValue(job.Id, out var known) && known.Version == job.Version)
            return known.Placement;
        var placement = PlacementJson.Read(job.Placement);
        _placements[job.Id] = (job.Version, placement);
        return placement;
    }

    /// <summary>
    /// The adapter task id of part <paramref name="part"/> of a job's placement: <c>job#part</c> for the first
    /// attempt, <c>job#part@n</c> for the n-th (a job re-queued off a failed site runs as new tasks, since
    /// adapters are idempotent by task id and still know the old ones).
    /// </summary>
    internal static string TaskId(string jobId, PlacementDocument placement, int part) =>
        placement.Attempt <= 1 ? $"{jobId}#{part}" : $"{jobId}#{part}@{placement.Attempt}";

    /// <summary>A placed or running job; <see cref="Placement"/> is null when the stored one cannot be read.</summary>
    private sealed record ActiveJob(JobRecord Job, PlacementDocument? Placement, JobDemand? Demand);

    private enum ChangeKind
    {
        Place,
        Note,
        Fold,
    }

    /// <summary>One transition of the cycle's single commit, with what the loop needs to act on its outcome.</summary>
    private sealed record Change(JobTransition Transition, ChangeKind Kind, JobRecord Job, PlacementDocument? Placement, JobDemand? Demand)
    {
        public static Change Fail(JobRecord job, string reason) =>
            new(new JobTransition(job.Id, job.Version, JobState.Failed, "failed", reason, null), ChangeKind.Fold, job, null, null);
    }

    /// <summary>Counts of one cycle.</summary>
    private sealed class Tally
    {
        public int Pending { get; set; }
        public int Placed { get; set; }
        public int Refused { get; set; }
        public int Waiting { get; set; }
        public int Unschedulable { get; set; }
        public int Dispatched { get; set; }
        public int Started { get; set; }
        public int Completed { get; set; }
        public int Failed { get; set; }
        public int Stopped { get; set; }

        public CycleReport Report() => new(true, Pending, Placed, Refused, Waiting, Unschedulable, Dispatched, Started, Completed, Failed, Stopped);
    }
}
