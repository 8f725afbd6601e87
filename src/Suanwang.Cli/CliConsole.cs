using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;
using Suanwang.Core.Specs;

namespace Suanwang.Cli;

/// <summary>
/// Where a command writes: tables and text through Spectre.Console on standard output, JSON as
/// plain text, and errors on standard error. Tests pass their own writers.
/// </summary>
internal sealed class CliConsole
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public CliConsole(TextWriter output, TextWriter error)
    {
        Output = output;
        Error = error;
        Ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            // Colour only on a real terminal, so redirected output and tests see plain text.
            Ansi = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!ReferenceEquals(output, Console.Out) || Console.IsOutputRedirected)
            Ansi.Profile.Width = 160;
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    public IAnsiConsole Ansi { get; }

    /// <summary>Writes a value as indented snake_case JSON, the machine-readable form of DESIGN §10.</summary>
    public void WriteJson<T>(T value) => Output.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>Writes spec errors one per line in compiler form and returns the invalid-input exit code.</summary>
    public int InvalidInput(IEnumerable<SpecError> errors)
    {
        var count = 0;
        foreach (var error in errors)
        {
            Error.WriteLine($"error: {error}");
            count++;
        }
        Error.WriteLine(count == 1 ? "1 error" : $"{count} errors");
        return ExitCodes.InvalidInput;
    }

    /// <summary>Writes one error message and returns the invalid-input exit code.</summary>
    public int InvalidInput(string message)
    {
        Error.WriteLine($"error: {message}");
        return ExitCodes.InvalidInput;
    }
}
