using System.Collections.Immutable;

namespace Suanwang.Core.Scheduling;

/// <summary>In which order pending jobs are taken.</summary>
public enum QueueOrder
{
    /// <summary>Priority first; within a priority, the tenant with the smallest dominant share (DRF) goes next; then age.</summary>
    PriorityFairShare,

    /// <summary>Strictly by submission time, then job id.</summary>
    FirstComeFirstServed,
}

/// <summary>What happens to a job that cannot start now.</summary>
public enum QueueDiscipline
{
    /// <summary>It gets a reservation at its best future start (every job keeps its place: conservative backfilling).</summary>
    Reservations,

    /// <summary>Per pool, only the first such job gets a reservation; later jobs start only if they can start now without delaying it (EASY).</summary>
    EasyBackfill,

    /// <summary>Per pool, once a job cannot start now, every later job for that pool waits (no backfilling).</summary>
    Strict,
}

/// <summary>How the winning pool is chosen among feasible candidates.</summary>
public enum Chooser
{
    /// <summary>Weighted, normalized completion time, cost, carbon and load.</summary>
    WeightedScore,

    /// <summary>Most free nodes now.</summary>
    MostFreeCapacity,

    /// <summary>Lowest expected cost.</summary>
    Cheapest,

    /// <summary>Earliest expected completion.</summary>
    EarliestCompletion,
}

/// <summary>
/// A scheduling policy: a composition of the cycle's extension points (filters, a chooser over
/// scored candidates, a queue order and a discipline). Policies are chosen by name (DESIGN §10).
/// </summary>
/// <param name="Name">The policy name.</param>
/// <param name="Order">Queue order.</param>
/// <param name="Discipline">What happens to jobs that cannot start now.</param>
/// <param name="Chooser">How the winner is picked.</param>
/// <param name="SeesNetwork">Whether staging over the network is part of the estimate used to choose (oblivious policies still stage data when they bind).</param>
/// <param name="DataLocalOnly">Only pools at sites holding every input (or, failing that, the largest input) are considered.</param>
/// <param name="TimeWeight">Weight of completion time in <see cref="Chooser.WeightedScore"/>.</param>
/// <param name="CostWeight">Weight of cost.</param>
/// <param name="CarbonWeight">Weight of carbon.</param>
/// <param name="LoadWeight">Weight of pool load.</param>
/// <param name="PreemptionMaxWasteFraction">
/// Preemption bound, relative: the work a preemption wastes (victim nodes × hours since their last
/// usable checkpoint, or since their start) may be at most this fraction of the preemptor's own
/// node-hours on that pool. 0 allows only victims that lose nothing; negative turns preemption off.
/// </param>
/// <param name="PreemptionMaxWasteNodeHours">Preemption bound, absolute: at most this many node-hours wasted by one preemptor.</param>
/// <param name="MigrationMinGain">
/// A checkpointable job migrates to a better placement only when its remaining run there would end at
/// least this fraction sooner than staying (0.25: at least 25 % earlier, transfers counted); 1 or more turns it off.
/// </param>
public sealed record SchedulingPolicy(
    string Name,
    QueueOrder Order,
    QueueDiscipline Discipline,
    Chooser Chooser,
    bool SeesNetwork,
    bool DataLocalOnly,
    double TimeWeight = 0.6,
    double CostWeight = 0.25,
    double CarbonWeight = 0.1,
    double LoadWeight = 0.05,
    double PreemptionMaxWasteFraction = 0.5,
    double PreemptionMaxWasteNodeHours = 1024,
    double MigrationMinGain = 0.25)
{
    /// <summary>Ours: joint compute-and-network placement by weighted completion time, cost, carbon and load.</summary>
    public static SchedulingPolicy NetworkAware { get; } = new("network-aware", QueueOrder.PriorityFairShare, QueueDiscipline.Reservations, Chooser.WeightedScore, SeesNetwork: true, DataLocalOnly: false);

    /// <summary>Baseline: the pool with most free nodes, blind to network and data.</summary>
    public static SchedulingPolicy GreedyOblivious { get; } = new("greedy-oblivious", QueueOrder.PriorityFairShare, QueueDiscipline.Reservations, Chooser.MostFreeCapacity, SeesNetwork: false, DataLocalOnly: false);

    /// <summary>Baseline: the cheapest feasible pool.</summary>
    public static SchedulingPolicy CostOnly { get; } = new("cost-only", QueueOrder.PriorityFairShare, QueueDiscipline.Reservations, Chooser.Cheapest, SeesNetwork: true, DataLocalOnly: false);

    /// <summary>Baseline: run where the data is.</summary>
    public static SchedulingPolicy DataLocal { get; } = new("data-local", QueueOrder.PriorityFairShare, QueueDiscipline.Reservations, Chooser.EarliestCompletion, SeesNetwork: true, DataLocalOnly: true);

    /// <summary>Baseline: per-pool first-come-first-served with EASY backfilling, blind to the network.</summary>
    public static SchedulingPolicy FcfsEasy { get; } = new("fcfs-easy", QueueOrder.FirstComeFirstServed, QueueDiscipline.EasyBackfill, Chooser.EarliestCompletion, SeesNetwork: false, DataLocalOnly: false);

    /// <summary>Baseline: per-pool first-come-first-served without backfilling.</summary>
    public static SchedulingPolicy Fcfs { get; } = new("fcfs", QueueOrder.FirstComeFirstServed, QueueDiscipline.Strict, Chooser.EarliestCompletion, SeesNetwork: false, DataLocalOnly: false);

    /// <summary>Every named policy, in DESIGN §10 order.</summary>
    public static ImmutableArray<SchedulingPolicy> All { get; } = [NetworkAware, GreedyOblivious, CostOnly, DataLocal, FcfsEasy, Fcfs];

    /// <summary>The policy with this name, or null.</summary>
    public static SchedulingPolicy? ByName(string name) => All.FirstOrDefault(p => p.Name == name);
}
