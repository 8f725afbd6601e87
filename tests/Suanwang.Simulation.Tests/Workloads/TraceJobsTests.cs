using Suanwang.Core.Model;
using Suanwang.Simulation.Tests.Engine;
using Suanwang.Simulation.Workloads;

namespace Suanwang.Simulation.Tests.Workloads;

public sealed class TraceJobsTests
{
    private static readonly DateTimeOffset Start = TinyWorlds.Start;

    [Fact]
    public void Lines_become_rigid_jobs_of_whole_nodes_with_the_estimate_for_the_scheduler_and_the_run_time_for_the_provider()
    {
        // 5 processors at 2 per node → 3 nodes; requested 300 s ≥ actual 120 s: the scheduler is told 300 s.
        var trace = SwfReader.Read(new StringReader("7 60 -1 120 5 -1 -1 5 300 -1 1 42 1 -1 -1 -1 -1 -1"), "t.swf");
        var site = TinyWorlds.OneSite(8).Sites[0];

        var (jobs, warnings) = TraceJobs.Map(trace, 2, site, processorsPerNode: 2, limit: null, Start);

        var job = Assert.Single(jobs);
        Assert.Empty(warnings);
        Assert.Equal(("w2-7", "user-42", Start.AddSeconds(60)), (job.Job.Id, job.Job.TenantId, job.Job.SubmittedAt));
        Assert.Equal((JobType.Gang, 3, 1), (job.Job.Demand.Type, job.Job.Demand.Tasks, job.Job.Demand.Resources.Cpu));
        Assert.Equal((TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(120)), (job.Job.Demand.Duration, job.ActualRuntime));
        Assert.Equal("t.swf:1", job.Source);
    }

    [Fact]
    public void Ids_are_padded_so_that_jobs_submitted_in_the_same_second_keep_the_trace_order()
    {
        var trace = SwfReader.Read(new StringReader("9 0 -1 10 1 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1\n10 0 -1 10 1 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1"), "t.swf");

        var (jobs, _) = TraceJobs.Map(trace, 0, TinyWorlds.OneSite(2).Sites[0], 1, null, Start);

        Assert.Equal(["w0-09", "w0-10"], jobs.Select(j => j.Job.Id));
        Assert.True(string.CompareOrdinal(jobs[0].Job.Id, jobs[1].Job.Id) < 0);
    }

    [Fact]
    public void Lines_without_run_time_or_processors_are_skipped_and_counted_and_the_limit_is_honoured()
    {
        var trace = SwfReader.Read(new StringReader("""
            1 0 -1 -1 1 -1 -1 -1 -1 -1 5 1 1 -1 -1 -1 -1 -1
            2 0 -1 10 0 -1 -1 -1 -1 -1 5 1 1 -1 -1 -1 -1 -1
            3 0 -1 10 1 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1
            4 0 -1 10 1 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1
            5 0 -1 10 1 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1
            """), "t.swf");

        var (jobs, warnings) = TraceJobs.Map(trace, 0, TinyWorlds.OneSite(2).Sites[0], 1, limit: 2, Start);

        Assert.Equal(["w0-3", "w0-4"], jobs.Select(j => j.Job.Id));
        Assert.Equal("t.swf: 1 jobs skipped: run time unknown (-1) | t.swf: 1 jobs skipped: processor count unknown (-1 or 0)", string.Join(" | ", warnings));
    }
}
