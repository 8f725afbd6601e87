using System.Collections.Immutable;
using Suanwang.Core.Measurement;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Scheduling;
using Suanwang.Core.Topologies;

namespace Suanwang.Core.Tests.Scheduling;

/// <summary>A snapshot with its pending jobs and the cycle's time.</summary>
internal sealed record BatchWorld(SchedulingSnapshot Snapshot, ImmutableArray<PendingJob> Pending, DateTimeOffset Now);

/// <summary>Worlds for the batch-round tests: built in code, deterministic for a seed.</summary>
internal static class BatchWorlds
{
    public static readonly DateTimeOffset Now = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private static readonly DeviceCatalog Catalog = DeviceCatalog.LoadEmbedded();

    /// <summary>A CPU-only pool without a CPU model: speed 1, billed per core.</summary>
    public static Pool CpuPool(string id, string site, int cores, int nodes, long pricePerCuHour = 100) =>
        new(id, site, PoolKind.General, new NodeShape(cores, ByteSize.FromGibibytes(512), null, null), nodes,
            new Money(pricePerCuHour, "CNY"), 1.2, 500, AccessMode.Agent);

    /// <summary>A batch job of <paramref name="tasks"/> tasks of <paramref name="cores"/> cores each.</summary>
    public static PendingJob Job(string id, int cores, TimeSpan duration, int tasks = 1, int submittedMinutesAgo = 0,
        JobPriority priority = JobPriority.Normal, ImmutableArray<string> inputs = default, string tenant = "t1") =>
        new(id, tenant,
            new JobDemand(id, priority, JobType.Batch, tasks, new TaskResources(cores, ByteSize.FromGibibytes(4), null), duration,
                inputs.IsDefault ? [] : inputs, null, null, null, null, [], PlacementPreference.None, JobFlags.None, null),
            Now.AddMinutes(-submittedMinutesAgo));

    /// <summary>
    /// Points of presence in a line (one site each, at lat 30, 1° apart), links of
    /// <paramref name="linkGbps"/> between neighbours, and the given pools at the given sites.
    /// </summary>
    public static SchedulingSnapshot Snapshot(int points, IEnumerable<Pool> pools, IEnumerable<Dataset>? datasets = null,
        IEnumerable<RunningAllocation>? running = null, double linkGbps = 10)
    {
        var nodes = Enumerable.Range(0, points).Select(i => new PointOfPresence($"p{i}", $"P{i}", new GeoCoordinate(30, 100 + i))).ToImmutableArray();
        var links = Enumerable.Range(0, points - 1)
            .Select(i => new NetworkLink($"l{i}", $"p{i}", $"p{i + 1}", Bandwidth.FromGbps(linkGbps), 2, new Money(1, "CNY")))
            .ToImmutableArray();
        var byPoolSite = pools.GroupBy(p => p.SiteId).ToDictionary(g => g.Key, g => g.ToImmutableArray());
        var sites = Enumerable.Range(0, points)
            .Select(i => new Site($"s{i}", SiteTier.Region, "CN", "prov", $"p{i}", null, byPoolSite.GetValueOrDefault($"s{i}", [])))
            .ToImmutableArray();
        var draft = new TopologyDraft("batch-test", nodes, links, sites, [], GeoLatency.Default, ImmutableSortedDictionary<string, string>.Empty, []);
        var (topology, problems) = Topology.Create(draft);
        Assert.True(topology is not null, string.Join("; ", problems));
        return new SchedulingSnapshot(topology, Catalog, datasets ?? [], running ?? []);
    }

    /// <summary>
    /// A random world: <paramref name="pools"/> pools of mixed CPU and GPU nodes on a grid of points
    /// of presence (ten pools per site), about half the nodes busy for up to eight hours, datasets of
    /// 1–500 GB with one or two replicas, and <paramref name="jobs"/> CPU and GPU jobs of mixed size,
    /// priority and length, half of them reading a dataset.
    /// </summary>
    public static BatchWorld Random(int seed, int pools, int nodesPerPool, int jobs)
    {
        var random = new Random(seed);
        var sites = Math.Max(2, (pools + 9) / 10);
        var width = Math.Max(2, (int)Math.Ceiling(Math.Sqrt(sites)));
        var nodes = Enumerable.Range(0, sites).Select(i => new PointOfPresence($"p{i}", $"P{i}", new GeoCoordinate(20 + i / width, 100 + i % width))).ToImmutableArray();
        var links = ImmutableArray.CreateBuilder<NetworkLink>();
        for (var i = 0; i < sites; i++)
        {
            if (i % width < width - 1 && i + 1 < sites)
                links.Add(new NetworkLink($"h{i}", $"p{i}", $"p{i + 1}", Bandwidth.FromGbps(random.Next(1, 5) * 100), 1 + random.NextDouble() * 4, new Money(random.Next(0, 3), "CNY")));
            if (i + width < sites)
                links.Add(new NetworkLink($"v{i}", $"p{i}", $"p{i + width}", Bandwidth.FromGbps(random.Next(1, 5) * 100), 1 + random.NextDouble() * 4, new Money(random.Next(0, 3), "CNY")));
        }
        string[] gpus = ["A100-SXM4-80G", "H100-SXM5-80G", "H20", "L40S"];
        string?[] cpus = [null, "Xeon-Platinum-8480+", "EPYC-9654"];
        var poolList = new List<Pool>();
        for (var i = 0; i < pools; i++)
        {
            var site = $"s{i % sites}";
            var gpu = random.NextDouble() < 0.3;
            var shape = gpu
                ? new NodeShape(64, ByteSize.FromGibibytes(1024), new AcceleratorSet(gpus[random.Next(gpus.Length)], 8), null)
                : new NodeShape(new[] { 32, 64, 128 }[random.Next(3)], ByteSize.FromGibibytes(256), null, cpus[random.Next(cpus.Length)]);
            poolList.Add(new Pool($"pool{i}", site, gpu ? PoolKind.Ai : PoolKind.General, shape, nodesPerPool,
                new Money(random.Next(50, 300), "CNY"), 1.1 + random.NextDouble() * 0.4, 300 + random.Next(300), AccessMode.Agent));
        }
        var siteList = Enumerable.Range(0, sites)
            .Select(i => new Site($"s{i}", SiteTier.Region, "CN", "prov", $"p{i}", null, [.. poolList.Where(p => p.SiteId == $"s{i}")]))
            .ToImmutableArray();
        var draft = new TopologyDraft("batch-random", nodes, links.ToImmutable(), siteList, [], GeoLatency.Default, ImmutableSortedDictionary<string, string>.Empty, []);
        var (topology, problems) = Topology.Create(draft);
        Assert.True(topology is not null, string.Join("; ", problems));

        var running = new List<RunningAllocation>();
        foreach (var pool in poolList)
        {
            var busy = (int)(pool.NodeCount * random.NextDouble());
            for (var taken = 0; taken < busy;)
            {
                var n = Math.Min(busy - taken, 1 + random.Next(Math.Max(1, nodesPerPool / 4)));
                running.Add(new RunningAllocation($"r{running.Count}", "t0", pool.Id, n, Now.AddHours(-1), Now.AddMinutes(10 + random.Next(480))));
                taken += n;
            }
        }
        var datasets = Enumerable.Range(0, Math.Max(1, jobs / 25))
            .Select(i => new Dataset($"d{i}", "t0", ByteSize.FromGigabytes(1 + random.Next(500)),
                [.. Enumerable.Range(0, 1 + random.Next(2)).Select(_ => $"s{random.Next(sites)}").Distinct()], []))
            .ToList();
        var pending = ImmutableArray.CreateBuilder<PendingJob>(jobs);
        for (var j = 0; j < jobs; j++)
        {
            var gpu = random.NextDouble() < 0.3;
            var resources = gpu
                ? new TaskResources(8, ByteSize.FromGibibytes(64), new AcceleratorDemand(new[] { 1, 2, 4, 8 }[random.Next(4)], ComputeGrade.C, null, null))
                : new TaskResources(new[] { 4, 8, 16, 32 }[random.Next(4)], ByteSize.FromGibibytes(8 + random.Next(56)), null);
            ImmutableArray<string> inputs = random.NextDouble() < 0.5 ? [$"d{random.Next(datasets.Count)}"] : [];
            var id = $"job{j:D5}";
            pending.Add(new PendingJob(id, $"t{1 + random.Next(9)}",
                new JobDemand(id, (JobPriority)random.Next(3), JobType.Batch, 1 + random.Next(gpu ? 8 : 32), resources,
                    TimeSpan.FromMinutes(10 + random.Next(470)), inputs, null, null, null, null, [], PlacementPreference.None, JobFlags.None, null),
                Now.AddMinutes(-random.Next(600))));
        }
        return new BatchWorld(new SchedulingSnapshot(topology, Catalog, datasets, running), pending.ToImmutable(), Now);
    }
}
