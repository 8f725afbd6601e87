using System.Globalization;

namespace Suanwang.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        // Numbers on the command line and in files are written the invariant way (1.5, not 1,5), whatever the machine's locale.
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
        return SuanwangCommand.Run(args, Console.Out, Console.Error);
    }
}
