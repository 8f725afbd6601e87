using System.Globalization;
using FsCheck.Xunit;
using Suanwang.Core.Scheduling;

namespace Suanwang.Core.Tests.Scheduling;

/// <summary>
/// Gangs, splittable arrays and jobs that may preempt are no longer estimated on every pool
/// (docs/scheduler.md, "How much of a multi-pool job is estimated"): on random worlds, for every
/// policy and every decision of a cycle, the decision is the one a cycle that estimates every pool
/// makes — same kind, same placement part by part, same preemptions — and every pool it scored or
/// rejected has the reference's score or rejection (the others are not scored).
/// </summary>
public class MultiPartBoundedPropertyTests
{
    [Property(MaxTest = Cases, Arbitrary = [typeof(WorldGenerators)])]
    public void Bounded_multi_part_decisions_are_the_exhaustive_ones(World world)
    {
        var snapshot = world.Build().Snapshot;
        foreach (var policy in SchedulingPolicy.All)
        {
            var bounded = new Scheduler.Cycle(snapshot, world.Now, policy);
            var exhaustive = new Scheduler.Cycle(snapshot, world.Now, policy) { EstimateEveryPool = true };
            foreach (var job in world.Pending.DistinctBy(j => j.Id))
            {
                var got = bounded.Decide(job);
                var expected = exhaustive.Decide(job);
                var where = $"{policy.Name} {job.Id}: ";
                Assert.Equal(expected.Kind, got.Kind);
                Assert.Equal(Parts(expected), Parts(got));
                Assert.Equal(expected.Candidates.Length, got.Candidates.Length);
                for (var k = 0; k < got.Candidates.Length; k++)
                {
                    if (got.Candidates[k].Score is { } score)
                        Assert.True(score == expected.Candidates[k].Score, where + $"candidate {k} scored differently");
                    if (got.Candidates[k].NotScored is null)
                        Assert.Equal(expected.Candidates[k].Rejection, got.Candidates[k].Rejection);
                }
            }
            Assert.Equal(bounded.Preemptor.Preemptions.Select(p => p.ToString()), exhaustive.Preemptor.Preemptions.Select(p => p.ToString()));
        }
    }

    private const int Cases = 40;

    private static string Parts(Decision decision) => decision.Placement is not { } placement ? "" : string.Join("; ", placement.Parts.Select(p =>
        string.Create(CultureInfo.InvariantCulture, $"{p.PoolId} {p.Tasks}×{p.Nodes} {p.Start:O}–{p.Completion:O} {p.Cost} {string.Join(",", p.Transfers.Select(t => t.ToString()))}")));
}
