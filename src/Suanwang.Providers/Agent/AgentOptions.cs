using Suanwang.Providers.Measurement;

namespace Suanwang.Providers.Agent;

/// <summary>How a <c>suanwang agent</c> runs (docs/providers.md, "The agent").</summary>
public sealed record AgentOptions
{
    /// <summary>The control plane's URL.</summary>
    public required Uri Server { get; init; }

    /// <summary>A provider token of the site's provider.</summary>
    public required string Token { get; init; }

    /// <summary>The site the pool belongs to.</summary>
    public required string Site { get; init; }

    /// <summary>The pool's name within the site; the pool id is <c>{Site}/{Name}</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Where the agent keeps its state file, measurement and task directories.</summary>
    public required string WorkDirectory { get; init; }

    /// <summary>The pool id.</summary>
    public string PoolId => $"{Site}/{Name}";

    /// <summary>Time between pulls (each pull is the heartbeat; the server's timeout is 30 s).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>First delay before retrying an unreachable server; doubles (with jitter) up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(0.5);

    /// <summary>The longest delay between retries.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Timeout of one request to the server.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Pool kind to register: hpc, ai, general or edge.</summary>
    public string Kind { get; init; } = "general";

    /// <summary>List price per CU-hour.</summary>
    public string PricePerCuHour { get; init; } = "1.00 CNY";

    /// <summary>Power usage effectiveness of the machine's facility.</summary>
    public double Pue { get; init; } = 1.5;

    /// <summary>Carbon intensity of its electricity, g CO₂e per kWh.</summary>
    public double CarbonGramsPerKwh { get; init; } = 550;

    /// <summary>Catalogue model of the machine's GPUs (all found GPUs count), or null to register a CPU-only pool.</summary>
    public string? AcceleratorModel { get; init; }

    /// <summary>Point of presence to create the site at when it does not exist; null to require an existing site.</summary>
    public string? CreateSiteAt { get; init; }

    /// <summary>Tier of a created site.</summary>
    public string CreateSiteTier { get; init; } = "edge";

    /// <summary>Jurisdiction of a created site.</summary>
    public string? CreateSiteJurisdiction { get; init; }

    /// <summary>Register without CU and grade (no micro-benchmark).</summary>
    public bool SkipMeasure { get; init; }

    /// <summary>Measure again even when a cached measurement exists.</summary>
    public bool Remeasure { get; init; }

    /// <summary>Settings of the micro-benchmark.</summary>
    public MatrixMultiplyOptions Measurement { get; init; } = new() { Repetitions = 3 };

    /// <summary>Most processes per task (cgroup pids.max or RLIMIT_NPROC).</summary>
    public int MaxProcesses { get; init; } = 4096;

    /// <summary>Most open files per process of a task (RLIMIT_NOFILE).</summary>
    public int MaxOpenFiles { get; init; } = 4096;

    /// <summary>Stages inputs before a task runs; none by default (the command uses <see cref="StagingInputStager"/>).</summary>
    public ITaskInputStager Stager { get; init; } = new NoInputStaging();

    /// <summary>
    /// Where the agent's data server listens (e.g. <c>http://0.0.0.0:7070</c>; port 0 picks a free one), serving the
    /// replicas under <c>{work-dir}/data</c> to other agents; null serves nothing.
    /// </summary>
    public string? DataListen { get; init; }

    /// <summary>The address other agents reach the data server at; null for the address it listens on (which must then not be 0.0.0.0).</summary>
    public Uri? DataUrl { get; init; }

    /// <summary>An HTTP handler to reach the server through (tests), or null for the default.</summary>
    public HttpMessageHandler? Handler { get; init; }

    /// <summary>The least time between two uploads of one task's changed checkpoint (<c>$SUANWANG_CHECKPOINT</c>).</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Where the agent writes its log lines, or null for none.</summary>
    public TextWriter? Log { get; init; }
}
