using System.Text.Json;
using Suanwang.Server.Ledger;
using LedgerLog = Suanwang.Server.Ledger.Ledger;

namespace Suanwang.Server.Tests.Ledger;

/// <summary>The API's JSON shapes (docs/ledger.md) and that a client can verify what it parses from them.</summary>
public sealed class LedgerJsonTests : IDisposable
{
    private readonly LedgerSigner _signer = LedgerSigner.Ephemeral();

    public void Dispose() => _signer.Dispose();

    [Fact]
    public void Heads_and_proofs_serialize_to_the_documented_shapes_and_verify_after_a_round_trip()
    {
        var ledger = new LedgerLog(new InMemoryLedgerStorage(), _signer);
        ledger.Append(LedgerFixtures.Events(0, 3));
        var old = ledger.TreeHead();
        ledger.Append(LedgerFixtures.Events(3, 2));
        var head = ledger.TreeHead();

        var headJson = JsonSerializer.Serialize(head);
        using (var document = JsonDocument.Parse(headJson))
        {
            var root = document.RootElement;
            Assert.Equal(["tree_size", "timestamp", "root_hash", "signature"], root.EnumerateObject().Select(p => p.Name));
            Assert.Equal(5, root.GetProperty("tree_size").GetInt64());
            Assert.Equal(Convert.ToBase64String(head.RootHash.Span), root.GetProperty("root_hash").GetString());
            Assert.Equal(head.Signature.ToArray(), root.GetProperty("signature").GetBytesFromBase64());
        }
        var inclusionJson = JsonSerializer.Serialize(ledger.InclusionProof(1, 5));
        Assert.Equal(["leaf_index", "tree_size", "audit_path"], JsonDocument.Parse(inclusionJson).RootElement.EnumerateObject().Select(p => p.Name));
        var consistencyJson = JsonSerializer.Serialize(ledger.ConsistencyProof(3, 5));
        var consistencyRoot = JsonDocument.Parse(consistencyJson).RootElement;
        Assert.Equal(["first", "second", "consistency_path"], consistencyRoot.EnumerateObject().Select(p => p.Name));
        Assert.All(consistencyRoot.GetProperty("consistency_path").EnumerateArray(), h => Assert.Equal(32, h.GetBytesFromBase64().Length));

        // What a client parses verifies exactly as the originals do.
        var parsedHead = JsonSerializer.Deserialize<SignedTreeHead>(headJson)!;
        var parsedOld = JsonSerializer.Deserialize<SignedTreeHead>(JsonSerializer.Serialize(old))!;
        var parsedInclusion = JsonSerializer.Deserialize<InclusionProof>(inclusionJson)!;
        var parsedConsistency = JsonSerializer.Deserialize<ConsistencyProof>(consistencyJson)!;
        using var verifier = new LedgerVerifier(ledger.PublicKeyPem);
        var entry = ledger.Entry(1)!;
        var result = verifier.Verify(parsedOld, parsedHead, parsedConsistency, [new LedgerEntryCheck(1, entry.Entry, parsedInclusion, entry.LeafHash)]);
        Assert.True(result.Ok, string.Join("; ", result.Failures));
        Assert.False(verifier.Verify(parsedOld, parsedHead with { TreeSize = 4 }, parsedConsistency, []).Ok);
    }
}
