using System.Text.Json;
using Suanwang.Server.Ledger;
using LedgerLog = Suanwang.Server.Ledger.Ledger;

namespace Suanwang.Server.Tests.Ledger;

/// <summary>Events, a steppable clock and the checks a client would build, shared by the ledger tests.</summary>
internal static class LedgerFixtures
{
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    private static readonly string[] Types = ["placement", "cancellation", "order", "settlement", "heal"];

    public static LedgerEvent Event(int i) => new(
        Types[i % Types.Length],
        Start.AddSeconds(i),
        $"job-{i}",
        i % 3 == 0 ? null : $"tenant-{i % 3}",
        JsonSerializer.SerializeToElement(new { pool = $"pool-{i % 7}", nodes = (i % 5) + 1, cost_minor = 1000L * i }));

    public static IReadOnlyList<LedgerEvent> Events(int from, int count) => [.. Enumerable.Range(from, count).Select(Event)];

    /// <summary>What a client checks: every entry as served, with its proof in the tree of <paramref name="treeSize"/>.</summary>
    public static List<LedgerEntryCheck> Checks(LedgerLog ledger, long treeSize, bool withServedLeafHash = true) =>
    [
        .. Enumerable.Range(0, (int)treeSize).Select(i =>
        {
            var stored = ledger.Entry(i)!;
            return new LedgerEntryCheck(i, stored.Entry, ledger.InclusionProof(i, treeSize),
                withServedLeafHash ? stored.LeafHash : default);
        }),
    ];

    public static LedgerVerifier VerifierFor(LedgerLog ledger) => new(ledger.PublicKeyPem);
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
