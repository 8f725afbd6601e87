using System.Text;

namespace Suanwang.Simulation.IO;

/// <summary>
/// Reads the text files users hand to Suanwang (specs, topologies, GML, job lists) strictly, turning
/// every way a file can be unusable into a short reason instead of an exception: the CLI and the
/// scenario loader share it so that both answer bad files the same way.
/// </summary>
public static class TextFiles
{
    // Strict: a file that is not UTF-8 (binary data, or text saved as GBK) is refused with a clear
    // message instead of being parsed as a soup of replacement characters.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads a whole UTF-8 text file, or returns why it cannot be read (a phrase without the path, e.g. <c>file not found</c>).</summary>
    /// <param name="path">The file to read.</param>
    public static (string? Text, string? Reason) Read(string path)
    {
        if (Missing(path) is { } reason)
            return (null, reason);
        try
        {
            var text = File.ReadAllText(path, StrictUtf8);
            if (text.Contains('\0', StringComparison.Ordinal))
                return (null, "is a binary file, not text; expected YAML, JSON or GML");
            return (text, null);
        }
        catch (DecoderFallbackException)
        {
            return (null, "is not UTF-8 text (a binary file, or text in another encoding); expected UTF-8 YAML, JSON or GML");
        }
        catch (Exception ex) when (IsFileProblem(ex))
        {
            return (null, $"cannot be read: {ex.Message}");
        }
    }

    /// <summary>
    /// Why <paramref name="path"/> does not name an existing file (empty name, NUL character, a directory,
    /// not found), or null when it does. It does not open the file.
    /// </summary>
    /// <param name="path">The file to look for.</param>
    public static string? Missing(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
            return "the file name is empty";
        if (path.Contains('\0', StringComparison.Ordinal))
            return "the file name contains a NUL character";
        try
        {
            if (Directory.Exists(path))
                return "is a directory, not a file";
            return File.Exists(path) ? null : "file not found";
        }
        catch (Exception ex) when (IsFileProblem(ex))
        {
            return $"cannot be read: {ex.Message}";
        }
    }

    /// <summary>
    /// <paramref name="path"/> joined to <paramref name="baseDirectory"/> (unless rooted) and made absolute;
    /// when the name cannot be a path (it holds a NUL), the joined name unchanged, for <see cref="Read"/> to refuse.
    /// </summary>
    /// <param name="baseDirectory">The folder relative paths start from.</param>
    /// <param name="path">The path as written.</param>
    public static string Resolve(string baseDirectory, string path)
    {
        ArgumentNullException.ThrowIfNull(baseDirectory);
        ArgumentNullException.ThrowIfNull(path);
        var joined = Path.Combine(baseDirectory, path);
        try
        {
            return Path.GetFullPath(joined);
        }
        catch (Exception ex) when (IsFileProblem(ex))
        {
            return joined;
        }
    }

    private static bool IsFileProblem(Exception ex) =>
        ex is IOException or UnauthorizedAccessException or System.Security.SecurityException or ArgumentException or NotSupportedException;
}
