using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Suanwang.Providers.Tests.Kubernetes;

/// <summary>One request the adapter made to the fake API server.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Url">The path and query exactly as sent.</param>
/// <param name="ContentType">The body's media type, or null.</param>
/// <param name="Body">The body, or empty.</param>
/// <param name="Authorization">The Authorization header, or null.</param>
internal sealed record RecordedRequest(string Method, string Url, string? ContentType, string Body, string? Authorization)
{
    public override string ToString() => $"{Method} {Url}";
}

/// <summary>One scripted answer: a status and a body (a file under Recorded/ or literal text).</summary>
internal sealed record Answer(int Status, string Body, string ContentType = "application/json")
{
    public static Answer File(string name, int status = 200) => new(status, RecordedApiServer.Recorded(name));
}

/// <summary>
/// A FAKE Kubernetes API server on loopback, because no real API server can run on this machine: it answers scripted
/// requests (method and exact path and query) with responses in the real API's JSON shapes, kept as files under
/// Kubernetes/Recorded/, and records every request the adapter made so tests can assert on paths, queries and bodies.
/// An unscripted request gets a real-shaped 404 Status saying so.
/// </summary>
internal sealed class RecordedApiServer : IDisposable
{
    private readonly HttpListener _listener;
    private readonly Dictionary<string, Queue<Answer>> _script = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _logs = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly Task _serving;

    public RecordedApiServer()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                _listener = listener;
                Address = new Uri($"http://127.0.0.1:{port}/");
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close(); // another test took the port between the probe and the bind
            }
        }
        _serving = Task.Run(ServeAsync);
    }

    public Uri Address { get; }

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
                return [.. _requests];
        }
    }

    /// <summary>The text of a recorded response file.</summary>
    public static string Recorded(string name) => System.IO.File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Kubernetes", "Recorded", name));

    /// <summary>A list object (<c>JobList</c>, <c>PodList</c>, …) around recorded items, as a LIST answers.</summary>
    public static Answer List(string kind, string apiVersion, params string[] itemFiles) =>
        new(200, $$"""{"kind":"{{kind}}","apiVersion":"{{apiVersion}}","metadata":{"resourceVersion":"482700"},"items":[{{string.Join(",", itemFiles.Select(Recorded))}}]}""");

    /// <summary>Answers <paramref name="method"/> <paramref name="url"/> with the answers in turn; the last one repeats.</summary>
    public RecordedApiServer On(string method, string url, params Answer[] answers)
    {
        lock (_gate)
            _script[$"{method} {url}"] = new Queue<Answer>(answers);
        return this;
    }

    /// <summary>
    /// Serves <paramref name="text"/> as the log of <paramref name="podPath"/> (<c>/api/v1/namespaces/ns/pods/name</c>) the way
    /// the API server does: <c>GET …/log</c> answers <c>text/plain</c>, cut to <c>limitBytes</c> bytes when that is given.
    /// </summary>
    public RecordedApiServer OnLog(string podPath, string text)
    {
        lock (_gate)
            _logs[podPath + "/log"] = text;
        return this;
    }

    public void Clear()
    {
        lock (_gate)
            _requests.Clear();
    }

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _serving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The listener was closed under a pending GetContextAsync; nothing to clean up.
        }
    }

    /// <summary>A port nothing listens on right now (for an unreachable server too).</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static Answer Log(string text, string? limitBytes)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var limit = limitBytes is null ? bytes.Length : (int)Math.Min(bytes.Length, long.Parse(limitBytes, System.Globalization.CultureInfo.InvariantCulture));
        // A text/plain answer carries raw bytes held as Latin-1 characters, so a cut inside a UTF-8 character reaches the
        // adapter exactly as a real server would send it.
        return new Answer(200, Encoding.Latin1.GetString(bytes, 0, limit), "text/plain");
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var url = context.Request.RawUrl ?? "";
            var method = context.Request.HttpMethod;
            Answer answer;
            lock (_gate)
            {
                _requests.Add(new RecordedRequest(method, url, context.Request.ContentType, body, context.Request.Headers["Authorization"]));
                answer = _script.TryGetValue($"{method} {url}", out var queue) && queue.Count > 0
                    ? queue.Count > 1 ? queue.Dequeue() : queue.Peek()
                    : method == "GET" && _logs.TryGetValue(url.Split('?')[0], out var log) ? Log(log, context.Request.QueryString["limitBytes"])
                    : new Answer(404, $$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the fake API server has no answer scripted for {{method}} {{url.Replace("\"", "'", StringComparison.Ordinal)}}","reason":"NotFound","code":404}""");
            }
            var bytes = answer.ContentType == "text/plain" ? Encoding.Latin1.GetBytes(answer.Body) : Encoding.UTF8.GetBytes(answer.Body);
            context.Response.StatusCode = answer.Status;
            context.Response.ContentType = answer.ContentType;
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }
}
