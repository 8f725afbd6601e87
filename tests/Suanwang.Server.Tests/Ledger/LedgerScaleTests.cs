using Suanwang.Server.Store;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Suanwang.Server.Ledger;
using Xunit.Abstractions;
using LedgerLog = Suanwang.Server.Ledger.Ledger;

namespace Suanwang.Server.Tests.Ledger;

/// <summary>
/// The ledger at scale: correctness of proofs there, the O(log n) cost, and the timings docs/ledger.md
/// reports (printed with wall and process CPU time; run with <c>--logger "console;verbosity=detailed"</c>).
/// By default the tree has 2^17 + 1 leaves (a lone leaf on the right edge, the deepest incomplete
/// subtree) and the service 100,000 / 20,000 entries; SUANWANG_LEDGER_BENCH=1 makes every size a million.
/// </summary>
public sealed class LedgerScaleTests(ITestOutputHelper output)
{
    private const int Million = 1_000_000;
    private static readonly bool Full = Environment.GetEnvironmentVariable("SUANWANG_LEDGER_BENCH") == "1";

    private static readonly int TreeSize = Full ? Million : (1 << 17) + 1;

    private sealed class Measure
    {
        private readonly Stopwatch _wall = Stopwatch.StartNew();
        private readonly TimeSpan _cpu = Process.GetCurrentProcess().TotalProcessorTime;

        public (double Wall, double Cpu) Seconds => (_wall.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - _cpu).TotalSeconds);
    }

    // Wall time, and CPU time of the whole test process (this machine's cores are shared, so wall time
    // alone overstates the cost when others are busy).
    private void Report(string what, Measure measure, long count)
    {
        var (wall, cpu) = measure.Seconds;
        output.WriteLine($"{what,-46} {count,10:N0}: wall {wall * 1e6 / count,8:F2} µs each ({count / wall,10:N0}/s), cpu {cpu * 1e6 / count,8:F2} µs each");
    }

    [Fact]
    public void A_large_tree_answers_roots_and_proofs_in_logarithmic_time()
    {
        var tree = new MerkleTree();
        var entry = new byte[8];
        var clock = new Measure();
        for (var i = 0; i < TreeSize; i++)
        {
            BitConverter.TryWriteBytes(entry, (long)i);
            tree.Append(MerkleHashing.LeafHash(entry));
        }
        Report("tree: hash and append a leaf", clock, TreeSize);

        const int Trials = 10_000;
        var random = new Random(2026);
        clock = new Measure();
        byte[] root = [];
        for (var i = 0; i < Trials; i++)
            root = tree.RootHash(TreeSize - (i % 1000));
        Report("tree: root (sizes n-999..n)", clock, Trials);
        root = tree.RootHash(TreeSize);

        var indexes = Enumerable.Range(0, Trials).Select(_ => (long)random.Next(TreeSize)).ToArray();
        var paths = new IReadOnlyList<ReadOnlyMemory<byte>>[Trials];
        var hashesBefore = tree.HashesComputed;
        clock = new Measure();
        for (var i = 0; i < Trials; i++)
            paths[i] = tree.InclusionPath(indexes[i], TreeSize);
        Report("tree: inclusion proof", clock, Trials);
        Assert.InRange((tree.HashesComputed - hashesBefore) / (double)Trials, 0, 20); // log2(1 M) ≈ 20

        clock = new Measure();
        for (var i = 0; i < Trials; i++)
        {
            BitConverter.TryWriteBytes(entry, indexes[i]);
            Assert.True(MerkleProofVerifier.VerifyInclusion(MerkleHashing.LeafHash(entry), indexes[i], TreeSize, paths[i], root));
        }
        Report("client: verify an inclusion proof", clock, Trials);

        var firsts = Enumerable.Range(0, Trials).Select(_ => (long)random.Next(1, TreeSize)).ToArray();
        var proofs = new IReadOnlyList<ReadOnlyMemory<byte>>[Trials];
        hashesBefore = tree.HashesComputed;
        clock = new Measure();
        for (var i = 0; i < Trials; i++)
            proofs[i] = tree.ConsistencyPath(firsts[i], TreeSize);
        Report("tree: consistency proof m → n", clock, Trials);
        Assert.InRange((tree.HashesComputed - hashesBefore) / (double)Trials, 0, 40);

        clock = new Measure();
        for (var i = 0; i < 1000; i++)
            Assert.True(MerkleProofVerifier.VerifyConsistency(firsts[i], TreeSize, tree.RootHash(firsts[i]), root, proofs[i]));
        Report("client: verify a consistency proof (+ a root)", clock, 1000);
        Assert.False(MerkleProofVerifier.VerifyConsistency(firsts[0], TreeSize, tree.RootHash(firsts[0]), root, proofs[1]));
    }

    [Fact]
    public void The_service_appends_signs_and_restarts_at_scale()
    {
        using var signer = LedgerSigner.Ephemeral();
        var count = Full ? Million : 100_000;
        var ledger = new LedgerLog(new InMemoryLedgerStorage(), signer);
        var events = LedgerFixtures.Events(0, 1000);
        var clock = new Measure();
        for (var done = 0; done < count; done += events.Count)
            ledger.Append(events);
        Report($"ledger (memory): append, batches of {events.Count}", clock, count);

        clock = new Measure();
        SignedTreeHead head = null!;
        for (var i = 0; i < 1000; i++)
            head = ledger.TreeHead();
        Report("ledger: signed tree head", clock, 1000);
        using var verifier = new LedgerVerifier(signer.PublicKeyPem);
        var checks = Enumerable.Range(0, 1000).Select(i => (long)i * (count / 1000) + 7).Select(i =>
            new LedgerEntryCheck(i, ledger.Entry(i)!.Entry, ledger.InclusionProof(i, count), ledger.Entry(i)!.LeafHash)).ToList();
        clock = new Measure();
        var result = verifier.Verify(null, head, null, checks);
        Report("client: check an entry (decode, hash, proof)", clock, checks.Count);
        Assert.True(result.Ok, string.Join("; ", result.Failures));
    }

    [Fact]
    public void SQLite_storage_appends_in_batches_and_rebuilds_the_tree_on_restart()
    {
        var directory = Directory.CreateTempSubdirectory("suanwang-ledger-scale-").FullName;
        try
        {
            using var signer = LedgerSigner.Ephemeral();
            var connectionString = $"Data Source={Path.Combine(directory, "ledger.db")}";
            var count = Full ? Million : 20_000;
            var ledger = new LedgerLog(SqlLedgerStorage.Sqlite(connectionString["Data Source=".Length..]), signer);
            var events = LedgerFixtures.Events(0, 1000);
            var clock = new Measure();
            for (var done = 0; done < count; done += events.Count)
                ledger.Append(events);
            Report($"ledger (SQLite): append, batches of {events.Count}", clock, count);
            var root = ledger.RootHash(count);

            SqliteConnection.ClearAllPools();
            clock = new Measure();
            var restarted = new LedgerLog(SqlLedgerStorage.Sqlite(connectionString["Data Source=".Length..]), signer);
            Report("ledger (SQLite): rebuild the tree on restart", clock, count);
            Assert.Equal(root, restarted.RootHash(count));

            clock = new Measure();
            for (var i = 0; i < 1000; i++)
                Assert.NotNull(restarted.Entry(i * (count / 1000)));
            Report("ledger (SQLite): read an entry", clock, 1000);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }
}
