using Suanwang.Core.Scheduling;

namespace Suanwang.Simulation.Workloads;

/// <summary>
/// A job the simulator will submit: what the scheduler sees (<see cref="Job"/>, whose demand's
/// duration is the user's estimate and wall-time limit) and what only the simulated provider knows
/// (how long it really runs, on a pool of reference speed).
/// </summary>
/// <param name="Job">The pending job handed to the scheduler; its <c>SubmittedAt</c> is the arrival time.</param>
/// <param name="ActualRuntime">Run time at reference speed (a trace's recorded run time); never more than the estimate.</param>
/// <param name="Source">Where it came from, for messages: "lublin_256.swf:8".</param>
public sealed record SimulatedJob(PendingJob Job, TimeSpan ActualRuntime, string Source);
