using System.Diagnostics;
using System.Text;

namespace Suanwang.Providers.Agent;

/// <summary>How a task's process ended.</summary>
/// <param name="ExitCode">The exit code (128 + signal for a process killed by a signal).</param>
/// <param name="WallTimeExceeded">True when it was killed for running past its wall time.</param>
/// <param name="Cancelled">True when it was killed because the task was stopped.</param>
internal sealed record ProcessEnd(int ExitCode, bool WallTimeExceeded, bool Cancelled);

/// <summary>
/// Runs one task's process: under <c>setsid</c> (its own session and process group, so killing the group ends every
/// child), with exactly the environment given (nothing of the agent's — not its token — leaks in), stdin closed,
/// stdout and stderr streamed as they come. At the wall time or on cancellation the whole group gets SIGKILL; when
/// the main process exits, stragglers it left in its group are killed too, so a task's processes never outlive it.
/// </summary>
internal static class ProcessSupervisor
{
    private static readonly string? SetSid = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);

    public static async Task<ProcessEnd> RunAsync(
        IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> environment, string workingDirectory, TimeSpan wallTime,
        Action<string> output, Action<int, long?> started, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(argv);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(started);
        var start = new ProcessStartInfo(SetSid ?? argv[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in SetSid is null ? argv.Skip(1) : argv)
            start.ArgumentList.Add(argument);
        start.Environment.Clear();
        foreach (var (name, value) in environment)
            start.Environment[name] = value;

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {argv[0]}");
        started(process.Id, ProcessGroup.StartTicks(process.Id));
        process.StandardInput.Close();
        var pumps = Task.WhenAll(PumpAsync(process.StandardOutput.BaseStream, output), PumpAsync(process.StandardError.BaseStream, output));

        using var wall = new CancellationTokenSource(wallTime > TimeSpan.FromDays(24) ? TimeSpan.FromDays(24) : wallTime);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancel, wall.Token);
        bool timedOut = false, cancelled = false;
        try
        {
            await process.WaitForExitAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            (timedOut, cancelled) = (!cancel.IsCancellationRequested, cancel.IsCancellationRequested);
            Kill(process);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        Kill(process); // whatever the task left running in its group
        // Output still in the pipes is read to the end; a straggler outside the group could hold a pipe open, so do not wait forever.
        await Task.WhenAny(pumps, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
        return new ProcessEnd(process.ExitCode, timedOut, cancelled);
    }

    private static void Kill(Process process)
    {
        if (SetSid is not null)
            ProcessGroup.Kill(process.Id);
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // exited in between
        }
    }

    private static async Task PumpAsync(Stream stream, Action<string> output)
    {
        var decoder = Encoding.UTF8.GetDecoder(); // keeps a character split across two reads whole
        var bytes = new byte[16 * 1024];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
        int read;
        while ((read = await stream.ReadAsync(bytes).ConfigureAwait(false)) > 0)
        {
            var count = decoder.GetChars(bytes, 0, read, chars, 0, flush: false);
            if (count > 0)
                output(new string(chars, 0, count));
        }
        var rest = decoder.GetChars([], 0, 0, chars, 0, flush: true);
        if (rest > 0)
            output(new string(chars, 0, rest));
    }
}
