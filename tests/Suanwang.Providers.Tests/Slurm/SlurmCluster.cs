using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Suanwang.Providers.Slurm;

namespace Suanwang.Providers.Tests.Slurm;

/// <summary>
/// A real single-node Slurm 22.05 on loopback, from Debian's packages (<c>slurm-wlm slurmrestd slurm-wlm-jwt-plugin
/// munge</c>; .ci/run installs them), in a temporary directory: munged as <c>munge</c> (its key 0400), slurmctld
/// (dropping to SlurmUser <c>slurm</c>, the only reader of the JWT key) and slurmd as root, slurmrestd as the
/// unprivileged <c>nobody</c> with <c>SLURM_JWT=daemon</c> and only the <c>openapi/v0.0.38</c> plugin (there is no
/// slurmdbd). Jobs run as <c>nobody</c> with a token from <c>scontrol token</c>. Needs root.
/// </summary>
public sealed class SlurmCluster : IAsyncLifetime
{
    public const string User = "nobody";
    public const string Partition = "debug";
    public const int MemoryMiB = 1024;

    private readonly List<Daemon> _daemons = [];
    private Daemon? _rest;
    private string _conf = "";

    public string Directory { get; private set; } = "";

    public string WorkRoot => Path.Combine(Directory, "work");

    public int RestPort { get; private set; }

    public string Token { get; private set; } = "";

    public static int Cpus => Environment.ProcessorCount;

    public Uri RestAddress => new($"http://127.0.0.1:{RestPort}/");

    public SlurmAdapter Adapter(TimeProvider? clock = null, bool logsReadable = true) => new(new SlurmOptions
    {
        BaseAddress = RestAddress,
        UserName = User,
        Token = () => Token,
        Pools = [new SlurmPool("hpc/debug", "hpc", Partition)],
        WorkRoot = WorkRoot,
        LogsReadable = logsReadable,
        RequestTimeout = TimeSpan.FromSeconds(10),
    }, clock);

    public async Task InitializeAsync()
    {
        RequireInstalled();
        if (Environment.UserName != "root")
            throw new InvalidOperationException("the Slurm test fixture must run as root (munged runs as 'munge', slurmd as root, slurmrestd as 'nobody')");
        Directory = Path.Combine(Path.GetTempPath(), $"suanwang-slurm-{Environment.ProcessId}-{Guid.NewGuid():N}");
        var munge = Path.Combine(Directory, "munge");
        var state = Path.Combine(Directory, "state");
        foreach (var dir in new[] { Directory, munge, state, Path.Combine(Directory, "spool"), Path.Combine(Directory, "log"), WorkRoot })
            System.IO.Directory.CreateDirectory(dir);
        await Run("chmod", "0755", Directory);
        await Run("chmod", "1777", WorkRoot); // jobs run as nobody and create their directories here
        System.IO.Directory.CreateDirectory("/run/munge");
        await Run("chown", "munge:munge", "/run/munge", munge);
        await Run("chmod", "0755", munge); // munged wants its socket's directory searchable by all
        await WriteSecret(Path.Combine(munge, "munge.key"), 1024, "munge");
        await Run("chown", "-R", "slurm:slurm", state, Path.Combine(Directory, "log"));
        await WriteSecret(Path.Combine(state, "jwt.key"), 64, "slurm");

        var controller = FreePort();
        var node = FreePort();
        RestPort = FreePort();
        _conf = Path.Combine(Directory, "slurm.conf");
        await File.WriteAllTextAsync(_conf, Config(munge, state, controller, node));

        _daemons.Add(Daemon.Start("munged", "setpriv", ["--reuid=munge", "--regid=munge", "--init-groups", "--", "/usr/sbin/munged", "-F",
            $"--key-file={munge}/munge.key", $"--socket={munge}/munge.socket", $"--pid-file={munge}/munged.pid", $"--seed-file={munge}/seed",
            $"--log-file={munge}/munged.log"], []));
        await WaitFor("munged's socket", () => Task.FromResult(File.Exists(Path.Combine(munge, "munge.socket"))));
        _daemons.Add(Daemon.Start("slurmctld", "/usr/sbin/slurmctld", ["-D", "-f", _conf], []));
        _daemons.Add(Daemon.Start("slurmd", "/usr/sbin/slurmd", ["-D", "-f", _conf], []));
        await WaitUntilIdleAsync();
        Token = (await Scontrol("token", $"username={User}", "lifespan=7200")).Trim().Split('=', 2)[1];
        await StartRestAsync();
    }

    /// <summary>Starts slurmrestd (again) and waits until it answers a ping.</summary>
    public async Task StartRestAsync()
    {
        _rest = Daemon.Start("slurmrestd", "setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--",
            "/usr/sbin/slurmrestd", "-f", _conf, "-s", "openapi/v0.0.38", $"127.0.0.1:{RestPort}"], new() { ["SLURM_JWT"] = "daemon" });
        using var adapter = Adapter();
        await WaitFor("slurmrestd to answer", async () => (await adapter.HealthAsync(default)).Reachable);
    }

    /// <summary>Waits until the node is idle and takes jobs (after start-up, or after a test drained it).</summary>
    public Task WaitUntilIdleAsync() => WaitFor("the node to be idle", async () =>
    {
        var node = await Scontrol("show", "node", "localhost");
        return node.Contains("State=IDLE ", StringComparison.Ordinal);
    });

    /// <summary>Stops slurmrestd (the rest of Slurm keeps running).</summary>
    public async Task StopRestAsync()
    {
        if (_rest is not null)
            await _rest.StopAsync();
        _rest = null;
    }

    public async Task DisposeAsync()
    {
        if (_conf.Length > 0 && _daemons.Count >= 3)
        {
            // Kill every job of this cluster first: slurmstepd outlives slurmd.
            try
            {
                await Run("scancel", "--full", "--signal=KILL", $"--user={User}");
            }
            catch (InvalidOperationException)
            {
                // Nothing to cancel, or the controller is already gone.
            }
            await Task.Delay(500);
        }
        await StopRestAsync();
        for (var i = _daemons.Count - 1; i >= 0; i--)
            await _daemons[i].StopAsync();
        try
        {
            if (Directory.Length > 0)
                System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary directory is harmless.
        }
    }

    /// <summary>Runs scontrol against this cluster and returns its output.</summary>
    public Task<string> Scontrol(params string[] arguments) => Run("scontrol", arguments);

    private string Config(string munge, string state, int controller, int node) => string.Join('\n',
        "ClusterName=suanwangtest",
        "SlurmctldHost=localhost(127.0.0.1)",
        $"SlurmctldPort={controller}",
        $"SlurmdPort={node}",
        "SlurmUser=slurm",
        "AuthType=auth/munge",
        $"AuthInfo=socket={munge}/munge.socket",
        "AuthAltTypes=auth/jwt",
        $"AuthAltParameters=jwt_key={state}/jwt.key",
        $"StateSaveLocation={state}",
        $"SlurmdSpoolDir={Directory}/spool",
        $"SlurmctldPidFile={Directory}/slurmctld.pid",
        $"SlurmdPidFile={Directory}/slurmd.pid",
        $"SlurmctldLogFile={Directory}/log/slurmctld.log",
        $"SlurmdLogFile={Directory}/log/slurmd.log",
        "ProctrackType=proctrack/linuxproc",
        "TaskPlugin=task/none",
        "SchedulerType=sched/backfill",
        "SelectType=select/cons_tres",
        "SelectTypeParameters=CR_Core_Memory",
        "MinJobAge=300",
        "ReturnToService=2",
        $"NodeName=localhost NodeAddr=127.0.0.1 CPUs={Cpus} RealMemory={MemoryMiB} State=UNKNOWN",
        $"PartitionName={Partition} Nodes=localhost Default=YES MaxTime=INFINITE State=UP",
        "");

    private static void RequireInstalled()
    {
        string[] needed = ["/usr/sbin/munged", "/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/slurmrestd", "/usr/bin/scontrol", "/usr/bin/setpriv"];
        var missing = needed.Where(p => !File.Exists(p)).ToList();
        var plugins = new[] { "/usr/lib/x86_64-linux-gnu/slurm-wlm", "/usr/lib/aarch64-linux-gnu/slurm-wlm", "/usr/lib/slurm-wlm" };
        if (!plugins.Any(d => File.Exists(Path.Combine(d, "auth_jwt.so"))))
            missing.Add("slurm-wlm/auth_jwt.so");
        if (missing.Count > 0)
            throw new InvalidOperationException($"Slurm is not installed (missing {string.Join(", ", missing)}); install Debian's packages as .ci/run does: "
                + "apt-get install slurm-wlm slurmrestd slurm-wlm-jwt-plugin munge");
    }

    private async Task WriteSecret(string path, int bytes, string owner)
    {
        await File.WriteAllBytesAsync(path, RandomNumberGenerator.GetBytes(bytes));
        await Run("chmod", "0400", path);
        await Run("chown", $"{owner}:{owner}", path);
    }

    private async Task WaitFor(string what, Func<Task<bool>> ready)
    {
        var deadline = Stopwatch.StartNew();
        Exception? last = null;
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                if (await ready())
                    return;
            }
            catch (Exception e) when (e is InvalidOperationException or SlurmException)
            {
                last = e;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"Slurm test fixture: gave up waiting for {what} after 60 s{(last is null ? "" : ": " + last.Message)}\n"
            + string.Join('\n', _daemons.Append(_rest).OfType<Daemon>()));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<string> Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (_conf.Length > 0)
            start.Environment["SLURM_CONF"] = _conf;
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {process.ExitCode}: {await output}{await error}");
        return await output;
    }

    /// <summary>A daemon in the foreground, its output kept for failure messages.</summary>
    private sealed class Daemon
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private Daemon(string name, Process process)
        {
            Name = name;
            _process = process;
        }

        public string Name { get; }

        public static Daemon Start(string name, string program, string[] arguments, Dictionary<string, string> environment)
        {
            var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments)
                start.ArgumentList.Add(argument);
            foreach (var (key, value) in environment)
                start.Environment[key] = value;
            var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {name}");
            var daemon = new Daemon(name, process);
            process.OutputDataReceived += (_, e) => daemon.Append(e.Data);
            process.ErrorDataReceived += (_, e) => daemon.Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return daemon;
        }

        public async Task StopAsync()
        {
            if (!_process.HasExited)
            {
                // SIGTERM first so the daemon cleans up its socket and pid file; SIGKILL if it lingers.
                using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
                    await kill.WaitForExitAsync();
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await _process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }
            }
            _process.Dispose();
        }

        public override string ToString()
        {
            lock (_output)
                return $"{Name}: {_output}";
        }

        private void Append(string? line)
        {
            if (line is null)
                return;
            lock (_output)
                _output.AppendLine(line);
        }
    }
}

/// <summary>Shares one Slurm cluster among the test classes that need it; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class SlurmGroup : ICollectionFixture<SlurmCluster>
{
    public const string Name = "slurm";
}
