using System.Globalization;

namespace Suanwang.Cli;

/// <summary>Small helpers for the words the commands print.</summary>
internal static class CliText
{
    /// <summary>A count with its noun in the right number: "1 site", "40 sites", "0 links".</summary>
    public static string Count(long count, string singular, string? plural = null) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? singular : plural ?? singular + "s");
}
