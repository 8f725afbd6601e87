using System.Text.Json.Serialization;

namespace Suanwang.Server.Ledger;

/// <summary>The log's signed statement that its first <see cref="TreeSize"/> entries have root <see cref="RootHash"/>.</summary>
/// <param name="TreeSize">Number of entries covered.</param>
/// <param name="Timestamp">When the head was signed, in milliseconds since 1970-01-01T00:00:00Z.</param>
/// <param name="RootHash">MTH of those entries (32 bytes; base64 in JSON).</param>
/// <param name="Signature">ECDSA P-256 / SHA-256 signature, DER-encoded, over <see cref="TreeHeadSignature.SigningInput"/> (base64 in JSON).</param>
public sealed record SignedTreeHead(
    [property: JsonPropertyName("tree_size")] long TreeSize,
    [property: JsonPropertyName("timestamp")] long Timestamp,
    [property: JsonPropertyName("root_hash")] ReadOnlyMemory<byte> RootHash,
    [property: JsonPropertyName("signature")] ReadOnlyMemory<byte> Signature);

/// <summary>RFC 9162 §2.1.3 audit path proving that entry <see cref="LeafIndex"/> is in the tree of <see cref="TreeSize"/> entries.</summary>
/// <param name="LeafIndex">Index of the entry.</param>
/// <param name="TreeSize">Size of the tree the path leads to the root of.</param>
/// <param name="AuditPath">Sibling hashes from the leaf up (base64 each in JSON).</param>
public sealed record InclusionProof(
    [property: JsonPropertyName("leaf_index")] long LeafIndex,
    [property: JsonPropertyName("tree_size")] long TreeSize,
    [property: JsonPropertyName("audit_path")] IReadOnlyList<ReadOnlyMemory<byte>> AuditPath);

/// <summary>RFC 9162 §2.1.4 proof that the tree of <see cref="First"/> entries is a prefix of the tree of <see cref="Second"/>.</summary>
/// <param name="First">The earlier size.</param>
/// <param name="Second">The later size.</param>
/// <param name="ConsistencyPath">The proof's hashes (base64 each in JSON); empty when First is 0 or equals Second.</param>
public sealed record ConsistencyProof(
    [property: JsonPropertyName("first")] long First,
    [property: JsonPropertyName("second")] long Second,
    [property: JsonPropertyName("consistency_path")] IReadOnlyList<ReadOnlyMemory<byte>> ConsistencyPath);
