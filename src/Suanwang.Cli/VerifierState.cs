using System.Text.Json;
using Suanwang.Server.Ledger;

namespace Suanwang.Cli;

/// <summary>What <c>ledger verify</c> remembers between runs: the pinned key, the last verified head, and copies of the entries it checked.</summary>
internal sealed record VerifierState(string? PublicKeyPem, SignedTreeHead? Head, IReadOnlyDictionary<long, string> Entries)
{
    public static VerifierState Load(string path, out string? error)
    {
        error = null;
        if (!File.Exists(path))
            return new VerifierState(null, null, new Dictionary<long, string>());
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            var entries = root.TryGetProperty("entries", out var e)
                ? e.EnumerateObject().ToDictionary(p => long.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture), p => p.Value.GetString()!)
                : [];
            return new VerifierState(root.GetProperty("public_key_pem").GetString(), root.GetProperty("head").Deserialize<SignedTreeHead>(), entries);
        }
        catch (Exception ex) when (ex is JsonException or IOException or KeyNotFoundException or FormatException or InvalidOperationException)
        {
            error = $"ledger state file {path} is unreadable ({ex.Message}); move it away to start over (that forgets the pinned key)";
            return new VerifierState(null, null, new Dictionary<long, string>());
        }
    }

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(new
        {
            public_key_pem = PublicKeyPem,
            head = Head,
            entries = Entries.ToDictionary(p => p.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), p => p.Value),
        }));
        File.Move(temporary, path, overwrite: true);
    }
}
