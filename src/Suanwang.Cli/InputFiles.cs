namespace Suanwang.Cli;

/// <summary>Reads input files for commands, turning I/O failures into clear messages instead of stack traces.</summary>
internal static class InputFiles
{
    /// <summary>Reads a whole text file, or returns the reason it cannot be read.</summary>
    public static (string? Text, string? Error) ReadText(string path)
    {
        try
        {
            if (Directory.Exists(path))
                return (null, $"{path}: is a directory, not a file");
            if (!File.Exists(path))
                return (null, $"{path}: file not found");
            return (File.ReadAllText(path), null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            return (null, $"{path}: cannot be read: {ex.Message}");
        }
    }
}
