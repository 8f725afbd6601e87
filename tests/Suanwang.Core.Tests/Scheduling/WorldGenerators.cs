using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Scheduling;

namespace Suanwang.Core.Tests.Scheduling;

/// <summary>
/// FsCheck generators of small valid worlds (2–6 points of presence on a connected random graph,
/// 2–6 sites in 1–3 jurisdictions with 1–2 pools each, 0–4 datasets, 0–5 running allocations,
/// 0–4 bandwidth bookings) and 1–40 pending jobs of every type (half the arrays splittable). About one job in five is bad on
/// purpose: too big for any pool, an unknown dataset or model, an impossible deadline, an invalid
/// demand, an unknown user location, a replica only at a down or unknown site, a job listed twice.
/// </summary>
public static class WorldGenerators
{
    /// <summary>The moment every world plans at.</summary>
    public static readonly DateTimeOffset Now = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    // Real cities, so worlds with coordinates get realistic latencies (Shanghai–Suzhou is within the city tier).
    private static readonly (string Name, double Lat, double Lon)[] Cities =
    [
        ("Beijing", 39.90, 116.41), ("Tianjin", 39.13, 117.20), ("Shanghai", 31.23, 121.47), ("Suzhou", 31.30, 120.58),
        ("Guangzhou", 23.13, 113.26), ("Shenzhen", 22.54, 114.06), ("Chengdu", 30.67, 104.07), ("Chongqing", 29.56, 106.55),
        ("Zhongwei", 37.51, 105.19), ("Guiyang", 26.65, 106.63),
    ];

    private static readonly string[] AllJurisdictions = ["CN", "HK", "SG"];
    private static readonly string[] JobJurisdictions = ["CN", "HK", "SG", "DE"];
    private static readonly string[] Tenants = ["t-a", "t-b", "t-c"];
    private static readonly string[] PoolModels = ["H800-SXM5-80G", "A100-SXM4-80G", "H20", "Ascend-910B", "H100-SXM5-80G"];
    private static readonly string[] JobModels = ["H800-SXM5-80G", "A100-SXM4-80G", "H20", "Ascend-910B", "H100-SXM5-80G", "L40S", "MI300X"];

    /// <summary>The arbitrary for <see cref="World"/> (no shrinking: a world is only meaningful whole).</summary>
    public static Arbitrary<World> Arbitrary() => Worlds().ToArbitrary();

    /// <summary>Random worlds.</summary>
    public static Gen<World> Worlds() =>
        from pops in PointsOfPresence()
        from links in Links(pops)
        from jurisdictionCount in Gen.Choose(1, 3)
        from sites in Sites(pops, AllJurisdictions[..jurisdictionCount])
        from datasets in Datasets(sites.Select(s => s.Id).ToArray(), AllJurisdictions[..jurisdictionCount])
        from running in Running(sites.SelectMany(s => s.Pools).ToArray())
        from bookings in Bookings(links.Length * 2)
        from down in Gen.Frequency((5, Gen.Constant(ImmutableArray<string>.Empty)), (1, Gen.Elements(sites.Select(s => s.Id)).Select(ImmutableArray.Create)))
        from pending in Jobs(pops, sites.Select(s => s.Id).ToArray(), datasets.Select(d => d.Id).ToArray())
        select new World(Now, pops, links, sites, datasets, running, bookings, down, pending);

    private static Gen<ImmutableArray<T>> Immutable<T>(this Gen<T[]> gen) => gen.Select(a => a.ToImmutableArray());

    private static Gen<T?> OrNone<T>(this Gen<T> gen, int noneWeight, int someWeight)
        where T : class =>
        Gen.Frequency((noneWeight, Gen.Constant<T?>(null)), (someWeight, gen.Select(x => (T?)x)));

    /// <summary>Log-uniform between two positive bounds.</summary>
    private static Gen<double> LogUniform(double low, double high) =>
        Gen.Choose(0, 1000).Select(k => low * Math.Pow(high / low, k / 1000.0));

    private static Gen<ImmutableArray<T>> NonEmptySubset<T>(IReadOnlyList<T> items) =>
        Gen.SubListOf(items.ToArray()).Where(l => l.Count > 0).Select(l => l.ToImmutableArray());

    private static Gen<ImmutableArray<PointOfPresence>> PointsOfPresence() =>
        from n in Gen.Choose(2, 6)
        from cities in Gen.Shuffle(Cities)
        from geographic in Gen.Elements(true, false)
        select cities.Take(n)
            .Select((c, i) => new PointOfPresence($"p{i}", c.Name, geographic ? new GeoCoordinate(c.Lat, c.Lon) : null))
            .ToImmutableArray();

    /// <summary>A random spanning tree (so the graph is connected) plus 0–3 extra, possibly parallel, links.</summary>
    private static Gen<ImmutableArray<NetworkLink>> Links(ImmutableArray<PointOfPresence> pops)
    {
        var n = pops.Length;
        var tree = Gen.CollectToArray(Enumerable.Range(1, n - 1).Select(i => Gen.Choose(0, i - 1).Select(parent => (A: parent, B: i))));
        var extras = from count in Gen.Choose(0, 3)
                     from pairs in Gen.ArrayOf(Gen.Zip(Gen.Choose(0, n - 1), Gen.Choose(1, n - 1)), count)
                     select pairs.Select(p => (A: p.Item1, B: (p.Item1 + p.Item2) % n)).ToArray();
        return from treeEdges in tree
               from extraEdges in extras
               let ends = treeEdges.Concat(extraEdges).ToArray()
               from gbps in Gen.ArrayOf(Gen.Choose(10, 400), ends.Length)
               from tenthsOfMs in Gen.ArrayOf(Gen.Choose(1, 200), ends.Length)
               from fen in Gen.ArrayOf(Gen.Choose(0, 50), ends.Length)
               select ends.Select((e, i) =>
               {
                   var (a, b) = (pops[e.A], pops[e.B]);
                   var latency = a.Location is { } la && b.Location is { } lb ? GeoLatency.Default.LinkLatencyMs(la, lb) : tenthsOfMs[i] / 10.0;
                   return new NetworkLink($"L{i}", a.Id, b.Id, Bandwidth.FromGbps(gbps[i]), latency, new Money(fen[i], "CNY"));
               }).ToImmutableArray();
    }

    private static Gen<ImmutableArray<Site>> Sites(ImmutableArray<PointOfPresence> pops, string[] jurisdictions) =>
        from count in Gen.Choose(2, 6)
        from sites in Gen.CollectToArray(Enumerable.Range(0, count).Select(i => Site(i, pops, jurisdictions)))
        select sites.ToImmutableArray();

    private static Gen<Site> Site(int index, ImmutableArray<PointOfPresence> pops, string[] jurisdictions) =>
        from at in Gen.Elements(pops.Select(p => p.Id))
        from jurisdiction in Gen.Elements(jurisdictions)
        from tier in Gen.Elements(SiteTier.Hub, SiteTier.Region, SiteTier.Edge)
        from poolCount in Gen.Choose(1, 2)
        from pools in Gen.CollectToArray(Enumerable.Range(0, poolCount).Select(j => Pool($"s{index}", j)))
        select new Site($"s{index}", tier, jurisdiction, $"prov-{index % 2}", at, null, pools.ToImmutableArray());

    private static Gen<Pool> Pool(string siteId, int index) =>
        from kind in Gen.Elements(PoolKind.Ai, PoolKind.Hpc, PoolKind.General)
        from accelerators in (from model in Gen.Elements(PoolModels)
                              from count in Gen.Elements(1, 2, 4, 8)
                              select new AcceleratorSet(model, count)).OrNone(kind == PoolKind.Ai ? 1 : 3, kind == PoolKind.Ai ? 4 : 1)
        from cores in Gen.Elements(16, 32, 64, 96, 128, 192)
        from memoryGib in Gen.Elements(64, 128, 256, 512, 1024, 2048)
        from cpuModel in Gen.Elements<string?>(null, "Xeon-Platinum-8480+", "EPYC-9654")
        from nodes in Gen.Frequency((3, Gen.Choose(1, 8)), (2, Gen.Choose(9, 50)))
        from fen in Gen.Choose(5, 500)
        from pue in Gen.Choose(110, 160)
        from carbon in Gen.Choose(50, 800)
        select new Pool($"{siteId}/{kind.ToString().ToLowerInvariant()}-{index}", siteId, kind,
            new NodeShape(cores, ByteSize.FromGibibytes(memoryGib), accelerators, cpuModel), nodes,
            new Money(fen, "CNY"), pue / 100.0, carbon, AccessMode.Simulated);

    private static Gen<ImmutableArray<Dataset>> Datasets(string[] siteIds, string[] jurisdictions) =>
        from count in Gen.Choose(0, 4)
        from datasets in Gen.CollectToArray(Enumerable.Range(0, count).Select(i => Dataset(i, siteIds, jurisdictions)))
        select datasets.ToImmutableArray();

    private static Gen<Dataset> Dataset(int index, string[] siteIds, string[] jurisdictions) =>
        from gigabytes in LogUniform(1, 50_000)
        from replicas in Gen.Frequency(
            (12, NonEmptySubset(siteIds)),
            (1, Gen.Constant(ImmutableArray.Create("s-gone"))),
            (1, NonEmptySubset(siteIds).Select(r => r.Add("s-gone"))))
        from limits in Gen.Frequency((3, Gen.Constant(ImmutableArray<string>.Empty)), (1, NonEmptySubset(jurisdictions)))
        from owner in Gen.Elements(Tenants)
        select new Dataset($"d{index}", owner, ByteSize.FromGigabytes(gigabytes), replicas, limits);

    /// <summary>Running allocations that never hold more than a pool's nodes in total; sometimes one on a pool that does not exist.</summary>
    private static Gen<ImmutableArray<RunningAllocation>> Running(Pool[] pools) =>
        from count in Gen.Choose(0, 5)
        from picks in Gen.ArrayOf(
            from pool in Gen.Choose(0, pools.Length - 1)
            from percent in Gen.Choose(1, 100)
            from startedAgo in Gen.Choose(0, 600)
            from endsIn in Gen.Choose(-60, 2880)
            from tenant in Gen.Elements(Tenants)
            select (Pool: pool, Percent: percent, StartedAgo: startedAgo, EndsIn: endsIn, Tenant: tenant), count)
        from ghost in Gen.Frequency((9, Gen.Constant(false)), (1, Gen.Constant(true)))
        select RunningFrom(pools, picks, ghost);

    private static ImmutableArray<RunningAllocation> RunningFrom(Pool[] pools, (int Pool, int Percent, int StartedAgo, int EndsIn, string Tenant)[] picks, bool ghost)
    {
        var held = new int[pools.Length];
        var result = ImmutableArray.CreateBuilder<RunningAllocation>();
        foreach (var (index, pick) in picks.Index())
        {
            var pool = pools[pick.Pool];
            var nodes = Math.Max(1, pool.NodeCount * pick.Percent / 100);
            if (held[pick.Pool] + nodes > pool.NodeCount)
                continue;
            held[pick.Pool] += nodes;
            result.Add(new RunningAllocation($"r{index}", pick.Tenant, pool.Id, nodes, Now.AddMinutes(-pick.StartedAgo), Now.AddMinutes(pick.EndsIn)));
        }
        if (ghost)
            result.Add(new RunningAllocation("r-ghost", "t-a", "nowhere/pool", 3, Now.AddHours(-1), Now.AddHours(5)));
        return result.ToImmutable();
    }

    private static Gen<ImmutableArray<Booking>> Bookings(int arcCount) =>
        from count in Gen.Choose(0, 4)
        from bookings in Gen.ArrayOf(
            from arcs in NonEmptySubset(Enumerable.Range(0, arcCount).ToArray())
            from start in Gen.Choose(-60, 600)
            from minutes in Gen.Choose(1, 600)
            from percent in Gen.Choose(10, 100)
            select new Booking(arcs, start, minutes, percent), count)
        select bookings.ToImmutableArray();

    private static Gen<ImmutableArray<PendingJob>> Jobs(ImmutableArray<PointOfPresence> pops, string[] siteIds, string[] datasetIds) =>
        from count in Gen.Choose(1, 40)
        from jobs in Gen.CollectToArray(Enumerable.Range(0, count).Select(i => Job(i, pops, siteIds, datasetIds)))
        from duplicate in Gen.Frequency((19, Gen.Constant(false)), (1, Gen.Constant(true)))
        select duplicate && jobs.Length > 1
            ? jobs.Select((j, i) => i == jobs.Length - 1 ? jobs[0] : j).ToImmutableArray()
            : jobs.ToImmutableArray();

    private static Gen<PendingJob> Job(int index, ImmutableArray<PointOfPresence> pops, string[] siteIds, string[] datasetIds) =>
        from tenant in Gen.Elements(Tenants)
        from name in Gen.Frequency((30, Gen.Constant($"job-{index}")), (1, Gen.Constant("Not A Name")))
        from priority in Gen.Elements(JobPriority.Low, JobPriority.Normal, JobPriority.High, JobPriority.Urgent)
        from type in Gen.Elements(JobType.Batch, JobType.Gang, JobType.Array, JobType.Service)
        from tasks in type == JobType.Gang
            ? Gen.Frequency((1, Gen.Constant(1)), (10, Gen.Choose(2, 8)), (3, Gen.Choose(9, 64)), (1, Gen.Choose(65, 200)))
            : Gen.Frequency((8, Gen.Choose(1, 4)), (3, Gen.Choose(5, 32)), (1, Gen.Choose(33, 2000)))
        from resources in Resources()
        from minutes in LogUniform(1, 2880)
        from inputs in Inputs(datasetIds)
        from user in User(pops)
        from output in Output(user is not null)
        from deadline in Deadline()
        from budget in Budget()
        from jurisdictions in Gen.Frequency((4, Gen.Constant(ImmutableArray<string>.Empty)), (1, NonEmptySubset(JobJurisdictions)))
        from placement in Placement(siteIds)
        from submittedAgo in Gen.Choose(0, 600)
        from splittable in Gen.Elements(false, true)
        select new PendingJob($"j{index:00}", tenant,
            new JobDemand(name, priority, type, tasks, resources, TimeSpan.FromMinutes(Math.Round(minutes)), inputs, output, user,
                deadline, budget, jurisdictions, placement, type == JobType.Array && splittable ? new JobFlags(false, true, false) : JobFlags.None, null),
            Now.AddMinutes(-submittedAgo));

    private static Gen<TaskResources> Resources() =>
        from cpu in Gen.Frequency((6, Gen.Choose(1, 16)), (2, Gen.Choose(17, 64)), (1, Gen.Choose(65, 256)))
        from memoryGib in Gen.Frequency((6, Gen.Choose(1, 64)), (2, Gen.Choose(65, 512)), (1, Gen.Choose(513, 4096)))
        from accelerators in Accelerators().OrNone(2, 1)
        select new TaskResources(cpu, ByteSize.FromGibibytes(memoryGib), accelerators);

    /// <summary>Exactly one of grade, model or CU; sometimes a model no pool has or the catalogue does not know.</summary>
    private static Gen<AcceleratorDemand> Accelerators() =>
        from count in Gen.Frequency((8, Gen.Elements(1, 2, 4, 8)), (1, Gen.Constant(16)))
        from kind in Gen.Choose(0, 2)
        from grade in Gen.Elements(ComputeGrade.A, ComputeGrade.B, ComputeGrade.C, ComputeGrade.D)
        from model in Gen.Frequency((8, Gen.Elements(JobModels)), (1, Gen.Constant("TPU-v9")))
        from cu in Gen.Elements(20.0, 100, 250, 500, 1000)
        select new AcceleratorDemand(count, kind == 0 ? grade : null, kind == 1 ? model : null, kind == 2 ? cu : null);

    private static Gen<ImmutableArray<string>> Inputs(string[] datasetIds) =>
        from known in datasetIds.Length == 0 ? Gen.Constant(ImmutableArray<string>.Empty) : Gen.SubListOf(datasetIds).Select(l => l.Take(3).ToImmutableArray())
        from unknown in Gen.Frequency((15, Gen.Constant(false)), (1, Gen.Constant(true)))
        select unknown ? known.Add("no-such-data") : known;

    /// <summary>A point of presence by id or by lower-case name, or a place not in the topology; mostly with a tier.</summary>
    private static Gen<UserSpec?> User(ImmutableArray<PointOfPresence> pops) =>
        (from location in Gen.Frequency(
             (4, Gen.Elements(pops.Select(p => p.Id))),
             (2, Gen.Elements(pops.Select(p => p.Name.ToLowerInvariant()))),
             (1, Gen.Constant("Atlantis")))
         from tier in Gen.Frequency(
             (2, Gen.Constant<LatencyTier?>(null)),
             (12, Gen.Elements<LatencyTier?>(LatencyTier.City, LatencyTier.Region, LatencyTier.National)),
             (1, Gen.Constant<LatencyTier?>(LatencyTier.Beyond)))
         select new UserSpec(location, tier)).OrNone(2, 3);

    private static Gen<OutputSpec?> Output(bool hasUser) =>
        (from gigabytes in LogUniform(0.01, 5_000)
         from to in hasUser ? Gen.Elements(OutputDestination.User, OutputDestination.Site) : Gen.Constant(OutputDestination.Site)
         select new OutputSpec(ByteSize.FromGigabytes(gigabytes), to)).OrNone(2, 1);

    private static Gen<DateTimeOffset?> Deadline() => Gen.Frequency(
        (5, Gen.Constant<DateTimeOffset?>(null)),
        (3, Gen.Choose(1, 5000).Select(m => (DateTimeOffset?)Now.AddMinutes(m))),
        (1, Gen.Choose(1, 600).Select(m => (DateTimeOffset?)Now.AddMinutes(-m))));

    private static Gen<Money?> Budget() => Gen.Frequency(
        (5, Gen.Constant<Money?>(null)),
        (3, LogUniform(1, 1e8).Select(fen => (Money?)new Money((long)fen, "CNY"))),
        (1, Gen.Choose(1, 1000).Select(cents => (Money?)new Money(cents, "USD"))));

    private static Gen<PlacementPreference> Placement(string[] siteIds) => Gen.Frequency(
        (8, Gen.Constant(PlacementPreference.None)),
        (1, Gen.Elements(siteIds).Select(s => new PlacementPreference([], [s]))),
        (1, Gen.Elements(siteIds.Append("prov-1").ToArray()).Select(s => new PlacementPreference([s], []))));
}
