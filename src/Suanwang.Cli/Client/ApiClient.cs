using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Suanwang.Cli.Client;

/// <summary>A thin HTTP client for the <c>/v1</c> API: sends the token, turns problem details into messages.</summary>
internal sealed class ApiClient(ClientSettings settings, HttpMessageHandler? handler = null) : IDisposable
{
    private readonly HttpClient _http = CreateHttp(settings, handler);

    public Uri Server => settings.Server;

    private static HttpClient CreateHttp(ClientSettings settings, HttpMessageHandler? handler)
    {
        var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.BaseAddress = settings.Server;
        http.Timeout = TimeSpan.FromSeconds(60);
        if (settings.Token is { } token)
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>Sends a request; returns the parsed body or the server's problem.</summary>
    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, string? body, string? contentType, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, contentType ?? "application/json");
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancel).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            return new ApiResponse(0, null, $"cannot reach the server at {settings.Server}: {ex.Message}");
        }
        catch (TaskCanceledException) when (!cancel.IsCancellationRequested)
        {
            return new ApiResponse(0, null, $"the server at {settings.Server} did not answer within {_http.Timeout.TotalSeconds:F0} s");
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancel).ConfigureAwait(false);
            JsonElement? json = null;
            try
            {
                if (text.Length > 0)
                    json = JsonDocument.Parse(text).RootElement.Clone();
            }
            catch (JsonException)
            {
            }
            if (response.IsSuccessStatusCode)
                return new ApiResponse((int)response.StatusCode, json, null);
            var detail = json is { ValueKind: JsonValueKind.Object } problem && problem.TryGetProperty("detail", out var d) ? d.GetString() : text;
            var hint = response.StatusCode == HttpStatusCode.Unauthorized && settings.Token is null
                ? " (no token: pass --token or set SUANWANG_TOKEN)"
                : "";
            return new ApiResponse((int)response.StatusCode, json, $"{(int)response.StatusCode} {response.ReasonPhrase}: {detail}{hint}");
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>An API answer: the status (0 when the server was not reached), the JSON body, and an error message for failures.</summary>
internal sealed record ApiResponse(int Status, JsonElement? Body, string? Error)
{
    public bool Ok => Error is null;
}
