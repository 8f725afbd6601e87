using System.Collections.Immutable;
using Suanwang.Core.Model;

namespace Suanwang.Core.Scheduling;

/// <summary>A pending job that <see cref="Scheduler.PlanChanges(SchedulingSnapshot, IReadOnlyList{PendingJob}, DateTimeOffset, SchedulingPolicy)"/> proved waits, without deciding it in full.</summary>
/// <param name="PendingIndex">Its position in the pending list given.</param>
/// <param name="Reason">The reason <see cref="Scheduler.Plan(SchedulingSnapshot, IReadOnlyList{PendingJob}, DateTimeOffset, SchedulingPolicy)"/> gives its waiting decision.</param>
public readonly record struct HeldJob(int PendingIndex, string Reason);

/// <summary>The result of <see cref="Scheduler.PlanChanges(SchedulingSnapshot, IReadOnlyList{PendingJob}, DateTimeOffset, SchedulingPolicy)"/>.</summary>
/// <param name="Plan">The plan of every pending job except the held ones, exactly as <see cref="Scheduler.Plan(SchedulingSnapshot, IReadOnlyList{PendingJob}, DateTimeOffset, SchedulingPolicy)"/> gives it with them left out of its decisions.</param>
/// <param name="Held">The jobs that wait behind a held queue head, in queue order.</param>
public sealed record FocusedPlan(Plan Plan, ImmutableArray<HeldJob> Held);

public static partial class Scheduler
{
    /// <summary>
    /// Computes the plan <see cref="Plan(SchedulingSnapshot, IReadOnlyList{PendingJob}, DateTimeOffset, SchedulingPolicy)"/>
    /// computes, for a shell that acts on decisions but not on explanations (a simulator): a job that
    /// provably waits behind the head of an EASY queue is not estimated, scored and explained but listed
    /// as held, with the reason its waiting decision would give. Every other decision, the preemptions and
    /// the relocations are those of <c>Plan</c>, in the same order; held jobs change nothing in the cycle.
    /// </summary>
    /// <remarks>
    /// A job is held when all of these hold at its turn (docs/scheduler.md, <em>Jobs held without an explanation</em>):
    /// the policy takes jobs first come, first served under EASY and is blind to the network; the job has
    /// no deadline, budget or input and cannot span several pools; its demand is valid; exactly one pool
    /// passes its hard filters; that pool's one reservation is already held by an earlier job of the cycle;
    /// the earliest fit of its nodes for its run time from now on the cycle's profile of that pool (the
    /// start <c>CandidateEvaluator.Estimate</c> computes for a policy blind to the network) is after now;
    /// and it cannot preempt. <c>Plan</c> then estimates that one pool, finds it feasible (nothing
    /// else can reject it), and the queue discipline holds the job back, reserving nothing.
    /// </remarks>
    public static FocusedPlan PlanChanges(SchedulingSnapshot snapshot, IReadOnlyList<PendingJob> pending, DateTimeOffset now, SchedulingPolicy policy)
    {
        var held = new List<HeldJob>();
        var plan = Run(snapshot, pending, now, policy, [], null, held, session: null);
        return new FocusedPlan(plan, [.. held]);
    }

    /// <summary>
    /// <see cref="PlanChanges(SchedulingSnapshot, IReadOnlyList{PendingJob}, DateTimeOffset, SchedulingPolicy)"/> with a
    /// session kept between calls: the same focused plan, with less work per call (see <see cref="PlanningSession"/>).
    /// </summary>
    /// <param name="snapshot">The state planned on.</param>
    /// <param name="pending">The pending jobs.</param>
    /// <param name="now">The cycle's time.</param>
    /// <param name="policy">The policy.</param>
    /// <param name="session">The caller's session (one call at a time).</param>
    public static FocusedPlan PlanChanges(SchedulingSnapshot snapshot, IReadOnlyList<PendingJob> pending, DateTimeOffset now, SchedulingPolicy policy,
        PlanningSession session)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(session);
        var held = session.Begin(snapshot.Pools.Length);
        try
        {
            var plan = Run(snapshot, pending, now, policy, [], null, held, session);
            return new FocusedPlan(plan, [.. held]);
        }
        finally
        {
            session.End();
        }
    }

    /// <summary>Where each job the queue yields sits in the pending list (for a list not in queue order).</summary>
    private sealed class PendingPositions(IReadOnlyList<PendingJob> pending)
    {
        private Dictionary<PendingJob, int>? _byJob;

        public int Of(PendingJob job)
        {
            if (_byJob is null)
            {
                _byJob = new Dictionary<PendingJob, int>(pending.Count, ReferenceEqualityComparer.Instance);
                for (var i = pending.Count - 1; i >= 0; i--)
                    _byJob[pending[i]] = i; // the first position of a job listed twice
            }
            return _byJob[job];
        }
    }

    internal sealed partial class Cycle
    {
        private Candidate?[]? _heldRejected; // scratch of Facts: the filters' verdicts (unread)
        private int[]? _heldOpen; // scratch of Facts: the pools that pass them
        private Func<PendingJob, HoldFacts>? _holdFacts;
        private bool _anyHead; // some pool's one EASY reservation is given in this cycle

        /// <summary>Gives a pool's one EASY reservation to the job at hand.</summary>
        private void ReserveHead(int pool)
        {
            _headReserved[pool] = true;
            _anyHead = true;
        }

        /// <summary>The reason of the waiting decision the job provably gets at its turn without being decided in full, or null (see <see cref="PlanChanges(SchedulingSnapshot, IReadOnlyList{PendingJob}, DateTimeOffset, SchedulingPolicy)"/>).</summary>
        /// <param name="job">The job at its turn.</param>
        /// <param name="slot">Its slot in the caller's planning session, where its hold facts are kept; or null.</param>
        public string? HeldBack(PendingJob job, PlanningSession.JobSlot? slot = null)
        {
            if (policy is not { Discipline: QueueDiscipline.EasyBackfill, Order: QueueOrder.FirstComeFirstServed, SeesNetwork: false }
                || !_anyHead || job.Demand is not { Deadline: null, Budget: null, Inputs.IsEmpty: true })
                return null;
            var facts = slot?.FactsUnder(snapshot.Memo, job, _holdFacts ??= Facts) ?? snapshot.Memo.HoldFactsOf(job, _holdFacts ??= Facts);
            if (facts.Pool < 0 || !_headReserved[facts.Pool] || Preemptor.MightPreempt(policy, snapshot, job))
                return null;
            // The start CandidateEvaluator.Estimate computes for a policy blind to the network (staged now), on the
            // cycle's profile as it is at the job's turn, is after now exactly when the job does not fit from now.
            var limit = snapshot.Pools[facts.Pool].Pool.NodeCount - facts.Nodes;
            return State.Profile(facts.Pool).FitsAt(now.UtcTicks, Math.Max(1, facts.RuntimeTicks), limit) ? null : snapshot.Memo.HoldReason(facts.Pool, strict: false);
        }

        /// <summary>
        /// The job's one pool and its nodes and run time there, when it can be held at all: a valid demand
        /// that cannot span several pools, whose user location (for a latency-bound service) is known, and
        /// exactly one pool passing its hard filters (which, without inputs, do not depend on the policy).
        /// </summary>
        private HoldFacts Facts(PendingJob job)
        {
            var demand = job.Demand;
            try
            {
                if (MultiPartEligible(demand) || snapshot.Memo.InvalidDemand(demand) is not null)
                    return HoldFacts.Never;
                var userPoint = Evaluator.UserPointOfPresence(demand);
                if (demand.User is { Latency: not null } && demand.Type == JobType.Service && userPoint < 0)
                    return HoldFacts.Never;
                var open = _heldOpen ??= new int[snapshot.Pools.Length];
                if (Evaluator.FilterAll(job, userPoint, policy, _heldRejected ??= new Candidate?[snapshot.Pools.Length], open) != 1)
                    return HoldFacts.Never;
                // Nodes and run time do not depend on the cycle's state: any estimate has them.
                var estimate = Evaluator.Estimate(job, open[0], State, now, seesNetwork: false, userPoint);
                return new HoldFacts(open[0], estimate.Nodes, estimate.Runtime.Ticks);
            }
            catch (Exception ex) when (ex is ArgumentException or OverflowException or InvalidOperationException or KeyNotFoundException)
            {
                return HoldFacts.Never; // the full decision reports it
            }
        }
    }
}

/// <summary>What <see cref="Scheduler.PlanChanges(SchedulingSnapshot, IReadOnlyList{PendingJob}, DateTimeOffset, SchedulingPolicy)"/> needs to know to hold a job: its one pool (−1: never held), nodes and run time there.</summary>
/// <param name="Pool">The one pool passing the job's hard filters, or −1 when the job is never held.</param>
/// <param name="Nodes">Nodes it takes there.</param>
/// <param name="RuntimeTicks">Its run time there.</param>
internal sealed record HoldFacts(int Pool, int Nodes, long RuntimeTicks)
{
    /// <summary>A job that is always decided in full.</summary>
    public static HoldFacts Never { get; } = new(-1, 0, 0);
}
