using Suanwang.Core.Model;
using Suanwang.Providers.Adapters;
using Suanwang.Providers.Staging;
using Suanwang.Server.Agents;
using Suanwang.Server.Ledger;
using Suanwang.Server.Store;

namespace Suanwang.Server.Scheduling;

/// <summary>
/// Turns a placement's staging plan into what a task's provider needs to fetch its inputs: for each
/// input dataset, the replica site the plan chose, the agents there that serve data, the registered
/// files and checksums, the reserved rate, and a signed grant to read exactly that dataset.
/// </summary>
/// <remarks>
/// Rules (docs/providers.md, Staging): a part whose site the plan staged the dataset to reads from the
/// transfer's source site, paced to the transfer's reserved bandwidth divided among the parts at that
/// site that fetch it (agents of different pools keep separate replicas, so each part fetches); a part at
/// a site holding a replica reads from agents at its own site, unpaced (no backbone link is used). A grant
/// lasts until six hours after the later of now and the part's start.
/// </remarks>
internal sealed class TaskStaging(ControlStore store, AgentAdapter agents, LedgerSigner signer, TimeProvider clock)
{
    /// <summary>How long after the planned start (or now, if later) a grant stays valid.</summary>
    public static readonly TimeSpan GrantLifetime = TimeSpan.FromHours(6);

    /// <summary>The inputs of part <paramref name="part"/> of <paramref name="placement"/>; <paramref name="inputs"/> are tenant-qualified dataset ids.</summary>
    public async Task<IReadOnlyList<StagingInput>> InputsAsync(string tenant, IReadOnlyList<string> inputs, PlacementDocument placement, int part, string taskId, CancellationToken cancel)
    {
        if (inputs.Count == 0)
            return [];
        var site = placement.Parts.Count > 0 ? placement.Parts[part].Site : placement.Site;
        var start = placement.Parts.Count > 0 ? placement.Parts[part].Start : placement.Start;
        var now = clock.GetUtcNow();
        var expires = (start > now ? start : now).Add(GrantLifetime).ToUnixTimeSeconds();
        var fetchersAtSite = Math.Max(1, placement.Parts.Count(p => p.Site == site));
        var result = new List<StagingInput>(inputs.Count);
        foreach (var qualified in inputs)
        {
            var name = qualified[(tenant.Length + 1)..];
            var stored = await store.FindObjectAsync("datasets", qualified, cancel).ConfigureAwait(false);
            var files = stored is null ? null : DatasetDocument.Read(stored.Body).Files;
            var transfer = placement.Transfers.FirstOrDefault(t => t.Dataset == qualified && t.ToSite == site);
            var (from, rate) = transfer is null ? (site, 0L) : (transfer.FromSite, Math.Max(1, transfer.BitsPerSecond / 8 / fetchersAtSite));
            var grant = signer.SignGrant(new StagingGrant(tenant, name, taskId, expires));
            result.Add(new StagingInput(tenant, name, from, agents.DataSources(from), files, rate, grant));
        }
        return result;
    }
}
