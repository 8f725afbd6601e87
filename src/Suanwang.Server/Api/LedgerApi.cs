using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Suanwang.Server.Access;
using Suanwang.Server.Ledger;
using Suanwang.Server.Store;
using LedgerLog = Suanwang.Server.Ledger.Ledger;

namespace Suanwang.Server.Api;

/// <summary>
/// <c>/v1/ledger</c>: the public key to pin, the signed tree head, entries, and inclusion and consistency
/// proofs (shapes in docs/ledger.md). Heads and proofs are hashes only, so any token may read them;
/// an entry names a tenant and a job, so a tenant reads only its own entries (another's answers 404).
/// </summary>
internal static class LedgerApi
{
    /// <summary>The most entries one page scans.</summary>
    public const int MaxPage = 1000;

    public static void Map(IEndpointRouteBuilder routes)
    {
        var ledger = routes.MapGroup("/v1/ledger").WithTags("ledger").RequireAuthorization();
        ledger.MapGet("/key", (LedgerLog log) => TypedResults.Json(new { public_key_pem = log.PublicKeyPem }, Json.Options));
        ledger.MapGet("/head", (LedgerLog log) =>
        {
            log.Resync(); // another replica may be the writer
            return TypedResults.Json(log.TreeHead(), Json.Options);
        }).Produces<SignedTreeHead>();
        ledger.MapGet("/entries/{index:long}", Entry).ProducesProblem(404);
        ledger.MapGet("/entries", Entries).ProducesProblem(400);
        ledger.MapGet("/proofs/inclusion", Inclusion).Produces<InclusionProof>().ProducesProblem(400);
        ledger.MapGet("/proofs/consistency", Consistency).Produces<ConsistencyProof>().ProducesProblem(400);
    }

    private static IResult Entry(long index, HttpContext context, LedgerLog log, TrustScores trust)
    {
        log.Resync();
        var caller = Caller.From(context.User);
        if (log.Entry(index) is { } stored && View(stored, caller) is { } view)
            return TypedResults.Json(view, Json.Options);
        trust.Violation(caller.Principal, $"asked for unknown or foreign ledger entry {index}");
        return Problems.NotFound(context, "ledger entry", index.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static IResult Entries(HttpContext context, LedgerLog log)
    {
        log.Resync();
        var caller = Caller.From(context.User);
        var query = context.Request.Query;
        if (query.Keys.FirstOrDefault(k => k is not ("from" or "limit")) is { } unknown)
            return Problems.BadRequest(context, $"unknown query parameter '{unknown}'; known: from, limit");
        if (!Whole(query["from"], 0, out var from) || from < 0)
            return Problems.BadRequest(context, "from must be a whole number ≥ 0");
        if (!Whole(query["limit"], MaxPage, out var limit) || limit is < 1 or > MaxPage)
            return Problems.BadRequest(context, $"limit must be a whole number from 1 to {MaxPage}");
        var size = log.Size;
        var end = Math.Min(size, from + limit);
        var entries = new List<LedgerEntryView>();
        for (var i = from; i < end; i++)
        {
            if (log.Entry(i) is { } stored && View(stored, caller) is { } view)
                entries.Add(view);
        }
        return TypedResults.Json(new { entries, next = end < size ? end : (long?)null, tree_size = size }, Json.Options);
    }

    private static IResult Inclusion(HttpContext context, LedgerLog log)
    {
        log.Resync();
        var size = log.Size;
        if (!Whole(context.Request.Query["index"], -1, out var index) || !Whole(context.Request.Query["tree_size"], size, out var treeSize))
            return Problems.BadRequest(context, "index and tree_size must be whole numbers (tree_size defaults to the current size)");
        if (treeSize < 1 || treeSize > size || index < 0 || index >= treeSize)
            return Problems.BadRequest(context, $"need 0 ≤ index < tree_size ≤ {size}; got index {index}, tree_size {treeSize}");
        return TypedResults.Json(log.InclusionProof(index, treeSize), Json.Options);
    }

    private static IResult Consistency(HttpContext context, LedgerLog log)
    {
        log.Resync();
        var size = log.Size;
        if (!Whole(context.Request.Query["first"], -1, out var first) || !Whole(context.Request.Query["second"], size, out var second))
            return Problems.BadRequest(context, "first and second must be whole numbers (second defaults to the current size)");
        if (first < 0 || first > second || second > size)
            return Problems.BadRequest(context, $"need 0 ≤ first ≤ second ≤ {size}; got first {first}, second {second}");
        return TypedResults.Json(log.ConsistencyProof(first, second), Json.Options);
    }

    private static LedgerEntryView? View(StoredEntry stored, Caller caller)
    {
        var entry = LedgerEntryEncoding.Decode(stored.Entry);
        if (!caller.IsOperator && (caller.Role != Role.Tenant || entry.Event.Tenant != caller.Subject))
            return null;
        using var document = JsonDocument.Parse(stored.Entry);
        return new LedgerEntryView(stored.Index, stored.Entry, stored.LeafHash, document.RootElement.Clone());
    }

    private static bool Whole(Microsoft.Extensions.Primitives.StringValues text, long fallback, out long value)
    {
        if (text.Count == 0 || text.ToString().Length == 0)
        {
            value = fallback;
            return true;
        }
        return long.TryParse(text.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value);
    }
}

/// <summary>A ledger entry as served: its exact bytes (base64), the leaf hash recorded, and the entry decoded for reading.</summary>
/// <param name="Index">Its index.</param>
/// <param name="Bytes">The canonical entry bytes the leaf hash covers.</param>
/// <param name="LeafHash">SHA-256(0x00 || bytes) as recorded at append.</param>
/// <param name="Entry">The same bytes as JSON.</param>
public sealed record LedgerEntryView(long Index, byte[] Bytes, byte[] LeafHash, JsonElement Entry);
