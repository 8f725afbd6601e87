using System.Collections.Immutable;
using Suanwang.Core.Measurement;
using Suanwang.Core.Model;
using Suanwang.Core.Topologies;
using Suanwang.Simulation.Reporting;
using Suanwang.Simulation.Scenarios;
using Suanwang.Simulation.Workloads;

namespace Suanwang.Simulation.Engine;

/// <summary>Everything one simulated run reads: the world, the jobs, the failures and the clock's settings.</summary>
/// <param name="Topology">Sites, pools and the network.</param>
/// <param name="Catalog">Device catalogue.</param>
/// <param name="Datasets">Datasets with their replicas.</param>
/// <param name="Jobs">Jobs to submit; each arrives at its <c>SubmittedAt</c>.</param>
/// <param name="Failures">Sites down and links degraded, from <see cref="Start"/>.</param>
/// <param name="Start">The simulated clock's start.</param>
/// <param name="Horizon">Stop at <see cref="Start"/> + horizon (unfinished jobs count as queued), or null to run until every job ends.</param>
/// <param name="RoundInterval">The scheduler also runs this often while jobs wait (besides arrivals, completions and failures), or null for never.</param>
public sealed record SimulationInput(
    Topology Topology,
    DeviceCatalog Catalog,
    ImmutableArray<Dataset> Datasets,
    ImmutableArray<SimulatedJob> Jobs,
    ImmutableArray<FailureSpec> Failures,
    DateTimeOffset Start,
    TimeSpan? Horizon,
    TimeSpan? RoundInterval);

/// <summary>One point of the utilization curve: busy nodes from <see cref="Seconds"/> until the next sample.</summary>
/// <param name="Seconds">Seconds since the start.</param>
/// <param name="BusyNodes">Nodes running jobs.</param>
public readonly record struct UtilizationSample(double Seconds, long BusyNodes);

/// <summary>What one run produced.</summary>
/// <param name="Report">The policy's row.</param>
/// <param name="Outcomes">One per submitted job, in submission order.</param>
/// <param name="Utilization">Busy nodes over time (a step function, one sample per change).</param>
/// <param name="LinkBytes">Bytes carried per link (index in the topology's links), for the load map.</param>
/// <param name="PoolUtilization">Per pool (in topology order): node-seconds held ÷ (nodes × simulated span), for the load map.</param>
/// <param name="Events">Events processed.</param>
/// <param name="SchedulerCalls">Times the scheduler ran.</param>
/// <param name="Decisions">Decisions it made (one per pending job per call).</param>
/// <param name="SchedulerSeconds">Wall time spent inside the scheduler.</param>
/// <param name="Restarts">Executions lost to failures (a job restarted twice counts twice).</param>
public sealed record SimulationResult(
    PolicyReport Report,
    ImmutableArray<JobOutcome> Outcomes,
    ImmutableArray<UtilizationSample> Utilization,
    ImmutableArray<double> LinkBytes,
    ImmutableArray<double> PoolUtilization,
    long Events,
    long SchedulerCalls,
    long Decisions,
    double SchedulerSeconds,
    int Restarts);
