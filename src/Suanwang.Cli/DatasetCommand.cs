using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Suanwang.Cli.Client;
using Suanwang.Providers.Staging;

namespace Suanwang.Cli;

/// <summary>
/// <c>suanwang dataset put ID --from DIR --replica SITE</c>: register a dataset with the SHA-256 of every
/// file under DIR, so agents staging it check each byte against what the tenant registered;
/// <c>suanwang dataset get ID</c> shows a registration.
/// </summary>
internal static class DatasetCommand
{
    public static Command Create(CliConsole console) => new("dataset", "Register, show and fetch datasets.") { Put(console), Get(console), Fetch(console) };

    private static Command Fetch(CliConsole console)
    {
        var id = new Argument<string>("ID") { Description = "The dataset's id (a job's outputs are JOB-out-PART)." };
        var to = new Option<string>("--to") { Description = "The directory to fetch into (files already there and matching are kept).", Required = true };
        var (server, token) = (ClientSettings.ServerOption(), ClientSettings.TokenOption());
        var command = new Command("fetch", "Copy a dataset from the agents holding it, checking every file's SHA-256; an interrupted fetch resumes.") { id, to, server, token };
        command.SetAction((parse, cancel) => JobCommands.WithClient(console, parse.GetValue(server), parse.GetValue(token), async client =>
        {
            var name = parse.GetValue(id)!;
            var response = await client.SendAsync(HttpMethod.Post, $"/v1/datasets/{Uri.EscapeDataString(name)}/grants", "{}", "application/json", cancel).ConfigureAwait(false);
            if (!response.Ok)
                return Refused(console, response);
            var access = response.Body!.Value;
            var files = access.TryGetProperty("files", out var listed) && listed.ValueKind == JsonValueKind.Array
                ? listed.EnumerateArray().Select(f => new DatasetFile(f.GetProperty("path").GetString()!, f.GetProperty("size").GetInt64(), f.GetProperty("sha256").GetString()!)).ToList()
                : null;
            var source = access.GetProperty("sources")[0];
            var input = new Suanwang.Providers.Adapters.StagingInput(access.GetProperty("tenant").GetString()!, name, source.GetProperty("site").GetString()!,
                [.. source.GetProperty("urls").EnumerateArray().Select(u => new Uri(u.GetString()!))], files, 0, access.GetProperty("grant").GetString()!);
            var target = Path.GetFullPath(parse.GetValue(to)!);
            using var http = new HttpClient();
            try
            {
                var result = await new DatasetFetcher(http).FetchAsync(input, target, target.TrimEnd(Path.DirectorySeparatorChar) + ".partial", cancel).ConfigureAwait(false);
                console.Output.WriteLine($"fetched {name} into {target}: {result.Files:N0} file(s), {result.FilesFetched:N0} transferred, {result.BytesFetched:N0} bytes, "
                    + $"{result.Resumes} resumed, every SHA-256 checked ({result.Elapsed.TotalSeconds:F1} s)");
                return ExitCodes.Ok;
            }
            catch (Exception ex) when (ex is StagingException or HttpRequestException or IOException or InvalidDataException)
            {
                console.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.InvalidInput;
            }
        }));
        return command;
    }

    private static Command Put(CliConsole console)
    {
        var id = new Argument<string>("ID") { Description = "The dataset's id in your namespace." };
        var from = new Option<string>("--from") { Description = "A directory holding the dataset: every file is hashed (SHA-256) and listed.", Required = true };
        var replicas = new Option<string[]>("--replica") { Description = "A site holding a full copy (repeatable).", Required = true, AllowMultipleArgumentsPerToken = true };
        var jurisdictions = new Option<string[]>("--jurisdiction") { Description = "Where it may be stored or processed, e.g. CN (repeatable).", AllowMultipleArgumentsPerToken = true };
        var (server, token, json) = (ClientSettings.ServerOption(), ClientSettings.TokenOption(), CommonOptions.Json());
        var command = new Command("put", "Register (or update) a dataset from a directory.") { id, from, replicas, jurisdictions, server, token, json };
        command.SetAction((parse, cancel) => JobCommands.WithClient(console, parse.GetValue(server), parse.GetValue(token), async client =>
        {
            var directory = parse.GetValue(from)!;
            IReadOnlyList<DatasetFile> files;
            try
            {
                files = await DatasetManifest.FromDirectoryAsync(directory, cancel).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                return console.InvalidInput($"{directory}: {ex.Message}");
            }
            var bytes = files.Sum(f => f.Size);
            var body = JsonSerializer.Serialize(new
            {
                size = $"{bytes.ToString(CultureInfo.InvariantCulture)}B",
                replicas = parse.GetValue(replicas),
                jurisdictions = parse.GetValue(jurisdictions) ?? [],
                files = files.Select(f => new { path = f.Path, size = f.Size, sha256 = f.Sha256 }),
            });
            var name = parse.GetValue(id)!;
            var response = await client.SendAsync(HttpMethod.Put, $"/v1/datasets/{Uri.EscapeDataString(name)}", body, "application/json", cancel).ConfigureAwait(false);
            if (!response.Ok)
                return Refused(console, response);
            if (parse.GetValue(json))
                console.Output.WriteLine(response.Body!.Value.GetRawText());
            else
                console.Output.WriteLine($"registered {name}: {files.Count:N0} file(s), {bytes:N0} bytes, version {response.Body!.Value.GetProperty("version").GetInt64()}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Get(CliConsole console)
    {
        var id = new Argument<string>("ID") { Description = "The dataset's id." };
        var (server, token) = (ClientSettings.ServerOption(), ClientSettings.TokenOption());
        var command = new Command("get", "Show a dataset's registration as JSON.") { id, server, token };
        command.SetAction((parse, cancel) => JobCommands.WithClient(console, parse.GetValue(server), parse.GetValue(token), async client =>
        {
            var response = await client.SendAsync(HttpMethod.Get, $"/v1/datasets/{Uri.EscapeDataString(parse.GetValue(id)!)}", null, null, cancel).ConfigureAwait(false);
            if (!response.Ok)
                return Refused(console, response);
            console.Output.WriteLine(response.Body!.Value.GetRawText());
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static int Refused(CliConsole console, ApiResponse response)
    {
        console.Error.WriteLine($"error: {response.Error}");
        if (response.Body is { ValueKind: JsonValueKind.Object } problem && problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
        {
            foreach (var error in errors.EnumerateArray())
                console.Error.WriteLine($"  {(error.ValueKind == JsonValueKind.String ? error.GetString() : error.GetRawText())}");
        }
        return ExitCodes.InvalidInput;
    }
}
