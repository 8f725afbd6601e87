using System.Text.Json;

namespace Suanwang.Providers.Staging;

/// <summary>
/// Which replica files were last found to match their SHA-256, with the size and modification time they had then,
/// kept beside the partial files (<c>verified.json</c>, outside the served tree). A file whose size and time are
/// unchanged since is not hashed again: staging a large dataset that is already here costs a stat per file, not a
/// read of every byte. Any change to a file (or a missing or unreadable record) means it is hashed again.
/// </summary>
internal sealed class VerifiedFiles
{
    private const string FileName = "verified.json";
    private readonly string _path;
    private readonly Dictionary<string, Entry> _entries;

    private VerifiedFiles(string path, Dictionary<string, Entry> entries)
    {
        _path = path;
        _entries = entries;
    }

    public static VerifiedFiles Load(string partialDirectory)
    {
        var path = Path.Combine(partialDirectory, FileName);
        try
        {
            if (File.Exists(path) && JsonSerializer.Deserialize<Dictionary<string, Entry>>(File.ReadAllText(path)) is { } entries)
                return new VerifiedFiles(path, new Dictionary<string, Entry>(entries, StringComparer.Ordinal));
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            // an unreadable record only costs hashing again
        }
        return new VerifiedFiles(path, new Dictionary<string, Entry>(StringComparer.Ordinal));
    }

    /// <summary>True when <paramref name="target"/> was verified as <paramref name="file"/> and has not changed since.</summary>
    public bool Holds(string target, DatasetFile file) =>
        _entries.TryGetValue(file.Path, out var entry) && entry == Stamp(target, file.Sha256);

    public void Record(string target, DatasetFile file) => _entries[file.Path] = Stamp(target, file.Sha256);

    public void Save()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var temporary = $"{_path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(_entries));
        File.Move(temporary, _path, overwrite: true);
    }

    private static Entry Stamp(string target, string sha256)
    {
        var info = new FileInfo(target);
        return new Entry(info.Length, info.LastWriteTimeUtc.Ticks, sha256);
    }

    internal sealed record Entry(long Size, long Ticks, string Sha256);
}
