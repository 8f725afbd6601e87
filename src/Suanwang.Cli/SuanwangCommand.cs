using System.CommandLine;

namespace Suanwang.Cli;

/// <summary>The root of the <c>suanwang</c> command tree.</summary>
internal static class SuanwangCommand
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("Suanwang (算网): the compute-network brain.");
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
                error.WriteLine(e.Message);
            return ExitCodes.Usage;
        }
        return parse.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }
}

/// <summary>Exit codes of DESIGN §10.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int InvalidInput = 1;
    public const int Usage = 2;
}
