using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Suanwang.Cli;

/// <summary>The root of the <c>suanwang</c> command tree.</summary>
internal static class SuanwangCommand
{
    /// <summary>Parses and runs one command line; returns the process exit code (DESIGN §10: 0 ok, 1 invalid input, 2 usage).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        // The parser reads option values such as --inflation 1.5 with the current culture, which would turn
        // them into 15 under de-DE. Run invariant, and give a host (or a test) its own culture back afterwards.
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
        try
        {
            return RunInvariant(args, output, error);
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = uiCulture;
        }
    }

    private static int RunInvariant(string[] args, TextWriter output, TextWriter error)
    {
        var console = new CliConsole(output, error);
        var root = new RootCommand("Suanwang (算网): the compute-network brain — federate, measure, schedule and simulate compute over a national network.");
        root.Subcommands.Add(TopologyCommands.Create(console));
        root.Subcommands.Add(ValidateCommand.Create(console));
        root.Subcommands.Add(SimulateCommand.Create(console));
        root.Subcommands.Add(MeasureCommand.Create(console));
        root.Subcommands.Add(AgentCommand.Create(console));
        root.Subcommands.Add(BenchCommand.Create(console));
        root.Subcommands.Add(ServeCommand.Create(console));
        root.Subcommands.Add(TokenCommand.Create(console));
        root.Subcommands.Add(DatasetCommand.Create(console));
        root.Subcommands.Add(LedgerCommand.Create(console));
        foreach (var command in JobCommands.Create(console))
            root.Subcommands.Add(command);

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var message in UsageErrors(parse))
                error.WriteLine($"usage error: {message}");
            error.WriteLine($"Run '{CommandPath(parse.CommandResult)} --help' for usage.");
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

    /// <summary>
    /// The parser's errors, reworded where its own text confuses: a group command without its
    /// subcommand gets one line naming the subcommands (not "Required command was not provided"
    /// next to "Unrecognized command"), and .NET type names become words.
    /// </summary>
    private static IEnumerable<string> UsageErrors(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        if (command.Action is null && command.Subcommands.Count > 0)
        {
            var path = CommandPath(parse.CommandResult);
            var choices = string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
            if (parse.UnmatchedTokens.Count == 0)
                return [$"'{path}' needs a command: {choices}"];
            return parse.UnmatchedTokens.Select(token => token.StartsWith('-')
                ? $"unknown option '{token}' for '{path}'; its commands are: {choices}"
                : $"unknown command '{token}' for '{path}'; its commands are: {choices}");
        }
        var unknown = parse.UnmatchedTokens.Select(token => token.StartsWith('-')
            ? $"unknown option '{token}' for '{CommandPath(parse.CommandResult)}'"
            : $"unexpected argument '{token}' for '{CommandPath(parse.CommandResult)}'");
        // The parser's own line for an unmatched token quotes it; ours above says the same more plainly.
        return unknown.Concat(parse.Errors
            .Where(e => !parse.UnmatchedTokens.Any(token => e.Message.Contains($"'{token}'", StringComparison.Ordinal)))
            .Select(e => e.Message
            .Replace("'System.Nullable`1[System.Double]'", "number", StringComparison.Ordinal)
            .Replace("'System.Double'", "number", StringComparison.Ordinal)
            .Replace("'System.Int32'", "whole number", StringComparison.Ordinal)));
    }

    private static string CommandPath(SymbolResult? result)
    {
        var names = new Stack<string>();
        for (var r = result; r is not null; r = r.Parent)
        {
            if (r is CommandResult c)
                names.Push(c.Command is RootCommand ? "suanwang" : c.Command.Name);
        }
        return names.Count == 0 ? "suanwang" : string.Join(' ', names);
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
