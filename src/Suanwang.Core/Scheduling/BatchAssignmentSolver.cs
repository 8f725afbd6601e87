using System.Globalization;
using Google.OrTools.Graph;
using Google.OrTools.Sat;

namespace Suanwang.Core.Scheduling;

/// <summary>An assignment of the batch instance's jobs to pools.</summary>
/// <param name="PoolOfJob">Per job of the instance, the pool it starts on now, or −1 when left to the greedy cycle.</param>
/// <param name="Cost">Its cost in the instance's terms: arc costs of assigned jobs plus leave-out costs of the others.</param>
/// <param name="Status">What the solver said, for the result's status line.</param>
internal sealed record BatchAssignment(int[] PoolOfJob, long Cost, string Status);

/// <summary>
/// Solves the batch instance (a generalized assignment problem: each job on at most one pool, each
/// pool's free nodes not exceeded, minimum total cost) with Google OR-Tools. See
/// <c>docs/scheduler-batch.md</c> for the formulations and why CP-SAT is the default.
/// </summary>
internal static class BatchAssignmentSolver
{
    /// <summary>
    /// One worker and a fixed seed make CP-SAT deterministic. Presolve is kept light (one pass, no
    /// probing, no symmetry, no big-overlap search): on 5,000 jobs × 1,000 pools full presolve alone
    /// used more than a second of deterministic time, so the search (and the hint) was never reached.
    /// </summary>
    private const string Parameters =
        "num_workers:1 random_seed:0 log_search_progress:false max_presolve_iterations:1 cp_model_probing_level:0 symmetry_level:0 find_big_linear_overlap:false";

    /// <summary>
    /// CP-SAT on the exact model after <see cref="Reduce"/>, one worker, bounded by deterministic time
    /// so the same instance always gives the same answer, hinted with <paramref name="hint"/> (a valid
    /// assignment). Returns null with the status when no solution was found within the limit.
    /// </summary>
    public static (BatchAssignment? Assignment, string Status) SolveCpSat(BatchInstance instance, int[] hint, double deterministicSeconds)
    {
        var arcs = instance.Arcs;
        var (poolOfJob, tight) = Reduce(instance);
        var model = new CpModel();
        var chosen = new List<(int Arc, BoolVar Chosen)>();
        var byTightPool = new SortedDictionary<int, List<(long Nodes, BoolVar Chosen)>>();
        for (var j = 0; j < instance.Jobs.Length; j++)
        {
            if (poolOfJob[j] >= 0)
                continue;
            var (from, to) = (instance.FirstArc[j], instance.FirstArc[j + 1]);
            for (var a = from; a < to; a++)
            {
                var x = model.NewBoolVar(string.Empty);
                chosen.Add((a, x));
                model.AddHint(x, hint[j] == arcs[a].Pool);
                if (tight[arcs[a].Pool])
                    (byTightPool.TryGetValue(arcs[a].Pool, out var list) ? list : byTightPool[arcs[a].Pool] = []).Add((arcs[a].Nodes, x));
            }
            if (to - from > 1)
                model.AddAtMostOne(chosen[^(to - from)..].Select(c => c.Chosen));
        }
        foreach (var (pool, members) in byTightPool)
            model.Add(LinearExpr.WeightedSum(members.Select(m => m.Chosen), members.Select(m => m.Nodes)) <= instance.Capacity[pool]);
        // Minimizing Σ (arc cost − leave-out cost) over chosen arcs is the instance cost minus the constant Σ leave-out.
        model.Minimize(LinearExpr.WeightedSum(chosen.Select(c => c.Chosen), chosen.Select(c => arcs[c.Arc].Cost - instance.LeaveOutCost[arcs[c.Arc].Job])));

        using var solver = new CpSolver
        {
            StringParameters = string.Create(CultureInfo.InvariantCulture, $"{Parameters} max_deterministic_time:{deterministicSeconds:R}"),
        };
        var status = solver.Solve(model, null);
        var said = string.Create(CultureInfo.InvariantCulture,
            $"CP-SAT {status} on {chosen.Count} of {arcs.Length} arcs after fixing {poolOfJob.Count(p => p >= 0)} jobs, {byTightPool.Count} tight pools ({(status is CpSolverStatus.Feasible ? GapToBound(solver, instance, poolOfJob) : "")}deterministic time {solver.Response?.DeterministicTime ?? 0:G3} of {deterministicSeconds:G3})");
        if (status is not (CpSolverStatus.Optimal or CpSolverStatus.Feasible))
            return (null, said);
        foreach (var (a, x) in chosen)
        {
            if (solver.BooleanValue(x))
                poolOfJob[arcs[a].Job] = arcs[a].Pool;
        }
        return (new BatchAssignment(poolOfJob, CostOf(instance, poolOfJob), said), said);
    }

    /// <summary>How far the solution may be from optimal, from CP-SAT's bound, in the instance's terms.</summary>
    private static string GapToBound(CpSolver solver, BatchInstance instance, int[] fixedPools)
    {
        // The model's objective omits the constant Σ leave-out cost and the fixed jobs' Σ (arc − leave-out).
        var constant = 0.0;
        for (var j = 0; j < fixedPools.Length; j++)
            constant += fixedPools[j] >= 0 ? instance.Arcs[instance.FirstArc[j]].Cost : instance.LeaveOutCost[j];
        var cost = constant + solver.ObjectiveValue;
        var bound = constant + solver.BestObjectiveBound;
        return cost > 0 ? string.Create(CultureInfo.InvariantCulture, $"within {Math.Max(0, (cost - bound) / cost):0.###%} of the bound; ") : string.Empty;
    }

    /// <summary>
    /// Min-cost flow on a relaxation that counts jobs instead of nodes (source → job, capacity 1 →
    /// pool at the arc's cost, or → sink at the leave-out cost; pool → sink with capacity = free nodes
    /// ÷ the mean nodes of the jobs that could go there), then repaired to respect nodes exactly.
    /// Flow costs are the model's costs × <see cref="TieScale"/> plus a tie-break below it
    /// (<see cref="TieBreak"/>), so a job never takes a dearer arc for the tie-break's sake.
    /// </summary>
    public static BatchAssignment SolveFlow(BatchInstance instance)
    {
        var jobs = instance.Jobs.Length;
        var pools = instance.Capacity.Length;
        var arcs = instance.Arcs;
        var source = jobs + pools;
        var sink = source + 1;
        var flow = new MinCostFlow();
        var arcIds = new int[arcs.Length];
        for (var j = 0; j < jobs; j++)
        {
            flow.AddArcWithCapacityAndUnitCost(source, j, 1, 0);
            flow.AddArcWithCapacityAndUnitCost(j, sink, 1, instance.LeaveOutCost[j] * TieScale);
        }
        for (var a = 0; a < arcs.Length; a++)
            arcIds[a] = flow.AddArcWithCapacityAndUnitCost(arcs[a].Job, jobs + arcs[a].Pool, 1, arcs[a].Cost * TieScale + TieBreak(arcs[a], instance.Capacity[arcs[a].Pool]));
        foreach (var (pool, members) in ArcsByPool(instance))
        {
            var meanNodes = members.Average(a => (double)arcs[a].Nodes);
            flow.AddArcWithCapacityAndUnitCost(jobs + pool, sink, (long)Math.Floor(instance.Capacity[pool] / meanNodes), 0);
        }
        flow.SetNodeSupply(source, jobs);
        flow.SetNodeSupply(sink, -jobs);
        var status = flow.Solve();
        var poolOfJob = new int[jobs];
        Array.Fill(poolOfJob, -1);
        if (status == MinCostFlowBase.Status.OPTIMAL)
        {
            for (var a = 0; a < arcs.Length; a++)
            {
                if (flow.Flow(arcIds[a]) > 0)
                    poolOfJob[arcs[a].Job] = arcs[a].Pool;
            }
        }
        var repaired = Repair(instance, poolOfJob);
        return new BatchAssignment(repaired, CostOf(instance, repaired), $"min-cost flow {status}, repaired to node capacities");
    }

    /// <summary>Flow costs are model costs times this, plus a tie-break in [0, TieScale).</summary>
    internal const long TieScale = 1024;

    /// <summary>
    /// Among arcs of equal cost, the flow prefers the pool where the job takes the smaller share of the
    /// free nodes: ⌊(TieScale − 1) × nodes ÷ free nodes⌋ (an arc's nodes never exceed its pool's free
    /// nodes). Equal costs are common (a job whose completion is its run time on pools of equal speed),
    /// and an arbitrary choice among them packs jobs into pools that others need: this spreads them,
    /// leaving room for the jobs the round does not start (measured in docs/scheduler-batch.md), and
    /// in the job-counting relaxation it favours jobs that take a small share of a pool.
    /// </summary>
    internal static long TieBreak(BatchArc arc, int capacity) => (TieScale - 1) * arc.Nodes / Math.Max(1, capacity);

    /// <summary>
    /// Makes an assignment respect node capacities and fills what is left: per pool, keeps the
    /// assigned jobs that save most per node while they fit; then offers every unassigned job, by
    /// largest saving, its arcs in cost order. With an all −1 input this is a plain greedy heuristic.
    /// </summary>
    public static int[] Repair(BatchInstance instance, int[] poolOfJob)
    {
        var arcs = instance.Arcs;
        var free = (int[])instance.Capacity.Clone();
        var result = new int[poolOfJob.Length];
        Array.Fill(result, -1);
        var kept = Enumerable.Range(0, poolOfJob.Length)
            .Where(j => poolOfJob[j] >= 0)
            .Select(j => arcs[ArcOf(instance, j, poolOfJob[j])])
            .OrderByDescending(a => (double)(instance.LeaveOutCost[a.Job] - a.Cost) / a.Nodes)
            .ThenBy(a => a.Job);
        foreach (var arc in kept)
            Take(arc);
        var waiting = Enumerable.Range(0, poolOfJob.Length)
            .Where(j => result[j] < 0)
            .OrderByDescending(j => instance.LeaveOutCost[j] - arcs[instance.FirstArc[j]].Cost)
            .ThenBy(j => j)
            .ToList();
        foreach (var j in waiting)
        {
            for (var a = instance.FirstArc[j]; a < instance.FirstArc[j + 1] && result[j] < 0; a++)
                Take(arcs[a]);
        }
        return result;

        void Take(BatchArc arc)
        {
            if (arc.Nodes > free[arc.Pool])
                return;
            free[arc.Pool] -= arc.Nodes;
            result[arc.Job] = arc.Pool;
        }
    }

    /// <summary>
    /// Exact reduction before solving: a job whose cheapest arc goes to a pool that could hold every
    /// job with an arc to it ("loose") takes that arc in some optimal solution, so it is fixed there
    /// and its other arcs stop loading their pools, which may make more pools loose; repeated until
    /// nothing changes. Returns the fixed pool per job (−1 for the jobs left to solve) and which pools
    /// are still tight (only those need a capacity constraint).
    /// </summary>
    public static (int[] Fixed, bool[] Tight) Reduce(BatchInstance instance)
    {
        var arcs = instance.Arcs;
        var jobs = instance.Jobs.Length;
        var load = new long[instance.Capacity.Length];
        foreach (var arc in arcs)
            load[arc.Pool] += arc.Nodes;
        var fixedPool = new int[jobs];
        Array.Fill(fixedPool, -1);
        bool Tight(int pool) => load[pool] > instance.Capacity[pool];
        for (var changed = true; changed;)
        {
            changed = false;
            for (var j = 0; j < jobs; j++)
            {
                var cheapest = arcs[instance.FirstArc[j]];
                if (fixedPool[j] >= 0 || Tight(cheapest.Pool))
                    continue;
                fixedPool[j] = cheapest.Pool;
                for (var a = instance.FirstArc[j] + 1; a < instance.FirstArc[j + 1]; a++)
                {
                    var wasTight = Tight(arcs[a].Pool);
                    load[arcs[a].Pool] -= arcs[a].Nodes;
                    changed |= wasTight && !Tight(arcs[a].Pool);
                }
            }
        }
        return (fixedPool, [.. Enumerable.Range(0, load.Length).Select(Tight)]);
    }

    /// <summary>The instance cost of an assignment.</summary>
    public static long CostOf(BatchInstance instance, int[] poolOfJob)
    {
        long cost = 0;
        for (var j = 0; j < poolOfJob.Length; j++)
            cost += poolOfJob[j] < 0 ? instance.LeaveOutCost[j] : instance.Arcs[ArcOf(instance, j, poolOfJob[j])].Cost;
        return cost;
    }

    private static int ArcOf(BatchInstance instance, int job, int pool)
    {
        for (var a = instance.FirstArc[job]; a < instance.FirstArc[job + 1]; a++)
        {
            if (instance.Arcs[a].Pool == pool)
                return a;
        }
        throw new InvalidOperationException($"job {job} has no arc to pool {pool}");
    }

    /// <summary>Arc indexes per pool, pools in index order (only pools with arcs).</summary>
    private static IEnumerable<(int Pool, int[] Arcs)> ArcsByPool(BatchInstance instance) =>
        Enumerable.Range(0, instance.Arcs.Length)
            .GroupBy(a => instance.Arcs[a].Pool)
            .OrderBy(g => g.Key)
            .Select(g => (g.Key, g.ToArray()));
}
