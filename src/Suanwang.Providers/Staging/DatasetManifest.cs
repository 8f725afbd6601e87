using System.Security.Cryptography;
using Suanwang.Providers.Adapters;

namespace Suanwang.Providers.Staging;

/// <summary>One file of a dataset: its path relative to the dataset's root ('/'-separated), size and SHA-256 (lower-case hex).</summary>
/// <param name="Path">Relative path, '/'-separated, checked by <see cref="DatasetPaths.Check"/>.</param>
/// <param name="Size">Bytes.</param>
/// <param name="Sha256">SHA-256 of the content, 64 lower-case hex digits.</param>
public sealed record DatasetFile(string Path, long Size, string Sha256);

/// <summary>
/// The files of a dataset replica, sorted by path (ordinal). A dataset is a directory; a single-file
/// dataset is a directory with one file. Staging copies every file and checks each against its SHA-256.
/// </summary>
public static class DatasetManifest
{
    /// <summary>The most files one dataset may have (a manifest travels in every task that reads it).</summary>
    public const int MaxFiles = 10_000;

    /// <summary>
    /// Hashes every regular file under <paramref name="root"/>. Symbolic links are refused rather than
    /// followed, so a replica can never expose a file outside its directory.
    /// </summary>
    public static async Task<IReadOnlyList<DatasetFile>> FromDirectoryAsync(string root, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(root);
        var directory = new DirectoryInfo(root);
        if (!directory.Exists)
            throw new DirectoryNotFoundException($"dataset directory '{root}' does not exist");
        var files = new List<DatasetFile>();
        foreach (var entry in directory.EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            if (entry.LinkTarget is not null)
                throw new InvalidDataException($"dataset directory '{root}' contains a symbolic link: {Relative(directory, entry)}");
            if (entry is not FileInfo file)
                continue;
            if (files.Count == MaxFiles)
                throw new InvalidDataException($"dataset directory '{root}' has more than {MaxFiles:N0} files");
            var relative = Relative(directory, file);
            DatasetPaths.Check(relative);
            files.Add(new DatasetFile(relative, file.Length, await HashFileAsync(file.FullName, cancel).ConfigureAwait(false)));
        }
        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return files;
    }

    /// <summary>The SHA-256 of a file, lower-case hex.</summary>
    public static async Task<string> HashFileAsync(string path, CancellationToken cancel)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await using (stream.ConfigureAwait(false))
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancel).ConfigureAwait(false));
    }

    /// <summary>Checks a manifest received from elsewhere: paths valid and unique, sizes non-negative, hashes well-formed.</summary>
    public static void Check(IReadOnlyList<DatasetFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count > MaxFiles)
            throw new InvalidDataException($"a dataset may have at most {MaxFiles:N0} files, not {files.Count:N0}");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            DatasetPaths.Check(file.Path);
            if (!seen.Add(file.Path))
                throw new InvalidDataException($"file '{file.Path}' is listed twice");
            if (file.Size < 0)
                throw new InvalidDataException($"file '{file.Path}' has a negative size");
            if (file.Sha256 is not { Length: 64 } || !file.Sha256.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f'))
                throw new InvalidDataException($"file '{file.Path}' has no valid sha256 (64 lower-case hex digits)");
        }
    }

    private static string Relative(DirectoryInfo root, FileSystemInfo entry) =>
        Path.GetRelativePath(root.FullName, entry.FullName).Replace(Path.DirectorySeparatorChar, '/');
}

/// <summary>The rule for names inside datasets and task directories: what may come from the network.</summary>
public static class DatasetPaths
{
    /// <summary>
    /// Throws <see cref="InvalidDataException"/> unless <paramref name="path"/> is a relative,
    /// '/'-separated path of at most 1,024 characters whose segments are non-empty, not <c>.</c> or
    /// <c>..</c>, and free of control characters and backslashes — so joining it to a root never leaves the root.
    /// </summary>
    public static void Check(string path)
    {
        if (string.IsNullOrEmpty(path))
            throw new InvalidDataException("a file path is empty");
        if (path.Length > 1024)
            throw new InvalidDataException($"file path is longer than 1,024 characters: '{TaskText.Printable(path[..64])}…'");
        if (path[0] == '/')
            throw new InvalidDataException($"file path '{TaskText.Printable(path)}' is absolute");
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment is "." or "..")
                throw new InvalidDataException($"file path '{TaskText.Printable(path)}' has an empty, '.' or '..' segment");
            if (segment.Any(c => char.IsControl(c) || c == '\\'))
                throw new InvalidDataException($"file path '{TaskText.Printable(path)}' contains a control character or a backslash");
        }
    }

    /// <summary>
    /// <paramref name="relative"/> (checked by <see cref="Check"/>) joined to <paramref name="root"/>; throws if
    /// an existing component on the way is a symbolic link, which could point outside the root.
    /// </summary>
    public static string Resolve(string root, string relative)
    {
        Check(relative);
        var full = Path.GetFullPath(Path.Combine(root, relative.Replace('/', Path.DirectorySeparatorChar)));
        var rootFull = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)) + Path.DirectorySeparatorChar;
        if (!full.StartsWith(rootFull, StringComparison.Ordinal))
            throw new InvalidDataException($"file path '{TaskText.Printable(relative)}' leaves its directory");
        var walk = rootFull.TrimEnd(Path.DirectorySeparatorChar);
        foreach (var segment in relative.Split('/'))
        {
            walk = Path.Combine(walk, segment);
            var info = new FileInfo(walk);
            if (info.Exists || Directory.Exists(walk))
            {
                if ((info.Exists ? info.LinkTarget : new DirectoryInfo(walk).LinkTarget) is not null)
                    throw new InvalidDataException($"file path '{TaskText.Printable(relative)}' passes through a symbolic link");
            }
            else
            {
                break;
            }
        }
        return full;
    }

    /// <summary>
    /// A dataset id as one path segment, in URLs and replica directory names: '/' (allowed in ids, which
    /// never contain '~') becomes '~', so ids map one-to-one to segments and none nests inside another.
    /// </summary>
    public static string Segment(string datasetId) => datasetId.Replace('/', '~');

    /// <summary>
    /// The dataset a task's outputs are registered as: <c>{job}-out-{part}</c> for task <c>{job}#{part}</c> or
    /// <c>{job}#{part}@{attempt}</c> (one per part: a re-placed part's new attempt replaces the dataset).
    /// </summary>
    public static string OutputDataset(string taskId)
    {
        var (job, part) = TaskIds.JobAndPart(taskId);
        return $"{job}-out-{part}";
    }
}
