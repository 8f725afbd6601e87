using System.CommandLine;

namespace Suanwang.Cli;

/// <summary>The root of the <c>suanwang</c> command tree.</summary>
internal static class SuanwangCommand
{
    /// <summary>Parses and runs one command line; returns the process exit code (DESIGN §10: 0 ok, 1 invalid input, 2 usage).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var console = new CliConsole(output, error);
        var root = new RootCommand("Suanwang (算网): the compute-network brain — federate, measure, schedule and simulate compute over a national network.");
        root.Subcommands.Add(TopologyCommands.Create(console));
        root.Subcommands.Add(ValidateCommand.Create(console));
        root.Subcommands.Add(MeasureCommand.Create(console));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
                error.WriteLine($"usage error: {e.Message}");
            error.WriteLine("Run 'suanwang --help' for usage.");
            return ExitCodes.Usage;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex) when (Environment.GetEnvironmentVariable("SUANWANG_DEBUG") is null)
        {
            // A bug must still not greet the user with a stack trace; SUANWANG_DEBUG=1 shows it.
            error.WriteLine($"error: internal failure: {ex.GetType().Name}: {ex.Message} (set SUANWANG_DEBUG=1 for details)");
            return ExitCodes.InvalidInput;
        }
    }
}

/// <summary>Exit codes of DESIGN §10.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int InvalidInput = 1;
    public const int Usage = 2;
}

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print machine-readable JSON (DESIGN §10) instead of tables." };
}
