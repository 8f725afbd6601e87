using System.Collections.Immutable;
using System.Globalization;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Validation;

namespace Suanwang.Core.Scheduling;

/// <summary>
/// Moving running work (docs/scheduler.md, <em>Migration</em>). Before the pending jobs, every
/// running allocation on a down site is re-placed elsewhere (from its checkpoint when it has a usable
/// one, else from zero) or reported as re-queued with the reason. After the pending jobs, each
/// checkpointable job with a usable checkpoint moves when, on the capacity left over, its remaining
/// run would end sooner than staying by at least the policy's margin, the checkpoint transfer and
/// input staging counted. A moved job goes to the pool where its remaining work completes first
/// (then lower cost, then topology order); it never preempts and always takes a reservation.
/// </summary>
internal sealed class Relocator(
    SchedulingSnapshot snapshot, DateTimeOffset now, SchedulingPolicy policy, CycleState state,
    StagingPlanner staging, CandidateEvaluator evaluator, RunningWork running)
{
    private readonly ImmutableArray<Relocation>.Builder _relocations = ImmutableArray.CreateBuilder<Relocation>();

    /// <summary>A pool the remaining work could go to, with its checkpoint copy (estimated, nothing reserved).</summary>
    private sealed record Option(Estimate Estimate, DateTimeOffset Start, DateTimeOffset Completion, Money Cost);

    /// <summary>Every relocation of this cycle, site-down ones first, each group in the order of <see cref="InOrder"/>.</summary>
    public ImmutableArray<Relocation> Relocations => _relocations.ToImmutable();

    /// <summary>Re-places (or reports as re-queued) every running allocation whose site is down.</summary>
    public void RelocateFromDownSites()
    {
        if (snapshot.DownSites.IsEmpty)
            return;
        var onDownSites = Enumerable.Range(0, snapshot.Pools.Length).Where(p => snapshot.IsDown(snapshot.Pools[p].Site.Id)).SelectMany(p => (IEnumerable<int>)running.OnPool(p));
        foreach (var index in InOrder(onDownSites, running.IsActive))
        {
            var allocation = running[index];
            var site = snapshot.Pools[running.PoolOf(index)].Site.Id;
            var wasted = running.WastedNodeHours(allocation);
            running.Remove(index, state); // the nodes are on a down site: nothing else will use them
            if (allocation.Demand is not { } demand)
            {
                Add(allocation, RelocationReason.SiteDown, null, null, false, TimeSpan.Zero, wasted,
                    $"site '{site}' is down and the job's demand is unknown, so it cannot be re-placed: the applier re-queues it from the start");
                continue;
            }
            var checkpoint = running.UsableCheckpoint(allocation);
            var why = checkpoint is not null
                ? string.Create(CultureInfo.InvariantCulture, $"site '{site}' is down; resumes from its checkpoint of {checkpoint.TakenAt:u} at '{checkpoint.SiteId}'")
                : $"site '{site}' is down; restarts from zero because {RestartCause(allocation, demand)}";
            var work = Work(allocation, demand, checkpoint);
            string? failure;
            try
            {
                if (Best(allocation, work, checkpoint, exclude: -1, out failure) is { } option
                    && Bind(allocation, work, checkpoint, option, dryRun: true) is not null
                    && Bind(allocation, work, checkpoint, option, dryRun: false) is { } bound)
                {
                    Add(allocation, RelocationReason.SiteDown, bound.Placement, bound.CheckpointTransfer, checkpoint is not null, work.Demand.Duration, wasted,
                        $"{why}; moved to {bound.Placement.PoolId}");
                    continue;
                }
                failure ??= "its checkpoint or inputs could not be staged";
            }
            catch (Exception ex) when (ex is ArgumentException or OverflowException or InvalidOperationException or KeyNotFoundException)
            {
                failure = $"the job could not be evaluated: {ex.Message}";
            }
            Add(allocation, RelocationReason.SiteDown, null, null, checkpoint is not null, work.Demand.Duration, wasted,
                $"{why}; no pool can take it now ({failure}): the applier re-queues it");
        }
    }

    /// <summary>Moves checkpointable running jobs whose remaining run would end sooner elsewhere by at least the policy's margin.</summary>
    public void MigrateToBetterPlacements()
    {
        if (!(policy.MigrationMinGain < 1) || running.Movable.IsEmpty)
            return;
        foreach (var index in InOrder(running.Movable, i => running.IsActive(i) && running[i].Start <= now && running.UsableCheckpoint(running[i]) is not null
                     && !snapshot.IsDown(snapshot.Pools[running.PoolOf(i)].Site.Id)))
        {
            var allocation = running[index];
            var checkpoint = running.UsableCheckpoint(allocation)!;
            var work = Work(allocation, allocation.Demand!, checkpoint);
            var stay = (allocation.ExpectedEnd - now).Ticks;
            bool Better(DateTimeOffset start, TimeSpan runtime) => (start + runtime - now).Ticks <= (1 - policy.MigrationMinGain) * stay;
            try
            {
                if (Best(allocation, work, checkpoint, running.PoolOf(index), out _) is not { } option || !Better(option.Start, option.Estimate.Runtime))
                    continue;
                // Judge the real binding (inputs and checkpoint reserved one after the other) on a copy first.
                if (Bind(allocation, work, checkpoint, option, dryRun: true) is not { } trial || !Better(trial.Placement.Start, trial.Placement.Runtime))
                    continue;
                var wasted = running.WastedNodeHours(allocation);
                var (placement, transfer) = Bind(allocation, work, checkpoint, option, dryRun: false)!.Value;
                running.Remove(index, state);
                var moved = placement.Start + placement.Runtime;
                Add(allocation, RelocationReason.BetterPlacement, placement, transfer, true, work.Demand.Duration, wasted, string.Create(CultureInfo.InvariantCulture,
                    $"on {placement.PoolId} its remaining run ends at {moved:u} instead of {allocation.ExpectedEnd:u}, {1 - (double)(moved - now).Ticks / stay:P1} sooner (margin {policy.MigrationMinGain:P0}), checkpoint transfer and staging counted"));
            }
            catch (Exception ex) when (ex is ArgumentException or OverflowException or InvalidOperationException or KeyNotFoundException)
            {
                // A job that cannot be evaluated simply stays where it is.
            }
        }
    }

    /// <summary>Running allocations to consider: higher priority first (unknown demand last), then earlier start, job id, snapshot order.</summary>
    private IEnumerable<int> InOrder(IEnumerable<int> candidates, Func<int, bool> which) =>
        candidates.Where(which).ToList()
            .OrderByDescending(i => running[i].Demand is { } d ? (int)d.Priority : -1)
            .ThenBy(i => running[i].Start)
            .ThenBy(i => running[i].JobId, StringComparer.Ordinal)
            .ThenBy(i => i);

    private static string RestartCause(RunningAllocation allocation, JobDemand demand) =>
        !demand.Flags.Checkpointable ? "it is not checkpointable (all its progress is lost)"
        : allocation.Checkpoint is null ? "it has no checkpoint yet"
        : $"its checkpoint's site '{allocation.Checkpoint.SiteId}' is down or unknown";

    /// <summary>The remaining work as a job to place: the same demand with the remaining duration.</summary>
    private static PendingJob Work(RunningAllocation allocation, JobDemand demand, JobCheckpoint? checkpoint) =>
        new(allocation.JobId, allocation.TenantId, demand with { Duration = RunningWork.RemainingWork(allocation, demand, checkpoint) }, allocation.Start);

    /// <summary>The checkpoint as data to stage: one replica at its site, under the job's jurisdictions.</summary>
    private static Dataset CheckpointData(RunningAllocation allocation, JobDemand demand, JobCheckpoint checkpoint) =>
        new($"checkpoint:{allocation.JobId}", allocation.TenantId, checkpoint.Size, [checkpoint.SiteId], demand.Jurisdictions);

    /// <summary>The pool where the remaining work completes first (then cheaper, then topology order), or null with the most common reason.</summary>
    private Option? Best(RunningAllocation allocation, PendingJob work, JobCheckpoint? checkpoint, int exclude, out string? failure)
    {
        failure = null;
        var demand = work.Demand;
        var invalid = JobDemandValidator.Validate(demand, model => snapshot.Catalog.TryFind(model, out _));
        if (!invalid.IsEmpty)
        {
            failure = $"invalid demand: {string.Join("; ", invalid.Select(e => e.ToString()))}";
            return null;
        }
        if (staging.UnknownInput(demand) is { } unknown)
        {
            failure = $"unknown dataset '{unknown}'";
            return null;
        }
        var userPoint = evaluator.UserPointOfPresence(demand);
        var rejections = new List<string>();
        Option? best = null;
        for (var i = 0; i < snapshot.Pools.Length; i++)
        {
            if (i == exclude)
                continue;
            if (evaluator.Reject(work, i, userPoint, policy) is { } rejected)
            {
                rejections.Add(rejected.Rejection!);
                continue;
            }
            var facts = snapshot.Pools[i];
            // Moving work always counts its staging, whatever the policy sees: the margin rule is defined with it.
            var estimate = evaluator.Estimate(work, i, state, now, seesNetwork: true, userPoint);
            var ready = now;
            var cost = estimate.Cost;
            if (checkpoint is not null && checkpoint.SiteId != facts.Site.Id)
            {
                if (staging.BestTransfer(CheckpointData(allocation, demand, checkpoint), facts, state.Calendar, now) is not { } copy)
                {
                    rejections.Add($"the checkpoint at '{checkpoint.SiteId}' cannot reach site '{facts.Site.Id}'");
                    continue;
                }
                ready = copy.Interval.End;
                cost = new Money(cost.MinorUnits + copy.Cost.MinorUnits, cost.Currency);
            }
            var notBefore = ready > estimate.Start ? ready : estimate.Start;
            var start = EarliestStart(i, notBefore, estimate);
            var option = new Option(estimate, start, start + estimate.Runtime + estimate.OutputReturn, cost);
            if (Scheduler.Cycle.TimeOrMoneyRejection(demand, estimate with { Completion = option.Completion, Cost = cost }) is { } late)
            {
                rejections.Add(late);
                continue;
            }
            if (best is null || option.Completion < best.Completion || (option.Completion == best.Completion && option.Cost.MinorUnits < best.Cost.MinorUnits))
                best = option;
        }
        if (best is null)
        {
            failure = rejections.Count == 0 ? "there is no other pool"
                : rejections.GroupBy(r => r).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => string.Create(CultureInfo.InvariantCulture, $"most common reason ({g.Count()} of {rejections.Count} pools): {g.Key}")).First();
        }
        return best;
    }

    private DateTimeOffset EarliestStart(int pool, DateTimeOffset notBefore, Estimate estimate) =>
        new(state.Profile(pool).EarliestFit(notBefore.UtcTicks, Math.Max(1, estimate.Runtime.Ticks), snapshot.Pools[pool].Pool.NodeCount - estimate.Nodes), TimeSpan.Zero);

    /// <summary>
    /// Reserve and bind: inputs are staged and reserved one after the other, then the checkpoint copy,
    /// then the nodes from the first start all allow. With <paramref name="dryRun"/> it works on a copy of
    /// the calendar and reserves no nodes (to see the real start before deciding). Null when a transfer
    /// cannot be planned or reserved.
    /// </summary>
    private (Placement Placement, StagingTransfer? CheckpointTransfer)? Bind(
        RunningAllocation allocation, PendingJob work, JobCheckpoint? checkpoint, Option option, bool dryRun)
    {
        var calendar = dryRun ? state.Calendar.Clone() : state.Calendar;
        var estimate = option.Estimate;
        var facts = snapshot.Pools[estimate.Pool];
        var (transfers, stagedAt, rejection) = staging.Plan(work.Demand, facts, calendar, now, reserve: true);
        if (rejection is not null)
            return null;
        StagingTransfer? copy = null;
        var ready = stagedAt;
        if (checkpoint is not null && checkpoint.SiteId != facts.Site.Id)
        {
            copy = staging.BestTransfer(CheckpointData(allocation, work.Demand, checkpoint), facts, calendar, now);
            if (copy is null || (!copy.Arcs.IsEmpty && !calendar.TryReserve(copy.Arcs, copy.Interval, copy.Bandwidth).Reserved))
                return null;
            if (copy.Interval.End > ready)
                ready = copy.Interval.End;
        }
        var start = EarliestStart(estimate.Pool, ready > option.Start ? ready : option.Start, estimate);
        var end = start + estimate.Runtime;
        if (!dryRun)
        {
            state.ReserveNodes(estimate.Pool, start, end, estimate.Nodes);
            state.AddUsage(allocation.TenantId, facts, estimate.Nodes);
        }
        var all = copy is null ? transfers : transfers.Add(copy);
        var cost = new Money(estimate.ComputeCost.MinorUnits + all.Sum(t => t.Cost.MinorUnits), estimate.ComputeCost.Currency);
        return (new Placement(facts.Pool.Id, facts.Site.Id, estimate.Nodes, estimate.TasksPerNode, start, end + estimate.OutputReturn,
            estimate.Runtime, all, cost, estimate.EnergyKwh, estimate.CarbonKg), copy);
    }

    private void Add(RunningAllocation allocation, RelocationReason reason, Placement? placement, StagingTransfer? transfer,
        bool resumes, TimeSpan remaining, double wasted, string explanation) =>
        _relocations.Add(new Relocation(allocation.JobId, allocation.PoolId, reason, placement, transfer, resumes, remaining, wasted, explanation));
}
