using System.Text.RegularExpressions;

namespace Suanwang.Providers.Adapters;

/// <summary>The text rules every adapter applies to what a task says: how to show it safely, and what an environment variable name is.</summary>
internal static partial class TaskText
{
    /// <summary>Control characters shown escaped (<c>\u000a</c>), so a value echoed in a message or log cannot forge a line.</summary>
    public static string Printable(string? value) =>
        value is null ? "" : string.Concat(value.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    /// <summary>True for a POSIX-portable environment variable name: <c>[A-Za-z_][A-Za-z0-9_]*</c>.</summary>
    public static bool IsEnvironmentName(string name) => EnvironmentName().IsMatch(name);

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\z")]
    private static partial Regex EnvironmentName();
}
