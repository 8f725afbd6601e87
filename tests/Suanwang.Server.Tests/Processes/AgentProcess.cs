using System.Diagnostics;
using System.Text;

namespace Suanwang.Server.Tests.Processes;

/// <summary>The real <c>suanwang agent</c> in a child process, so a test can kill it with SIGKILL as a machine failure would.</summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private AgentProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>What it wrote so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
                return _log.ToString();
        }
    }

    /// <summary>
    /// Starts an agent for pool <c>{site}/{name}</c> that creates its site at <paramref name="at"/> in jurisdiction
    /// <paramref name="jurisdiction"/> if needed, pulls every second, uploads changed checkpoints at most every second and skips the micro-benchmark (start-up in about a second).
    /// </summary>
    public static AgentProcess Start(Uri server, string token, string site, string name, string workDirectory, string at, string jurisdiction)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "suanwang.dll"), "agent", "--server", server.ToString(), "--token", token, "--site", site, "--name", name,
            "--work-dir", workDirectory, "--at", at, "--jurisdiction", jurisdiction, "--skip-measure", "--poll", "1", "--checkpoint-interval", "1",
        })
        {
            start.ArgumentList.Add(argument);
        }
        return new AgentProcess(Process.Start(start)!);
    }

    /// <summary>Sends SIGTERM (what systemd sends on stop) and waits up to <paramref name="patience"/> for the agent to exit; its exit code, or null if it did not.</summary>
    public async Task<int?> TerminateAsync(TimeSpan patience)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var wait = new CancellationTokenSource(patience);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Kills the agent with SIGKILL (its running tasks' process groups are left, as after a power cut they would be gone).</summary>
    public void KillHard()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
            _process.WaitForExit();
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
