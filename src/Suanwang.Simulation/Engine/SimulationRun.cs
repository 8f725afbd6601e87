using System.Collections.Immutable;
using System.Diagnostics;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Scheduling;
using Suanwang.Simulation.Reporting;
using Suanwang.Simulation.Scenarios;

namespace Suanwang.Simulation.Engine;

/// <summary>
/// One discrete-event run of one policy: jobs arrive, the Core scheduler — the same
/// <see cref="Scheduler.Plan(SchedulingSnapshot, IReadOnlyList{PendingJob}, DateTimeOffset, SchedulingPolicy)"/>
/// the server calls — plans the pending set on a fresh snapshot of the simulated world whenever
/// something changed, and the run commits what the plan says starts now (or stages data now), moves
/// data through a <see cref="FlowNetwork"/>, runs tasks for their actual run time scaled by the pool's
/// speed, and injects the scenario's failures. See docs/simulator.md for the exact semantics.
/// </summary>
public sealed class SimulationRun
{
    private readonly SimulationInput _input;
    private readonly SchedulingPolicy _policy;
    private readonly FutureEventList<SimEvent> _events = new();
    private readonly JobRecord[] _jobs;
    private readonly Dictionary<string, int> _jobIndex;
    private readonly List<int> _pending = [];
    private readonly SortedSet<int> _active = []; // staging or running, by index: allocations in a stable order
    private readonly Dictionary<string, int> _poolIndex = new(StringComparer.Ordinal);
    private readonly long[] _poolNodes;
    private readonly double[] _poolNodeSeconds;
    private readonly ReservationCalendar _calendar;
    private readonly SortedSet<string> _downSites = new(StringComparer.Ordinal);
    private readonly Transfers _transfers;
    private readonly List<UtilizationSample> _utilization;
    private readonly long _startTicks;
    private readonly long _endTicks;
    private long _busyNodes;
    private long _version;
    private SchedulingSnapshot? _world;
    private SchedulingSnapshot? _whole;
    private readonly HashSet<long> _wakes = [];
    private long _eventCount;
    private long _schedulerCalls;
    private long _decisions;
    private int _restarts;
    private long _lastActivity;
    private Action<double>? _progress;
    private int _arrived;
    private readonly Stopwatch _schedulerTime = new();
    private readonly PlanningSession _session = new(); // the scheduler's working memory between this run's calls
    private readonly List<PendingJob> _pendingJobs = []; // the pending list handed to the scheduler, refilled at each call
    private readonly List<RunningAllocation> _allocations = []; // what holds nodes, refilled at each call (the snapshot copies it)
    private readonly Predicate<int> _noLongerPending;

    private SimulationRun(SimulationInput input, SchedulingPolicy policy)
    {
        _input = input;
        _policy = policy;
        _startTicks = input.Start.UtcTicks;
        _endTicks = input.Horizon is { } horizon ? _startTicks + horizon.Ticks : long.MaxValue;
        _jobs = new JobRecord[input.Jobs.Length];
        _jobIndex = new Dictionary<string, int>(input.Jobs.Length, StringComparer.Ordinal);
        _utilization = new List<UtilizationSample>(2 * input.Jobs.Length + 2); // about one sample per job start and end (it grows if restarts add more)
        for (var i = 0; i < _jobs.Length; i++)
        {
            _jobs[i] = new JobRecord(i, input.Jobs[i]);
            if (!_jobIndex.TryAdd(input.Jobs[i].Job.Id, i))
                throw new ArgumentException($"job id '{input.Jobs[i].Job.Id}' appears twice", nameof(input));
        }
        var pools = input.Topology.Pools.ToArray();
        _poolNodes = new long[pools.Length];
        _poolNodeSeconds = new double[pools.Length];
        for (var p = 0; p < pools.Length; p++)
        {
            _poolIndex[pools[p].Id] = p;
            _poolNodes[p] = pools[p].NodeCount;
        }
        _noLongerPending = i => _jobs[i].Phase != JobPhase.Pending;
        _calendar = new ReservationCalendar(input.Topology.Network);
        _transfers = new Transfers(input.Topology.Network, _calendar);
    }

    /// <summary>Runs the simulation to the horizon (or until every job has ended) and reports it.</summary>
    /// <param name="input">The world, jobs, failures and clock settings.</param>
    /// <param name="policy">The scheduling policy.</param>
    /// <param name="progress">Told, now and then, the share of the jobs that have arrived (for a progress bar; it never affects the run); may be null.</param>
    public static SimulationResult Run(SimulationInput input, SchedulingPolicy policy, Action<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(policy);
        return new SimulationRun(input, policy) { _progress = progress }.Execute();
    }

    private SimulationResult Execute()
    {
        foreach (var job in _jobs)
            _events.Schedule(Math.Max(_startTicks, job.Pending.SubmittedAt.UtcTicks), new SimEvent(EventKind.Arrival, job.Index, 0));
        for (var f = 0; f < _input.Failures.Length; f++)
        {
            var failure = _input.Failures[f];
            _events.Schedule(_startTicks + failure.At.Ticks, new SimEvent(EventKind.FailureStart, f, 0));
            _events.Schedule(_startTicks + failure.At.Ticks + failure.For.Ticks, new SimEvent(EventKind.FailureEnd, f, 0));
        }
        _utilization.Add(new UtilizationSample(0, 0));
        while (_events.PeekTime is { } next && next <= _endTicks)
        {
            var changed = false;
            while (_events.PeekTime == next && _events.TryDequeue(out _, out var e))
            {
                _eventCount++;
                changed |= Handle(next, e);
                if (e.Kind is EventKind.Arrival or EventKind.JobEnd or EventKind.FailureStart or EventKind.FailureEnd)
                    _lastActivity = next;
            }
            // A transfer completing frees nothing a waiting job could use (its job's nodes were held already), so
            // it does not call the scheduler; only arrivals, job ends, failures and wake-ups do.
            CollectTransfers(next);
            if (changed)
                Schedule(next);
            ScheduleNetworkWake(next);
        }
        return Finish();
    }

    /// <summary>Handles one event; true when the scheduler should look again.</summary>
    private bool Handle(long now, SimEvent e)
    {
        var job = e.Kind is EventKind.Arrival or EventKind.JobStart or EventKind.JobEnd or EventKind.TransferStart ? _jobs[e.Subject] : null;
        if (job is not null && e.Kind != EventKind.Arrival && e.Epoch != job.Epoch)
            return false; // an execution abandoned since
        switch (e.Kind)
        {
            case EventKind.Arrival:
                job!.Phase = JobPhase.Pending;
                _pending.Add(job.Index);
                if (_progress is not null && (++_arrived & 255) == 0)
                    _progress((double)_arrived / _jobs.Length);
                return true;
            case EventKind.TransferStart:
                _transfers.Start(job!, e.Detail, now, _startTicks);
                return false;
            case EventKind.JobStart:
                job!.StartDue = true;
                if (job.TransfersLeft == 0)
                    StartRunning(job, now);
                return false;
            case EventKind.JobEnd:
                Complete(job!, now);
                return true;
            case EventKind.FailureStart:
                Fail(_input.Failures[e.Subject], now);
                return true;
            case EventKind.FailureEnd:
                Recover(_input.Failures[e.Subject], now);
                return true;
            case EventKind.Wake:
                _wakes.Remove(now);
                return true;
            default:
                return false;
        }
    }

    private void Schedule(long now)
    {
        if (_pending.Count == 0)
            return;
        // Later states of one world: the snapshot shares pool facts, paths and the scheduler's memo with the last one.
        var snapshot = _world = (_world ?? new SchedulingSnapshot(_input.Topology, _input.Catalog, _input.Datasets, [])).Next(Allocations(now), _calendar, _downSites, ++_version);
        var pending = _pendingJobs;
        pending.Clear();
        foreach (var index in _pending)
            pending.Add(_jobs[index].Pending);
        _schedulerTime.Start();
        // The plan Scheduler.Plan makes, except that jobs provably waiting behind an EASY queue's head come as
        // held, with their waiting reason, instead of estimated and explained (the run reads no explanation).
        var (plan, held) = Scheduler.PlanChanges(snapshot, pending, new DateTimeOffset(now, TimeSpan.Zero), _policy, _session);
        _schedulerTime.Stop();
        _schedulerCalls++;
        _decisions += plan.Decisions.Length + held.Length;
        foreach (var wait in held)
            _jobs[_pending[wait.PendingIndex]].Reason = wait.Reason;
        var next = long.MaxValue;
        List<JobRecord>? outage = null;
        var turn = 0; // the pending list is in arrival order, which is usually the plan's (FCFS): then the job is found by position
        var skip = 0;
        for (var d = 0; d < plan.Decisions.Length; d++)
        {
            var decision = plan.Decisions[d];
            for (; skip < held.Length && held[skip].PendingIndex == turn; skip++)
                turn++;
            JobRecord job;
            if (turn < pending.Count && ReferenceEquals(pending[turn].Id, decision.JobId))
                job = _jobs[_pending[turn++]];
            else
                job = _jobs[_jobIndex[decision.JobId]];
            if (job.Phase != JobPhase.Pending)
                continue;
            job.Reason = decision.Reason;
            switch (decision.Kind)
            {
                case DecisionKind.Placed when decision.Placement is { } placement && (placement.Start.UtcTicks <= now || !placement.Transfers.IsEmpty):
                    Commit(job, placement, now);
                    break;
                case DecisionKind.Placed:
                    next = Math.Min(next, decision.Placement!.Start.UtcTicks);
                    break;
                case DecisionKind.Unschedulable:
                    (outage ??= []).Add(job);
                    break;
            }
        }
        if (outage is not null)
            FailTheImpossible(outage, snapshot, now);
        _pending.RemoveAll(_noLongerPending);
        if (next != long.MaxValue)
            Wake(next);
        else if (_pending.Count > 0 && _input.RoundInterval is { } round && _events.Count > 0)
            Wake(now + round.Ticks);
    }

    /// <summary>
    /// Unschedulable jobs fail — unless a failure is in progress and the job could be placed were every
    /// site up and every link whole (asked of the scheduler on such a snapshot): those wait for the world to recover.
    /// </summary>
    private void FailTheImpossible(List<JobRecord> unschedulable, SchedulingSnapshot snapshot, long now)
    {
        if (_downSites.Count > 0 || _transfers.AnyDegraded)
        {
            var whole = (_whole ??= new SchedulingSnapshot(_input.Topology, _input.Catalog, _input.Datasets, []))
                .Next(snapshot.Running, _transfers.CalendarWithoutDegradations(), [], snapshot.Version);
            _schedulerTime.Start();
            var plan = Scheduler.Plan(whole, [.. unschedulable.Select(j => j.Pending)], new DateTimeOffset(now, TimeSpan.Zero), _policy);
            _schedulerTime.Stop();
            var possible = plan.Decisions.Where(d => d.Kind != DecisionKind.Unschedulable).Select(d => d.JobId).ToHashSet(StringComparer.Ordinal);
            unschedulable.RemoveAll(j => possible.Contains(j.Pending.Id));
        }
        foreach (var job in unschedulable)
            job.Phase = JobPhase.Failed;
    }

    private void Wake(long at)
    {
        if (_wakes.Add(at))
            _events.Schedule(at, new SimEvent(EventKind.Wake, 0, 0));
    }

    /// <summary>
    /// What holds nodes, as the scheduler sees it: one allocation per part of each placement (a gang over
    /// several pools or a split array holds nodes on each of its pools) — for a running job from its real
    /// start (parts keep their planned offsets) until the part's estimated end, for a staging job over the
    /// committed interval.
    /// </summary>
    private List<RunningAllocation> Allocations(long now)
    {
        var allocations = _allocations;
        allocations.Clear();
        foreach (var index in _active)
        {
            foreach (var hold in Holds(_jobs[index], now))
                allocations.Add(hold);
        }
        return allocations;
    }

    /// <summary>
    /// The job's allocations at <paramref name="now"/>: the ones made before when they are still exact — same
    /// placement, phase and start, and no estimated end reached since (a running job past its estimate holds
    /// its nodes until now + 1 tick, which moves with now) — else new ones.
    /// </summary>
    private static RunningAllocation[] Holds(JobRecord job, long now)
    {
        var placement = job.Placement!;
        var made = job.HoldsMadeFrom;
        if (job.Holds is { } known && ReferenceEquals(made.Placement, placement) && made.Phase == job.Phase && made.StartTicks == job.StartTicks
            && (made.MadeAt == now || (made.EarliestEnd > now && made.EarliestEnd > made.MadeAt)))
            return known;
        var shift = job.Phase == JobPhase.Running ? job.StartTicks - placement.Start.UtcTicks : 0;
        var holds = new RunningAllocation[placement.Parts.Length];
        var earliestEnd = long.MaxValue;
        for (var p = 0; p < holds.Length; p++)
        {
            var part = placement.Parts[p];
            var start = part.Start.UtcTicks + shift;
            var end = start + part.Runtime.Ticks;
            if (job.Phase == JobPhase.Running)
            {
                earliestEnd = Math.Min(earliestEnd, end);
                end = Math.Max(now + 1, end);
            }
            holds[p] = new RunningAllocation(job.Pending.Id, job.Pending.TenantId, part.PoolId, part.Nodes,
                new DateTimeOffset(start, TimeSpan.Zero), new DateTimeOffset(end, TimeSpan.Zero));
        }
        job.Holds = holds;
        job.HoldsMadeFrom = (placement, job.Phase, job.StartTicks, now, earliestEnd);
        return holds;
    }

    private void Commit(JobRecord job, Placement placement, long now)
    {
        job.Placement = placement;
        job.Phase = JobPhase.Staging;
        job.StartDue = false;
        _active.Add(job.Index);
        job.TransfersLeft = placement.Transfers.Length;
        _transfers.Reserve(job);
        for (var t = 0; t < placement.Transfers.Length; t++)
            _events.Schedule(Math.Max(now, placement.Transfers[t].Interval.Start.UtcTicks), new SimEvent(EventKind.TransferStart, job.Index, job.Epoch, t));
        if (placement.Start.UtcTicks <= now && placement.Transfers.IsEmpty)
            StartRunning(job, now);
        else
            _events.Schedule(Math.Max(now, placement.Start.UtcTicks), new SimEvent(EventKind.JobStart, job.Index, job.Epoch));
    }

    private void StartRunning(JobRecord job, long now)
    {
        var placement = job.Placement!;
        job.Phase = JobPhase.Running;
        job.StartTicks = now;
        job.FirstStartTicks ??= now;
        // Actual run time on this pool: the reference run time scaled as the scheduler scaled the estimate.
        var scale = placement.Runtime.Ticks / (double)job.Pending.Demand.Duration.Ticks;
        var run = (long)Math.Ceiling(job.Job.ActualRuntime.Ticks * scale);
        // The nodes are free when the run ends; the job completes when its output is back (the plan's estimate).
        job.OutputReturnTicks = Math.Max(0, (placement.Completion - placement.Start - placement.Runtime).Ticks);
        _events.Schedule(now + run, new SimEvent(EventKind.JobEnd, job.Index, job.Epoch));
        job.RunSeconds = SimClock.Seconds(run);
        ChangeBusy(now, placement.Nodes);
    }

    private void Complete(JobRecord job, long now)
    {
        var placement = job.Placement!;
        job.Phase = JobPhase.Completed;
        job.FinishTicks = now + job.OutputReturnTicks;
        ChargeHeld(job, now);
        var share = placement.Runtime.Ticks > 0 ? job.RunSeconds * TimeSpan.TicksPerSecond / placement.Runtime.Ticks : 1;
        var transferCost = placement.Transfers.Sum(t => t.Cost.MinorUnits);
        job.CostMinorUnits += (long)Math.Round((placement.Cost.MinorUnits - transferCost) * share) + transferCost;
        job.EnergyKwh += placement.EnergyKwh * share;
        job.CarbonKg += placement.CarbonKg * share;
        _active.Remove(job.Index);
        ChangeBusy(now, -placement.Nodes);
        // A completed job's outcome needs none of these: let them go now rather than keep them (and have the
        // GC copy them) until the run ends.
        job.Placement = null;
        job.Holds = null;
        job.HoldsMadeFrom = default;
        job.Reason = "";
    }

    private void Fail(FailureSpec failure, long now)
    {
        switch (failure)
        {
            case SiteFailure site:
                _downSites.Add(site.Site);
                foreach (var index in _active.ToArray())
                {
                    var job = _jobs[index];
                    if (job.Placement!.Parts.Any(p => p.SiteId == site.Site) || Transfers.DependsOn(job, site.Site))
                        Abandon(job, now, $"site '{site.Site}' failed at {(now - _startTicks) / TimeSpan.TicksPerSecond} s");
                }
                break;
            case LinkFailure link:
                _transfers.Degrade(link, now, _startTicks);
                break;
        }
    }

    private void Recover(FailureSpec failure, long now)
    {
        switch (failure)
        {
            case SiteFailure site:
                _downSites.Remove(site.Site);
                break;
            case LinkFailure link:
                _transfers.Restore(link, now, _startTicks);
                break;
        }
    }

    /// <summary>Stops an execution (its site failed): the work done is lost, the job waits again with its original submit time.</summary>
    private void Abandon(JobRecord job, long now, string reason)
    {
        if (job.Phase == JobPhase.Running)
        {
            ChargeHeld(job, now);
            ChangeBusy(now, -job.Placement!.Nodes);
            _restarts++;
        }
        _transfers.CancelAll(job, now, _startTicks);
        job.Restarts++;
        job.Epoch++;
        job.Phase = JobPhase.Pending;
        job.Reason = reason;
        job.Placement = null;
        _active.Remove(job.Index);
        _pending.Add(job.Index);
    }

    private void CollectTransfers(long now)
    {
        foreach (var job in _transfers.AdvanceTo(now, _startTicks, _jobs))
        {
            job.TransfersLeft--;
            if (job.TransfersLeft == 0 && job.StartDue && job.Phase == JobPhase.Staging)
                StartRunning(job, now);
        }
    }

    private void ScheduleNetworkWake(long now)
    {
        if (_transfers.NextCompletionTicks(_startTicks) is { } at && at > now && at != _transfers.WakeScheduledAt)
        {
            _transfers.WakeScheduledAt = at;
            _events.Schedule(at, new SimEvent(EventKind.NetworkWake, 0, 0));
        }
    }

    /// <summary>Counts the nodes a running job held from its start until <paramref name="until"/> (run, lost to a failure, or cut by the horizon) for it and for each pool its parts use.</summary>
    private void ChargeHeld(JobRecord job, long until)
    {
        var seconds = SimClock.Seconds(until - job.StartTicks);
        foreach (var part in job.Placement!.Parts)
        {
            job.NodeSeconds += part.Nodes * seconds;
            _poolNodeSeconds[_poolIndex[part.PoolId]] += part.Nodes * seconds;
        }
    }

    private void ChangeBusy(long now, long delta)
    {
        _busyNodes += delta;
        var seconds = SimClock.Seconds(now - _startTicks);
        if (_utilization.Count > 0 && _utilization[^1].Seconds == seconds)
            _utilization[^1] = new UtilizationSample(seconds, _busyNodes);
        else
            _utilization.Add(new UtilizationSample(seconds, _busyNodes));
    }

    private SimulationResult Finish()
    {
        var arrived = _jobs.Where(j => j.Phase != JobPhase.NotArrived).ToArray();
        // The run's span ends at the last arrival, completion or failure (periodic rounds do not count), or at
        // the horizon when work was still in the system there.
        var unfinished = arrived.Any(j => j.Phase is JobPhase.Pending or JobPhase.Staging or JobPhase.Running);
        var lastTicks = unfinished && _endTicks != long.MaxValue ? _endTicks : Math.Max(_lastActivity, _startTicks);
        foreach (var job in arrived)
        {
            if (job.Phase == JobPhase.Running)
                ChargeHeld(job, lastTicks);
            if (job.Phase is JobPhase.Pending or JobPhase.Staging or JobPhase.Running)
                job.Reason = _endTicks != long.MaxValue ? $"unfinished at the horizon ({job.Phase.ToString().ToLowerInvariant()}): {job.Reason}" : $"never placed: {job.Reason}";
        }
        var outcomes = arrived.Select(j => j.Outcome(_startTicks)).ToImmutableArray();
        var firstArrival = arrived.Length == 0 ? _startTicks : arrived.Min(j => Math.Max(_startTicks, j.Pending.SubmittedAt.UtcTicks));
        var span = SimClock.Seconds(lastTicks - firstArrival);
        var report = PolicyReport.Summarize(_policy.Name, outcomes, _poolNodes.Sum(), span, _schedulerTime.Elapsed.TotalSeconds, _decisions);
        return new SimulationResult(report, outcomes, [.. _utilization], _transfers.LinkBytes, [.. _poolNodeSeconds.Select((used, p) => span > 0 && _poolNodes[p] > 0 ? used / (_poolNodes[p] * span) : 0)],
            _eventCount, _schedulerCalls, _decisions, _schedulerTime.Elapsed.TotalSeconds, _restarts);
    }
}
