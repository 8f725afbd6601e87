using System.Text;
using Suanwang.Core.Specs;

namespace Suanwang.Cli;

/// <summary>Reads input files for commands, turning I/O failures into clear messages instead of stack traces.</summary>
internal static class InputFiles
{
    // Strict: a file that is not UTF-8 (binary data, or text saved as GBK) is refused with a clear
    // message instead of being parsed as a soup of replacement characters.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads a whole UTF-8 text file, or returns the reason it cannot be read (without the path).</summary>
    public static (string? Text, string? Reason) ReadText(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
            return (null, "the file name is empty");
        try
        {
            if (Directory.Exists(path))
                return (null, "is a directory, not a file");
            if (!File.Exists(path))
                return (null, "file not found");
            var text = File.ReadAllText(path, StrictUtf8);
            if (text.Contains('\0', StringComparison.Ordinal))
                return (null, "is a binary file, not text; expected YAML, JSON or GML");
            return (text, null);
        }
        catch (DecoderFallbackException)
        {
            return (null, "is not UTF-8 text (a binary file, or text in another encoding); expected UTF-8 YAML, JSON or GML");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            return (null, $"cannot be read: {ex.Message}");
        }
    }

    /// <summary>The error for a file that could not be read, naming it even when its name is empty.</summary>
    public static SpecError Unreadable(string path, string reason) =>
        new(string.IsNullOrWhiteSpace(path) ? "\"\"" : path, null, "", reason);
}
