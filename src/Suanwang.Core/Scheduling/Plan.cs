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

/// <summary>Where and when a job runs, how its data gets there, and what it is expected to cost.</summary>
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
    double CarbonKg);

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
/// One pool as the scheduler accounted for it: exactly one of <see cref="Rejection"/> (a filter
/// failed), <see cref="Score"/> (estimated and scored) and <see cref="NotScored"/> (it passed the
/// hard filters but was not estimated, e.g. because its lower bound cannot beat the winner) is set.
/// Rejections and "not scored" notes recur between jobs and are shared objects.
/// </summary>
/// <param name="PoolId">The pool.</param>
/// <param name="Rejection">Why it cannot run the job (the first filter that failed), or null.</param>
/// <param name="Score">The score parts when it was scored.</param>
/// <param name="NotScored">Why it passed the hard filters but was not estimated, or null (see docs/scheduler.md).</param>
public sealed record Candidate(string PoolId, string? Rejection, ScoreParts? Score, string? NotScored = null);

/// <summary>The scheduler's decision on one job, with the candidates it weighed.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Kind">Placed, waiting or unschedulable.</param>
/// <param name="Placement">The placement when placed.</param>
/// <param name="Reason">Why it is waiting or unschedulable; for a placement, why the winner won.</param>
/// <param name="Candidates">Every pool of the snapshot, in topology order (empty when the job was refused before filtering).</param>
public sealed record Decision(string JobId, DecisionKind Kind, Placement? Placement, string Reason, ImmutableArray<Candidate> Candidates);

/// <summary>The output of one scheduling cycle: a decision per pending job, in the order they were taken.</summary>
/// <param name="Policy">The policy name.</param>
/// <param name="SnapshotVersion">The snapshot version it was computed from (the applier rejects a stale plan).</param>
/// <param name="Now">The cycle's time.</param>
/// <param name="Decisions">One per pending job.</param>
public sealed record Plan(string Policy, long SnapshotVersion, DateTimeOffset Now, ImmutableArray<Decision> Decisions)
{
    /// <summary>Decisions that placed a job.</summary>
    public IEnumerable<Decision> Placed => Decisions.Where(d => d.Kind == DecisionKind.Placed);
}
