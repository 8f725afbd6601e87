using Prometheus;

namespace Suanwang.Server;

/// <summary>
/// The server's Prometheus metrics, in a registry of its own (not prometheus-net's static default), so
/// two servers in one process — as in tests — do not share counters.
/// </summary>
public sealed class ServerMetrics
{
    /// <summary>Creates the registry and the metrics.</summary>
    public ServerMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        Factory = Metrics.WithCustomRegistry(Registry);
        JobsByState = Factory.CreateGauge("suanwang_jobs", "Jobs by state.", new GaugeConfiguration { LabelNames = ["state"] });
        QueueDepth = Factory.CreateGauge("suanwang_queue_depth", "Jobs waiting for a placement.");
        Decisions = Factory.CreateCounter("suanwang_scheduler_decisions_total", "Placement decisions made by the scheduling loop.");
        PlacementLatency = Factory.CreateHistogram("suanwang_placement_latency_seconds", "Time from submission to placement.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.01, 2, 16) });
        Submissions = Factory.CreateCounter("suanwang_submissions_total", "Jobs accepted durably.");
    }

    /// <summary>The registry <c>/metrics</c> exports.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Makes metrics in <see cref="Registry"/>.</summary>
    public IMetricFactory Factory { get; }

    /// <summary>Jobs by state (refreshed from the store).</summary>
    public Gauge JobsByState { get; }

    /// <summary>Pending jobs.</summary>
    public Gauge QueueDepth { get; }

    /// <summary>Scheduling decisions made.</summary>
    public Counter Decisions { get; }

    /// <summary>Submission-to-placement latency.</summary>
    public Histogram PlacementLatency { get; }

    /// <summary>Jobs accepted.</summary>
    public Counter Submissions { get; }
}
