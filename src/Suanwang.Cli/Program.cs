namespace Suanwang.Cli;

internal static class Program
{
    private static int Main(string[] args) => SuanwangCommand.Run(args, Console.Out, Console.Error);
}
