using Suanwang.Core.Specs;
using Suanwang.Simulation.IO;

namespace Suanwang.Cli;

/// <summary>Reads input files for commands, turning I/O failures into clear messages instead of stack traces.</summary>
internal static class InputFiles
{
    /// <summary>Reads a whole UTF-8 text file, or returns the reason it cannot be read (without the path).</summary>
    public static (string? Text, string? Reason) ReadText(string path) => TextFiles.Read(path);

    /// <summary>The error for a file that could not be read, naming it even when its name is empty.</summary>
    public static SpecError Unreadable(string path, string reason) =>
        new(string.IsNullOrWhiteSpace(path) ? "\"\"" : path, null, "", reason);
}
