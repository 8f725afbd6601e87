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
            foreach (var field in placement.EnumerateObject().Where(f => f.Name is not ("candidates" or "parts" or "transfers" or "reason")))
                output.WriteLine($"  {field.Name,-16} {Scalar(field.Value)}");
            if (placement.TryGetProperty("parts", out var parts) && parts.GetArrayLength() > 1)
                output.WriteLine($"  {"parts",-16} {string.Join(", ", parts.EnumerateArray().Select(p => $"{p.GetProperty("pool").GetString()} ×{p.GetProperty("tasks").GetInt32()}"))}");
            if (placement.TryGetProperty("transfers", out var transfers))
                output.WriteLine($"  {"transfers",-16} {transfers.GetArrayLength()}");
            if (placement.TryGetProperty("reason", out var why))
                output.WriteLine($"why       {why.GetString()}");
            if (placement.TryGetProperty("candidates", out var candidates) && candidates.ValueKind == JsonValueKind.Array)
            {
                var all = candidates.EnumerateArray().ToList();
                var scored = all.Where(c => c.TryGetProperty("score", out var sc) && sc.ValueKind == JsonValueKind.Object)
                    .OrderBy(c => c.GetProperty("score").GetProperty("total").GetDouble()).ToList();
                var rejected = all.Count(c => c.TryGetProperty("rejection", out var r) && r.ValueKind == JsonValueKind.String);
                output.WriteLine($"          {all.Count} candidate pools: {scored.Count} scored, {rejected} rejected, {all.Count - scored.Count - rejected} not scored (suanwang job {job.GetProperty("id").GetString()} --json has them all)");
                foreach (var candidate in scored.Take(5))
                {
                    var score = candidate.GetProperty("score");
                    output.WriteLine($"          {candidate.GetProperty("pool").GetString(),-28} total {score.GetProperty("total").GetDouble():F3}  staging {score.GetProperty("staging_seconds").GetDouble():F0} s  run {score.GetProperty("runtime_seconds").GetDouble():F0} s");
                }
                foreach (var group in all.Where(c => c.TryGetProperty("rejection", out var r) && r.ValueKind == JsonValueKind.String)
                    .GroupBy(c => c.GetProperty("rejection").GetString()).Take(5))
                    output.WriteLine($"          rejected ×{group.Count()}: {group.Key}");
            }
        }
        output.WriteLine("events");
        foreach (var e in events.EnumerateArray())
            output.WriteLine($"  {e.GetProperty("sequence").GetInt64(),8}  {Time(e.GetProperty("at"))}  {e.GetProperty("type").GetString(),-10} {Summary(e.GetProperty("data"))}");
    }

    // An event's data without the placement it may carry (shown above).
    private static string Summary(JsonElement data) => data.ValueKind != JsonValueKind.Object
        ? data.GetRawText()
        : string.Join(", ", data.EnumerateObject().Where(p => p.Name != "placement" && p.Value.ValueKind != JsonValueKind.Null).Select(p => $"{p.Name}={Scalar(p.Value)}"));

    private static string Time(JsonElement value) => value.GetDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Scalar(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
}
