using System.Globalization;
using System.Text.Json;

namespace Suanwang.Cli;

/// <summary>The human-readable form of <c>suanwang job ID</c>.</summary>
internal static class JobView
{
    public static void Write(CliConsole console, JsonElement job, JsonElement events)
    {
        var output = console.Output;
        output.WriteLine($"job       {job.GetProperty("id").GetString()}  ({job.GetProperty("name").GetString()})");
        output.WriteLine($"tenant    {job.GetProperty("tenant").GetString()}");
        output.WriteLine($"state     {job.GetProperty("state").GetString()}   priority {job.GetProperty("priority").GetString()}   version {job.GetProperty("version").GetInt64()}");
        output.WriteLine($"submitted {Time(job.GetProperty("submitted_at"))}   updated {Time(job.GetProperty("updated_at"))}");
        if (job.GetProperty("reason").GetString() is { } reason)
            output.WriteLine($"reason    {reason}");
        if (job.GetProperty("placement") is { ValueKind: JsonValueKind.Object } placement)
        {
            output.WriteLine("placement");
            foreach (var field in placement.EnumerateObject().Where(f => f.Name != "explanation"))
                output.WriteLine($"  {field.Name,-12} {Scalar(field.Value)}");
            if (placement.TryGetProperty("explanation", out var explanation) && explanation.ValueKind == JsonValueKind.Array)
            {
                output.WriteLine($"why here   ({explanation.GetArrayLength()} candidate pools; the first 10)");
                foreach (var candidate in explanation.EnumerateArray().Take(10))
                    output.WriteLine($"  {Scalar(candidate)}");
            }
        }
        output.WriteLine("events");
        foreach (var e in events.EnumerateArray())
            output.WriteLine($"  {e.GetProperty("sequence").GetInt64(),8}  {Time(e.GetProperty("at"))}  {e.GetProperty("type").GetString(),-10} {e.GetProperty("data").GetRawText()}");
    }

    private static string Time(JsonElement value) => value.GetDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Scalar(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
}
