using System.Collections.Immutable;
using System.Text.Json;
using Suanwang.Core.Model;
using Suanwang.Core.Network;
using Suanwang.Core.Scheduling;

namespace Suanwang.Server.Scheduling;

/// <summary>
/// The placement a job carries in the store, as JSON (snake_case): where and when it runs (per part),
/// its staging transfers, cost, energy and carbon, and the explanation — the policy, the reason the
/// winner won and every candidate with its rejection or score. The loop reads it back to know what
/// placed and running jobs hold (after a restart too), so it must round-trip.
/// </summary>
internal static class PlacementJson
{
    /// <summary>The decision's placement and explanation as JSON.</summary>
    public static string Write(Decision decision, string policy, DateTimeOffset decidedAt, IReadOnlyList<NetworkLink> links, int attempt = 1)
    {
        var placement = decision.Placement ?? throw new ArgumentException("the decision placed nothing", nameof(decision));
        var document = new PlacementDocument(
            placement.PoolId, placement.SiteId, placement.Nodes, placement.TasksPerNode, placement.Start, placement.Completion,
            placement.Runtime.TotalSeconds, MoneyDocument.Of(placement.Cost), Finite(placement.EnergyKwh), Finite(placement.CarbonKg),
            [.. placement.Parts.Select(p => new PartDocument(p.PoolId, p.SiteId, p.Tasks, p.Nodes, p.TasksPerNode, p.Start, p.Completion,
                p.Runtime.TotalSeconds, MoneyDocument.Of(p.Cost), Finite(p.EnergyKwh), Finite(p.CarbonKg)))],
            [.. placement.Transfers.Select(t => new TransferDocument(t.DatasetId, t.FromSite, t.ToSite, [.. t.Path],
                [.. t.Arcs.Select(a => new ArcDocument(a.Link, links[a.Link].Id, a.Forward))], t.Size.Bytes, t.Bandwidth.BitsPerSecond,
                t.Interval.Start, t.Interval.End, MoneyDocument.Of(t.Cost)))],
            policy, decidedAt, decision.Reason,
            [.. decision.Candidates.Select(c => new CandidateDocument(c.PoolId, c.Rejection, c.NotScored, c.Score is not { } s ? null
                : new ScoreDocument(s.StagedAt, s.Start, s.Completion, Finite(s.StagingSeconds), Finite(s.RuntimeSeconds), MoneyDocument.Of(s.Cost),
                    Finite(s.EnergyKwh), Finite(s.CarbonKg), Finite(s.Load), Finite(s.Total))))]) { Attempt = attempt };
        return JsonSerializer.Serialize(document, Json.Options);
    }

    /// <summary>Reads a stored placement back, or null when it is not one this class wrote.</summary>
    public static PlacementDocument? Read(string? json)
    {
        if (json is null)
            return null;
        try
        {
            return JsonSerializer.Deserialize<PlacementDocument>(json, Json.Options) is { Parts.Count: > 0 } document ? document : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A stored placement as JSON again (e.g. once it gained its start time).</summary>
    public static string Write(PlacementDocument placement) => JsonSerializer.Serialize(placement, Json.Options);

    /// <summary>Re-reserves the placement's transfers that have not ended by <paramref name="now"/> in <paramref name="calendar"/>.</summary>
    public static void ReserveTransfers(PlacementDocument placement, ReservationCalendar calendar, DateTimeOffset now)
    {
        foreach (var transfer in placement.Transfers.Where(t => t.Until > now))
        {
            var arcs = transfer.Arcs.Where(a => a.Link >= 0 && a.Link < calendar.Graph.Links.Length).Select(a => new Arc(a.Link, a.Forward)).ToArray();
            if (arcs.Length == transfer.Arcs.Count && arcs.Length > 0)
                calendar.TryReserve(arcs, new TimeInterval(transfer.From, transfer.Until), new Bandwidth(transfer.BitsPerSecond));
        }
    }

    // System.Text.Json refuses NaN and infinities; a score that is not finite is shown as null.
    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}

/// <summary>A stored placement (see <see cref="PlacementJson"/>).</summary>
internal sealed record PlacementDocument(
    string Pool, string Site, int Nodes, int TasksPerNode, DateTimeOffset Start, DateTimeOffset Completion, double RuntimeSeconds,
    MoneyDocument Cost, double? EnergyKwh, double? CarbonKg, IReadOnlyList<PartDocument> Parts, IReadOnlyList<TransferDocument> Transfers,
    string Policy, DateTimeOffset DecidedAt, string Reason, IReadOnlyList<CandidateDocument> Candidates)
{
    /// <summary>When its provider reported it running (the earliest part), once it runs; re-adoption after a restart resumes from it.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Which placement of the job this is: 1, then one more each time it is re-queued off a failed site.</summary>
    public int Attempt { get; init; } = 1;
}

/// <summary>One pool's part of a stored placement.</summary>
internal sealed record PartDocument(
    string Pool, string Site, int Tasks, int Nodes, int TasksPerNode, DateTimeOffset Start, DateTimeOffset Completion, double RuntimeSeconds,
    MoneyDocument Cost, double? EnergyKwh, double? CarbonKg)
{
    public TimeSpan Runtime => TimeSpan.FromSeconds(RuntimeSeconds);
}

/// <summary>A staging transfer: arcs by link index (what the calendar needs) and link id (what a reader needs).</summary>
internal sealed record TransferDocument(
    string Dataset, string FromSite, string ToSite, IReadOnlyList<string> Path, IReadOnlyList<ArcDocument> Arcs, long Bytes, long BitsPerSecond,
    DateTimeOffset From, DateTimeOffset Until, MoneyDocument Cost);

/// <summary>One direction of a link.</summary>
internal sealed record ArcDocument(int Link, string LinkId, bool Forward);

/// <summary>An amount in integer minor units.</summary>
internal sealed record MoneyDocument(long MinorUnits, string Currency)
{
    public static MoneyDocument Of(Money money) => new(money.MinorUnits, money.Currency);
}

/// <summary>One candidate of the explanation: exactly one of rejection, not-scored note and score is set.</summary>
internal sealed record CandidateDocument(string Pool, string? Rejection, string? NotScored, ScoreDocument? Score);

/// <summary>A candidate's score parts (lower total is better).</summary>
internal sealed record ScoreDocument(
    DateTimeOffset StagedAt, DateTimeOffset Start, DateTimeOffset Completion, double? StagingSeconds, double? RuntimeSeconds, MoneyDocument Cost,
    double? EnergyKwh, double? CarbonKg, double? Load, double? Total);
