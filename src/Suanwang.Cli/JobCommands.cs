using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Suanwang.Cli.Client;
using Suanwang.Core.Measurement;
using Suanwang.Core.Specs;

namespace Suanwang.Cli;

/// <summary>The user's commands against a server: <c>submit</c> (like sbatch), <c>jobs</c> (like squeue), <c>job ID</c>, <c>cancel ID</c>.</summary>
internal static class JobCommands
{
    public static IEnumerable<Command> Create(CliConsole console)
    {
        yield return Submit(console);
        yield return Jobs(console);
        yield return Job(console);
        yield return Cancel(console);
    }

    private static Command Submit(CliConsole console)
    {
        var file = new Argument<string>("FILE") { Description = "A job spec (YAML or JSON); a list or a YAML stream submits a batch atomically." };
        var (server, token, json) = (ClientSettings.ServerOption(), ClientSettings.TokenOption(), CommonOptions.Json());
        var command = new Command("submit", "Submit a job spec file (like sbatch); prints the job id(s).") { file, server, token, json };
        command.SetAction((parse, cancel) => WithClient(console, parse.GetValue(server), parse.GetValue(token), async client =>
        {
            var path = parse.GetValue(file)!;
            string text;
            try
            {
                text = await File.ReadAllTextAsync(path, cancel).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return console.InvalidInput($"{path}: {ex.Message}");
            }
            // Check locally first, so mistakes are reported against the file the user wrote.
            var catalog = DeviceCatalog.LoadEmbedded();
            var read = JobSpecReader.Read(text, path, model => catalog.TryFind(model, out _));
            if (!read.IsValid)
                return console.InvalidInput(read.Errors);
            var isYaml = !(path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || text.TrimStart().StartsWith('{') || text.TrimStart().StartsWith('['));
            var response = await client.SendAsync(HttpMethod.Post, "/v1/jobs", text, isYaml ? "application/yaml" : "application/json", cancel).ConfigureAwait(false);
            if (!response.Ok)
                return Failed(console, response, path);
            if (parse.GetValue(json))
            {
                console.Output.WriteLine(response.Body!.Value.GetRawText());
                return ExitCodes.Ok;
            }
            var jobs = response.Body!.Value.TryGetProperty("jobs", out var list) ? list.EnumerateArray().ToArray() : [response.Body.Value];
            foreach (var job in jobs)
                console.Output.WriteLine($"submitted {job.GetProperty("id").GetString()} {job.GetProperty("name").GetString()}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Jobs(CliConsole console)
    {
        var state = new Option<string>("--state") { Description = "Only jobs in this state: pending, placed, running, completed, failed, cancelled." };
        var limit = new Option<int>("--limit") { Description = "At most this many jobs (1–1000 per page).", DefaultValueFactory = _ => 100 };
        var all = new Option<bool>("--all") { Description = "Follow every page." };
        var tenant = new Option<string>("--tenant") { Description = "Operators: only this tenant's jobs." };
        var (server, token, json) = (ClientSettings.ServerOption(), ClientSettings.TokenOption(), CommonOptions.Json());
        var command = new Command("jobs", "List your jobs (like squeue).") { state, limit, all, tenant, server, token, json };
        command.SetAction((parse, cancel) => WithClient(console, parse.GetValue(server), parse.GetValue(token), async client =>
        {
            var rows = new List<JsonElement>();
            string? after = null;
            do
            {
                var query = new List<string> { $"limit={parse.GetValue(limit).ToString(CultureInfo.InvariantCulture)}" };
                if (parse.GetValue(state) is { } s)
                    query.Add($"state={Uri.EscapeDataString(s)}");
                if (parse.GetValue(tenant) is { } t)
                    query.Add($"tenant={Uri.EscapeDataString(t)}");
                if (after is not null)
                    query.Add($"after={Uri.EscapeDataString(after)}");
                var response = await client.SendAsync(HttpMethod.Get, "/v1/jobs?" + string.Join('&', query), null, null, cancel).ConfigureAwait(false);
                if (!response.Ok)
                    return Failed(console, response, null);
                rows.AddRange(response.Body!.Value.GetProperty("jobs").EnumerateArray());
                after = response.Body.Value.GetProperty("next").GetString();
            }
            while (after is not null && parse.GetValue(all));
            if (parse.GetValue(json))
            {
                console.Output.WriteLine(JsonSerializer.Serialize(rows));
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Simple).AddColumns("JOBID", "NAME", "TENANT", "STATE", "PRIORITY", "SUBMITTED", "WHERE / REASON");
            foreach (var job in rows)
            {
                table.AddRow(Markup.Escape(job.GetProperty("id").GetString()!), Markup.Escape(job.GetProperty("name").GetString()!),
                    Markup.Escape(job.GetProperty("tenant").GetString()!), job.GetProperty("state").GetString()!, job.GetProperty("priority").GetString()!,
                    job.GetProperty("submitted_at").GetDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    Markup.Escape(WhereOrReason(job)));
            }
            console.Ansi.Write(table);
            console.Output.WriteLine(after is null ? $"{rows.Count} job(s)" : $"{rows.Count} job(s) shown; more with --all");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Job(CliConsole console)
    {
        var id = new Argument<string>("ID") { Description = "The job id (j-…)." };
        var (server, token, json) = (ClientSettings.ServerOption(), ClientSettings.TokenOption(), CommonOptions.Json());
        var command = new Command("job", "Show one job: state, placement and its explanation, events.") { id, server, token, json };
        command.SetAction((parse, cancel) => WithClient(console, parse.GetValue(server), parse.GetValue(token), async client =>
        {
            var jobId = Uri.EscapeDataString(parse.GetValue(id)!);
            var job = await client.SendAsync(HttpMethod.Get, $"/v1/jobs/{jobId}", null, null, cancel).ConfigureAwait(false);
            if (!job.Ok)
                return Failed(console, job, null);
            var events = await client.SendAsync(HttpMethod.Get, $"/v1/jobs/{jobId}/events", null, null, cancel).ConfigureAwait(false);
            if (!events.Ok)
                return Failed(console, events, null);
            if (parse.GetValue(json))
            {
                console.Output.WriteLine($$"""{"job":{{job.Body!.Value.GetRawText()}},"events":{{events.Body!.Value.GetRawText()}}}""");
                return ExitCodes.Ok;
            }
            JobView.Write(console, job.Body!.Value, events.Body!.Value);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Cancel(CliConsole console)
    {
        var id = new Argument<string>("ID") { Description = "The job id (j-…)." };
        var (server, token) = (ClientSettings.ServerOption(), ClientSettings.TokenOption());
        var command = new Command("cancel", "Cancel a job that has not finished.") { id, server, token };
        command.SetAction((parse, cancel) => WithClient(console, parse.GetValue(server), parse.GetValue(token), async client =>
        {
            var response = await client.SendAsync(HttpMethod.Post, $"/v1/jobs/{Uri.EscapeDataString(parse.GetValue(id)!)}/cancel", null, null, cancel).ConfigureAwait(false);
            if (!response.Ok)
                return Failed(console, response, null);
            console.Output.WriteLine($"cancelled {response.Body!.Value.GetProperty("id").GetString()}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    internal static string WhereOrReason(JsonElement job)
    {
        if (job.GetProperty("placement") is { ValueKind: JsonValueKind.Object } placement && placement.TryGetProperty("pool", out var pool))
            return pool.GetString() ?? "";
        return job.GetProperty("reason").GetString() ?? "";
    }

    internal static async Task<int> WithClient(CliConsole console, string? server, string? token, Func<ApiClient, Task<int>> run)
    {
        var (settings, error) = ClientSettings.Resolve(server, token);
        if (settings is null)
            return console.InvalidInput(error!);
        using var client = new ApiClient(settings);
        return await run(client).ConfigureAwait(false);
    }

    private static int Failed(CliConsole console, ApiResponse response, string? file)
    {
        console.Error.WriteLine($"error: {response.Error}");
        if (response.Body is { ValueKind: JsonValueKind.Object } problem && problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
        {
            foreach (var e in errors.EnumerateArray())
            {
                var line = e.TryGetProperty("line", out var l) && l.ValueKind == JsonValueKind.Number ? $":{l.GetInt32()}:{e.GetProperty("column").GetInt32()}" : "";
                console.Error.WriteLine($"  {file ?? "request"}{line}: {e.GetProperty("path").GetString()}: {e.GetProperty("message").GetString()}");
            }
        }
        return ExitCodes.InvalidInput;
    }
}
