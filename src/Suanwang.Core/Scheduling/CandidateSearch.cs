using System.Globalization;
using Suanwang.Core.Model;

namespace Suanwang.Core.Scheduling;

/// <summary>The outcome of weighing every pool for one job.</summary>
/// <param name="Winner">The chosen pool's estimate, or null when no pool is feasible.</param>
/// <param name="PassedHardFilters">Pools that passed the hard filters.</param>
/// <param name="Scored">Pools estimated and scored (feasible after the deadline and budget filters).</param>
/// <param name="Outbound">Pools not estimated because their lower bound exceeded the winner's total.</param>
/// <param name="Assigned">True when the winner is the pool the batch round assigned.</param>
/// <param name="Scales">The job's fixed score scales (default when no pool passed the hard filters).</param>
/// <param name="Exhaustive">True when the feasible list (if one was asked for) holds every feasible estimate an exhaustive evaluation would give.</param>
internal readonly record struct SearchOutcome(Estimate? Winner, int PassedHardFilters, int Scored, int Outbound, bool Assigned, ScoreScales Scales = default, bool Exhaustive = true);

/// <summary>How much of the pools the search must estimate beyond the winner.</summary>
internal enum SearchDepth
{
    /// <summary>Only what finds the winner (branch and bound).</summary>
    Winner,

    /// <summary>
    /// The winner and, in topology order, every pool up to the first feasible one (the billing currency of
    /// multi-pool parts); the pools left out stay available to <see cref="CandidateSearch.EstimateUpTo"/>, which
    /// makes the earliest feasible completion exact up to a given time when a multi-pool candidate needs it.
    /// </summary>
    OnDemand,

    /// <summary>Every pool that passes the hard filters.</summary>
    Every,
}

/// <summary>
/// A job's score scales, worked out once by the batch round (from the lower bounds of every pool that
/// passes the hard filters) and reused when binding it, so binding an assigned job needs no bounds.
/// (Its hard-filter verdicts are not kept: filtering again costs less than holding a verdict per pool
/// for every job of the round.)
/// </summary>
/// <param name="Scales">The job's score scales.</param>
/// <param name="UserPoint">The user's point of presence the scales were made for.</param>
internal sealed record PreparedJob(ScoreScales Scales, int UserPoint);

/// <summary>The smallest positive seconds, compute cost and carbon over pools' lower bounds: the job's <see cref="ScoreScales"/>.</summary>
internal struct ScaleFinder
{
    private double _seconds;
    private double _cost;
    private double _carbon;
    private bool _started;

    public void Add(in PoolBound bound)
    {
        if (!_started)
        {
            (_seconds, _cost, _carbon, _started) = (double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity, true);
        }
        if (bound.Seconds > 0)
            _seconds = Math.Min(_seconds, bound.Seconds);
        if (bound.ComputeMinor > 0)
            _cost = Math.Min(_cost, bound.ComputeMinor);
        if (bound.CarbonKg > 0)
            _carbon = Math.Min(_carbon, bound.CarbonKg);
    }

    public readonly ScoreScales Scales() => _started ? ScoreScales.For(_seconds, _cost, _carbon) : ScoreScales.For(double.NaN, double.NaN, double.NaN);
}

/// <summary>
/// The cycle's <em>filter</em> and <em>score</em> steps for one job, by branch and bound: every pool
/// is filtered; each pool that passes gets a lower bound of its total from quantities that do not
/// depend on the cycle's reservations (<see cref="CandidateEvaluator.LowerBound"/>); pools are
/// estimated in order of that bound (ties by pool index) until the next bound exceeds the best total
/// found, and the rest are reported as not scored. The winner is the one a full evaluation would
/// pick: its bound is at most its total, which is at most the best total at any time.
/// </summary>
internal sealed class CandidateSearch(SchedulingSnapshot snapshot, CandidateEvaluator evaluator, SchedulingPolicy policy)
{
    private readonly int[] _open = new int[snapshot.Pools.Length];
    private readonly PoolHeap _heap = new(snapshot.Pools.Length);
    private readonly PoolBound[] _bounds = new PoolBound[snapshot.Pools.Length];
    private readonly double[] _seconds = new double[snapshot.Pools.Length];
    private readonly List<int> _tied = [];
    private readonly bool _bounded = Scoring.Bounded(policy);

    /// <summary>The pools that passed the hard filters in the last <see cref="Run"/> that filtered (topology order).</summary>
    public ReadOnlySpan<int> Open => _open.AsSpan(0, _openCount);

    private int _openCount;

    /// <summary>
    /// Fills <paramref name="candidates"/> (one per pool, topology order) and returns the winner.
    /// <paramref name="assignedPool"/> (≥ 0) is the batch round's choice: taken when it passes every
    /// filter, the other pools that passed the hard filters are then not scored.
    /// </summary>
    /// <remarks>
    /// With <paramref name="feasible"/>, each feasible estimate made is added to the list, in the order
    /// the search met them; <paramref name="depth"/> says which pools must be estimated (<see cref="SearchDepth"/>).
    /// With <see cref="SearchDepth.OnDemand"/>, the pools left out can be estimated afterwards by
    /// <see cref="EstimateUpTo"/>; the outcome says whether the list is in fact exhaustive (with no feasible
    /// pool the search estimates every pool).
    /// </remarks>
    public SearchOutcome Run(PendingJob job, int userPoint, int assignedPool, Candidate[] candidates, CycleState state, DateTimeOffset now,
        PreparedJob? prepared = null, List<Estimate>? feasible = null, SearchDepth depth = SearchDepth.Winner)
    {
        if (feasible is null)
            depth = SearchDepth.Winner;
        _openCount = 0;
        _layers = default;
        _assigned = false;
        var pools = snapshot.Pools;
        var demand = job.Demand;
        if (assignedPool >= 0 && prepared is { } known && known.UserPoint == userPoint)
        {
            // The batch round bounded this job on the same snapshot (bounds do not depend on reservations): its scales are reused.
            var passed = _openCount = evaluator.FilterAll(job, userPoint, policy, candidates, _open);
            _layers = evaluator.LastLayers;
            if (Array.IndexOf(_open, assignedPool, 0, passed) >= 0
                && evaluator.Estimate(job, assignedPool, state, now, policy.SeesNetwork, userPoint) is var estimate
                && Scheduler.Cycle.TimeOrMoneyRejection(demand, estimate) is null)
            {
                for (var k = 0; k < passed; k++)
                    candidates[_open[k]] = snapshot.Memo.AssignedElsewhere(_open[k]);
                candidates[assignedPool] = new Candidate(pools[assignedPool].Pool.Id, null, Scoring.Parts(estimate, policy, known.Scales, demand, snapshot, now));
                _assigned = true;
                return new SearchOutcome(estimate, passed, 1, 0, true, known.Scales);
            }
        }

        var open = _openCount = evaluator.FilterAll(job, userPoint, policy, candidates, _open);
        _layers = evaluator.LastLayers;
        if (open == 0)
            return default;

        var freeNodes = policy.Chooser == Chooser.MostFreeCapacity;
        var finder = default(ScaleFinder);
        evaluator.LowerBounds(job, _open.AsSpan(0, open), state, now, policy.SeesNetwork, userPoint, freeNodes, _bounds);
        for (var k = 0; k < open; k++)
            finder.Add(_bounds[k]);
        var scales = finder.Scales();

        if (assignedPool >= 0 && Array.IndexOf(_open, assignedPool, 0, open) >= 0)
        {
            var estimate = evaluator.Estimate(job, assignedPool, state, now, policy.SeesNetwork, userPoint);
            if (Scheduler.Cycle.TimeOrMoneyRejection(demand, estimate) is { } late)
            {
                candidates[assignedPool] = new Candidate(pools[assignedPool].Pool.Id, late, null);
            }
            else
            {
                for (var k = 0; k < open; k++)
                    candidates[_open[k]] = snapshot.Memo.AssignedElsewhere(_open[k]);
                candidates[assignedPool] = new Candidate(pools[assignedPool].Pool.Id, null, Scoring.Parts(estimate, policy, scales, demand, snapshot, now));
                _assigned = true;
                return new SearchOutcome(estimate, open, 1, 0, true, scales);
            }
        }

        _heap.Clear();
        for (var k = 0; k < open; k++)
        {
            var pool = _open[k];
            if (candidates[pool] is not null)
                continue; // the assigned pool, already rejected above
            var bound = _bounds[k];
            _seconds[pool] = bound.Seconds;
            _heap.Add(_bounded
                ? Scoring.Total(policy, scales, bound.Seconds, bound.CostMinor, bound.CarbonKg, 0, bound.FreeNodesNow, Scoring.Preference(demand, pools[pool]))
                : double.NegativeInfinity, pool);
        }
        _heap.Build();

        Estimate best = default;
        var bestTotal = double.PositiveInfinity;
        var found = false;
        (_job, _userPoint, _candidates, _state, _now, _scales, _feasible, _scored) = (job, userPoint, candidates, state, now, scales, feasible, 0);
        (_earliest, _earliestCompletion, _leftHeapBuilt) = (double.PositiveInfinity, null, false);
        _left.Clear();
        _tied.Clear();
        while (_heap.Count > 0)
        {
            var (bound, pool) = _heap.Peek();
            if (found && bound > bestTotal && depth != SearchDepth.Every)
                break;
            _heap.Pop();
            if (found && bound == bestTotal && _bounded && depth != SearchDepth.Every && CannotWinTie(pool, best, now))
            {
                _tied.Add(pool);
                continue;
            }
            if (Score(pool) is { } parts)
            {
                var estimate = _last;
                if (!found || Scoring.Beats(parts.Total, estimate, bestTotal, best))
                {
                    best = estimate;
                    bestTotal = parts.Total;
                    found = true;
                }
            }
        }
        // Pools that cannot win are not scored; with OnDemand they may be estimated later (EstimateUpTo).
        var outbound = 0;
        foreach (var pool in _tied)
            Leave(pool);
        foreach (var pool in _heap.Remaining)
            Leave(pool);
        if (depth == SearchDepth.OnDemand && found && _left.Count > 0)
        {
            // Multi-pool parts bill in the currency of the first feasible pool in topology order: estimate up to it.
            for (var k = 0; k < open; k++)
            {
                var pool = _open[k];
                if (ReferenceEquals(candidates[pool], snapshot.Memo.Outbound(pool)))
                {
                    outbound--;
                    Score(pool);
                }
                if (candidates[pool].Score is not null)
                    break;
            }
        }
        if (depth != SearchDepth.OnDemand)
            _left.Clear();
        return new SearchOutcome(found ? best : null, open, _scored, outbound, false, scales, depth == SearchDepth.Every || !found || outbound == 0);

        void Leave(int pool)
        {
            candidates[pool] = snapshot.Memo.Outbound(pool);
            _left.Add(pool);
            outbound++;
        }
    }

    /// <summary>
    /// After a <see cref="SearchDepth.OnDemand"/> run: makes <see cref="EarliestCompletion"/> exact up to
    /// <paramref name="seconds"/> from now. Pools still not scored are taken in order of their lower bound of
    /// the seconds to completion (then pool index) and estimated (scored or rejected; feasible ones join the
    /// run's list) while that bound is at most <paramref name="seconds"/> and below the earliest feasible
    /// completion found: a pool whose bound is not below it cannot complete earlier, nor can the pools after
    /// it. Returns how many pools were estimated.
    /// </summary>
    public int EstimateUpTo(double seconds)
    {
        if (!_leftHeapBuilt)
        {
            // A heap by (bound, pool): usually only a few pools are taken before the bounds pass the limit.
            _leftHeap ??= new PoolHeap(snapshot.Pools.Length);
            _leftHeap.Clear();
            foreach (var pool in _left)
                _leftHeap.Add(_seconds[pool], pool);
            _leftHeap.Build();
            _leftHeapBuilt = true;
        }
        var estimated = 0;
        while (_leftHeap!.Count > 0)
        {
            var (bound, pool) = _leftHeap.Peek();
            if (bound > seconds || bound >= _earliest)
                break;
            _leftHeap.Pop();
            if (!ReferenceEquals(_candidates![pool], snapshot.Memo.Outbound(pool)))
                continue; // estimated already (the walk to the first feasible pool)
            Score(pool);
            estimated++;
        }
        return estimated;
    }

    /// <summary>The earliest completion among the feasible pools the last run (and <see cref="EstimateUpTo"/>) estimated; null when none.</summary>
    public DateTimeOffset? EarliestCompletion => _earliestCompletion;

    /// <summary>
    /// The explanation of the last run's job: <paramref name="pools"/> (one candidate per pool) then
    /// <paramref name="extra"/>, stored as its difference from the filter layers that run read and the pools'
    /// shared "not scored" notes (<see cref="CandidateList"/>), or copied when the run filtered nothing.
    /// </summary>
    public CandidateList Explain(ReadOnlySpan<Candidate> pools, ReadOnlySpan<Candidate> extra = default) =>
        _layers.Place is { } place && pools.Length == snapshot.Pools.Length
            ? CandidateList.Over(place, _layers.Fit, _assigned ? snapshot.Memo.AssignedElsewhereLayer : snapshot.Memo.OutboundLayer, pools, extra)
            : CandidateList.Copy(pools, extra);

    private (Candidate?[] Place, Candidate?[] Fit) _layers;

    // The last run took the batch round's pool: its other open pools are "assigned elsewhere", not "outbound".
    private bool _assigned;

    /// <summary>Pools the last run estimated and found feasible, including those <see cref="EstimateUpTo"/> added.</summary>
    public int Scored => _scored;

    // The job the last Run weighed (read by Score and EstimateUpTo).
    private PendingJob? _job;
    private int _userPoint;
    private Candidate[]? _candidates;
    private CycleState? _state;
    private DateTimeOffset _now;
    private ScoreScales _scales;
    private List<Estimate>? _feasible;
    private int _scored;
    private double _earliest;
    private DateTimeOffset? _earliestCompletion;
    private readonly List<int> _left = []; // pools the last run left out (not scored), for EstimateUpTo
    private PoolHeap? _leftHeap; // created on first use: many cycles (a simulator's) never need it
    private bool _leftHeapBuilt;

    /// <summary>Estimates a pool for the job of the last run: a rejection by staging, deadline or budget, or its score parts.</summary>
    private ScoreParts? Score(int pool)
    {
        var demand = _job!.Demand;
        var estimate = _last = evaluator.Estimate(_job, pool, _state!, _now, policy.SeesNetwork, _userPoint);
        if (Scheduler.Cycle.TimeOrMoneyRejection(demand, estimate) is { } late)
        {
            _candidates![pool] = new Candidate(snapshot.Pools[pool].Pool.Id, late, null);
            return null;
        }
        var parts = Scoring.Parts(estimate, policy, _scales, demand, snapshot, _now);
        _candidates![pool] = new Candidate(snapshot.Pools[pool].Pool.Id, null, parts);
        _feasible?.Add(estimate);
        if (_earliestCompletion is not { } known || estimate.Completion < known)
            (_earliestCompletion, _earliest) = (estimate.Completion, (estimate.Completion - _now).TotalSeconds);
        _scored++;
        return parts;
    }

    private Estimate _last;

    /// <summary>
    /// For a pool whose bound equals the best total: it could only win the tie-break (earlier
    /// completion, then lower pool index), which it cannot when its completion bound is later than the
    /// best's completion, or equal with a higher pool index.
    /// </summary>
    private bool CannotWinTie(int pool, in Estimate best, DateTimeOffset now)
    {
        var seconds = _seconds[pool];
        var bestSeconds = (best.Completion - now).TotalSeconds;
        return seconds > bestSeconds || (seconds == bestSeconds && pool > best.Pool);
    }

    /// <summary>Why the winner won, in one line.</summary>
    public string Reason(SearchOutcome outcome)
    {
        var winner = snapshot.Pools[outcome.Winner!.Value.Pool].Pool.Id;
        if (outcome.Assigned)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"{winner} was assigned by the batch round by weighted completion time over all pending jobs; {outcome.PassedHardFilters} of {snapshot.Pools.Length} pools passed the hard filters");
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"{winner} won among {outcome.Scored} scored of {outcome.PassedHardFilters} pools that passed the hard filters (of {snapshot.Pools.Length}) by {Scoring.Describe(policy.Chooser)}; {outcome.Outbound} not scored: their lower bound exceeds the winner's total");
    }
}
