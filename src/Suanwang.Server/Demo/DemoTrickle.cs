using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Suanwang.Server.Store;

namespace Suanwang.Server.Demo;

/// <summary>
/// Submits an example job for the demo tenant every few seconds, cycling through a CPU batch job, an
/// AI training gang by grade, a latency-bound inference service and an array job, so a fresh
/// <c>serve --demo</c> shows life. It stops adding while many demo jobs are still pending, so an
/// unattended demo does not grow without bound.
/// </summary>
public sealed class DemoTrickle(ControlStore store, TimeProvider clock, ILogger<DemoTrickle> log) : BackgroundService
{
    /// <summary>Time between submissions.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>No new example while this many demo jobs are pending.</summary>
    public const int MaxPending = 50;

    /// <summary>
    /// The example specs, in the order they are submitted. They carry no command (simulated work), so the loop
    /// never places them on pools that agents or clusters run.
    /// </summary>
    public static IReadOnlyList<string> Examples { get; } =
    [
        """{"apiVersion":"suanwang/v1","kind":"Job","name":"genome-align","priority":"normal","tasks":4,"resources":{"cpu":16,"memory":"64GiB"},"duration":"20m","user":{"location":"Shanghai","latency":"any"}}""",
        """{"apiVersion":"suanwang/v1","kind":"Job","name":"llm-finetune","priority":"high","type":"gang","tasks":2,"resources":{"cpu":32,"memory":"256GiB","accelerators":{"count":8,"grade":"A"}},"duration":"2h","user":{"location":"Beijing","latency":"any"},"flags":{"checkpointable":true}}""",
        """{"apiVersion":"suanwang/v1","kind":"Job","name":"chat-inference","priority":"urgent","type":"service","resources":{"cpu":8,"memory":"32GiB","accelerators":{"count":1,"grade":"B"}},"duration":"1h","user":{"location":"Guangzhou","latency":"region"}}""",
        """{"apiVersion":"suanwang/v1","kind":"Job","name":"render-frames","priority":"low","type":"array","tasks":16,"resources":{"cpu":4,"memory":"8GiB"},"duration":"10m","user":{"location":"Chengdu","latency":"any"},"flags":{"preemptible":true,"splittable":true}}""",
    ];

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var next = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var pending = await store.ListJobsAsync(new JobQuery(DemoTokens.TenantName, JobState.Pending, null, MaxPending), stoppingToken).ConfigureAwait(false);
                if (pending.Jobs.Count < MaxPending)
                {
                    var spec = Examples[next++ % Examples.Count];
                    using var document = System.Text.Json.JsonDocument.Parse(spec);
                    var name = document.RootElement.GetProperty("name").GetString()!;
                    var priority = document.RootElement.GetProperty("priority").GetString()!;
                    var job = (await store.SubmitAsync([new NewJob(DemoTokens.TenantName, name, priority, spec, null)], stoppingToken).ConfigureAwait(false))[0];
                    log.LogInformation("demo: submitted {Job} ({Name})", job.Id, name);
                }
                await Task.Delay(Interval, clock, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
