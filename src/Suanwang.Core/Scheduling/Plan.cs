using System.Collections.Immutable;
using Suanwang.Core.Model;
using Suanwang.Core.Network;

namespace Suanwang.Core.Scheduling;

/// <summary>What the scheduler decided for one job.</summary>
public enum DecisionKind
{
    /// <summary>Placed: nodes and bandwidth are reserved from <see cref="Placement.Start"/>.</summary>
    Placed,

    /// <summary>Feasible somewhere but not placed in this cycle (the queue discipline held it back); it stays pending.</summary>
    Waiting,

    /// <summary>No pool could ever run it as asked (too big, unknown dataset, impossible deadline, ...); the reason says why.</summary>
    Unschedulable,
}

/// <summary>A block of data moved to the running site before the job starts, over a reserved path.</summary>
/// <param name="DatasetId">The input dataset.</param>
/// <param name="FromSite">The replica it is copied from.</param>
/// <param name="ToSite">The site that runs the job.</param>
/// <param name="Path">Points of presence along the path, in order (one entry when both sites share a point).</param>
/// <param name="Arcs">The link directions carrying it (empty when both sites share a point).</param>
/// <param name="Size">Bytes moved.</param>
/// <param name="Bandwidth">Bandwidth reserved on every arc.</param>
/// <param name="Interval">When the bandwidth is reserved; the data is complete at its end.</param>
/// <param name="Cost">Price of moving it (path price per GB × size).</param>
public sealed record StagingTransfer(
    string DatasetId,
    string FromSite,
    string ToSite,
    ImmutableArray<string> Path,
    ImmutableArray<Arc> Arcs,
    ByteSize Size,
    Bandwidth Bandwidth,
    TimeInterval Interval,
    Money Cost);

/// <summary>
/// One pool's share of a placement: a gang spread over pools of one site, or a split array, has one
/// part per pool; every other placement has exactly one part, equal to the placement's own fields.
/// </summary>
/// <param name="PoolId">The pool.</param>
/// <param name="SiteId">Its site.</param>
/// <param name="Tasks">Tasks of the job this part runs.</param>
/// <param name="Nodes">Nodes reserved on the pool (⌈tasks ÷ tasks per node⌉).</param>
/// <param name="TasksPerNode">Tasks packed on each node.</param>
/// <param name="Start">When the part starts (for a gang, every part starts at one common start).</param>
/// <param name="Completion">Expected end of the part, including returning its output.</param>
/// <param name="Runtime">How long the part's nodes are held (for a gang: the slowest part's run time, since it advances in lock-step).</param>
/// <param name="Transfers">Input staging this part reserved (parts at a site another part already staged to reuse that copy and list none).</param>
/// <param name="Cost">Compute plus this part's data movement.</param>
/// <param name="EnergyKwh">Facility energy of the part.</param>
/// <param name="CarbonKg">Emissions of that energy.</param>
public sealed record PlacementPart(
    string PoolId,
    string SiteId,
    int Tasks,
    int Nodes,
    int TasksPerNode,
    DateTimeOffset Start,
    DateTimeOffset Completion,
    TimeSpan Runtime,
    ImmutableArray<StagingTransfer> Transfers,
    Money Cost,
    double EnergyKwh,
    double CarbonKg);

/// <summary>Where and when a job runs, how its data gets there, and what it is expected to cost.</summary>
/// <remarks>
/// A placement over several pools (<see cref="Parts"/>) is summarised by its top-level fields:
/// pool, site and tasks per node of the first part; nodes summed; the earliest part start; the
/// latest part completion; the longest part run time; every part's transfers in part order; cost,
/// energy and carbon summed (see <see cref="FromParts"/>). Capacity is held per part: read
/// <see cref="Parts"/>, not Start + Runtime on PoolId, to know which nodes are held when.
/// </remarks>
/// <param name="PoolId">The pool.</param>
/// <param name="SiteId">Its site.</param>
/// <param name="Nodes">Nodes reserved.</param>
/// <param name="TasksPerNode">Tasks packed on each node.</param>
/// <param name="Start">When the job starts (all tasks together).</param>
/// <param name="Completion">Expected end, including returning the output.</param>
/// <param name="Runtime">Expected run time on this pool (duration scaled by the pool's speed).</param>
/// <param name="Transfers">Input staging.</param>
/// <param name="Cost">Compute plus data movement.</param>
/// <param name="EnergyKwh">Facility energy (IT energy × PUE).</param>
/// <param name="CarbonKg">Emissions of that energy.</param>
public sealed record Placement(
    string PoolId,
    string SiteId,
    int Nodes,
    int TasksPerNode,
    DateTimeOffset Start,
    DateTimeOffset Completion,
    TimeSpan Runtime,
    ImmutableArray<StagingTransfer> Transfers,
    Money Cost,
    double EnergyKwh,
    double CarbonKg)
{
    private readonly ImmutableArray<PlacementPart> _parts;

    /// <summary>
    /// The pools the job runs on, never empty. When not given, the one part equal to the top-level
    /// fields (its tasks taken as nodes × tasks per node, the most those nodes hold); the scheduler always gives them.
    /// </summary>
    public ImmutableArray<PlacementPart> Parts
    {
        get => _parts.IsDefaultOrEmpty
            ? [new PlacementPart(PoolId, SiteId, Nodes * TasksPerNode, Nodes, TasksPerNode, Start, Completion, Runtime, Transfers, Cost, EnergyKwh, CarbonKg)]
            : _parts;
        init => _parts = value;
    }

    /// <summary>
    /// The placement of these parts (at least one): pool, site and tasks per node of the first part,
    /// nodes summed, the earliest start, the latest completion, the longest run time, every part's
    /// transfers in part order, and cost (in the first part's currency), energy and carbon summed.
    /// </summary>
    public static Placement FromParts(ImmutableArray<PlacementPart> parts)
    {
        if (parts.IsDefaultOrEmpty)
            throw new ArgumentException("a placement needs at least one part", nameof(parts));
        var first = parts[0];
        var (nodes, start, completion, runtime, cost, energy, carbon) = (0, first.Start, first.Completion, first.Runtime, 0L, 0.0, 0.0);
        var transfers = ImmutableArray.CreateBuilder<StagingTransfer>();
        foreach (var part in parts)
        {
            nodes += part.Nodes;
            start = part.Start < start ? part.Start : start;
            completion = part.Completion > completion ? part.Completion : completion;
            runtime = part.Runtime > runtime ? part.Runtime : runtime;
            transfers.AddRange(part.Transfers);
            cost = checked(cost + part.Cost.MinorUnits);
            energy += part.EnergyKwh;
            carbon += part.CarbonKg;
        }
        return new Placement(first.PoolId, first.SiteId, nodes, first.TasksPerNode, start, completion, runtime, transfers.ToImmutable(),
            new Money(cost, first.Cost.Currency), energy, carbon) { Parts = parts };
    }
}

/// <summary>The parts of a feasible candidate's score; lower total is better.</summary>
/// <param name="StagedAt">When every input would be at the pool's site.</param>
/// <param name="Start">When the job could start there.</param>
/// <param name="Completion">When it would end.</param>
/// <param name="StagingSeconds">Seconds from now until the inputs are staged (0 when local).</param>
/// <param name="RuntimeSeconds">Run time there, in seconds.</param>
/// <param name="Cost">Expected money spent.</param>
/// <param name="EnergyKwh">Expected energy.</param>
/// <param name="CarbonKg">Expected emissions.</param>
/// <param name="Load">Fraction of the pool's nodes busy at the start.</param>
/// <param name="Total">The policy's total (lower is better; docs/scheduler.md gives the formula per chooser).</param>
public sealed record ScoreParts(
    DateTimeOffset StagedAt,
    DateTimeOffset Start,
    DateTimeOffset Completion,
    double StagingSeconds,
    double RuntimeSeconds,
    Money Cost,
    double EnergyKwh,
    double CarbonKg,
    double Load,
    double Total);

/// <summary>
/// One candidate as the scheduler accounted for it: a pool, or (for gangs across pools of one site and
/// split arrays) several pools together. Exactly one of <see cref="Rejection"/> (a filter failed),
/// <see cref="Score"/> (estimated and scored) and <see cref="NotScored"/> (it passed the hard filters
/// but was not estimated, e.g. because its lower bound cannot beat the winner) is set. Rejections and
/// "not scored" notes recur between jobs and are shared objects.
/// </summary>
/// <param name="PoolId">The pool; for a candidate over several pools, their ids joined by '+'.</param>
/// <param name="Rejection">Why it cannot run the job (the first filter that failed), or null.</param>
/// <param name="Score">The score parts when it was scored.</param>
/// <param name="NotScored">Why it passed the hard filters but was not estimated, or null (see docs/scheduler.md).</param>
public sealed record Candidate(string PoolId, string? Rejection, ScoreParts? Score, string? NotScored = null)
{
    /// <summary>
    /// For a candidate over several pools (a gang across pools of one site, a split array): its
    /// estimated parts (no transfers yet). Empty for one pool, and for a gang's site whose pools are
    /// refused before planning because together they are too small.
    /// </summary>
    public ImmutableArray<PlacementPart> Parts { get; init; } = [];
}

/// <summary>The scheduler's decision on one job, with the candidates it weighed.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Kind">Placed, waiting or unschedulable.</param>
/// <param name="Placement">The placement when placed.</param>
/// <param name="Reason">Why it is waiting or unschedulable; for a placement, why the winner won.</param>
/// <param name="Candidates">Every pool of the snapshot, in topology order (empty when the job was refused before filtering); then any candidates over several pools (<see cref="Candidate.Parts"/>).</param>
public sealed record Decision(string JobId, DecisionKind Kind, Placement? Placement, string Reason, CandidateList Candidates);

/// <summary>The output of one scheduling cycle: a decision per pending job, in the order they were taken.</summary>
/// <param name="Policy">The policy name.</param>
/// <param name="SnapshotVersion">The snapshot version it was computed from (the applier rejects a stale plan).</param>
/// <param name="Now">The cycle's time.</param>
/// <param name="Decisions">One per pending job.</param>
public sealed record Plan(string Policy, long SnapshotVersion, DateTimeOffset Now, ImmutableArray<Decision> Decisions)
{
    /// <summary>Running work stopped so that a pending job could start now (see docs/scheduler.md, Preemption); the applier re-queues each victim.</summary>
    public ImmutableArray<Preemption> Preemptions { get; init; } = [];

    /// <summary>Running work moved: off a down site, or to a placement better by the policy's margin (see docs/scheduler.md, Migration).</summary>
    public ImmutableArray<Relocation> Relocations { get; init; } = [];

    /// <summary>Decisions that placed a job.</summary>
    public IEnumerable<Decision> Placed => Decisions.Where(d => d.Kind == DecisionKind.Placed);
}
