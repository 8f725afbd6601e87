using System.Collections.Immutable;
using System.Globalization;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Validation;

namespace Suanwang.Core.Scheduling;

/// <summary>
/// The scheduler: a pure function from (snapshot, pending jobs, now, policy) to a plan. One cycle
/// takes the jobs in queue order and, for each, runs the extension points — <em>filter</em> every
/// pool, <em>score</em> the feasible ones, <em>reserve</em> nodes and staging bandwidth in the
/// cycle's working copy, <em>bind</em> a plan entry with its explanation. The same inputs always
/// give the same plan; a bad job becomes an unschedulable decision with its reason, never an exception.
/// </summary>
public static partial class Scheduler
{
    /// <summary>Computes a plan. The snapshot is not changed.</summary>
    public static Plan Plan(SchedulingSnapshot snapshot, IReadOnlyList<PendingJob> pending, DateTimeOffset now, SchedulingPolicy policy) =>
        Plan(snapshot, pending, now, policy, []);

    /// <summary>
    /// Computes a plan in which some jobs already have a pool (chosen by the batch round): those are
    /// taken first, in the given order, and bound to that pool when it is still feasible for them
    /// (otherwise the policy chooses as usual); the other jobs follow in queue order.
    /// </summary>
    /// <remarks><paramref name="prepared"/> holds, per assigned job, the score scales the batch round worked out on this snapshot (reused, not redone).</remarks>
    internal static Plan Plan(SchedulingSnapshot snapshot, IReadOnlyList<PendingJob> pending, DateTimeOffset now, SchedulingPolicy policy,
        IReadOnlyList<(PendingJob Job, int Pool)> assigned, IReadOnlyDictionary<PendingJob, PreparedJob>? prepared = null) =>
        Run(snapshot, pending, now, policy, assigned, prepared, held: null, session: null);

    /// <summary>
    /// One cycle; with <paramref name="held"/>, jobs that provably wait behind a queue head are listed there instead of
    /// decided (see <see cref="PlanChanges(SchedulingSnapshot, IReadOnlyList{PendingJob}, DateTimeOffset, SchedulingPolicy)"/>);
    /// with <paramref name="session"/> (no assigned jobs then), duplicate ids are told by the session's slots.
    /// </summary>
    private static Plan Run(SchedulingSnapshot snapshot, IReadOnlyList<PendingJob> pending, DateTimeOffset now, SchedulingPolicy policy,
        IReadOnlyList<(PendingJob Job, int Pool)> assigned, IReadOnlyDictionary<PendingJob, PreparedJob>? prepared, List<HeldJob>? held,
        PlanningSession? session)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(policy);
        var cycle = new Cycle(snapshot, now, policy, session);
        // Migration hook (Migration.cs): running work on down sites is re-placed before any pending job.
        if (!snapshot.DownSites.IsEmpty)
            cycle.Relocator.RelocateFromDownSites();
        // Plan decides every job (room for all); PlanChanges holds most of a long queue (the builder grows when needed).
        var decisions = ImmutableArray.CreateBuilder<Decision>(held is null ? pending.Count + assigned.Count : Math.Min(pending.Count, 16));
        // One job cannot appear twice: no set for it (the simulator's usual call).
        var seen = session is null && pending.Count + assigned.Count > 1 ? new HashSet<string>(pending.Count, StringComparer.Ordinal) : null;
        Decision Take(PendingJob job, int pool) => seen?.Add(job.Id) ?? true
            ? cycle.Decide(job, pool, pool >= 0 ? prepared?.GetValueOrDefault(job) : null)
            : Duplicate(job);
        static Decision Duplicate(PendingJob job) => new(job.Id, DecisionKind.Unschedulable, null, $"job id '{job.Id}' appears twice in the pending set", []);
        foreach (var (job, pool) in assigned)
            decisions.Add(Take(job, pool));
        IReadOnlyList<PendingJob> rest = pending;
        if (assigned.Count > 0)
        {
            var taken = assigned.Select(a => a.Job).ToHashSet(ReferenceEqualityComparer.Instance);
            rest = [.. pending.Where(j => !taken.Contains(j))];
        }
        // A list in FCFS order already (the simulator's) is taken as it is: the turn is the position.
        if (policy.Order == QueueOrder.FirstComeFirstServed && JobQueue.InFcfsOrder(rest))
        {
            for (var turn = 0; turn < rest.Count; turn++)
                Next(rest[turn], turn);
        }
        else
        {
            var positions = held is null ? null : new PendingPositions(rest);
            foreach (var job in JobQueue.Order(rest, policy.Order, cycle.State, inFcfsOrder: false))
                Next(job, positions?.Of(job) ?? -1);
        }

        void Next(PendingJob job, int position)
        {
            // Not fresh: the id came before, and the job is decided as a duplicate.
            var slot = session?.Enter(job);
            var fresh = session is null ? seen?.Add(job.Id) ?? true : slot is not null;
            if (held is not null && fresh && cycle.HeldBack(job, slot) is { } reason)
                held.Add(new HeldJob(position, reason));
            else
                decisions.Add(fresh ? cycle.Decide(job) : Duplicate(job));
        }
        // Migration hook (Migration.cs): better placements for checkpointable running work, on the capacity left over.
        // (Only checkpointable work with a checkpoint can move; without any, the relocator is not even made.)
        if (snapshot.AnyMovable)
            cycle.Relocator.MigrateToBetterPlacements();
        return new Plan(policy.Name, snapshot.Version, now, decisions.Count == decisions.Capacity ? decisions.MoveToImmutable() : decisions.ToImmutable())
        {
            Preemptions = cycle.HasPreemptor ? cycle.Preemptor.Preemptions : [],
            Relocations = cycle.HasRelocator ? cycle.Relocator.Relocations : [],
        };
    }

    internal sealed partial class Cycle(SchedulingSnapshot snapshot, DateTimeOffset now, SchedulingPolicy policy, PlanningSession? session = null)
    {
        private readonly StagingPlanner _staging = new(snapshot);
        private readonly bool[] _headReserved = new bool[snapshot.Pools.Length];
        private readonly bool[] _blocked = new bool[snapshot.Pools.Length];
        private CandidateEvaluator? _evaluator;
        private Preemptor? _preemptor;
        private Relocator? _relocator;
        private RunningWork? _running;
        private CandidateSearch? _search;
        private int[]? _strictOpen;
        private ScoreScales _scales; // the current multi-part job's score scales (Scheduler.Parts.cs)

        public CycleState State { get; } = new(snapshot, now, fairShare: policy.Order != QueueOrder.FirstComeFirstServed, session);

        /// <summary>
        /// Estimate every pool that passes the hard filters for gangs, splittable arrays and jobs that may
        /// preempt, as before the bounded rules of docs/scheduler.md (the reference property tests compare with).
        /// </summary>
        internal bool EstimateEveryPool { get; init; }

        // Preemption and migration (Preemption.cs, Migration.cs) share which running allocations this cycle stopped or moved.
        private RunningWork Running => _running ??= new RunningWork(snapshot, now);

        internal Preemptor Preemptor => _preemptor ??= new Preemptor(snapshot, now, policy, State, Running);

        internal Relocator Relocator => _relocator ??= new Relocator(snapshot, now, policy, State, _staging, Evaluator, Running);

        /// <summary>True once the cycle has made its preemptor (a cycle that never needed one preempted nothing).</summary>
        internal bool HasPreemptor => _preemptor is not null;

        /// <summary>True once the cycle has made its relocator (a cycle that never needed one moved nothing).</summary>
        internal bool HasRelocator => _relocator is not null;

        // A cycle's calendar only gains reservations (Bind), so staging answers may be kept between jobs.
        private CandidateEvaluator Evaluator => _evaluator ??= new CandidateEvaluator(snapshot, _staging, calendarsOnlyGrow: true);

        private CandidateSearch Search => _search ??= new CandidateSearch(snapshot, Evaluator, policy);

        /// <summary>Decides one job; <paramref name="assignedPool"/> (or −1) is the pool the batch round chose for it.</summary>
        public Decision Decide(PendingJob job, int assignedPool = -1, PreparedJob? prepared = null)
        {
            try
            {
                return DecideUnchecked(job, assignedPool, prepared);
            }
            catch (Exception ex) when (ex is ArgumentException or OverflowException or InvalidOperationException or KeyNotFoundException)
            {
                // One malformed job must not stop the cycle for everyone else.
                return new Decision(job.Id, DecisionKind.Unschedulable, null, $"the job could not be evaluated: {ex.Message}", []);
            }
        }

        private Decision DecideUnchecked(PendingJob job, int assignedPool, PreparedJob? prepared)
        {
            var demand = job.Demand;
            if (snapshot.Memo.InvalidDemand(demand) is { } invalid)
                return Unschedulable(job, invalid, []);
            if (!demand.Inputs.IsEmpty && _staging.UnknownInput(demand) is { } unknown)
                return Unschedulable(job, $"unknown dataset '{unknown}'", []);
            var userPoint = Evaluator.UserPointOfPresence(demand);
            if (demand.User is { Latency: not null } user && demand.Type == JobType.Service && userPoint < 0)
                return Unschedulable(job, $"unknown user location '{user.Location}': not a point of presence of the topology", []);

            // One array serves every decision: its explanation is kept as a CandidateList (Search.Explain).
            var candidates = Scratch();
            // Strict FCFS: once every pool that could run the job holds an earlier job at the head of its queue,
            // the job waits whatever its estimates — so they are not computed (a long blocked queue stays cheap).
            // Only for jobs no estimate could make unschedulable (no deadline, budget or input to stage).
            if (policy.Discipline == QueueDiscipline.Strict && assignedPool < 0 && demand is { Deadline: null, Budget: null, Inputs.IsEmpty: true }
                && BlockedEverywhere(job, userPoint, candidates) is { } blocked)
                return blocked;
            // Gangs and splittable arrays may combine pools (Scheduler.Parts.cs): they need the earliest feasible
            // completion and the estimates of the pools that could beat it, besides the winner.
            var feasible = MultiPartEligible(demand) ? new List<Estimate>() : null;
            var outcome = Search.Run(job, userPoint, assignedPool, candidates, State, now, prepared, feasible, EstimateEveryPool ? SearchDepth.Every : SearchDepth.OnDemand);
            // A job the batch round assigned to a pool that is still feasible stays there (the search did not weigh the others).
            if (feasible is not null && !outcome.Assigned
                && MultiPartDecision(job, assignedPool, userPoint, feasible, candidates, ref outcome) is { } multiPart)
                return multiPart;
            if (outcome.Winner is not { } chosen)
                return Unschedulable(job, NoPoolReason(candidates, outcome.PassedHardFilters), Search.Explain(candidates));
            // Preemption hook (Preemption.cs): a job that would wait for nodes on every feasible pool may stop
            // lower-priority preemptible work within the waste bound, if the queue discipline lets it start then.
            // Only then are the pools the bounded search skipped estimated too (the winner does not change).
            string? preempted = null;
            if (!outcome.Assigned && chosen.Start > chosen.StagedAt && Preemptor.MightPreempt(policy, snapshot, job) && (EstimateEveryPool || Preemptor.AnyVictimOn(job, Search.Open)))
            {
                var all = new List<Estimate>();
                Array.Clear(candidates); // the search fills only entries still empty
                Search.Run(job, userPoint, -1, candidates, State, now, null, all, SearchDepth.Every);
                if (Preemptor.FindRoom(job, all) is { } room && QueueHold(room.Estimate) is null)
                {
                    preempted = Preemptor.Commit(room, job);
                    chosen = Evaluator.Estimate(job, room.Estimate.Pool, State, now, policy.SeesNetwork, userPoint);
                }
            }
            if (preempted is null && QueueHold(chosen with { Start = StartAfterStaging(job.Demand, chosen) }) is { } hold)
                return new Decision(job.Id, DecisionKind.Waiting, null, hold, Search.Explain(candidates));
            if (Bind(job, chosen, out var unstaged) is not { } placement)
                return new Decision(job.Id, DecisionKind.Waiting, null, $"{snapshot.Pools[chosen.Pool].Pool.Id} won, but its inputs could not be staged: {unstaged}", Search.Explain(candidates));
            // The reason names only the winner, the counts and the chooser: made once per such combination (memo).
            var reason = snapshot.Memo.PlacedReason(new PlacedReasonKey(outcome.Winner!.Value.Pool, outcome.Scored, outcome.PassedHardFilters, outcome.Outbound, outcome.Assigned, policy.Chooser),
                static (_, made) => made.Search.Reason(made.Outcome), (Search, Outcome: outcome));
            return new Decision(job.Id, DecisionKind.Placed, placement, preempted is null ? reason : $"{reason}; {preempted}", Search.Explain(candidates));
        }

        /// <summary>
        /// Under strict FCFS, the waiting decision of a job all of whose pools that pass the hard filters are
        /// blocked, with those pools explained as not scored for that reason; or null (the candidates are
        /// then cleared for the search).
        /// </summary>
        private Decision? BlockedEverywhere(PendingJob job, int userPoint, Candidate[] candidates)
        {
            var open = _strictOpen ??= new int[snapshot.Pools.Length];
            var count = Evaluator.FilterAll(job, userPoint, policy, candidates, open);
            var blocked = count > 0;
            for (var k = 0; k < count && blocked; k++)
                blocked = _blocked[open[k]];
            if (!blocked)
            {
                Array.Clear(candidates); // the search fills only entries still empty
                return null;
            }
            for (var k = 0; k < count; k++)
                candidates[open[k]] = snapshot.Memo.BlockedQueue(open[k]);
            return new Decision(job.Id, DecisionKind.Waiting, null,
                $"FCFS: an earlier job holds the head of the queue of every pool that can run it ({snapshot.Pools[open[0]].Pool.Id}{(count > 1 ? $" and {count - 1} more" : "")})",
                CandidateList.Copy(candidates, []));
        }

        /// <summary>The cycle's candidate array for one decision, emptied (the search fills only entries still empty).</summary>
        private Candidate[] Scratch()
        {
            if (_scratch is null)
                return _scratch = new Candidate[snapshot.Pools.Length];
            Array.Clear(_scratch);
            return _scratch;
        }

        private Candidate[]? _scratch;

        private static Decision Unschedulable(PendingJob job, string reason, CandidateList candidates) =>
            new(job.Id, DecisionKind.Unschedulable, null, reason, candidates);

        /// <summary>Why a pool that passed the hard filters cannot run the job after all: staging impossible, deadline or budget; or null.</summary>
        internal static string? TimeOrMoneyRejection(JobDemand demand, Estimate estimate)
        {
            if (estimate.StagingRejection is { } unstaged)
                return unstaged;
            if (demand.Deadline is { } deadline && estimate.Completion > deadline)
                return string.Create(CultureInfo.InvariantCulture, $"would complete at {estimate.Completion:u}, after the deadline {deadline:u}");
            if (demand.Budget is { } budget && budget.Currency == estimate.Cost.Currency && estimate.Cost.MinorUnits > budget.MinorUnits)
                return $"would cost {estimate.Cost}, over the budget of {budget}";
            return null;
        }

        private static string NoPoolReason(Candidate[] candidates, int passedHardFilters)
        {
            if (candidates.Length == 0)
                return "there are no pools";
            var common = candidates.GroupBy(c => c.Rejection!).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First();
            var prefix = passedHardFilters > 0 ? "no pool can stage the inputs and meet the deadline and budget" : "no pool can run this job";
            return string.Create(CultureInfo.InvariantCulture, $"{prefix}; most common reason ({common.Count()} of {candidates.Length} pools): {common.Key}");
        }

        /// <summary>The queue discipline: whether a job that cannot start now may take a reservation.</summary>
        /// <summary>
        /// The start the job will really get: a policy blind to the network chose as if the data were
        /// local, but its inputs are staged at bind, so the queue discipline must judge the start after
        /// staging (otherwise EASY would let a job through as "starting now" that binds to a later start).
        /// </summary>
        private DateTimeOffset StartAfterStaging(JobDemand demand, Estimate chosen)
        {
            if (policy.SeesNetwork || policy.Discipline == QueueDiscipline.Reservations || demand.Inputs.IsEmpty)
                return chosen.Start;
            var facts = snapshot.Pools[chosen.Pool];
            var stagedAt = _staging.Plan(demand, facts, State.Calendar, now, reserve: false).StagedAt;
            if (stagedAt <= chosen.Start)
                return chosen.Start;
            var limit = facts.Pool.NodeCount - chosen.Nodes;
            return new DateTimeOffset(State.Profile(chosen.Pool).EarliestFit(stagedAt.UtcTicks, Math.Max(1, chosen.Runtime.Ticks), limit), TimeSpan.Zero);
        }

        private string? QueueHold(Estimate chosen)
        {
            switch (policy.Discipline)
            {
                case QueueDiscipline.Strict when _blocked[chosen.Pool]:
                    return snapshot.Memo.HoldReason(chosen.Pool, strict: true);
                case QueueDiscipline.Strict when chosen.Start > now:
                    _blocked[chosen.Pool] = true;
                    return null;
                case QueueDiscipline.EasyBackfill when chosen.Start > now && _headReserved[chosen.Pool]:
                    return snapshot.Memo.HoldReason(chosen.Pool, strict: false);
                case QueueDiscipline.EasyBackfill when chosen.Start > now:
                    ReserveHead(chosen.Pool);
                    return null;
                default:
                    return null;
            }
        }

        /// <summary>
        /// Reserve and bind: stage inputs with reserved bandwidth, then reserve nodes from the first start
        /// both allow. When an input cannot be staged after all, nothing stays reserved (the planner
        /// releases the inputs it had reserved) and the result is null with the reason.
        /// </summary>
        private Placement? Bind(PendingJob job, Estimate chosen, out string? unstaged)
        {
            var facts = snapshot.Pools[chosen.Pool];
            // A job without inputs stages nothing (the planner would return no transfers, staged now) and needs no calendar.
            List<ReservationId>? reservations = job.Demand.Inputs.IsEmpty ? null : [];
            var (transfers, stagedAt, rejection) = reservations is null
                ? ([], now, null)
                : _staging.Plan(job.Demand, facts, State.Calendar, now, reserve: true, reservations);
            unstaged = rejection;
            if (rejection is not null)
                return null;
            var limit = facts.Pool.NodeCount - chosen.Nodes;
            var notBefore = stagedAt > chosen.Start ? stagedAt : chosen.Start;
            var start = new DateTimeOffset(State.Profile(chosen.Pool).EarliestFit(notBefore.UtcTicks, Math.Max(1, chosen.Runtime.Ticks), limit), TimeSpan.Zero);
            var end = start + chosen.Runtime;
            var cost = new Money(chosen.ComputeCost.MinorUnits + transfers.Sum(t => t.Cost.MinorUnits), chosen.ComputeCost.Currency);
            // A policy that sees the network promised the deadline and budget on its estimate; staging reserved
            // for real can end later than estimated (other inputs or jobs took the bandwidth first): keep the promise.
            if (policy.SeesNetwork && TimeOrMoneyRejection(job.Demand, chosen with { Start = start, Completion = end + chosen.OutputReturn, Cost = cost }) is { } broken)
            {
                foreach (var id in reservations ?? [])
                    State.Calendar.Release(id);
                unstaged = $"with the bandwidth actually reserved it {broken}";
                return null;
            }
            State.ReserveNodes(chosen.Pool, start, end, chosen.Nodes);
            State.AddUsage(job.TenantId, facts, chosen.Nodes);
            return OnePart(new Placement(facts.Pool.Id, facts.Site.Id, chosen.Nodes, chosen.TasksPerNode, start, end + chosen.OutputReturn,
                chosen.Runtime, transfers, cost, chosen.EnergyKwh, chosen.CarbonKg), job.Demand.Tasks);
        }
    }
}
