using Suanwang.Server.Store;

namespace Suanwang.Server;

/// <summary>How a control-plane process runs.</summary>
/// <param name="Store">Where its state lives.</param>
/// <param name="Urls">What it listens on, e.g. <c>http://127.0.0.1:5080</c>.</param>
/// <param name="DataDirectory">Where it keeps files other than the database (the ledger's signing key).</param>
/// <param name="RequestsPerSecond">Sustained requests per second allowed to one principal (token, or client address without one).</param>
/// <param name="Burst">Requests one principal may make at once above the sustained rate.</param>
/// <param name="Topology">The topology preset the scheduling loop plans on (pools run by simulated providers until real adapters attach).</param>
/// <param name="SpeedUp">Simulated providers run a job's run time divided by this (the demo uses 60: an hour of work in a minute).</param>
/// <param name="Schedule">Whether this process runs the scheduling loop (it still only schedules while it holds the leader lease).</param>
public sealed record ServerSettings(
    StoreLocation Store,
    IReadOnlyList<string> Urls,
    string DataDirectory,
    int RequestsPerSecond = 20_000,
    int Burst = 20_000,
    string Topology = "china-national",
    double SpeedUp = 1,
    bool Schedule = true)
{
    /// <summary>Providers driven through their own schedulers (<c>serve --providers FILE</c>); their pools are not simulated.</summary>
    public IReadOnlyList<Southbound.ConfiguredProvider> Providers { get; init; } = [];

    /// <summary>How long an agent may go without pulling before its site counts as down; null for <see cref="Agents.AgentAdapter.DefaultHeartbeatTimeout"/>.</summary>
    public TimeSpan? AgentHeartbeatTimeout { get; init; }

    /// <summary>The ledger's signing key, inside <see cref="DataDirectory"/>.</summary>
    public string LedgerKeyPath => Path.Combine(DataDirectory, "ledger-key.pem");

    /// <summary>The default address: loopback only, so a fresh install is not exposed.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";
}
