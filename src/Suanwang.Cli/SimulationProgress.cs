using Spectre.Console;

namespace Suanwang.Cli;

/// <summary>
/// A progress bar for <c>suanwang simulate</c>: one line per policy on standard error, shown only when
/// standard error is a terminal (and the caller wants it), cleared when done. Otherwise the work runs
/// without a callback and nothing is printed.
/// </summary>
internal static class SimulationProgress
{
    /// <summary>Runs <paramref name="work"/>, giving it a progress callback (policy name, share done) when a bar is shown, else null.</summary>
    public static T Run<T>(CliConsole console, bool showBar, IReadOnlyList<string> policies, Func<Action<string, double>?, T> work)
    {
        if (!showBar || !ReferenceEquals(console.Error, Console.Error) || Console.IsErrorRedirected)
            return work(null);
        var terminal = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Error),
            Ansi = AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.Detect,
            Interactive = InteractionSupport.Yes,
        });
        return terminal.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var tasks = policies.ToDictionary(p => p, p => context.AddTask(Markup.Escape(p), autoStart: false, maxValue: 1), StringComparer.Ordinal);
                return work((policy, share) =>
                {
                    if (!tasks.TryGetValue(policy, out var task))
                        return;
                    if (!task.IsStarted)
                        task.StartTask();
                    task.Value = share;
                    if (share >= 1)
                        task.StopTask();
                });
            });
    }
}
