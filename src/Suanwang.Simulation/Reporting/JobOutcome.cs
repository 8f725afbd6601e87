namespace Suanwang.Simulation.Reporting;

/// <summary>How a simulated job ended.</summary>
public enum JobEnd
{
    /// <summary>Ran to completion.</summary>
    Completed,

    /// <summary>Could not run (unschedulable, or lost with no way to recover); the reason says why.</summary>
    Failed,

    /// <summary>Still waiting, staging or running when the horizon was reached.</summary>
    Queued,
}

/// <summary>
/// What happened to one job in one simulated run: the raw facts every figure of the report is computed
/// from. Times are seconds from the start of the simulation.
/// </summary>
/// <param name="JobId">The job.</param>
/// <param name="Tenant">Its tenant (fairness is computed across tenants).</param>
/// <param name="End">Completed, failed or queued.</param>
/// <param name="Reason">Why it failed or is still queued; empty when completed.</param>
/// <param name="Submit">When it arrived.</param>
/// <param name="Start">When it (last) started running, or null if it never did.</param>
/// <param name="Finish">When it completed, or null.</param>
/// <param name="RunSeconds">Seconds it ran in its final, completed execution (the "run time" of bounded slowdown).</param>
/// <param name="NodeSeconds">Node-seconds it held, over every execution (including work lost to failures).</param>
/// <param name="HasSla">Whether it had a service-level objective: a deadline, or a latency tier as a service.</param>
/// <param name="SlaMet">Whether it met it (completed by the deadline, within the tier).</param>
/// <param name="StagedBytes">Bytes staged to run it.</param>
/// <param name="StagingSeconds">Seconds its transfers took, summed over transfers.</param>
/// <param name="CostMinorUnits">What it cost, in minor units (fen).</param>
/// <param name="EnergyKwh">Facility energy it used.</param>
/// <param name="CarbonKg">Emissions of that energy.</param>
/// <param name="Restarts">Executions of it stopped by failures (each lost its work and started again).</param>
public sealed record JobOutcome(
    string JobId,
    string Tenant,
    JobEnd End,
    string Reason,
    double Submit,
    double? Start,
    double? Finish,
    double RunSeconds,
    double NodeSeconds,
    bool HasSla,
    bool SlaMet,
    double StagedBytes,
    double StagingSeconds,
    long CostMinorUnits,
    double EnergyKwh,
    double CarbonKg,
    int Restarts = 0);
