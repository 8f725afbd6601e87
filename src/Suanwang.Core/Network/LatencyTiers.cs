using Suanwang.Core.Model;

namespace Suanwang.Core.Network;

/// <summary>
/// Pairs of points counted by latency tier, as in the <c>pairs</c> object of
/// <c>suanwang topology tiers --json</c> (DESIGN §10).
/// </summary>
/// <param name="City">Pairs at most 1 ms apart (including pairs on one point of presence).</param>
/// <param name="Region">Pairs more than 1 ms and at most 5 ms apart.</param>
/// <param name="National">Pairs more than 5 ms and at most 20 ms apart.</param>
/// <param name="Beyond">Pairs more than 20 ms apart.</param>
/// <param name="Unreachable">Pairs with no path between them.</param>
public sealed record TierPairCounts(long City, long Region, long National, long Beyond, long Unreachable)
{
    /// <summary>All pairs counted: n × (n − 1) / 2 for n points.</summary>
    public long Sum() => City + Region + National + Beyond + Unreachable;
}

/// <summary>
/// The answer of <c>suanwang topology tiers</c>: it maps field by field onto the §10 JSON
/// <c>{ "sites", "pairs": { … }, "constants": { "km_per_ms", "inflation", "hop_ms" } }</c> with a
/// snake_case naming policy.
/// </summary>
/// <param name="Sites">Number of points (sites) whose unordered pairs were counted.</param>
/// <param name="Pairs">The pair counts by tier.</param>
/// <param name="Constants">The geographic latency constants the topology's link latencies were derived with.</param>
public sealed record TierReport(int Sites, TierPairCounts Pairs, GeoLatency Constants);

/// <summary>
/// The latency-tier rule (DESIGN §1, §10): City ≤ 1 ms &lt; Region ≤ 5 ms &lt; National ≤ 20 ms &lt;
/// Beyond, each bound inclusive, applied to one-way shortest-path latency.
/// </summary>
public static class LatencyTiers
{
    /// <summary>Upper bound (inclusive) of <see cref="LatencyTier.City"/> in ms.</summary>
    public const double CityMaxMs = 1;

    /// <summary>Upper bound (inclusive) of <see cref="LatencyTier.Region"/> in ms.</summary>
    public const double RegionMaxMs = 5;

    /// <summary>Upper bound (inclusive) of <see cref="LatencyTier.National"/> in ms.</summary>
    public const double NationalMaxMs = 20;

    /// <summary>The tier of a one-way latency in milliseconds.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The latency is negative or not a number.</exception>
    public static LatencyTier Classify(double latencyMs)
    {
        if (!(latencyMs >= 0))
            throw new ArgumentOutOfRangeException(nameof(latencyMs), latencyMs, "latency must be a number ≥ 0 ms");
        return latencyMs <= CityMaxMs ? LatencyTier.City
            : latencyMs <= RegionMaxMs ? LatencyTier.Region
            : latencyMs <= NationalMaxMs ? LatencyTier.National
            : LatencyTier.Beyond;
    }

    /// <summary>The largest latency in ms a tier admits (<see cref="double.PositiveInfinity"/> for Beyond).</summary>
    public static double MaxLatencyMs(LatencyTier tier) => tier switch
    {
        LatencyTier.City => CityMaxMs,
        LatencyTier.Region => RegionMaxMs,
        LatencyTier.National => NationalMaxMs,
        LatencyTier.Beyond => double.PositiveInfinity,
        _ => throw new ArgumentOutOfRangeException(nameof(tier), tier, "unknown latency tier"),
    };

    /// <summary>
    /// Counts the unordered pairs of points by the tier of their shortest-path latency. Each point is
    /// given by the id of the point of presence it attaches to; points on one point of presence are
    /// 0 ms apart (City). Cost O(n + p²) for n points on p distinct points of presence.
    /// </summary>
    /// <exception cref="ArgumentException">A point of presence is not in the matrix.</exception>
    public static TierReport Census(LatencyMatrix matrix, IReadOnlyList<string> attachmentPoints, GeoLatency constants)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(attachmentPoints);
        ArgumentNullException.ThrowIfNull(constants);
        var indexOf = new Dictionary<string, int>(matrix.Count, StringComparer.Ordinal);
        for (var i = 0; i < matrix.Count; i++)
            indexOf[matrix.NodeIds[i]] = i;
        var sitesAt = new long[matrix.Count];
        foreach (var point in attachmentPoints)
        {
            if (point is null || !indexOf.TryGetValue(point, out var node))
                throw new ArgumentException($"point of presence '{point}' is not in the topology", nameof(attachmentPoints));
            sitesAt[node]++;
        }
        var used = new List<int>();
        for (var node = 0; node < sitesAt.Length; node++)
        {
            if (sitesAt[node] > 0)
                used.Add(node);
        }
        Span<long> byTier = stackalloc long[4];
        long unreachable = 0;
        for (var i = 0; i < used.Count; i++)
        {
            var a = used[i];
            byTier[(int)LatencyTier.City] += sitesAt[a] * (sitesAt[a] - 1) / 2;
            for (var j = i + 1; j < used.Count; j++)
            {
                var b = used[j];
                var pairs = sitesAt[a] * sitesAt[b];
                if (matrix.LatencyMs(a, b) is { } ms)
                    byTier[(int)Classify(ms)] += pairs;
                else
                    unreachable += pairs;
            }
        }
        var counts = new TierPairCounts(byTier[0], byTier[1], byTier[2], byTier[3], unreachable);
        return new TierReport(attachmentPoints.Count, counts, constants);
    }

    /// <summary>Counts pairs of sites by tier, each site located at its <see cref="Site.AttachedTo"/> point of presence.</summary>
    /// <exception cref="ArgumentException">A site is not attached to a point of presence of the matrix.</exception>
    public static TierReport Census(LatencyMatrix matrix, IEnumerable<Site> sites, GeoLatency constants)
    {
        ArgumentNullException.ThrowIfNull(sites);
        var points = new List<string>();
        foreach (var site in sites)
        {
            points.Add(site.AttachedTo
                ?? throw new ArgumentException($"site '{site.Id}' is not attached to a point of presence", nameof(sites)));
        }
        return Census(matrix, points, constants);
    }
}
