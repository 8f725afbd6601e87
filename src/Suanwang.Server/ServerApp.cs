using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using Suanwang.Core.Measurement;
using Suanwang.Server.Access;
using Suanwang.Server.Agents;
using Suanwang.Server.Api;
using Suanwang.Server.Ledger;
using Suanwang.Server.Scheduling;
using LedgerLog = Suanwang.Server.Ledger.Ledger;
using Suanwang.Server.Store;

namespace Suanwang.Server;

/// <summary>
/// Builds the control plane's web application: zero-trust access (every endpoint but <c>/healthz</c>
/// needs a token; per-principal rate limits, request-size limits and trust scores), RFC 7807 errors,
/// OpenAPI at <c>/openapi/v1.json</c>, Prometheus metrics at <c>/metrics</c>, and the <c>/v1</c> API.
/// </summary>
public static class ServerApp
{
    /// <summary>
    /// Creates the application on an open store. <paramref name="configure"/> may adjust the builder
    /// before it is built (tests use it to swap Kestrel for the in-memory test server).
    /// </summary>
    public static WebApplication Build(ServerSettings settings, ControlStore store, TimeProvider clock, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = WebApplication.CreateSlimBuilder();
        // The framework's informational chatter (data protection, routing) is noise for an operator.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.WebHost.UseUrls([.. settings.Urls]);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = RequestBody.MaxBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.Limits.MaxRequestLineSize = 8 * 1024;
        });
        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton(store);
        services.AddSingleton(clock);
        var catalog = DeviceCatalog.LoadEmbedded();
        services.AddSingleton(catalog);
        services.AddSingleton<TrustScores>();
        services.AddSingleton<TokenCache>();
        services.AddSingleton<ServerMetrics>();
        Directory.CreateDirectory(settings.DataDirectory);
        services.AddSingleton(_ => LedgerSigner.LoadOrCreate(settings.LedgerKeyPath));
        services.AddSingleton(sp => new LedgerLog(store.LedgerStorage, sp.GetRequiredService<LedgerSigner>(), clock));
        services.AddSingleton<LedgerFeeder>();
        services.AddHostedService(sp => sp.GetRequiredService<LedgerFeeder>());
        var world = ServerWorld.FromPreset(settings.Topology, catalog);
        services.AddSingleton(world);
        services.AddSingleton<Registry>();
        services.AddSingleton<AgentPoolRegistry>();
        // Configured providers run their pools; the preset's other pools run on the simulated provider; pools of
        // registered sites are attached by their agents.
        var providers = new ProviderDirectory();
        foreach (var configured in settings.Providers)
            providers.Add(configured.Adapter, configured.Pools.Select(p => p.Pool));
        services.AddSingleton(providers);
        services.AddSingleton(sp => new AgentAdapter(providers, clock, settings.AgentHeartbeatTimeout));
        services.AddSingleton<TaskStaging>();
        if (settings.Schedule)
        {
            var simulated = world.Topology.Pools.Where(p => providers.For(p.Id) is null).ToList();
            providers.Add(new Suanwang.Providers.Adapters.SimulatedProvider(clock, simulated, settings.SpeedUp), simulated.Select(p => p.Id));
            services.AddSchedulingLoop(world, providers: providers, speedUp: settings.SpeedUp);
        }
        services.AddProblemDetails();
        services.AddOpenApi();
        services.AddAuthentication(TokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(AccessPolicies.Add);
        services.AddRateLimiter(options => RateLimits.Configure(options, settings));
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = Json.Options.PropertyNamingPolicy;
        });
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler(error => error.Run(context =>
        {
            var failure = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            return failure is BadHttpRequestException bad
                ? Problems.Write(context, bad.StatusCode, "Bad Request", bad.Message)
                : Problems.Write(context, StatusCodes.Status500InternalServerError, "Internal Server Error",
                    "the server failed to handle this request; nothing acknowledged was lost (see the server log with the trace id)");
        }));
        app.UseStatusCodePages(context => context.HttpContext.Response.HasStarted || context.HttpContext.Response.ContentLength > 0
            ? Task.CompletedTask
            : Problems.Write(context.HttpContext, context.HttpContext.Response.StatusCode,
                ReasonPhrases.GetReasonPhrase(context.HttpContext.Response.StatusCode), EmptyStatusDetail(context.HttpContext)));
        var metrics = app.Services.GetRequiredService<ServerMetrics>();
        app.UseHttpMetrics(options => options.SetMetricFactory(metrics.Factory));
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();

        app.MapGet("/healthz", () => TypedResults.Text("ok")).AllowAnonymous().ExcludeFromDescription().DisableRateLimiting();
        app.MapOpenApi();
        app.MapMetrics("/metrics", metrics.Registry).RequireAuthorization(AccessPolicies.Operator);
        JobsApi.Map(app);
        LedgerApi.Map(app);
        DataApi.Map(app);
        CheckpointsApi.Map(app);
        RegistryApi.Map(app);
        AgentsApi.Map(app);
        return app;
    }

    // Errors that routing answers before any endpoint runs, explained.
    private static string EmptyStatusDetail(HttpContext context) => context.Response.StatusCode switch
    {
        StatusCodes.Status404NotFound => $"{context.Request.Path} is not a path of this API (see /openapi/v1.json)",
        StatusCodes.Status405MethodNotAllowed => $"{context.Request.Method} is not allowed on {context.Request.Path} (see /openapi/v1.json)",
        StatusCodes.Status415UnsupportedMediaType => $"Content-Type '{context.Request.ContentType}' is not accepted here; job specs are application/json or application/yaml",
        var status => $"{context.Request.Method} {context.Request.Path} answered {status}",
    };
}
