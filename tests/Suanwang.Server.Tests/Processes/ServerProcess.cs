using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Suanwang.Server.Tests.Processes;

/// <summary>
/// The real <c>suanwang serve</c> in a child process (the CLI's build output sits next to the tests),
/// on a free loopback port, so a test can kill it with SIGKILL and start it again.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly System.Diagnostics.Process _process;
    private readonly StringBuilder _log = new();

    private ServerProcess(System.Diagnostics.Process process, Uri url)
    {
        _process = process;
        Url = url;
        process.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Where it listens.</summary>
    public Uri Url { get; }

    /// <summary>What it wrote so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
                return _log.ToString();
        }
    }

    /// <summary>Starts <c>suanwang serve</c> with <paramref name="arguments"/> and waits until <c>/healthz</c> answers.</summary>
    public static async Task<ServerProcess> StartAsync(string workingDirectory, int port, params string[] arguments)
    {
        var url = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "suanwang.dll"), "serve", "--urls", url.ToString().TrimEnd('/') }.Concat(arguments))
            start.ArgumentList.Add(argument);
        var server = new ServerProcess(System.Diagnostics.Process.Start(start)!, url);
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (server._process.HasExited)
                throw new InvalidOperationException($"suanwang serve exited with {server._process.ExitCode}:\n{server.Log}");
            try
            {
                if ((await http.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK)
                    return server;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100); // waiting for a real process to listen, not timing anything
        }
        await server.DisposeAsync();
        throw new TimeoutException($"suanwang serve did not answer /healthz within 60 s:\n{server.Log}");
    }

    /// <summary>Kills the process with SIGKILL: no shutdown code runs.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>A free loopback port.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            KillHard();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
