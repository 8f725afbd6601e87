using Suanwang.Core.Scheduling;
using Suanwang.Simulation.Reporting;
using Suanwang.Simulation.Workloads;

namespace Suanwang.Simulation.Engine;

/// <summary>Where a job is in its life inside the simulator.</summary>
internal enum JobPhase
{
    NotArrived,
    Pending,
    Staging,
    Running,
    Completed,
    Failed,
}

/// <summary>The simulator's mutable record of one job: its phase, its committed placement and what it has consumed.</summary>
internal sealed class JobRecord(int index, SimulatedJob job)
{
    public int Index { get; } = index;

    public SimulatedJob Job { get; } = job;

    public PendingJob Pending => Job.Job;

    public JobPhase Phase { get; set; } = JobPhase.NotArrived;

    /// <summary>Bumped whenever an execution is abandoned, so its stale events are ignored.</summary>
    public int Epoch { get; set; }

    public Placement? Placement { get; set; }

    /// <summary>Transfers of the committed placement still moving data.</summary>
    public int TransfersLeft { get; set; }

    /// <summary>The committed start has been reached; the job runs as soon as its data is in.</summary>
    public bool StartDue { get; set; }

    public long StartTicks { get; set; }

    public long? FirstStartTicks { get; set; }

    public long FinishTicks { get; set; }

    /// <summary>Time from the end of the run until the output is back with the user.</summary>
    public long OutputReturnTicks { get; set; }

    public double RunSeconds { get; set; }

    public double NodeSeconds { get; set; }

    public double StagedBytes { get; set; }

    public double StagingSeconds { get; set; }

    public long CostMinorUnits { get; set; }

    public double EnergyKwh { get; set; }

    public double CarbonKg { get; set; }

    public string Reason { get; set; } = "";

    public int Restarts { get; set; }

    /// <summary>
    /// The allocations the scheduler last saw for this job (one per part), kept so that the next snapshot
    /// gets the very same objects while nothing about them changed (it then shares the pools' node profiles).
    /// </summary>
    public RunningAllocation[]? Holds { get; set; }

    /// <summary>What <see cref="Holds"/> were made from: the placement, the phase, the real start, and when.</summary>
    public (Placement? Placement, JobPhase Phase, long StartTicks, long MadeAt, long EarliestEnd) HoldsMadeFrom { get; set; }

    /// <summary>The outcome at the end of the run; <paramref name="start"/> is the simulation's start in ticks.</summary>
    public JobOutcome Outcome(long start)
    {
        var demand = Pending.Demand;
        double Seconds(long ticks) => SimClock.Seconds(ticks - start);
        var end = Phase switch
        {
            JobPhase.Completed => JobEnd.Completed,
            JobPhase.Failed => JobEnd.Failed,
            _ => JobEnd.Queued,
        };
        var hasSla = demand.Deadline is not null || (demand.Type == Core.Model.JobType.Service && demand.User?.Latency is not null);
        var met = end == JobEnd.Completed && (demand.Deadline is not { } deadline || FinishTicks <= deadline.UtcTicks);
        return new JobOutcome(
            Pending.Id, Pending.TenantId, end, end == JobEnd.Completed ? "" : Reason,
            Seconds(Pending.SubmittedAt.UtcTicks),
            end == JobEnd.Completed ? Seconds(StartTicks) : FirstStartTicks is { } first ? Seconds(first) : null,
            end == JobEnd.Completed ? Seconds(FinishTicks) : null,
            RunSeconds, NodeSeconds, hasSla, hasSla && met, StagedBytes, StagingSeconds, CostMinorUnits, EnergyKwh, CarbonKg, Restarts);
    }
}
