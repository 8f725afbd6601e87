using System.Collections.Immutable;
using Suanwang.Core.Model;
using static Suanwang.Simulation.Synthetic.SyntheticSites;

namespace Suanwang.Simulation.Workloads;

/// <summary>The job classes a mix is made of.</summary>
internal enum MixClass
{
    /// <summary>Accelerator training runs: gangs, long, one large input, checkpointable.</summary>
    AiTraining,

    /// <summary>Latency-bound services near their users.</summary>
    Inference,

    /// <summary>Tightly coupled CPU gangs.</summary>
    Hpc,

    /// <summary>Data-heavy, splittable CPU arrays.</summary>
    Analytics,
}

/// <summary>
/// Everything about one generated job that depends on its class, before the user, tenant and
/// arrival time are known.
/// </summary>
/// <param name="Class">The job class.</param>
/// <param name="Type">Batch, gang, array or service.</param>
/// <param name="Tasks">Number of tasks.</param>
/// <param name="Resources">Resources per task.</param>
/// <param name="ComputeUnitsPerTask">CU one task uses, to size budgets.</param>
/// <param name="Duration">The estimate (wall-time limit).</param>
/// <param name="Inputs">Input datasets.</param>
/// <param name="Output">Output, or null.</param>
/// <param name="Latency">The user's latency tier, or null for any.</param>
/// <param name="Priority">Queue priority.</param>
/// <param name="Flags">Preemptible, splittable, checkpointable.</param>
/// <param name="DeadlineFactor">Deadline = submit + factor × duration, or null for none.</param>
/// <param name="BudgetFactor">Budget = factor × reference cost, or null for none.</param>
internal sealed record JobShape(
    MixClass Class,
    JobType Type,
    int Tasks,
    TaskResources Resources,
    double ComputeUnitsPerTask,
    TimeSpan Duration,
    ImmutableArray<Dataset> Inputs,
    OutputSpec? Output,
    LatencyTier? Latency,
    JobPriority Priority,
    JobFlags Flags,
    double? DeadlineFactor,
    double? BudgetFactor);

/// <summary>
/// Draws the class-dependent part of a job (docs/scenarios.md, "Generated workloads", has the
/// table). The distributions are plausible assumptions chosen for the digital twin, not measured
/// data. The order of the draws is part of the contract: the same seed gives the same jobs.
/// </summary>
internal static class MixShapes
{
    /// <summary>Share of accelerator asks aimed at hardware of the topology; the rest name any catalogued device.</summary>
    private const double TopologyAcceleratorShare = 0.9;

    /// <summary>CPU shapes are redrawn up to this many times until some node can hold a task.</summary>
    private const int ShapeAttempts = 3;

    public static JobShape Draw(MixClass jobClass, MixWorld world, Random random) => jobClass switch
    {
        MixClass.AiTraining => Training(world, random),
        MixClass.Inference => Inference(world, random),
        MixClass.Hpc => Hpc(world, random),
        _ => Analytics(world, random),
    };

    private static JobShape Training(MixWorld world, Random random)
    {
        var tasks = 1 << random.Next(5); // 1, 2, 4, 8 or 16: data-parallel runs come in powers of two
        var (resources, units) = AcceleratorTask(world, random, 8, GradeWeightsForTraining, inference: false)
            ?? CpuTask(world, random, [32, 64], [4, 8]);
        var duration = LogUniform(random, TimeSpan.FromHours(1), TimeSpan.FromHours(48));
        ImmutableArray<Dataset> inputs = random.NextDouble() < 0.8 ? BySize(world, random, 1) : [];
        var output = new OutputSpec(ByteSize.FromGigabytes(Math.Round(LogUniform(random, 10, 500))), OutputDestination.Site);
        var priority = Pick(random, (JobPriority.Low, 0.1), (JobPriority.Normal, 0.8), (JobPriority.High, 0.1));
        var flags = new JobFlags(Preemptible: random.NextDouble() < 0.2, Splittable: false, Checkpointable: true);
        double? deadline = random.NextDouble() < 0.1 ? 3 : null;
        return new JobShape(MixClass.AiTraining, tasks == 1 ? JobType.Batch : JobType.Gang, tasks, resources, units, duration,
            inputs, output, null, priority, flags, deadline, Budget(random));
    }

    private static JobShape Inference(MixWorld world, Random random)
    {
        var tasks = 1 + random.Next(4);
        var (resources, units) = (random.NextDouble() < 0.6 ? AcceleratorTask(world, random, OneOf(random, 1, 2), GradeWeightsForInference, inference: true) : null)
            ?? CpuTask(world, random, [4, 8, 16], [4]);
        var duration = LogUniform(random, TimeSpan.FromMinutes(30), TimeSpan.FromHours(8));
        var output = new OutputSpec(ByteSize.FromGigabytes(Math.Round(LogUniform(random, 0.1, 5), 1)), OutputDestination.User);
        var latency = Pick(random, (LatencyTier.City, 0.4), (LatencyTier.Region, 0.4), (LatencyTier.National, 0.2));
        var priority = Pick(random, (JobPriority.Normal, 0.6), (JobPriority.High, 0.3), (JobPriority.Urgent, 0.1));
        return new JobShape(MixClass.Inference, JobType.Service, tasks, resources, units, duration,
            [], output, latency, priority, JobFlags.None, null, Budget(random));
    }

    private static JobShape Hpc(MixWorld world, Random random)
    {
        var tasks = LogUniformInteger(random, 2, 64);
        var (resources, units) = CpuTask(world, random, [16, 32, 48, 64], [2, 4, 8]);
        var duration = LogUniform(random, TimeSpan.FromMinutes(10), TimeSpan.FromHours(12));
        ImmutableArray<Dataset> inputs = random.NextDouble() < 0.25 ? Uniform(world, random) : [];
        OutputSpec? output = random.NextDouble() < 0.5
            ? new OutputSpec(ByteSize.FromGigabytes(Math.Round(LogUniform(random, 1, 200))), OutputDestination.Site)
            : null;
        var priority = Pick(random, (JobPriority.Low, 0.15), (JobPriority.Normal, 0.7), (JobPriority.High, 0.15));
        var flags = new JobFlags(Preemptible: random.NextDouble() < 0.1, Splittable: false, Checkpointable: random.NextDouble() < 0.3);
        double? deadline = random.NextDouble() < 0.1 ? 4 : null;
        return new JobShape(MixClass.Hpc, JobType.Gang, tasks, resources, units, duration,
            inputs, output, null, priority, flags, deadline, Budget(random));
    }

    private static JobShape Analytics(MixWorld world, Random random)
    {
        var tasks = LogUniformInteger(random, 4, 64);
        var (resources, units) = CpuTask(world, random, [4, 8, 16, 32], [4, 8]);
        var duration = LogUniform(random, TimeSpan.FromMinutes(10), TimeSpan.FromHours(6));
        var inputs = BySize(world, random, random.NextDouble() < 0.6 ? 1 : 2);
        var output = new OutputSpec(ByteSize.FromGigabytes(Math.Round(LogUniform(random, 1, 50))), OutputDestination.User);
        var priority = Pick(random, (JobPriority.Low, 0.3), (JobPriority.Normal, 0.6), (JobPriority.High, 0.1));
        var flags = new JobFlags(Preemptible: random.NextDouble() < 0.5, Splittable: true, Checkpointable: false);
        double? deadline = random.NextDouble() < 0.2 ? 2 : null;
        return new JobShape(MixClass.Analytics, JobType.Array, tasks, resources, units, duration,
            inputs, output, null, priority, flags, deadline, Budget(random));
    }

    /// <summary>Training aims at the best hardware: grade A four times as often as C.</summary>
    private static double GradeWeightsForTraining(ComputeGrade grade) => grade switch
    {
        ComputeGrade.A => 4,
        ComputeGrade.B => 3,
        ComputeGrade.C => 1,
        _ => 0.5,
    };

    /// <summary>Inference aims at mid-range hardware.</summary>
    private static double GradeWeightsForInference(ComputeGrade grade) => grade switch
    {
        ComputeGrade.A => 1,
        ComputeGrade.B => 2,
        ComputeGrade.C => 3,
        _ => 1,
    };

    /// <summary>
    /// A task on accelerators: picks a target device (90 % from the topology's accelerator pools,
    /// else any catalogued accelerator; weighted by grade), takes <paramref name="wanted"/> of them
    /// (at most a node's worth) with the node's matching share of cores and memory, and asks for that
    /// kind by grade, by model or by CU. Null when neither topology nor catalogue has accelerators.
    /// </summary>
    private static (TaskResources Resources, double Units)? AcceleratorTask(
        MixWorld world, Random random, int wanted, Func<ComputeGrade, double> weightOf, bool inference)
    {
        var fromTopology = random.NextDouble() < TopologyAcceleratorShare;
        var options = fromTopology && !world.TopologyAccelerators.IsEmpty ? world.TopologyAccelerators : world.CatalogueAccelerators;
        if (options.IsEmpty)
            options = world.TopologyAccelerators;
        if (options.IsEmpty)
            return null;
        var target = options[WeightedIndex(random, [.. options.Select(o => weightOf(o.Grade))])];
        var count = Math.Min(wanted, target.PerNode);
        var cores = Math.Max(1, target.NodeCores * count / target.PerNode);
        var memory = ByteSize.FromGibibytes(Math.Max(1, Math.Floor(target.NodeMemory.Bytes / (double)(1L << 30) * count / target.PerNode)));
        var form = random.NextDouble();
        var (gradeShare, modelShare) = inference ? (0.5, 0.3) : (0.6, 0.25);
        AcceleratorDemand ask;
        if (form < gradeShare)
        {
            // Inference needs no more than grade B; asking below the target's grade keeps the target eligible.
            var grade = inference && target.Grade < ComputeGrade.B ? ComputeGrade.B : target.Grade;
            ask = new AcceleratorDemand(count, grade, null, null);
        }
        else if (form < gradeShare + modelShare || target.ComputeUnits <= 0)
        {
            ask = new AcceleratorDemand(count, null, target.Model, null);
        }
        else
        {
            // Users ask round figures: a multiple of 25 CU between half and all of the target's.
            var fraction = 0.5 + 0.5 * random.NextDouble();
            var cu = Math.Floor(target.ComputeUnits * fraction / 25) * 25;
            ask = new AcceleratorDemand(count, null, null, cu >= 25 ? cu : Math.Max(1, Math.Floor(target.ComputeUnits * fraction)));
        }
        return (new TaskResources(cores, memory, ask), count * target.ComputeUnits);
    }

    /// <summary>A CPU-only task: cores from the menu and memory of cores × GiB-per-core; redrawn (up to 3 draws) while no node can hold it.</summary>
    private static (TaskResources Resources, double Units) CpuTask(MixWorld world, Random random, int[] cores, int[] gibPerCore)
    {
        TaskResources task = null!;
        for (var attempt = 0; attempt < ShapeAttempts; attempt++)
        {
            var n = OneOf(random, cores);
            task = new TaskResources(n, ByteSize.FromGibibytes(n * OneOf(random, gibPerCore)), null);
            if (world.FitsSomewhere(task))
                break;
        }
        return (task, task.Cpu * world.CoreComputeUnits);
    }

    /// <summary>Up to <paramref name="count"/> distinct datasets, each drawn with probability proportional to its size (the largest are preferred).</summary>
    private static ImmutableArray<Dataset> BySize(MixWorld world, Random random, int count)
    {
        var left = world.DatasetsBySize.ToList();
        var chosen = ImmutableArray.CreateBuilder<Dataset>();
        while (chosen.Count < count && left.Count > 0)
        {
            var index = WeightedIndex(random, [.. left.Select(d => (double)Math.Max(1, d.Size.Bytes))]);
            chosen.Add(left[index]);
            left.RemoveAt(index);
        }
        return chosen.ToImmutable();
    }

    private static ImmutableArray<Dataset> Uniform(MixWorld world, Random random) =>
        world.DatasetsBySize.IsEmpty ? [] : [world.DatasetsBySize[random.Next(world.DatasetsBySize.Length)]];

    /// <summary>10 % of jobs carry a budget of 0.5–3 × their reference cost: some will bind.</summary>
    private static double? Budget(Random random) => random.NextDouble() < 0.1 ? 0.5 + 2.5 * random.NextDouble() : null;

    /// <summary>
    /// An index drawn with probability proportional to its weight: U × total is walked through the
    /// cumulative weights in order. When rounding leaves a remainder, the last index of positive weight.
    /// </summary>
    internal static int WeightedIndex(Random random, double[] weights)
    {
        var x = random.NextDouble() * weights.Sum();
        var last = weights.Length - 1;
        for (var i = 0; i < weights.Length; i++)
        {
            if (weights[i] > 0)
                last = i;
            if (x < weights[i])
                return i;
            x -= weights[i];
        }
        return last;
    }

    /// <summary>Log-uniform between two values: every factor of two in the range is equally likely.</summary>
    private static double LogUniform(Random random, double low, double high) => low * Math.Exp(random.NextDouble() * Math.Log(high / low));

    /// <summary>A log-uniform duration, in whole seconds.</summary>
    private static TimeSpan LogUniform(Random random, TimeSpan low, TimeSpan high) =>
        TimeSpan.FromSeconds(Math.Round(LogUniform(random, low.TotalSeconds, high.TotalSeconds)));

    /// <summary>A whole number from <paramref name="low"/> to <paramref name="high"/>, log-uniform (small counts are common, large ones rare).</summary>
    private static int LogUniformInteger(Random random, int low, int high) =>
        Math.Min(high, (int)Math.Floor(LogUniform(random, low, high + 1.0)));
}
