using System.Text.Json;

namespace Suanwang.Server.Ledger;

/// <summary>
/// Something the control plane did that it must be held to: a placement, a cancellation, an order, a
/// settlement, a heal… The ledger numbers it and turns it into a <see cref="LedgerEntry"/>.
/// </summary>
/// <param name="Type">What happened (an open vocabulary: placement, cancellation, order, settlement, heal, …); non-empty.</param>
/// <param name="At">When it happened; stored in UTC with 100 ns precision.</param>
/// <param name="Subject">What it happened to (a job id, an order id, …); non-empty.</param>
/// <param name="Tenant">The tenant concerned, when there is one.</param>
/// <param name="Data">The details: a JSON object whose numbers are integers (amounts are integer minor units).</param>
public sealed record LedgerEvent(string Type, DateTimeOffset At, string Subject, string? Tenant, JsonElement Data);

/// <summary>An event at its place in the log. Its leaf is exactly <see cref="LedgerEntryEncoding.Encode"/>'s bytes.</summary>
/// <param name="Index">Position in the log, from 0.</param>
/// <param name="Event">The event logged there.</param>
public sealed record LedgerEntry(long Index, LedgerEvent Event);
