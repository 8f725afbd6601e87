using System.Collections.Immutable;
using System.Globalization;
using Suanwang.Core.Measurement;
using Suanwang.Core.Model;
using Suanwang.Core.Scheduling;
using Suanwang.Core.Topologies;

namespace Suanwang.Simulation.Synthetic;

/// <summary>
/// Pending jobs of a <see cref="SyntheticWorld"/>: 60 % CPU and 40 % accelerator work (asked by
/// grade, model or CU); batch, gang, array and service jobs; inputs from the world's datasets;
/// tenants, priorities, users at points of presence, and a few deadlines, budgets and exclusions.
/// </summary>
internal static class SyntheticJobs
{
    public static ImmutableArray<PendingJob> Generate(
        int count, Topology topology, ImmutableArray<Dataset> datasets, ImmutableArray<string> tenants,
        DeviceCatalog catalog, DateTimeOffset now, Random random)
    {
        var accelerators = catalog.Devices
            .Where(d => d.IsAccelerator)
            .Select(d => (d.Model, Units: ComputeUnits.Rate(d, WorkloadClass.Ai).Value?.ComputeUnits ?? 0))
            .ToArray();
        var points = topology.Network.Nodes;
        var providers = topology.Providers;
        var jobs = new PendingJob[count];
        for (var i = 0; i < count; i++)
        {
            var type = SyntheticSites.Pick(random, (JobType.Batch, 0.45), (JobType.Gang, 0.2), (JobType.Array, 0.2), (JobType.Service, 0.15));
            var tasks = type switch
            {
                JobType.Gang => 2 + random.Next(31),
                JobType.Array => 4 + random.Next(61),
                _ => 1 + random.Next(4),
            };
            var resources = random.NextDouble() < 0.6 || accelerators.Length == 0
                ? new TaskResources(SyntheticSites.OneOf(random, 1, 2, 4, 8, 16, 32, 64), ByteSize.FromGibibytes(SyntheticSites.OneOf(random, 2, 4, 8, 16, 64, 128, 256)), null)
                : new TaskResources(SyntheticSites.OneOf(random, 8, 16), ByteSize.FromGibibytes(SyntheticSites.OneOf(random, 64, 128, 256)), AcceleratorAsk(accelerators, random));
            var duration = TimeSpan.FromSeconds(Math.Round(300 * Math.Exp(random.NextDouble() * Math.Log(24 * 3600 / 300.0)))); // 5 min – 24 h

            var inputs = random.NextDouble() switch
            {
                < 0.5 => 0,
                < 0.85 => 1,
                _ => 2,
            };
            var chosen = new SortedSet<string>(StringComparer.Ordinal);
            while (chosen.Count < Math.Min(inputs, datasets.Length))
                chosen.Add(datasets[random.Next(datasets.Length)].Id);

            UserSpec? user = null;
            if (type == JobType.Service)
                user = new UserSpec(points[random.Next(points.Length)].Id, random.NextDouble() < 0.3 ? LatencyTier.Region : LatencyTier.National);
            else if (random.NextDouble() < 0.5)
                user = new UserSpec(points[random.Next(points.Length)].Id, null);
            OutputSpec? output = user is not null && random.NextDouble() < 0.6
                ? new OutputSpec(ByteSize.FromGigabytes(1 + random.Next(100)), OutputDestination.User)
                : null;

            DateTimeOffset? deadline = random.NextDouble() < 0.1 ? now + duration * (2 + random.Next(19)) : null;
            Money? budget = random.NextDouble() < 0.1 ? new Money(100_00L * (1 + random.Next(1000)), "CNY") : null;
            ImmutableArray<string> jurisdictions = random.NextDouble() < 0.8 ? ["CN"] : [];
            var placement = random.NextDouble() switch
            {
                < 0.05 => new PlacementPreference([], [providers[random.Next(providers.Length)].Id]),
                < 0.10 => new PlacementPreference([topology.Sites[random.Next(topology.Sites.Length)].Id], []),
                _ => PlacementPreference.None,
            };
            var flags = new JobFlags(
                Preemptible: random.NextDouble() < 0.2,
                Splittable: type == JobType.Array && random.NextDouble() < 0.5,
                Checkpointable: random.NextDouble() < 0.3);
            var priority = SyntheticSites.Pick(random, (JobPriority.Low, 0.15), (JobPriority.Normal, 0.6), (JobPriority.High, 0.2), (JobPriority.Urgent, 0.05));

            var name = Invariant($"job-{i:D7}");
            var demand = new JobDemand(name, priority, type, tasks, resources, duration, [.. chosen], output, user,
                deadline, budget, jurisdictions, placement, flags, Run: null);
            var submitted = now - TimeSpan.FromSeconds(random.Next(6 * 3600));
            jobs[i] = new PendingJob(name, tenants[random.Next(tenants.Length)], demand, submitted);
        }
        // Submission order, ties by id: what a queue would have received.
        return [.. jobs.OrderBy(j => j.SubmittedAt).ThenBy(j => j.Id, StringComparer.Ordinal)];
    }

    private static AcceleratorDemand AcceleratorAsk((string Model, double Units)[] accelerators, Random random)
    {
        var count = SyntheticSites.OneOf(random, 1, 2, 4, 8);
        var (model, units) = accelerators[random.Next(accelerators.Length)];
        return random.NextDouble() switch
        {
            < 0.5 => new AcceleratorDemand(count, SyntheticSites.Pick(random, (ComputeGrade.A, 0.3), (ComputeGrade.B, 0.4), (ComputeGrade.C, 0.3)), null, null),
            < 0.8 => new AcceleratorDemand(count, null, model, null),
            // Users ask round figures: a multiple of 50 CU between half and all of a catalogued device's.
            _ => new AcceleratorDemand(count, null, null, Math.Max(50, Math.Round(units * (0.5 + random.NextDouble() * 0.5) / 50) * 50)),
        };
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
