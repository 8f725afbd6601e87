using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Suanwang.Server.Store;
using LedgerLog = Suanwang.Server.Ledger.Ledger;

namespace Suanwang.Server.Ledger;

/// <summary>
/// Feeds the ledger from the store's event log: every placement, cancellation, completion and failure of
/// a job (and, as they arrive, orders, settlements and heals) becomes a ledger entry, in log order. The
/// event log is written in the same transaction as the state change, so nothing is missed; the ledger
/// follows it within a moment. The ledger is its own cursor — each entry records the event's sequence
/// (<c>data.seq</c>) — so a crash between two steps can neither skip nor repeat an event. Only the holder
/// of the <c>ledger</c> lease feeds (one writer across replicas); the others only read.
/// </summary>
internal sealed class LedgerFeeder(ControlStore store, LedgerLog ledger, TimeProvider clock, ILogger<LedgerFeeder> log) : BackgroundService
{
    /// <summary>How often the feeder looks for new events.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>The lease that makes one replica the ledger's writer.</summary>
    public const string LeaseName = "ledger";

    /// <summary>Event types that go into the ledger, and the ledger type they become.</summary>
    public static IReadOnlyDictionary<string, string> LedgerTypes { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["placed"] = "placement",
        ["cancelled"] = "cancellation",
        ["completed"] = "completion",
        ["failed"] = "failure",
        ["order"] = "order",
        ["settlement"] = "settlement",
        ["healed"] = "heal",
    };

    private readonly string _holder = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private readonly SemaphoreSlim _oneFeed = new(1, 1); // two feeds reading the same cursor would log events twice

    /// <summary>Appends the events logged since the last entry (at most <paramref name="max"/> scanned); returns how many were appended.</summary>
    public async Task<int> FeedOnceAsync(int max, CancellationToken cancel)
    {
        await _oneFeed.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            return await FeedAsync(max, cancel).ConfigureAwait(false);
        }
        finally
        {
            _oneFeed.Release();
        }
    }

    private async Task<int> FeedAsync(int max, CancellationToken cancel)
    {
        if (!await store.TryAcquireLeaseAsync(LeaseName, _holder, TimeSpan.FromSeconds(10), cancel).ConfigureAwait(false))
            return 0;
        ledger.Resync(); // another replica may have appended while it held the lease
        var after = LastSequence();
        var events = await store.EventsAfterAsync(after, max, cancel).ConfigureAwait(false);
        var entries = events
            .Where(e => LedgerTypes.ContainsKey(e.Event.Type))
            .Select(e => new LedgerEvent(LedgerTypes[e.Event.Type], e.Event.At, e.Event.Stream, e.Tenant, Data(e.Event)))
            .ToList();
        if (entries.Count == 0)
            return 0;
        try
        {
            ledger.Append(entries); // durable before the tree (and so any signed head) includes them
        }
        catch
        {
            ledger.Resync();
            throw;
        }
        return entries.Count;
    }

    private long LastSequence()
    {
        var size = ledger.Size;
        if (size == 0 || ledger.Entry(size - 1) is not { } last)
            return 0;
        var data = LedgerEntryEncoding.Decode(last.Entry).Event.Data;
        return data.TryGetProperty("seq", out var seq) ? seq.GetInt64() : 0;
    }

    /// <summary>
    /// The event's data with its sequence number added; fractional numbers (energy, say) become strings,
    /// since ledger numbers are integers (docs/ledger.md).
    /// </summary>
    internal static JsonElement Data(StoredEvent e)
    {
        var node = JsonNode.Parse(e.Data) as JsonObject ?? new JsonObject { ["value"] = JsonNode.Parse(e.Data) };
        node["seq"] = e.Sequence;
        using var document = JsonDocument.Parse(Integerize(node)!.ToJsonString());
        return document.RootElement.Clone();
    }

    private static JsonNode? Integerize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                    obj[key] = Integerize(obj[key]?.DeepClone());
                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                    array[i] = Integerize(array[i]?.DeepClone());
                return array;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                var raw = value.ToJsonString();
                return long.TryParse(raw, out _) ? value : JsonValue.Create(raw);
            default:
                return node;
        }
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _oneFeed.Dispose();
        base.Dispose();
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await FeedOnceAsync(1000, stoppingToken).ConfigureAwait(false) > 0)
                {
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogError(ex, "ledger feeder failed; retrying");
            }
            try
            {
                await Task.Delay(Interval, clock, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
