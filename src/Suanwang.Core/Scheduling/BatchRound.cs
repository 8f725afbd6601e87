using System.Globalization;
using Suanwang.Core.Model;

namespace Suanwang.Core.Scheduling;

/// <summary>How the batch round solves its assignment problem.</summary>
public enum BatchFormulation
{
    /// <summary>Exact: CP-SAT on the generalized assignment (integer node demands per pool), hinted with the flow solution.</summary>
    CpSat,

    /// <summary>Approximate and fast: min-cost flow counting jobs instead of nodes, repaired to node capacities.</summary>
    MinCostFlow,

    /// <summary>
    /// CP-SAT when the instance has at most <see cref="BatchOptions.CpSatMaxArcs"/> arcs, otherwise the
    /// min-cost flow alone (on large rounds CP-SAT does not improve the flow's solution within a budget that
    /// fits the round; see <c>docs/scheduler-batch.md</c>).
    /// </summary>
    Auto,
}

/// <summary>Settings of a batch round.</summary>
/// <param name="TimeLimit">
/// Budget of the solver in CP-SAT's deterministic time (seconds of work as CP-SAT counts them: a few
/// CPU seconds per unit on a busy machine, but the same count on every machine, so the same inputs
/// give the same plan). It bounds CP-SAT only (the min-cost flow has no time limit and takes well under
/// a second at 5,000 jobs × 1,000 pools). Zero or less skips the solver: the greedy plan is returned.
/// </param>
/// <param name="Formulation">Which model to solve.</param>
/// <param name="UnplacedPenalty">What a job that is not placed costs in the objective (per priority weight).</param>
/// <param name="MaxPoolsPerJob">Cheapest start-now pools kept per job in the model (bounds its size).</param>
/// <param name="CpSatMaxArcs">With <see cref="BatchFormulation.Auto"/>: the largest instance (in (job, pool) arcs) given to CP-SAT.</param>
public sealed record BatchOptions(
    TimeSpan TimeLimit,
    BatchFormulation Formulation = BatchFormulation.Auto,
    TimeSpan? UnplacedPenalty = null,
    int MaxPoolsPerJob = 8,
    int CpSatMaxArcs = BatchOptions.DefaultCpSatMaxArcs)
{
    /// <summary>
    /// Default of <see cref="CpSatMaxArcs"/>: at 100 pools × 500 jobs (about 3,500 arcs) CP-SAT improves the
    /// flow's model cost by about 1 %; at 1,000 pools × 5,000 jobs (about 38,000 arcs) it found nothing better
    /// than its presolved hint in 3 deterministic seconds, and its model, presolve and LP alone took 0.6–1 s.
    /// </summary>
    public const int DefaultCpSatMaxArcs = 10_000;

    /// <summary>Default unplaced penalty: 30 days, longer than any placement the cycle would make, so placing always pays.</summary>
    public static readonly TimeSpan DefaultUnplacedPenalty = TimeSpan.FromDays(30);

    /// <summary>Auto, with 0.1 s of deterministic time when CP-SAT runs.</summary>
    public static BatchOptions Default { get; } = new(TimeSpan.FromSeconds(0.1));

    /// <summary>The penalty in whole seconds.</summary>
    internal long PenaltySeconds => (long)Math.Ceiling((UnplacedPenalty ?? DefaultUnplacedPenalty).TotalSeconds);
}

/// <summary>The outcome of a batch round.</summary>
/// <param name="Plan">The plan to apply: the batch plan, or the greedy plan when the solver failed or did worse.</param>
/// <param name="Objective">Objective of <paramref name="Plan"/> (lower is better; see <see cref="BatchRound"/>).</param>
/// <param name="GreedyObjective">Objective of the greedy cycle's plan for the same inputs.</param>
/// <param name="BatchObjective">Objective of the solver's plan, or null when no solver plan was made.</param>
/// <param name="BatchPlan">The solver's plan even when it was not chosen (null when none was made), for comparison and tests.</param>
/// <param name="UsedSolver">True when <paramref name="Plan"/> is the solver's plan.</param>
/// <param name="SolverStatus">What happened, in one line: solver status, or why the greedy plan was kept.</param>
/// <param name="JobsInModel">Pending jobs that could start now somewhere and so took part in the model.</param>
/// <param name="Arcs">(job, pool) pairs in the model.</param>
/// <param name="JobsAssigned">Jobs the solver started now.</param>
public sealed record BatchResult(
    Plan Plan,
    double Objective,
    double GreedyObjective,
    double? BatchObjective,
    Plan? BatchPlan,
    bool UsedSolver,
    string SolverStatus,
    int JobsInModel,
    int Arcs,
    int JobsAssigned);

/// <summary>
/// The global batch round (issue 3): instead of taking pending jobs one by one in queue order, decide
/// together which jobs start now on which pools, with Google OR-Tools, then bind those placements
/// through the ordinary cycle and let the greedy cycle handle every other job.
/// </summary>
/// <remarks>
/// <para>Objective (for both plans, computed on the plan itself): Σ over pending jobs of
/// w(priority) × seconds from now to the placement's completion, or w × the unplaced penalty for a job
/// that is not placed; w = 1, 2, 4, 8 for low, normal, high, urgent. Lower is better.</para>
/// <para>The returned plan always passes the cycle's checks (every placement is bound by the cycle on
/// its working copy of node profiles and bandwidth calendar), and its objective is never worse than the
/// greedy plan's: when the solver's plan scores worse, the greedy plan is returned and the status says so.</para>
/// </remarks>
public static class BatchRound
{
    /// <summary>Runs the greedy cycle and the batch round on the same inputs and returns the better plan with both objectives.</summary>
    public static BatchResult Plan(SchedulingSnapshot snapshot, IReadOnlyList<PendingJob> pending, DateTimeOffset now, SchedulingPolicy policy,
        BatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(policy);
        options ??= BatchOptions.Default;
        if (options.TimeLimit <= TimeSpan.Zero)
        {
            var alone = Scheduler.Plan(snapshot, pending, now, policy);
            var objective = Objective(alone, pending, options.UnplacedPenalty);
            return new(alone, objective, objective, null, null, false, "time limit is zero: solver not run, greedy plan", 0, 0, 0);
        }

        // The greedy cycle and the model read the same immutable snapshot and share nothing else, so the
        // greedy plan is computed alongside (on a second core when there is one); the plans are the same either way.
        var greedyTask = Environment.ProcessorCount > 1 ? Task.Run(() => Scheduler.Plan(snapshot, pending, now, policy)) : null;
        var instance = BatchInstance.Build(snapshot, pending, now, policy, options.PenaltySeconds, Math.Max(1, options.MaxPoolsPerJob));
        var (assignment, status) = instance.Jobs.IsEmpty ? (null, string.Empty) : Solve(instance, options);
        // Binding does not need the greedy plan, so it runs before waiting for it (the two take about as long).
        var (batch, assignedCount) = assignment is null ? (null, 0) : Bind(snapshot, pending, now, policy, instance, assignment);
        var greedy = greedyTask?.GetAwaiter().GetResult() ?? Scheduler.Plan(snapshot, pending, now, policy);
        var greedyObjective = Objective(greedy, pending, options.UnplacedPenalty);
        BatchResult Greedy(string why, int jobs = 0, int arcs = 0, Plan? batch = null, double? batchObjective = null, int assigned = 0) =>
            new(greedy, greedyObjective, greedyObjective, batchObjective, batch, false, why, jobs, arcs, assigned);
        if (instance.Jobs.IsEmpty)
            return Greedy("no pending job can start now: greedy plan");
        if (batch is null)
            return Greedy($"{status}: no solution within the time limit, greedy plan", instance.Jobs.Length, instance.Arcs.Length);

        var batchObjective = Objective(batch, pending, options.UnplacedPenalty);
        if (batchObjective > greedyObjective)
        {
            return Greedy(string.Create(CultureInfo.InvariantCulture, $"{status}; its plan scored {batchObjective:R}, worse than greedy: greedy plan"),
                instance.Jobs.Length, instance.Arcs.Length, batch, batchObjective, assignedCount);
        }
        return new BatchResult(batch, batchObjective, greedyObjective, batchObjective, batch, true, status, instance.Jobs.Length, instance.Arcs.Length, assignedCount);
    }

    /// <summary>
    /// The batch plan: the greedy cycle with the assigned jobs taken first, in a fixed order (priority
    /// descending, submission time, id), each on its assigned pool while that pool is still feasible.
    /// </summary>
    private static (Plan Plan, int Assigned) Bind(SchedulingSnapshot snapshot, IReadOnlyList<PendingJob> pending, DateTimeOffset now, SchedulingPolicy policy,
        BatchInstance instance, BatchAssignment assignment)
    {
        var assigned = Enumerable.Range(0, instance.Jobs.Length)
            .Where(j => assignment.PoolOfJob[j] >= 0)
            .Select(j => (Job: instance.Jobs[j], Pool: assignment.PoolOfJob[j]))
            .OrderByDescending(a => a.Job.Demand.Priority)
            .ThenBy(a => a.Job.SubmittedAt)
            .ThenBy(a => a.Job.Id, StringComparer.Ordinal)
            .ToList();
        var prepared = new Dictionary<PendingJob, PreparedJob>(instance.Jobs.Length, ReferenceEqualityComparer.Instance);
        for (var j = 0; j < instance.Jobs.Length; j++)
            prepared[instance.Jobs[j]] = instance.Prepared[j];
        return (Scheduler.Plan(snapshot, pending, now, policy, assigned, prepared), assigned.Count);
    }

    /// <summary>
    /// The objective of any plan for these pending jobs: Σ w(priority) × seconds from the plan's now to
    /// each placement's completion (rounded up), plus w × <paramref name="unplacedPenalty"/> (default
    /// <see cref="BatchOptions.DefaultUnplacedPenalty"/>) for each job that is waiting or unschedulable.
    /// </summary>
    public static double Objective(Plan plan, IReadOnlyList<PendingJob> pending, TimeSpan? unplacedPenalty = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(pending);
        var penalty = (long)Math.Ceiling((unplacedPenalty ?? BatchOptions.DefaultUnplacedPenalty).TotalSeconds);
        var priority = new Dictionary<string, JobPriority>(StringComparer.Ordinal);
        foreach (var job in pending)
            priority.TryAdd(job.Id, job.Demand.Priority);
        double total = 0;
        foreach (var decision in plan.Decisions)
        {
            var weight = BatchInstance.Weight(priority.GetValueOrDefault(decision.JobId, JobPriority.Normal));
            total += weight * (decision is { Kind: DecisionKind.Placed, Placement: { } placement }
                ? BatchInstance.Seconds(plan.Now, placement.Completion)
                : penalty);
        }
        return total;
    }

    private static (BatchAssignment? Assignment, string Status) Solve(BatchInstance instance, BatchOptions options)
    {
        var flow = BatchAssignmentSolver.SolveFlow(instance);
        if (options.Formulation == BatchFormulation.MinCostFlow)
            return (flow, flow.Status);
        if (options.Formulation == BatchFormulation.Auto && instance.Arcs.Length > options.CpSatMaxArcs)
        {
            var said = string.Create(CultureInfo.InvariantCulture, $"{flow.Status}; CP-SAT not run ({instance.Arcs.Length} arcs > {options.CpSatMaxArcs})");
            return (flow with { Status = said }, said);
        }
        return BatchAssignmentSolver.SolveCpSat(instance, flow.PoolOfJob, options.TimeLimit.TotalSeconds);
    }
}
