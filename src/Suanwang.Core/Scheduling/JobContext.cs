using Suanwang.Core.Model;
using Suanwang.Core.Network;

namespace Suanwang.Core.Scheduling;

/// <summary>
/// What the filters and the estimate of one job need on every pool, worked out once per job instead
/// of once per (job, pool): its datasets, its task shape's <see cref="FitTable"/>, and answers that
/// depend only on the pool's point of presence (latency-tier verdicts, output return time), filled
/// per point on first use. Values are exactly those the per-pool code computed; only repetition goes.
/// </summary>
internal sealed class JobContext
{
    private readonly SchedulingSnapshot _snapshot;
    private string?[]? _tierRejection;
    private bool[]? _tierKnown;
    private TimeSpan[]? _outputReturn;
    private bool[]? _outputKnown;
    private bool? _anySiteHoldsAll;
    private string? _dataLocalTarget;
    private (Candidate?[][] Jurisdictions, Candidate?[][] Unreachable)? _datasetLayers;
    private (long, long)?[]? _stagingBound;

    public JobContext(SchedulingSnapshot snapshot, PendingJob job, int userPoint)
    {
        _snapshot = snapshot;
        Job = job;
        Demand = job.Demand;
        UserPoint = userPoint;
        Fit = snapshot.Memo.Fit(Demand.Resources);
        var inputs = Demand.Inputs;
        Datasets = new Dataset?[inputs.Length];
        DatasetIndices = new int[inputs.Length];
        for (var k = 0; k < inputs.Length; k++)
        {
            Datasets[k] = snapshot.FindDataset(inputs[k]);
            DatasetIndices[k] = Datasets[k] is null ? -1 : snapshot.Memo.DatasetIndex(inputs[k]);
        }
        HasAvoid = !Demand.Placement.Avoid.IsEmpty;
        JurisdictionList = string.Join(", ", Demand.Jurisdictions);
        InputList = inputs.Length switch { 0 => string.Empty, 1 => inputs[0], _ => string.Join('\u001f', inputs) };
        if (Demand.Type == JobType.Service && Demand.User is { Latency: { } tier } user && userPoint >= 0)
            Tier = snapshot.Memo.Tiers(user.Location, userPoint, tier);
    }

    public PendingJob Job { get; }

    public JobDemand Demand { get; }

    /// <summary>The user's point of presence, or −1.</summary>
    public int UserPoint { get; }

    /// <summary>How the job's task shape fits each pool.</summary>
    public FitTable Fit { get; }

    /// <summary>The input datasets in input order (null for an unknown id, which the scheduler rejects before filtering).</summary>
    public Dataset?[] Datasets { get; }

    /// <summary><see cref="SchedulingMemo.DatasetIndex"/> of each input, or −1.</summary>
    public int[] DatasetIndices { get; }

    /// <summary>True when the job excludes some site, provider or pool.</summary>
    public bool HasAvoid { get; }

    /// <summary>The latency-tier verdicts for a service with a tier and a known user point; null when the filter does not apply.</summary>
    public TierTable? Tier { get; }

    /// <summary>The job's inputs in order, as one key (ids joined by U+001F).</summary>
    public string InputList { get; }

    /// <summary>The job's jurisdictions as the jurisdiction filter words them ("CN, HK").</summary>
    public string JurisdictionList { get; }

    /// <summary>
    /// The latency-tier verdict for a service whose user is at <see cref="UserPoint"/> (≥ 0) on a pool at
    /// <paramref name="point"/> (≥ 0): null when within the tier, else the rejection.
    /// </summary>
    public string? TierRejection(int point, LatencyTier tier, string siteId)
    {
        _tierRejection ??= new string?[_snapshot.Topology.Network.Nodes.Length];
        _tierKnown ??= new bool[_tierRejection.Length];
        if (_tierKnown[point])
            return _tierRejection[point];
        var latency = _snapshot.Paths.LatencyMs(UserPoint, point);
        string? rejection = null;
        if (latency is null)
        {
            // Names the site, so it is not shared between sites on the point (cannot happen on a connected topology).
            return $"site '{siteId}' is not reachable from the user in {Demand.User!.Location}";
        }
        if (latency > LatencyTiers.MaxLatencyMs(tier))
        {
            rejection = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{latency:0.00} ms from the user in {Demand.User!.Location} exceeds the {tier.ToString().ToLowerInvariant()} tier (≤ {LatencyTiers.MaxLatencyMs(tier):0} ms)");
        }
        _tierRejection[point] = rejection;
        _tierKnown[point] = true;
        return rejection;
    }

    /// <summary>Per input, in input order: the dataset-jurisdiction and the unreachable-input layers of every pool.</summary>
    public (Candidate?[][] Jurisdictions, Candidate?[][] Unreachable) DatasetLayers()
    {
        if (_datasetLayers is { } known)
            return known;
        var jurisdictions = new Candidate?[Datasets.Length][];
        var unreachable = new Candidate?[Datasets.Length][];
        for (var k = 0; k < Datasets.Length; k++)
        {
            jurisdictions[k] = _snapshot.Memo.DatasetJurisdictionLayer(DatasetIndices[k], Datasets[k]!);
            unreachable[k] = _snapshot.Memo.UnreachableLayer(DatasetIndices[k], Datasets[k]!);
        }
        _datasetLayers = (jurisdictions, unreachable);
        return _datasetLayers.Value;
    }

    /// <summary>A staging bound kept per point of presence for this job (see <c>CandidateEvaluator.StagingLowerBound</c>).</summary>
    public (long Ticks, long CostMinor) StagingBoundAt<TState>(int point, Func<JobContext, int, TState, (long, long)> compute, TState state)
    {
        _stagingBound ??= new (long, long)?[_snapshot.Topology.Network.Nodes.Length];
        return _stagingBound[point] ??= compute(this, point, state);
    }

    /// <summary>Time to send the output back to the user from a pool at <paramref name="point"/> (estimated, not reserved).</summary>
    public TimeSpan OutputReturn(int point)
    {
        if (Demand.Output is not { To: OutputDestination.User, Size.Bytes: > 0 } output || UserPoint < 0 || point < 0)
            return TimeSpan.Zero;
        _outputReturn ??= new TimeSpan[_snapshot.Topology.Network.Nodes.Length];
        _outputKnown ??= new bool[_outputReturn.Length];
        if (_outputKnown[point])
            return _outputReturn[point];
        TimeSpan time;
        if (UserPoint == point)
            time = StagingPlanner.TransferTime(output.Size, StagingPlanner.MetroBandwidth, 0);
        else if (_snapshot.Paths.ShortestPath(UserPoint, point) is not { } path)
            time = TimeSpan.Zero;
        else
            time = StagingPlanner.TransferTime(output.Size, StagingPlanner.TransferBandwidth(path), path.LatencyMs);
        _outputReturn[point] = time;
        _outputKnown[point] = true;
        return time;
    }

    /// <summary>Whether some site holds a replica of every input (data-local policy).</summary>
    public bool AnySiteHoldsAll() => _anySiteHoldsAll ??=
        _snapshot.Topology.Sites.Any(s => Demand.Inputs.All(id => _snapshot.FindDataset(id)!.ReplicaSites.Contains(s.Id)));

    /// <summary>The largest input (ties by id): where data-local runs a job when no site holds every input.</summary>
    public string DataLocalTarget() => _dataLocalTarget ??=
        Demand.Inputs.OrderByDescending(id => _snapshot.FindDataset(id)!.Size.Bytes).ThenBy(id => id, StringComparer.Ordinal).First();
}
