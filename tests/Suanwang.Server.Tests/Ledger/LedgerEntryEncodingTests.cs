using System.Text;
using System.Text.Json;
using FsCheck.Xunit;
using Suanwang.Server.Ledger;

namespace Suanwang.Server.Tests.Ledger;

public class LedgerEntryEncodingTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private static LedgerEntry Entry(long index, string type, DateTimeOffset at, string subject, string? tenant, JsonElement data) =>
        new(index, new LedgerEvent(type, at, subject, tenant, data));

    [Fact]
    public void A_placement_has_exactly_the_documented_bytes_and_leaf_hash()
    {
        // Written with spaces and keys out of order; the encoding sorts the data's keys (nested too),
        // drops the whitespace and writes `at` in UTC with seven fractional digits (the +08:00 time is
        // 16:38:38.1234567Z). Leaf hash = SHA-256(0x00 || bytes), computed with Python's hashlib.
        var at = new DateTimeOffset(2026, 11, 24, 0, 38, 38, TimeSpan.FromHours(8)).AddTicks(1_234_567);
        var data = Json("""{ "pool": "bj-a100", "tags": ["a", "b"], "nodes": 4, "ok": true, "note": null, "cost": { "minor": 120000, "currency": "CNY" } }""");
        var bytes = LedgerEntryEncoding.Encode(Entry(7, "placement", at, "job-42", "acme", data));
        Assert.Equal(
            """{"index":7,"type":"placement","at":"2026-11-23T16:38:38.1234567Z","subject":"job-42","tenant":"acme","data":{"cost":{"currency":"CNY","minor":120000},"nodes":4,"note":null,"ok":true,"pool":"bj-a100","tags":["a","b"]}}""",
            Encoding.UTF8.GetString(bytes));
        Assert.Equal("3eac8c71119e7bff3f01adabc1795f4cc46b1bc96bfb152b23c716792383b1a4", Convert.ToHexStringLower(MerkleHashing.LeafHash(bytes)));
    }

    [Fact]
    public void Strings_are_minimally_escaped_and_keys_sorted_by_UTF16_code_units()
    {
        // Only the quote, the backslash and controls are escaped (é and 中 stay raw UTF-8). Keys sort
        // as UTF-16 code units: B (0x42) < a < b < é (0xE9) < 😀 (high surrogate 0xD83D) < U+FFFD,
        // although 😀 (U+1F600) comes after U+FFFD in code point order.
        var data = new Dictionary<string, int> { ["\uFFFD"] = 6, ["b"] = 3, ["😀"] = 5, ["a"] = 2, ["é"] = 4, ["B"] = 1 };
        var entry = Entry(0, "heal", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), "q\"\\\n\u0001é中", null,
            JsonSerializer.SerializeToElement(data));
        var bytes = LedgerEntryEncoding.Encode(entry);
        Assert.Equal(
            "{\"index\":0,\"type\":\"heal\",\"at\":\"2026-01-02T03:04:05.0000000Z\",\"subject\":\"q\\\"\\\\\\n\\u0001é中\",\"tenant\":null,"
            + "\"data\":{\"B\":1,\"a\":2,\"b\":3,\"é\":4,\"😀\":5,\"\uFFFD\":6}}",
            Encoding.UTF8.GetString(bytes));
        Assert.Equal("1fc5b5f4697ddfd7c309e0d6a1d6e9bad4b6d4f10bff99909ac02aa7ca31cc37", Convert.ToHexStringLower(MerkleHashing.LeafHash(bytes)));
    }

    [Theory]
    [InlineData("""{"x":1.5}""")] // fractions have several spellings: not allowed
    [InlineData("""{"x":1e3}""")]
    [InlineData("""{"x":18446744073709551616}""")] // beyond 64 bits
    [InlineData("""{"x":1,"x":2}""")] // a repeated key
    [InlineData("""[1]""")] // data is an object
    public void Data_without_a_single_spelling_is_refused(string data) =>
        Assert.Throws<FormatException>(() => LedgerEntryEncoding.Encode(Entry(0, "order", DateTimeOffset.UnixEpoch, "o-1", null, Json(data))));

    [Fact]
    public void Entries_without_a_type_or_subject_or_with_lone_surrogates_are_refused()
    {
        var data = Json("{}");
        Assert.Throws<FormatException>(() => LedgerEntryEncoding.Encode(Entry(0, "", DateTimeOffset.UnixEpoch, "s", null, data)));
        Assert.Throws<FormatException>(() => LedgerEntryEncoding.Encode(Entry(0, "t", DateTimeOffset.UnixEpoch, "", null, data)));
        Assert.Throws<FormatException>(() => LedgerEntryEncoding.Encode(Entry(0, "t", DateTimeOffset.UnixEpoch, "s", "", data)));
        Assert.Throws<FormatException>(() => LedgerEntryEncoding.Encode(Entry(0, "t", DateTimeOffset.UnixEpoch, "s\uD800", null, data)));
        Assert.Throws<FormatException>(() => LedgerEntryEncoding.Encode(Entry(-1, "t", DateTimeOffset.UnixEpoch, "s", null, data)));
    }

    [Theory]
    [InlineData("""{"index":0, "type":"t","at":"1970-01-01T00:00:00.0000000Z","subject":"s","tenant":null,"data":{}}""")] // a space
    [InlineData("""{"type":"t","index":0,"at":"1970-01-01T00:00:00.0000000Z","subject":"s","tenant":null,"data":{}}""")] // order
    [InlineData("""{"index":0,"type":"t","at":"1970-01-01T00:00:00Z","subject":"s","tenant":null,"data":{}}""")] // short time
    [InlineData("""{"index":0,"type":"t","at":"1970-01-01T00:00:00.0000000Z","subject":"s","data":{}}""")] // no tenant
    [InlineData("""{"index":0,"type":"t","at":"1970-01-01T00:00:00.0000000Z","subject":"s","tenant":null,"data":{"b":1,"a":2}}""")]
    [InlineData("""{"index":0,"type":"t","at":"1970-01-01T00:00:00.0000000Z","subject":"\u0073","tenant":null,"data":{}}""")] // needless escape
    [InlineData("""{"index":0,"type":"t","at":"1970-01-01T00:00:00.0000000Z","subject":"s","tenant":null,"data":{},"x":1}""")]
    [InlineData("""not json""")]
    public void Decoding_accepts_only_canonical_bytes(string text)
    {
        const string canonical = """{"index":0,"type":"t","at":"1970-01-01T00:00:00.0000000Z","subject":"s","tenant":null,"data":{}}""";
        Assert.Equal(0, LedgerEntryEncoding.Decode(Encoding.UTF8.GetBytes(canonical)).Index); // the control decodes
        Assert.Throws<FormatException>(() => LedgerEntryEncoding.Decode(Encoding.UTF8.GetBytes(text)));
    }

    private static readonly string[] KeyAlphabet = ["a", "B", "é", "\"", "\\", "\n", "😀", "中", "\u0000", "z"];

    private static string Key(int seed) =>
        string.Concat(Enumerable.Range(0, 1 + ((seed & int.MaxValue) % 3)).Select(i => KeyAlphabet[((seed & int.MaxValue) / (i + 1)) % KeyAlphabet.Length]));

    [Property(MaxTest = 200)]
    public void Any_key_order_gives_the_same_bytes_which_decode_to_the_same_entry(int[] keys, long[] values, long index, bool withTenant)
    {
        keys ??= [];
        values ??= [];
        var pairs = keys.Zip(values).Select(p => (Key: Key(p.First), Value: p.Second)).DistinctBy(p => p.Key).ToList();
        static JsonElement Build(IEnumerable<(string Key, long Value)> ps)
        {
            var node = new System.Text.Json.Nodes.JsonObject();
            foreach (var (key, value) in ps)
                node[key] = new System.Text.Json.Nodes.JsonObject { ["v"] = value, ["k"] = key };
            return JsonSerializer.SerializeToElement(node);
        }
        var at = DateTimeOffset.UnixEpoch.AddTicks(Math.Abs(index % 2_000_000_000_000_000_000));
        var tenant = withTenant ? Key((int)index) : null;
        var forward = Entry(Math.Abs(index % long.MaxValue), "t" + Key(keys.Length), at, Key(values.Length) + "s", tenant, Build(pairs));
        var backward = forward with { Event = forward.Event with { Data = Build(Enumerable.Reverse(pairs)) } };
        var bytes = LedgerEntryEncoding.Encode(forward);
        Assert.Equal(bytes, LedgerEntryEncoding.Encode(backward));
        var decoded = LedgerEntryEncoding.Decode(bytes);
        Assert.Equal(bytes, LedgerEntryEncoding.Encode(decoded));
        Assert.Equal(forward.Index, decoded.Index);
        Assert.Equal(forward.Event.At, decoded.Event.At);
        Assert.Equal(forward.Event.Subject, decoded.Event.Subject);
        Assert.Equal(forward.Event.Tenant, decoded.Event.Tenant);
        // Any JSON parser reads the bytes back as the same values.
        foreach (var (key, value) in pairs)
            Assert.Equal(value, decoded.Event.Data.GetProperty(key).GetProperty("v").GetInt64());
    }
}
