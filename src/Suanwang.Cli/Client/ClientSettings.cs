using System.CommandLine;
using System.Text.Json;

namespace Suanwang.Cli.Client;

/// <summary>
/// Where the user's commands find the server and their token: a flag, else the environment
/// (<c>SUANWANG_SERVER</c>, <c>SUANWANG_TOKEN</c>), else the config file
/// (<c>$SUANWANG_CONFIG</c>, or <c>$XDG_CONFIG_HOME/suanwang/config.json</c>, or
/// <c>~/.config/suanwang/config.json</c>: <c>{ "server": "...", "token": "..." }</c>), else the default
/// server on loopback.
/// </summary>
internal sealed record ClientSettings(Uri Server, string? Token)
{
    public static Option<string> ServerOption() => new("--server") { Description = "Server URL (default $SUANWANG_SERVER, the config file, or http://127.0.0.1:5080)." };

    public static Option<string> TokenOption() => new("--token") { Description = "API token (default $SUANWANG_TOKEN or the config file)." };

    /// <summary>Resolves the settings; the error says which source was wrong.</summary>
    public static (ClientSettings? Settings, string? Error) Resolve(string? serverFlag, string? tokenFlag, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var (fileServer, fileToken, fileError) = ReadConfig(environment);
        if (fileError is not null)
            return (null, fileError);
        var server = serverFlag ?? environment("SUANWANG_SERVER") ?? fileServer ?? "http://127.0.0.1:5080";
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return (null, $"server '{server}' is not an absolute http:// or https:// URL");
        return (new ClientSettings(uri, tokenFlag ?? environment("SUANWANG_TOKEN") ?? fileToken), null);
    }

    private static (string? Server, string? Token, string? Error) ReadConfig(Func<string, string?> environment)
    {
        var path = environment("SUANWANG_CONFIG")
            ?? Path.Combine(environment("XDG_CONFIG_HOME") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config"), "suanwang", "config.json");
        if (!File.Exists(path))
            return (null, null, null);
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            string? Field(string name) => document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            return (Field("server"), Field("token"), null);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            return (null, null, $"config file {path}: {ex.Message}");
        }
    }
}
