using Suanwang.Core.Model;
using Suanwang.Core.Scheduling;
using Suanwang.Simulation.Engine;
using Suanwang.Simulation.Reporting;
using Suanwang.Simulation.Scenarios;
using Suanwang.Simulation.Workloads;
using static Suanwang.Simulation.Tests.Engine.TinyWorlds;

namespace Suanwang.Simulation.Tests.Engine;

public sealed class SimulationRunTests
{
    private static JobOutcome Of(SimulationResult result, string id) => result.Outcomes.Single(o => o.JobId == id);

    [Fact]
    public void Two_jobs_one_after_the_other_on_a_full_machine()
    {
        // 2 nodes. a (2 nodes, 100 s) arrives at 0; b (2 nodes, 50 s) at 10 must wait for a: starts 100, ends 150.
        var result = Run(OneSite(2), SchedulingPolicy.Fcfs, [Job("a", 0, 2, 100), Job("b", 10, 2, 50)]);

        Assert.Equal((0.0, 100.0), (Of(result, "a").Start!.Value, Of(result, "a").Finish!.Value));
        Assert.Equal((100.0, 150.0), (Of(result, "b").Start!.Value, Of(result, "b").Finish!.Value));
        Assert.Equal(new JobCounts(2, 2, 0, 0), result.Report.Jobs);
        Assert.Equal(45, result.Report.WaitSeconds.Mean); // (0 + 90) / 2
        Assert.Equal(300.0 / (2 * 150), result.Report.Utilization, 9); // 200 + 100 node-seconds over 2 nodes × 150 s
    }

    [Fact]
    public void A_job_that_ends_before_its_estimate_frees_its_nodes_at_its_real_end()
    {
        // a is estimated at 1000 s but runs 100 s; b starts when a really ends.
        var result = Run(OneSite(1), SchedulingPolicy.FcfsEasy, [Job("a", 0, 1, 100, estimateSeconds: 1000), Job("b", 1, 1, 10)]);

        Assert.Equal(100, Of(result, "b").Start);
    }

    [Fact]
    public void EASY_backfills_a_short_job_that_does_not_delay_the_head()
    {
        // 4 nodes. a: 2 nodes 0–100. head h: 4 nodes at 1 → reserved at 100. s: 2 nodes, 50 s at 2:
        // fits now (2 nodes free) and ends at 52 ≤ 100, so EASY starts it at 2; FCFS makes it wait behind h.
        SimulatedJob[] jobs = [Job("a", 0, 2, 100), Job("h", 1, 4, 100), Job("s", 2, 2, 50)];

        var easy = Run(OneSite(4), SchedulingPolicy.FcfsEasy, jobs);
        var fcfs = Run(OneSite(4), SchedulingPolicy.Fcfs, jobs);

        Assert.Equal((2.0, 100.0), (Of(easy, "s").Start!.Value, Of(easy, "h").Start!.Value));
        Assert.Equal((200.0, 100.0), (Of(fcfs, "s").Start!.Value, Of(fcfs, "h").Start!.Value));
    }

    [Fact]
    public void EASY_does_not_backfill_a_job_that_would_delay_the_head()
    {
        // As above but s runs 150 s: it would hold 2 nodes until 152 and delay h's start at 100, so it waits
        // and runs after h (200–350).
        SimulatedJob[] jobs = [Job("a", 0, 2, 100), Job("h", 1, 4, 100), Job("s", 2, 2, 150)];

        var easy = Run(OneSite(4), SchedulingPolicy.FcfsEasy, jobs);

        Assert.Equal((100.0, 200.0), (Of(easy, "h").Start!.Value, Of(easy, "s").Start!.Value));
    }

    [Fact]
    public void Two_transfers_share_one_link_and_the_jobs_start_when_their_data_is_in()
    {
        // One 8 Gbps link (1 ms). Two jobs arrive at 0, each needing its own 10 GB dataset held at "data".
        // The scheduler reserves half a link for each transfer (4 Gbps = 0.5 GB/s): both move at once,
        // 10 GB / 0.5 GB/s = 20 s plus 1 ms of latency, so each job is planned to start at 20.001 s and,
        // running 100 s, ends at 120.001 s. The flow network carries both at their reserved 0.5 GB/s.
        var datasets = new[]
        {
            new Dataset("d1", "t", ByteSize.FromGigabytes(10), ["data"], []),
            new Dataset("d2", "t", ByteSize.FromGigabytes(10), ["data"], []),
        };
        var result = Run(TwoSitesOneLink(8), SchedulingPolicy.NetworkAware,
            [Job("x", 0, 1, 100, inputs: ["d1"]), Job("y", 0, 1, 100, inputs: ["d2"])], datasets);

        foreach (var id in new[] { "x", "y" })
        {
            var outcome = Of(result, id);
            Assert.Equal(JobEnd.Completed, outcome.End);
            Assert.Equal((20.001, 120.001), (outcome.Start!.Value, outcome.Finish!.Value));
            Assert.Equal((10e9, 20.0), (outcome.StagedBytes, outcome.StagingSeconds));
        }
        Assert.Equal(20e9, result.LinkBytes[0]);
    }

    [Fact]
    public void A_site_failure_restarts_running_work_and_loses_no_job()
    {
        // One site with 2 nodes fails at 50 s for 100 s: a (running since 0) is lost and restarts at 150, ends 250.
        var failures = new FailureSpec[] { new SiteFailure("lab", TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(100)) };
        var result = Run(OneSite(2), SchedulingPolicy.FcfsEasy, [Job("a", 0, 2, 100)], failures: failures);

        var a = Of(result, "a");
        Assert.Equal(JobEnd.Completed, a.End);
        Assert.Equal((150.0, 250.0), (a.Start!.Value, a.Finish!.Value));
        Assert.Equal(2 * 50 + 2 * 100, a.NodeSeconds); // the lost 50 s count as used
        Assert.Equal(1, result.Restarts);
    }

    [Fact]
    public void Every_job_is_completed_failed_or_queued_at_the_horizon()
    {
        // b asks for 3 nodes of a 2-node machine: failed. c arrives at 5 and runs 100 s: queued at a 60 s horizon.
        var result = Run(OneSite(2), SchedulingPolicy.FcfsEasy, [Job("a", 0, 1, 10), Job("b", 0, 3, 10), Job("c", 5, 2, 100), Job("late", 100, 1, 1)],
            horizon: TimeSpan.FromSeconds(60));

        Assert.Equal(new JobCounts(3, 1, 1, 1), result.Report.Jobs); // "late" never arrived
        Assert.Contains("needs 3 nodes", Of(result, "b").Reason, StringComparison.Ordinal);
        Assert.StartsWith("unfinished at the horizon", Of(result, "c").Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void During_an_outage_an_impossible_job_fails_at_once_and_a_possible_one_waits_for_the_site()
    {
        // The only site is down 0–100 s. "big" (3 nodes of 2) could never run: it fails on arrival.
        // "ok" (1 node, 10 s) can run once the site is back: it starts at 100 and ends at 110.
        var failures = new FailureSpec[] { new SiteFailure("lab", TimeSpan.Zero, TimeSpan.FromSeconds(100)) };
        var result = Run(OneSite(2), SchedulingPolicy.FcfsEasy, [Job("big", 10, 3, 10), Job("ok", 10, 1, 10)], failures: failures);

        Assert.Equal(JobEnd.Failed, Of(result, "big").End);
        Assert.Equal((100.0, 110.0), (Of(result, "ok").Start!.Value, Of(result, "ok").Finish!.Value));
        Assert.True(result.SchedulerCalls <= 4, $"{result.SchedulerCalls} scheduler calls"); // arrival, recovery (and nothing else needed)
    }

    [Fact]
    public void A_split_array_holds_nodes_on_every_pool_it_runs_on()
    {
        // Two pools of 2 nodes at one site. The splittable 4-task array (one node per task, 100 s) fits no
        // single pool, so it is split 2 + 2 and starts at 0 on both. A 2-node job arriving at 1 s finds
        // both pools full and starts at 100 s, when the array ends — not at 1 s on a pool wrongly seen as free.
        var topology = TwoPools(2, 2);
        var array = Job("array", 0, 4, 100);
        array = array with { Job = array.Job with { Demand = array.Job.Demand with { Type = JobType.Array, Flags = new JobFlags(false, true, false) } } };

        var result = Run(topology, SchedulingPolicy.FcfsEasy, [array, Job("after", 1, 2, 10)]);

        Assert.Equal((0.0, 100.0), (Of(result, "array").Start!.Value, Of(result, "array").Finish!.Value));
        Assert.Equal(100, Of(result, "after").Start);
        Assert.Equal(4 * 100 + 2 * 10, Of(result, "array").NodeSeconds + Of(result, "after").NodeSeconds);
    }
}
