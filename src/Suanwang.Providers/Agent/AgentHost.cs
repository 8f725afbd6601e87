using System.Collections.Concurrent;
using System.Globalization;
using Polly;
using Polly.Retry;
using Suanwang.Providers.Adapters;

namespace Suanwang.Providers.Agent;

/// <summary>
/// The <c>suanwang agent</c> process: describes and measures the machine, registers its pool, then pulls (the
/// heartbeat) every <see cref="AgentOptions.PollInterval"/>, starts the tasks the server assigned, stops those it
/// lists in <c>stop</c>, and streams output and reports phases. Nothing else starts a task: there is no local
/// endpoint, and a task comes only from an authenticated pull for this pool. When the server is unreachable it
/// retries with capped exponential backoff and jitter (Polly) while running tasks go on; what they did is reported
/// once the server answers again.
/// </summary>
public sealed class AgentHost : IDisposable
{
    private readonly AgentOptions _options;
    private readonly AgentServerClient _client;
    private readonly TaskOutputBuffer _output = new();
    private readonly ConcurrentDictionary<string, RunningTask> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _runningReports = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0);
    private readonly ResiliencePipeline _retry;
    private AgentState? _state;
    private System.Security.Cryptography.ECDsa? _grantKey;
    private Uri? _dataUrl;

    /// <summary>An agent with <paramref name="options"/>; <see cref="RunAsync"/> starts it.</summary>
    public AgentHost(AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _client = new AgentServerClient(options.Server, options.Token, options.Handler, options.RequestTimeout);
        _retry = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<AgentServerUnreachableException>(),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.InitialBackoff,
            MaxDelay = options.MaxBackoff,
            OnRetry = args =>
            {
                Log($"server unreachable ({args.Outcome.Exception?.Message}); retry {args.AttemptNumber + 1} in {args.RetryDelay.TotalSeconds:0.0} s; {_running.Count} task(s) keep running");
                return default;
            },
        }).Build();
    }

    /// <summary>Pulls completed since start (for tests and the overhead measurement).</summary>
    public long Pulls { get; private set; }

    /// <summary>What the agent registered, once it has.</summary>
    public MachineDescription? Machine { get; private set; }

    /// <summary>Runs until <paramref name="stop"/>; throws <see cref="AgentRejectedException"/> when the server refuses the agent for good.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        Directory.CreateDirectory(_options.WorkDirectory);
        _state = AgentState.Load(_options.WorkDirectory);
        var limiter = ResourceLimiter.Detect("suanwang-agent");
        Log($"limits: {limiter.Describe()}");
        var checkpoints = new CheckpointKeeper(_client, _options.WorkDirectory, _options.CheckpointInterval, Log) { Inner = _options.Stager };
        var runner = new TaskRunner(_options.WorkDirectory, _options.PoolId, limiter, checkpoints, _options.MaxProcesses, _options.MaxOpenFiles);
        await RegisterAsync(stop).ConfigureAwait(false);
        var dataServer = await StartDataServerAsync(stop).ConfigureAwait(false);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var work = await _retry.ExecuteAsync(async ct => await PullAsync(ct).ConfigureAwait(false), stop).ConfigureAwait(false);
                if (work is null)
                {
                    await RegisterAsync(stop).ConfigureAwait(false); // the server no longer knows the pool (its site was re-registered without it)
                    continue;
                }
                Pulls++;
                Apply(work, runner, stop);
                await FlushAsync(stop).ConfigureAwait(false);
                await UploadCheckpointsAsync(checkpoints, stop).ConfigureAwait(false);
                // Sleep until the next pull, or until a task ends so its end is reported at once.
                await _wake.WaitAsync(_options.PollInterval, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            await ShutDownAsync().ConfigureAwait(false);
            if (dataServer is not null)
                await dataServer.DisposeAsync().ConfigureAwait(false);
            _grantKey?.Dispose();
        }
    }

    // The data server checks staging grants with the control plane's key, fetched once (it is the ledger's, which does not change).
    private async Task<Microsoft.AspNetCore.Builder.WebApplication?> StartDataServerAsync(CancellationToken stop)
    {
        if (_options.DataListen is not { } listen)
            return null;
        _grantKey = await _retry.ExecuteAsync(async ct => await _client.GrantKeyAsync(ct).ConfigureAwait(false), stop).ConfigureAwait(false)
            ?? throw new AgentRejectedException("the server did not give its public key (GET /v1/ledger/key), so the agent cannot check staging grants");
        var key = _grantKey;
        var server = await new Staging.DatasetServer(StagingInputStager.DataRoot(_options.WorkDirectory), () => key, TimeProvider.System)
            .StartAsync(listen, stop).ConfigureAwait(false);
        var bound = new Uri(server.Urls.First());
        _dataUrl = _options.DataUrl ?? (bound.Host is "0.0.0.0" or "[::]" or "::"
            ? throw new AgentRejectedException($"the data server listens on {bound}; say with --data-url where other agents reach it")
            : bound);
        Log($"serving replicas under {StagingInputStager.DataRoot(_options.WorkDirectory)} at {_dataUrl}");
        return server;
    }

    private async Task RegisterAsync(CancellationToken stop)
    {
        Machine ??= await MachineProbe.DescribeAsync(stop).ConfigureAwait(false);
        var rating = MeasurementCache.Get(_options.WorkDirectory, _options.SkipMeasure, _options.Remeasure, _options.Measurement, TimeProvider.System, stop);
        var document = AgentRegistration.Document(_options, Machine, rating);
        var answer = await _retry.ExecuteAsync(async ct => await _client.RegisterAsync(_options.Site, _options.Name, document, ct).ConfigureAwait(false), stop).ConfigureAwait(false);
        if (!answer.Ok)
            throw new AgentRejectedException($"the server refused to register pool {_options.PoolId} ({answer.Status}): {answer.Detail()}");
        Log(string.Create(CultureInfo.InvariantCulture, $"registered pool {_options.PoolId}: {Machine.Cores} CPU, {Machine.MemoryBytes >> 20} MiB, {Machine.Gpus.Count} GPU(s), CU {rating.ComputeUnits?.ToString("G4", CultureInfo.InvariantCulture) ?? "not measured"}, grade {rating.Grade ?? "-"}"));
    }

    // The work of this pool, or null when the server answers 404 (the pool is unknown: register again).
    private async Task<PulledWork?> PullAsync(CancellationToken cancel)
    {
        var (answer, work) = await _client.PullAsync(_options.Site, _options.Name, _dataUrl, cancel).ConfigureAwait(false);
        if (answer.Status == 404)
            return null;
        if (answer.Status is 401 or 403)
            throw new AgentRejectedException($"the server refused the agent's token ({answer.Status}): {answer.Detail()}");
        if (!answer.Ok)
            throw new AgentServerUnreachableException($"pull answered {answer.Status}: {answer.Detail()}");
        return work;
    }

    private void Apply(PulledWork work, TaskRunner runner, CancellationToken stop)
    {
        var state = _state!;
        foreach (var id in work.Stop)
        {
            if (_running.TryGetValue(id, out var running))
            {
                Log($"stopping task {id} (the server listed it in stop)");
                running.Stop.Cancel();
            }
            else if (state.Find(id) is not null)
            {
                state.Unacknowledge(id); // the server still waits for its end
            }
            else if (state.TryTake(id))
            {
                state.Finish(id, TaskPhase.Cancelled, null, "stopped by the server before it started");
            }
        }
        foreach (var request in work.Run)
        {
            if (_running.ContainsKey(request.TaskId) || work.Stop.Contains(request.TaskId))
                continue;
            if (state.Find(request.TaskId) is { } known)
            {
                state.Unacknowledge(known.TaskId); // ran before (maybe before a restart of either side): report its end again, never run it again
                continue;
            }
            if (!state.TryTake(request.TaskId))
                continue;
            var task = new RunningTask(CancellationTokenSource.CreateLinkedTokenSource(stop), request);
            _running[request.TaskId] = task;
            Log($"starting task {request.TaskId} of job {request.JobId} (tenant {request.Tenant})");
            task.Completion = Task.Run(() => RunTaskAsync(request, runner, task), CancellationToken.None);
        }
    }

    private async Task RunTaskAsync(TaskRequest request, TaskRunner runner, RunningTask task)
    {
        TaskOutcome outcome;
        try
        {
            outcome = await runner.RunAsync(request, text => _output.Append(request.TaskId, text), () => _runningReports[request.TaskId] = true,
                (pid, start) => _state!.SetProcess(request.TaskId, pid, start), task.Stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            outcome = new TaskOutcome(TaskPhase.Failed, null, $"the agent could not run the task: {ex.Message}");
        }
        if (outcome.Phase == TaskPhase.Succeeded)
            outcome = await PublishOutputsAsync(request, outcome, task.Stop.Token).ConfigureAwait(false);
        _state!.Finish(request.TaskId, outcome.Phase, outcome.ExitCode, outcome.Message);
        _runningReports.TryRemove(request.TaskId, out _);
        _running.TryRemove(request.TaskId, out _);
        task.Stop.Dispose();
        Log($"task {request.TaskId} {outcome.Phase.ToString().ToLowerInvariant()}{(outcome.ExitCode is { } code ? $" (exit {code})" : "")}{(outcome.Message is { } m ? $": {m}" : "")}");
        _wake.Release();
    }

    private async Task UploadCheckpointsAsync(CheckpointKeeper checkpoints, CancellationToken stop)
    {
        try
        {
            await checkpoints.UploadAsync([.. _running.Values.Select(t => t.Request)], DateTimeOffset.UtcNow, stop).ConfigureAwait(false);
        }
        catch (AgentServerUnreachableException ex)
        {
            Log($"checkpoints paused: {ex.Message}");
        }
    }

    // A task succeeds only once its outputs are a replica here and registered (retried while the server is unreachable).
    private async Task<TaskOutcome> PublishOutputsAsync(TaskRequest request, TaskOutcome outcome, CancellationToken cancel)
    {
        try
        {
            var directory = TaskDirectory.PathOf(_options.WorkDirectory, request.Tenant, request.TaskId);
            if (await OutputPublisher.CollectAsync(request, directory, _options.WorkDirectory, cancel).ConfigureAwait(false) is not { } files)
                return outcome;
            var answer = await _retry.ExecuteAsync(async ct => await _client.OutputsAsync(request.TaskId, files, ct).ConfigureAwait(false), cancel).ConfigureAwait(false);
            if (!answer.Ok)
                return new TaskOutcome(TaskPhase.Failed, outcome.ExitCode, $"its outputs could not be registered ({answer.Status}): {answer.Detail()}");
            Log(string.Create(CultureInfo.InvariantCulture, $"task {request.TaskId}: outputs registered as {Staging.DatasetPaths.OutputDataset(request.TaskId)} ({files.Count} file(s), {files.Sum(f => f.Size)} bytes)"));
            return outcome;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return new TaskOutcome(TaskPhase.Failed, outcome.ExitCode, $"its outputs could not be kept: {ex.Message}");
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return new TaskOutcome(TaskPhase.Cancelled, outcome.ExitCode, "stopped while its outputs were registered");
        }
    }

    /// <summary>Sends 'running' reports, then output, then final phases (a task's end only after all its output). Stops at the first unreachable answer.</summary>
    private async Task FlushAsync(CancellationToken cancel)
    {
        try
        {
            foreach (var id in _runningReports.Keys.Order(StringComparer.Ordinal).ToList())
            {
                var answer = await _client.ReportAsync(id, TaskPhase.Running, null, null, cancel).ConfigureAwait(false);
                if (answer.Ok)
                    _runningReports.TryRemove(id, out _);
            }
            foreach (var id in _output.Tasks())
            {
                while (_output.Peek(id) is { } chunk)
                {
                    var answer = await _client.LogAsync(id, chunk, cancel).ConfigureAwait(false);
                    if (!answer.Ok)
                        break; // unknown to the server for now (it restarted and has not re-submitted the task yet): keep it
                    _output.Consume(id, chunk);
                }
            }
            foreach (var record in _state!.Unreported())
            {
                if (_output.Has(record.TaskId))
                    continue;
                var answer = await _client.ReportAsync(record.TaskId, record.Phase, record.ExitCode, record.Message, cancel).ConfigureAwait(false);
                if (answer.Ok)
                    _state.MarkReported(record.TaskId);
            }
        }
        catch (AgentServerUnreachableException ex)
        {
            Log($"reporting paused: {ex.Message}");
        }
    }

    // Stopping the agent stops its tasks (their process groups are killed) and tries once to say so.
    private async Task ShutDownAsync()
    {
        foreach (var task in _running.Values)
            task.Stop.Cancel();
        await Task.WhenAll(_running.Values.Select(t => t.Completion ?? Task.CompletedTask)).ConfigureAwait(false);
        using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await FlushAsync(quick.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Log(string line)
    {
        if (_options.Log is { } log)
        {
            lock (log)
                log.WriteLine($"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} agent {_options.PoolId}: {line}");
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _client.Dispose();
        _wake.Dispose();
    }

    private sealed class RunningTask(CancellationTokenSource stop, TaskRequest request)
    {
        public CancellationTokenSource Stop { get; } = stop;

        public TaskRequest Request { get; } = request;

        public Task? Completion { get; set; }
    }
}
