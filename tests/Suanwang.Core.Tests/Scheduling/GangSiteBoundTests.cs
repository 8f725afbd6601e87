using Suanwang.Core.Scheduling;

namespace Suanwang.Core.Tests.Scheduling;

/// <summary>
/// The bound that lets a gang skip a site without estimating its pools (docs/scheduler.md, "How much of
/// a multi-pool job is estimated"): the smallest possible largest one-task finish bound over at least two
/// pools whose capacities hold the gang.
/// </summary>
public sealed class GangSiteBoundTests
{
    /// <summary>
    /// Pools (finish 10, 4 tasks), (5, 2), (20, 100). By finish: 5 (2), 10 (4), 20 (100).
    /// 1 task: two pools are needed anyway → the second, 10. 5 tasks: 2 + 4 = 6 ≥ 5 → 10.
    /// 7 tasks: 6 &lt; 7, the third brings 106 → 20. 200 tasks: 106 &lt; 200 → no gang (MaxValue).
    /// </summary>
    [Theory]
    [InlineData(1, 10)]
    [InlineData(5, 10)]
    [InlineData(6, 10)]
    [InlineData(7, 20)]
    [InlineData(106, 20)]
    [InlineData(200, long.MaxValue)]
    public void Takes_pools_by_finish_until_two_hold_the_gang(int tasks, long expected)
    {
        var pools = new List<(long Finish, long Capacity)> { (10, 4), (5, 2), (20, 100) };
        Assert.Equal(expected, Scheduler.Cycle.GangSiteBound(pools, tasks));
    }

    /// <summary>One pool can never make a gang across pools, however large.</summary>
    [Fact]
    public void One_pool_is_no_gang_across_pools()
    {
        Assert.Equal(long.MaxValue, Scheduler.Cycle.GangSiteBound([(1, 1000)], 10));
    }
}
