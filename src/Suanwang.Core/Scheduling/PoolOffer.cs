using Suanwang.Core.Model;

namespace Suanwang.Core.Scheduling;

/// <summary>
/// What one pool offers a part of a job spread over several pools (a gang across pools of one
/// site, a split array): how many tasks fit a node, how long they run there, when the inputs would
/// be at its site and what moving them costs, and how long the output takes to go back. Taken
/// from the pool's estimate for one task of the job, so it agrees with the single-pool estimate.
/// </summary>
/// <param name="Pool">Index of the pool in the snapshot.</param>
/// <param name="NodeCount">Nodes of the pool.</param>
/// <param name="TasksPerNode">Tasks of the job one node holds.</param>
/// <param name="Runtime">Run time of the job's tasks there.</param>
/// <param name="StagedAt">When every input would be at the pool's site (now for a policy blind to the network).</param>
/// <param name="StagingMinor">Price of staging the inputs to the site, in minor units of the pool's currency (0 when blind).</param>
/// <param name="OutputReturn">Time to send the output back to the user as the policy sees it (0 when blind).</param>
/// <param name="BoundOutputReturn">The same time as a bound placement counts it (whatever the policy sees, like a single-pool bind).</param>
internal readonly record struct PoolOffer(
    int Pool,
    int NodeCount,
    int TasksPerNode,
    TimeSpan Runtime,
    DateTimeOffset StagedAt,
    long StagingMinor,
    TimeSpan OutputReturn,
    TimeSpan BoundOutputReturn)
{
    /// <summary>The offer read from the pool's estimate for one task of the job.</summary>
    public static PoolOffer From(Estimate oneTask, PoolFacts pool) =>
        new(oneTask.Pool, pool.Pool.NodeCount, oneTask.TasksPerNode, oneTask.Runtime, oneTask.StagedAt,
            oneTask.Cost.MinorUnits - oneTask.ComputeCost.MinorUnits, oneTask.Completion - oneTask.Start - oneTask.Runtime, oneTask.OutputReturn);

    /// <summary>Most tasks the whole pool holds.</summary>
    public long Capacity => (long)NodeCount * TasksPerNode;

    /// <summary>Nodes needed for <paramref name="tasks"/> tasks.</summary>
    public int NodesFor(int tasks) => (tasks + TasksPerNode - 1) / TasksPerNode;

    /// <summary>Run ticks as the node profile needs them (at least one).</summary>
    public static long Ticks(TimeSpan runtime) => Math.Max(1, runtime.Ticks);
}

/// <summary>One part of a planned multi-pool option: the pool, its tasks and nodes, and when it runs.</summary>
/// <param name="Offer">The pool's offer.</param>
/// <param name="Tasks">Tasks given to the pool.</param>
/// <param name="Nodes">Nodes they need.</param>
/// <param name="Start">When the part starts.</param>
/// <param name="Runtime">How long its nodes are held.</param>
internal readonly record struct PartPlan(PoolOffer Offer, int Tasks, int Nodes, DateTimeOffset Start, TimeSpan Runtime)
{
    /// <summary>End of the part, including its output's return.</summary>
    public DateTimeOffset Completion => Start + Runtime + Offer.OutputReturn;
}

/// <summary>Compute cost, energy and carbon of nodes of a pool, by the same formulas as the single-pool estimate.</summary>
internal static class PartCosts
{
    /// <summary>Compute cost (rounded to minor units), facility energy and carbon of <paramref name="nodes"/> nodes held for <paramref name="runtime"/>.</summary>
    public static (Money Compute, double EnergyKwh, double CarbonKg) Of(SchedulingSnapshot snapshot, int pool, int nodes, TimeSpan runtime)
    {
        var facts = snapshot.Pools[pool];
        var hours = runtime.TotalHours;
        var computeMinor = snapshot.Memo.BillableNodeUnits(pool) * nodes * hours * facts.Pool.PricePerCuHour.MinorUnits;
        var energy = facts.NodePowerKw * nodes * hours * facts.Pool.Pue;
        return (new Money((long)Math.Round(computeMinor), facts.Pool.PricePerCuHour.Currency), energy, energy * facts.Pool.CarbonGramsPerKwh / 1000);
    }
}
