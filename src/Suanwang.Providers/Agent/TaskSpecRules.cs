using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Suanwang.Core.Validation;
using Suanwang.Providers.Adapters;

namespace Suanwang.Providers.Agent;

/// <summary>
/// What the agent refuses before anything runs (docs/providers.md, "Refusal rules"): a task for another pool, no
/// or an empty command, NUL in the command or an argument, a container image, more than one node, no wall time,
/// a tenant that is not a plain directory name, a working directory that is absolute or climbs out with
/// <c>..</c>, environment names that are not <c>[A-Za-z_][A-Za-z0-9_]*</c> or that hijack the loader or the
/// shell, and values with a line break or NUL.
/// </summary>
internal static partial class TaskSpecRules
{
    /// <summary>Variables a task may not set: they make the dynamic loader or a shell run code the task did not name, or they are the agent's own.</summary>
    public static readonly FrozenSet<string> ForbiddenNames = new[]
    {
        "BASH_ENV", "ENV", "PS4", "SHELLOPTS", "BASHOPTS", "IFS", "PROMPT_COMMAND", "CDPATH", "GLOBIGNORE",
        "GCONV_PATH", "GLIBC_TUNABLES", "HOSTALIASES", "LOCALDOMAIN", "RES_OPTIONS", "LOCPATH", "NLSPATH",
        "MALLOC_CHECK_", "MALLOC_TRACE", "HOME", "TMPDIR",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Prefixes a task's variable may not start with: the loader's (<c>LD_</c>, <c>DYLD_</c>), exported bash functions, the agent's own.</summary>
    public static readonly IReadOnlyList<string> ForbiddenPrefixes = ["LD_", "DYLD_", "BASH_FUNC_", "SUANWANG_"];

    /// <summary>Why the agent of <paramref name="poolId"/> must not run <paramref name="request"/>, or null when it may.</summary>
    public static string? Problem(TaskRequest request, string poolId)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.PoolId != poolId)
            return $"the task is for pool '{request.PoolId}', not this agent's pool '{poolId}'";
        if (request.Run is not { } run)
            return "the task has no run.command; the agent runs only tasks with a command";
        if (string.IsNullOrWhiteSpace(run.Command))
            return "run.command is missing or empty";
        if (run.Command.Contains('\0', StringComparison.Ordinal))
            return "run.command contains a NUL character";
        if (!string.IsNullOrEmpty(run.Image))
            return $"run.image '{TaskText.Printable(run.Image)}': the agent runs plain processes, not container images";
        if (run.Args is { } args && args.Any(a => a is null || a.Contains('\0', StringComparison.Ordinal)))
            return "run.args: an argument contains a NUL character";
        if (request.Nodes != 1)
            return $"the task asks for {request.Nodes} nodes; an agent is one machine";
        if (request.ExpectedRuntime <= TimeSpan.Zero)
            return "the task has no expected runtime, so no wall time can be enforced";
        if (!SafeSegment().IsMatch(request.Tenant) || request.Tenant.Trim('.').Length == 0)
            return $"tenant '{TaskText.Printable(request.Tenant)}' cannot name a directory (letters, digits, '.', '_', '-' only; path traversal is refused)";
        if (run.Workdir is { } workdir && JobDemandValidator.WorkdirProblem(workdir) is { } workdirProblem)
            return $"run.workdir: {workdirProblem}";
        foreach (var (name, value) in run.Environment ?? System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty)
        {
            if (!TaskText.IsEnvironmentName(name))
                return $"run.env: '{TaskText.Printable(name)}' is not an environment variable name ([A-Za-z_][A-Za-z0-9_]*)";
            if (ForbiddenNames.Contains(name) || ForbiddenPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
                return $"run.env: '{name}' may not be set by a task (it hijacks the loader or the shell, or is the agent's own)";
            if (value is null || value.AsSpan().IndexOfAny('\n', '\r', '\0') >= 0)
                return $"run.env: the value of '{name}' contains a line break or NUL";
        }
        return null;
    }

    /// <summary>
    /// A task id as one directory name: letters, digits, '.', '_' and '-' are kept, anything else becomes '_';
    /// when anything changed (or the name would start with a dot) the first 8 hex digits of the id's SHA-256 are
    /// appended, so <c>j-1#0</c> and <c>j-1_0</c> never share a directory.
    /// </summary>
    public static string DirectoryName(string taskId)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        var kept = new StringBuilder(taskId.Length);
        foreach (var c in taskId.Length > 100 ? taskId[..100] : taskId)
            kept.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
        var name = kept.ToString();
        if (name == taskId && !name.StartsWith('.') && name.Length > 0)
            return name;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(taskId)))[..8];
        return $"{name.TrimStart('.')}-{hash}";
    }

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,100}\z")]
    private static partial Regex SafeSegment();
}
