using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Suanwang.Server.Access;
using Suanwang.Server.Store;

namespace Suanwang.Server.Api;

/// <summary>
/// A job's events: a JSON list, or with <c>Accept: text/event-stream</c> a server-sent-events stream
/// that sends the events so far, then each new one as it is logged, and ends after the job has
/// finished (or when the client goes away). <c>Last-Event-ID</c> resumes after a given sequence.
/// </summary>
internal static class JobEventStream
{
    /// <summary>How often the stream looks for new events.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public static async Task<IResult> Handle(string id, HttpContext context, ControlStore store, TrustScores trust, TimeProvider clock)
    {
        if (await JobsApi.Visible(id, context, store, trust).ConfigureAwait(false) is null)
            return Problems.NotFound(context, "job", id);
        var wantsStream = context.Request.Headers.Accept.Any(a => a?.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase) == true);
        if (!wantsStream)
        {
            var events = await store.EventsAsync(id, 0, 10_000, context.RequestAborted).ConfigureAwait(false);
            return TypedResults.Json(events.Select(JobEventView.From).ToArray(), Json.Options);
        }
        _ = long.TryParse(context.Request.Headers["Last-Event-ID"].ToString(), out var after);
        return new SseResult(id, after, store, clock);
    }

    private sealed class SseResult(string id, long after, ControlStore store, TimeProvider clock) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers[HeaderNames.CacheControl] = "no-cache";
            var cancel = context.RequestAborted;
            var last = after;
            try
            {
                while (!cancel.IsCancellationRequested)
                {
                    foreach (var e in await store.EventsAsync(id, last, 1000, cancel).ConfigureAwait(false))
                    {
                        await context.Response.WriteAsync($"id: {e.Sequence}\nevent: {e.Type}\ndata: {System.Text.Json.JsonSerializer.Serialize(JobEventView.From(e), Json.Options)}\n\n", cancel).ConfigureAwait(false);
                        last = e.Sequence;
                    }
                    await context.Response.Body.FlushAsync(cancel).ConfigureAwait(false);
                    if ((await store.FindJobAsync(id, cancel).ConfigureAwait(false))?.IsFinished != false)
                    {
                        // Send anything logged between the read and the check, then end.
                        foreach (var e in await store.EventsAsync(id, last, 1000, cancel).ConfigureAwait(false))
                            await context.Response.WriteAsync($"id: {e.Sequence}\nevent: {e.Type}\ndata: {System.Text.Json.JsonSerializer.Serialize(JobEventView.From(e), Json.Options)}\n\n", cancel).ConfigureAwait(false);
                        return;
                    }
                    await Task.Delay(PollInterval, clock, cancel).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                // The client went away.
            }
        }
    }
}
