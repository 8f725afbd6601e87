using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Suanwang.Server.Tests;

/// <summary>
/// A real PostgreSQL server (Debian's package; `.ci/run` installs it) started on loopback for the
/// test run, in a temporary directory, with its own socket directory and a free port. As root it runs
/// as the <c>postgres</c> user (PostgreSQL refuses root). Each test asks for a fresh database.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private string _directory = "";
    private string _binaries = "";
    private int _databases;

    /// <summary>The port the server listens on.</summary>
    public int Port { get; private set; }

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        _binaries = FindBinaries();
        _directory = Path.Combine(Path.GetTempPath(), $"suanwang-pg-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_directory);
        var data = Path.Combine(_directory, "data");
        if (IsRoot)
            await Run("chown", ["-R", "postgres:postgres", _directory], asPostgres: false);
        await Run(Path.Combine(_binaries, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], asPostgres: true);
        Port = Processes.ServerProcess.FreePort();
        await Run(Path.Combine(_binaries, "pg_ctl"),
            ["-D", data, "-w", "-t", "60", "-l", Path.Combine(_directory, "log"), "-o",
             $"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c max_connections=200", "start"], asPostgres: true);
    }

    /// <summary>A connection string to a new, empty database.</summary>
    public async Task<string> NewDatabaseAsync()
    {
        var name = $"test_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..30];
        await using (var source = NpgsqlDataSource.Create(ConnectionString("postgres")))
        await using (var command = source.CreateCommand($"CREATE DATABASE {name}"))
            await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    private string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=50";

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (Port != 0)
            await Run(Path.Combine(_binaries, "pg_ctl"), ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop"], asPostgres: true);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary directory is harmless.
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static string FindBinaries()
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin"))
            : [];
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "pg_ctl")))
            ?? throw new InvalidOperationException(
                "PostgreSQL is not installed (/usr/lib/postgresql/*/bin/pg_ctl not found); install Debian's 'postgresql' package as .ci/run does");
    }


    private static async Task Run(string program, string[] arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres && IsRoot ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (asPostgres && IsRoot)
        {
            foreach (var a in new[] { "-u", "postgres", "--", program })
                start.ArgumentList.Add(a);
        }
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {process.ExitCode}: {await output}{await error}");
    }
}

/// <summary>Shares one PostgreSQL server among every test class that needs one.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresGroup : ICollectionFixture<PostgresServer>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "postgres";
}

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => _now;

    /// <summary>Moves the clock forward.</summary>
    public void Advance(TimeSpan by) => _now += by;
}
