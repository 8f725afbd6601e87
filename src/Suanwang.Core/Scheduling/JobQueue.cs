namespace Suanwang.Core.Scheduling;

/// <summary>
/// The order in which a cycle takes pending jobs. FCFS: by submission time, then id. Priority with
/// fair share: higher priority first; within a priority, the tenant with the smallest dominant share
/// (DRF, recomputed after every placement) goes next, ties by tenant id; a tenant's own jobs by
/// submission time, then id.
/// </summary>
internal static class JobQueue
{
    /// <param name="pending">The pending jobs.</param>
    /// <param name="order">The policy's order.</param>
    /// <param name="state">The cycle's state (fair share).</param>
    /// <param name="inFcfsOrder">False when the caller knows the list is not in FCFS order (it checked); null to check here.</param>
    public static IEnumerable<PendingJob> Order(IReadOnlyList<PendingJob> pending, QueueOrder order, CycleState state, bool? inFcfsOrder = null)
    {
        if (order == QueueOrder.FirstComeFirstServed)
        {
            // A shell that keeps its queue in arrival order hands it over sorted already: then (the sort being
            // stable) the order is the list's own, and checking costs one pass instead of a sort per cycle.
            IEnumerable<PendingJob> ordered = inFcfsOrder ?? InFcfsOrder(pending) ? pending : pending.OrderBy(j => j.SubmittedAt).ThenBy(j => j.Id, StringComparer.Ordinal);
            foreach (var job in ordered)
                yield return job;
            yield break;
        }
        foreach (var level in pending.GroupBy(j => j.Demand.Priority).OrderByDescending(g => g.Key))
        {
            var byTenant = level.GroupBy(j => j.TenantId, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => new Queue<PendingJob>(g.OrderBy(j => j.SubmittedAt).ThenBy(j => j.Id, StringComparer.Ordinal)), StringComparer.Ordinal);
            while (byTenant.Count > 0)
            {
                var tenant = byTenant.Keys
                    .OrderBy(state.DominantShare)
                    .ThenBy(t => t, StringComparer.Ordinal)
                    .First();
                var queue = byTenant[tenant];
                yield return queue.Dequeue();
                if (queue.Count == 0)
                    byTenant.Remove(tenant);
            }
        }
    }

    /// <summary>True when every job comes no earlier than the one before it by (submission time, ordinal id).</summary>
    internal static bool InFcfsOrder(IReadOnlyList<PendingJob> pending)
    {
        for (var i = 1; i < pending.Count; i++)
        {
            var (before, job) = (pending[i - 1], pending[i]);
            var byTime = before.SubmittedAt.UtcTicks.CompareTo(job.SubmittedAt.UtcTicks); // DateTimeOffset compares the UTC instants
            if (byTime > 0 || (byTime == 0 && string.CompareOrdinal(before.Id, job.Id) > 0))
                return false;
        }
        return true;
    }
}
