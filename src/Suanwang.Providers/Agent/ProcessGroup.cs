using System.Globalization;
using System.Runtime.InteropServices;

namespace Suanwang.Providers.Agent;

/// <summary>
/// Process groups of tasks: every task runs under <c>setsid</c>, so its process id is also its group id and one
/// <c>kill(-pgid, SIGKILL)</c> ends it with every child it forked (shells, pipelines, background jobs).
/// </summary>
internal static class ProcessGroup
{
    private const int SigKill = 9;

    /// <summary>Sends SIGKILL to the whole group led by <paramref name="processGroupId"/>; false when none was left.</summary>
    public static bool Kill(int processGroupId) => processGroupId > 1 && NativeMethods.kill(-processGroupId, SigKill) == 0;

    /// <summary>A process's start time in clock ticks since boot (field 22 of /proc/PID/stat), or null when it is gone.</summary>
    public static long? StartTicks(int processId)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/stat");
            // The command name (field 2) is in parentheses and may contain spaces: count fields after its last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ? ticks : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        [System.Diagnostics.CodeAnalysis.SuppressMessage("Interoperability", "SYSLIB1054", Justification = "LibraryImport needs unsafe code, which this project does not allow; kill(2) takes and returns plain ints.")]
        public static extern int kill(int pid, int sig);
    }
}
