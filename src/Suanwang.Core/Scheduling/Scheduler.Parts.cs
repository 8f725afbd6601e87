using System.Collections.Immutable;
using System.Globalization;
using Suanwang.Core.Model;

namespace Suanwang.Core.Scheduling;

/// <summary>A job spread over several pools: planned parts and the aggregate the chooser scores.</summary>
/// <param name="Kind">"gang" (pools of one site, one common start) or "split" (an array over pools of any sites).</param>
/// <param name="Parts">The parts, in topology order.</param>
/// <param name="Aggregate">The whole as one estimate, for scoring (its pool is the first part's).</param>
/// <param name="CandidateIndex">Where its candidate sits in the decision's list.</param>
internal sealed record MultiPartOption(string Kind, ImmutableArray<PartPlan> Parts, Estimate Aggregate, int CandidateIndex);

public static partial class Scheduler
{
    internal sealed partial class Cycle
    {
        /// <summary>
        /// The hook for gangs across pools of one site and split arrays: null for every other job, or
        /// when no candidate over several pools arose (the single-pool path then decides as before);
        /// otherwise the whole decision, with those candidates scored alongside the single pools.
        /// </summary>
        /// <remarks>
        /// The search need not have estimated every feasible pool (<see cref="SearchOutcome.Exhaustive"/>):
        /// it estimated the winner (and the first feasible pool in topology order), so the earliest feasible
        /// completion it knows is an upper bound of the real one. A combination is offered only when it
        /// completes strictly before every feasible single pool, so before one is offered every pool left out
        /// that could complete by its completion is estimated (<see cref="CandidateSearch.EstimateUpTo"/>):
        /// the comparison is then exact. Offers of pools that cannot finish one task in time
        /// (<see cref="CandidateEvaluator.OneTaskBound"/>) are left out: they could add no part to a split, and
        /// a gang over a site whose pools cannot complete it in time is not planned. The plan is the one an
        /// exhaustive evaluation gives; only pools left out are explained as not scored.
        /// </remarks>
        private Decision? MultiPartDecision(PendingJob job, int assignedPool, int userPoint, List<Estimate> feasible,
            Candidate[] singlePools, ref SearchOutcome outcome)
        {
            var demand = job.Demand;
            var gang = demand.Type == JobType.Gang;
            if (!MultiPartEligible(demand) || (assignedPool >= 0 && feasible.Exists(e => e.Pool == assignedPool)))
                return null;
            _scales = outcome.Scales;
            feasible.Sort((a, b) => a.Pool.CompareTo(b.Pool)); // the search meets pools in bound order; offers walk them in topology order
            // Candidates over several pools, after the single pools' (the full list is built only when there are any).
            var extra = new List<Candidate>();
            // The earliest feasible single completion found: exact up to the times EarliestSingleUpTo was asked for.
            var bestSingle = feasible.Count == 0 ? (DateTimeOffset?)null : feasible.Min(e => e.Completion);
            // Whether the search left pools out (the reference cycle that estimates every pool prunes nothing here either).
            var onDemand = !outcome.Exhaustive;
            var search = outcome;
            var probe = job with { Demand = demand with { Tasks = 1 } };
            var eligible = Eligible(probe, userPoint, feasible);
            if (eligible.Count < 2)
                return null;
            var options = new List<MultiPartOption>();
            if (gang)
            {
                for (var first = 0; first < eligible.Count;)
                {
                    var site = snapshot.Pools[eligible[first].Pool].Site;
                    var end = first + 1;
                    while (end < eligible.Count && ReferenceEquals(snapshot.Pools[eligible[end].Pool].Site, site))
                        end++;
                    var (from, count) = (first, end - first);
                    first = end;
                    if (count < 2)
                        continue;
                    long capacity = 0;
                    for (var k = from; k < end; k++)
                        capacity += eligible[k].Capacity;
                    if (capacity < demand.Tasks)
                    {
                        extra.Add(new Candidate(JoinedIds(eligible.Skip(from).Take(count).Select(o => o.Pool)), string.Create(CultureInfo.InvariantCulture,
                            $"gang across the pools of site '{site.Id}': together they hold at most {capacity} of its {demand.Tasks} tasks"), null));
                        continue;
                    }
                    if (onDemand && bestSingle is { } known)
                    {
                        // No gang over the site completes before now + its bound: skip it if a single pool is no later.
                        var bounds = _siteBounds ??= [];
                        bounds.Clear();
                        for (var k = from; k < end; k++)
                            bounds.Add((eligible[k].Finish, eligible[k].Capacity));
                        var bound = GangSiteBound(bounds, demand.Tasks);
                        bestSingle = EarliestSingleUpTo(TimeSpan.FromTicks(bound).TotalSeconds, feasible, ref search) ?? known;
                        if (now.UtcTicks + bound >= bestSingle.Value.UtcTicks)
                            continue;
                    }
                    var parts = GangPlanner.Plan(OffersOf(eligible.GetRange(from, count), probe, userPoint, feasible), demand.Tasks, State.Profile);
                    if (parts.IsDefault)
                        continue;
                    var completion = parts.Max(p => p.Completion);
                    if (onDemand && bestSingle is { } before && completion < before)
                        bestSingle = EarliestSingleUpTo((completion - now).TotalSeconds, feasible, ref search);
                    if (bestSingle is not { } single || completion < single)
                        Offer("gang", parts, job, singlePools.Length, extra, options);
                }
            }
            else if (SplitOffers(eligible, probe, userPoint, feasible, onDemand, ref bestSingle, ref search) is { } offers)
            {
                var limit = bestSingle is { } single ? single.AddTicks(-1) : offers.Max(o => FullPoolFinish(o));
                if (demand.Deadline is { } deadline && deadline < limit)
                    limit = deadline;
                var parts = limit > now && offers.Count >= 2 ? ArraySplitter.Plan(offers, demand.Tasks, now, limit, State.Profile) : default;
                if (!parts.IsDefault)
                    Offer("split", parts, job, singlePools.Length, extra, options);
            }
            outcome = search;
            if (extra.Count == 0)
                return null;
            Candidate[] candidates = [.. singlePools, .. extra];
            if (options.Count == 0 && feasible.Count > 0)
                return DecideOnePool(job, feasible, ScoreAll(feasible, demand), candidates);
            if (options.Count == 0)
                return Unschedulable(job, $"{NoPoolReason(singlePools, outcome.PassedHardFilters)}; no combination of pools either: {candidates[^1].Rejection}", Explain(candidates));
            return DecideAmong(job, feasible, options, candidates);
        }

        /// <summary>A multi-pool job's explanation: the single pools (as the search's layers hold most of them), then the candidates over several pools.</summary>
        private CandidateList Explain(Candidate[] candidates) =>
            Search.Explain(candidates.AsSpan(0, snapshot.Pools.Length), candidates.AsSpan(snapshot.Pools.Length));

        /// <summary>Gangs and splittable arrays of two or more tasks may be placed over several pools.</summary>
        /// <remarks>
        /// Only where a combination can exist at all: a gang needs a site with two pools, a split two pools
        /// anywhere; elsewhere the job is an ordinary single-pool job (and costs no more than one).
        /// </remarks>
        private bool MultiPartEligible(JobDemand demand) =>
            demand.Tasks >= 2
            && ((demand.Type == JobType.Gang && snapshot.Memo.AnySiteWithSeveralPools)
                || (demand.Type == JobType.Array && demand.Flags is { Splittable: true } && snapshot.Pools.Length >= 2));

        /// <summary>Score parts of every estimate with the job's fixed scales (from the search), so single pools and combinations compare on one scale.</summary>
        private ImmutableArray<ScoreParts> ScoreAll(List<Estimate> estimates, JobDemand demand)
        {
            var scores = ImmutableArray.CreateBuilder<ScoreParts>(estimates.Count);
            foreach (var e in estimates)
                scores.Add(Scoring.Parts(e, policy, _scales, demand, snapshot, now));
            return scores.MoveToImmutable();
        }

        /// <summary>The lowest total (ties: earlier completion, then the pool first in the topology); earlier entries win exact ties.</summary>
        private static int WinnerOf(List<Estimate> estimates, ImmutableArray<ScoreParts> scores)
        {
            var best = 0;
            for (var k = 1; k < estimates.Count; k++)
            {
                if (Scoring.Beats(scores[k].Total, estimates[k], scores[best].Total, estimates[best]))
                    best = k;
            }
            return best;
        }

        private string JoinedIds(IEnumerable<int> pools) => string.Join('+', pools.Select(p => snapshot.Pools[p].Pool.Id));

        /// <summary>Adds the candidate of a planned option: rejected by the deadline or budget, or kept for scoring.</summary>
        private void Offer(string kind, ImmutableArray<PartPlan> parts, PendingJob job, int poolCandidates, List<Candidate> candidates, List<MultiPartOption> options)
        {
            var estimated = EstimatedParts(parts);
            var aggregate = Aggregate(parts);
            var candidate = new Candidate(JoinedIds(parts.Select(p => p.Offer.Pool)), TimeOrMoneyRejection(job.Demand, aggregate), null) { Parts = estimated };
            if (candidate.Rejection is null)
                options.Add(new MultiPartOption(kind, parts, aggregate, poolCandidates + candidates.Count));
            candidates.Add(candidate);
        }

        /// <summary>The parts as the policy estimated them (no transfers yet; staging is priced on the first part at each site).</summary>
        private ImmutableArray<PlacementPart> EstimatedParts(ImmutableArray<PartPlan> parts)
        {
            var staged = new HashSet<string>(StringComparer.Ordinal);
            return [.. parts.Select(p =>
            {
                var facts = snapshot.Pools[p.Offer.Pool];
                var (compute, energy, carbon) = PartCosts.Of(snapshot, p.Offer.Pool, p.Nodes, p.Runtime);
                var staging = staged.Add(facts.Site.Id) ? p.Offer.StagingMinor : 0;
                return new PlacementPart(facts.Pool.Id, facts.Site.Id, p.Tasks, p.Nodes, p.Offer.TasksPerNode, p.Start, p.Completion, p.Runtime, [],
                    new Money(compute.MinorUnits + staging, compute.Currency), energy, carbon);
            })];
        }

        /// <summary>The option as one estimate: sums of nodes, cost, energy and carbon; earliest start; latest completion; longest run.</summary>
        private Estimate Aggregate(ImmutableArray<PartPlan> parts)
        {
            var estimated = EstimatedParts(parts);
            var first = parts[0].Offer;
            long free = 0, nodes = 0;
            foreach (var p in parts)
            {
                var busyNow = State.Profile(p.Offer.Pool).MaxUsage(now.UtcTicks, now.UtcTicks + 1);
                free += p.Offer.NodeCount - busyNow;
                nodes += p.Offer.NodeCount;
            }
            var currency = estimated[0].Cost.Currency;
            var compute = parts.Sum(p => PartCosts.Of(snapshot, p.Offer.Pool, p.Nodes, p.Runtime).Compute.MinorUnits);
            return new Estimate(first.Pool, parts.Sum(p => p.Nodes), first.TasksPerNode, parts.Max(p => p.Runtime), parts.Max(p => p.Offer.StagedAt),
                parts.Min(p => p.Start), parts.Max(p => p.Completion), first.OutputReturn, new Money(compute, currency),
                new Money(estimated.Sum(p => p.Cost.MinorUnits), currency), estimated.Sum(p => p.EnergyKwh), estimated.Sum(p => p.CarbonKg),
                (int)Math.Min(int.MaxValue, free), nodes == 0 ? 1 : (double)(nodes - free) / nodes);
        }

        /// <summary>Scores single pools and multi-pool options together; single pools come first, so they win ties.</summary>
        private Decision DecideAmong(PendingJob job, List<Estimate> feasible, List<MultiPartOption> options, Candidate[] candidates)
        {
            var all = new List<Estimate>(feasible.Count + options.Count);
            all.AddRange(feasible);
            all.AddRange(options.Select(o => o.Aggregate));
            var scores = ScoreAll(all, job.Demand);
            for (var j = 0; j < options.Count; j++)
                candidates[options[j].CandidateIndex] = candidates[options[j].CandidateIndex] with { Score = scores[feasible.Count + j] };
            var winner = WinnerOf(all, scores);
            if (winner < feasible.Count)
                return DecideOnePool(job, feasible, scores, candidates, winner, all.Count);
            var option = options[winner - feasible.Count];
            for (var k = 0; k < feasible.Count; k++)
            {
                if (candidates[feasible[k].Pool].Score != scores[k])
                    candidates[feasible[k].Pool] = candidates[feasible[k].Pool] with { Score = scores[k] };
            }
            if (PartsQueueHold(Layout(job.Demand, option, reserve: false)) is { } hold)
                return new Decision(job.Id, DecisionKind.Waiting, null, hold, Explain(candidates));
            var placement = BindParts(job, option);
            var site = option.Kind == "gang" ? $" of site '{placement.SiteId}'" : "";
            var reason = string.Create(CultureInfo.InvariantCulture,
                $"{option.Kind} over {placement.Parts.Length} pools{site} ({string.Join(", ", placement.Parts.Select(p => $"{p.PoolId}: {p.Tasks} tasks"))}) won among {all.Count} scored candidates ({feasible.Count} single pools of {snapshot.Pools.Length}; the pools not scored cannot win) by {Scoring.Describe(policy.Chooser)}");
            return new Decision(job.Id, DecisionKind.Placed, placement, reason, Explain(candidates));
        }

        /// <summary>The single-pool tail of a decision (as in <see cref="DecideUnchecked"/>), when a single pool won.</summary>
        private Decision DecideOnePool(PendingJob job, List<Estimate> feasible, ImmutableArray<ScoreParts> scores, Candidate[] candidates,
            int winner = -1, int considered = -1)
        {
            for (var k = 0; k < feasible.Count; k++)
            {
                if (candidates[feasible[k].Pool].Score != scores[k])
                    candidates[feasible[k].Pool] = candidates[feasible[k].Pool] with { Score = scores[k] };
            }
            var chosen = feasible[winner >= 0 ? winner : WinnerOf(feasible, scores)];
            if (QueueHold(chosen with { Start = StartAfterStaging(job.Demand, chosen) }) is { } hold)
                return new Decision(job.Id, DecisionKind.Waiting, null, hold, Explain(candidates));
            if (Bind(job, chosen, out var unstaged) is not { } placement)
                return new Decision(job.Id, DecisionKind.Waiting, null, $"{snapshot.Pools[chosen.Pool].Pool.Id} won, but its inputs could not be staged: {unstaged}", Explain(candidates));
            var reason = string.Create(CultureInfo.InvariantCulture,
                $"{snapshot.Pools[chosen.Pool].Pool.Id} won among {(considered >= 0 ? considered : feasible.Count)} scored candidates ({feasible.Count} single pools of {snapshot.Pools.Length}; the pools not scored cannot win) by {Scoring.Describe(policy.Chooser)}");
            return new Decision(job.Id, DecisionKind.Placed, placement, reason, Explain(candidates));
        }

        /// <summary>
        /// Where the parts really run: inputs staged once per site (the first part at a site carries the
        /// transfers; with <paramref name="reserve"/> they are reserved, site after site), then each
        /// part's start recomputed from the staged-at — for a gang one common start at which every part's
        /// nodes are free (raised until all agree), for a split each part on its own.
        /// </summary>
        private ImmutableArray<(PartPlan Part, DateTimeOffset Start, ImmutableArray<StagingTransfer> Transfers)> Layout(JobDemand demand, MultiPartOption option, bool reserve)
        {
            var stagedAtSite = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            var transfers = new ImmutableArray<StagingTransfer>[option.Parts.Length];
            for (var i = 0; i < option.Parts.Length; i++)
            {
                var facts = snapshot.Pools[option.Parts[i].Offer.Pool];
                transfers[i] = [];
                if (stagedAtSite.ContainsKey(facts.Site.Id))
                    continue;
                var (staged, stagedAt, _) = demand.Inputs.IsEmpty ? ([], now, null) : _staging.Plan(demand, facts, State.Calendar, now, reserve);
                stagedAtSite[facts.Site.Id] = stagedAt;
                transfers[i] = staged;
            }
            DateTimeOffset Ready(PartPlan p) => Max(p.Start, stagedAtSite[snapshot.Pools[p.Offer.Pool].Site.Id]);
            long Fit(PartPlan p, long from) => State.Profile(p.Offer.Pool).EarliestFit(from, PoolOffer.Ticks(p.Runtime), p.Offer.NodeCount - p.Nodes);
            var starts = new long[option.Parts.Length];
            if (option.Kind == "gang")
            {
                var common = option.Parts.Max(p => Ready(p).UtcTicks);
                for (var moved = true; moved;)
                {
                    moved = false;
                    foreach (var p in option.Parts)
                    {
                        var fit = Fit(p, common);
                        moved |= fit > common;
                        common = Math.Max(common, fit);
                    }
                }
                Array.Fill(starts, common);
            }
            else
            {
                for (var i = 0; i < starts.Length; i++)
                    starts[i] = Fit(option.Parts[i], Ready(option.Parts[i]).UtcTicks);
            }
            return [.. option.Parts.Select((p, i) => (p, new DateTimeOffset(starts[i], TimeSpan.Zero), transfers[i]))];
        }

        private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

        /// <summary>A single-pool placement with its one part, which runs exactly the job's <paramref name="tasks"/>.</summary>
        private static Placement OnePart(Placement placement, int tasks) => placement with
        {
            Parts = [new PlacementPart(placement.PoolId, placement.SiteId, tasks, placement.Nodes, placement.TasksPerNode, placement.Start,
                placement.Completion, placement.Runtime, placement.Transfers, placement.Cost, placement.EnergyKwh, placement.CarbonKg)],
        };

        /// <summary>
        /// The queue discipline over every part: strict waits when any part's pool is blocked, else
        /// blocks the pools of parts that start later; EASY waits when a part that starts later is on a
        /// pool whose one reservation is taken, else takes it on each such pool.
        /// </summary>
        private string? PartsQueueHold(ImmutableArray<(PartPlan Part, DateTimeOffset Start, ImmutableArray<StagingTransfer> Transfers)> laid)
        {
            var later = laid.Where(l => l.Start > now).Select(l => l.Part.Offer.Pool).ToArray();
            var blocked = laid.Select(l => l.Part.Offer.Pool).FirstOrDefault(p => _blocked[p], -1);
            switch (policy.Discipline)
            {
                case QueueDiscipline.Strict when blocked >= 0:
                    return $"FCFS: an earlier job holds the head of pool {snapshot.Pools[blocked].Pool.Id}'s queue";
                case QueueDiscipline.Strict:
                    foreach (var pool in later)
                        _blocked[pool] = true;
                    return null;
                case QueueDiscipline.EasyBackfill when later.FirstOrDefault(p => _headReserved[p], -1) is var taken and >= 0:
                    return $"EASY: a part cannot start now, and pool {snapshot.Pools[taken].Pool.Id}'s one reservation is held by an earlier job";
                case QueueDiscipline.EasyBackfill:
                    foreach (var pool in later)
                        ReserveHead(pool);
                    return null;
                default:
                    return null;
            }
        }

        /// <summary>Reserve and bind every part: staging per site, then each part's nodes from its start.</summary>
        private Placement BindParts(PendingJob job, MultiPartOption option)
        {
            var parts = ImmutableArray.CreateBuilder<PlacementPart>(option.Parts.Length);
            foreach (var (part, start, transfers) in Layout(job.Demand, option, reserve: true))
            {
                var facts = snapshot.Pools[part.Offer.Pool];
                var end = start + part.Runtime;
                State.ReserveNodes(part.Offer.Pool, start, end, part.Nodes);
                State.AddUsage(job.TenantId, facts, part.Nodes);
                var (compute, energy, carbon) = PartCosts.Of(snapshot, part.Offer.Pool, part.Nodes, part.Runtime);
                var cost = new Money(compute.MinorUnits + transfers.Sum(t => t.Cost.MinorUnits), compute.Currency);
                parts.Add(new PlacementPart(facts.Pool.Id, facts.Site.Id, part.Tasks, part.Nodes, part.Offer.TasksPerNode, start,
                    end + part.Offer.BoundOutputReturn, part.Runtime, transfers, cost, energy, carbon));
            }
            return Placement.FromParts(parts.MoveToImmutable());
        }
    }
}
