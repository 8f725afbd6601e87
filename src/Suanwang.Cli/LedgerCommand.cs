using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Suanwang.Cli.Client;
using Suanwang.Server.Ledger;

namespace Suanwang.Cli;

/// <summary>
/// <c>suanwang ledger verify</c>: checks, trusting only the public key pinned on the first run, that the
/// server's current tree head is signed, that it extends the head this client saw last (consistency
/// proof), and that the given entries — or every entry the token may read — are in it unchanged
/// (inclusion proofs, recomputed leaf hashes, and the copies kept from earlier runs). The pinned key,
/// the last head and the kept entries are saved in a state file after a successful run.
/// </summary>
internal static class LedgerCommand
{
    public static Command Create(CliConsole console)
    {
        var state = new Option<string>("--state") { Description = "Where the pinned key, last head and kept entries live (default: the config directory, one file per server)." };
        var entries = new Option<long[]>("--entry") { Description = "Entry indexes to check (repeatable).", AllowMultipleArgumentsPerToken = true };
        var all = new Option<bool>("--all") { Description = "Check every entry this token may read." };
        var (server, token, json) = (ClientSettings.ServerOption(), ClientSettings.TokenOption(), CommonOptions.Json());
        var verify = new Command("verify", "Verify the ledger: signed head, consistency with the head seen last, inclusion of entries.")
        {
            state, entries, all, server, token, json,
        };
        verify.SetAction(async (parse, cancel) =>
        {
            var (settings, error) = ClientSettings.Resolve(parse.GetValue(server), parse.GetValue(token));
            if (settings is null)
                return console.InvalidInput(error!);
            using var client = new ApiClient(settings);
            return await VerifyAsync(console, client, parse.GetValue(state) ?? DefaultStatePath(settings.Server), parse.GetValue(entries) ?? [],
                parse.GetValue(all), parse.GetValue(json), cancel).ConfigureAwait(false);
        });
        return new Command("ledger", "Check the tamper-evident ledger of placements, cancellations, orders and settlements.") { verify };
    }

    private static async Task<int> VerifyAsync(CliConsole console, ApiClient client, string statePath, long[] indexes, bool all, bool json, CancellationToken cancel)
    {
        var saved = VerifierState.Load(statePath, out var stateError);
        if (stateError is not null)
            return console.InvalidInput(stateError);
        var key = await client.SendAsync(HttpMethod.Get, "/v1/ledger/key", null, null, cancel).ConfigureAwait(false);
        if (!key.Ok)
            return Failed(console, key);
        var serverKey = key.Body!.Value.GetProperty("public_key_pem").GetString()!;
        if (saved.PublicKeyPem is { } pinned && pinned.Trim() != serverKey.Trim())
            return Report(console, json, statePath, null, [new LedgerFailure(LedgerFailureKind.BadSignature, null,
                $"the server's ledger key is not the one pinned in {statePath}; a log under another key proves nothing about this one")], 0);
        var headResponse = await client.SendAsync(HttpMethod.Get, "/v1/ledger/head", null, null, cancel).ConfigureAwait(false);
        if (!headResponse.Ok)
            return Failed(console, headResponse);
        var head = headResponse.Body!.Value.Deserialize<SignedTreeHead>()!;

        ConsistencyProof? consistency = null;
        if (saved.Head is { } previous && previous.TreeSize > 0 && previous.TreeSize <= head.TreeSize)
        {
            var proof = await client.SendAsync(HttpMethod.Get, Invariant($"/v1/ledger/proofs/consistency?first={previous.TreeSize}&second={head.TreeSize}"), null, null, cancel).ConfigureAwait(false);
            if (!proof.Ok)
                return Failed(console, proof);
            consistency = proof.Body!.Value.Deserialize<ConsistencyProof>();
        }

        var wanted = new SortedSet<long>(indexes);
        if (all)
        {
            for (long? from = 0; from is not null && from < head.TreeSize;)
            {
                var page = await client.SendAsync(HttpMethod.Get, Invariant($"/v1/ledger/entries?from={from}&limit=1000"), null, null, cancel).ConfigureAwait(false);
                if (!page.Ok)
                    return Failed(console, page);
                foreach (var e in page.Body!.Value.GetProperty("entries").EnumerateArray())
                {
                    if (e.GetProperty("index").GetInt64() < head.TreeSize)
                        wanted.Add(e.GetProperty("index").GetInt64());
                }
                from = page.Body.Value.GetProperty("next").ValueKind == JsonValueKind.Number ? page.Body.Value.GetProperty("next").GetInt64() : null;
            }
        }
        var checks = new List<LedgerEntryCheck>();
        var kept = new Dictionary<long, string>(saved.Entries);
        foreach (var index in wanted)
        {
            var entry = await client.SendAsync(HttpMethod.Get, Invariant($"/v1/ledger/entries/{index}"), null, null, cancel).ConfigureAwait(false);
            if (!entry.Ok)
                return Failed(console, entry);
            var proof = await client.SendAsync(HttpMethod.Get, Invariant($"/v1/ledger/proofs/inclusion?index={index}&tree_size={head.TreeSize}"), null, null, cancel).ConfigureAwait(false);
            if (!proof.Ok)
                return Failed(console, proof);
            var bytes = entry.Body!.Value.GetProperty("bytes").GetBytesFromBase64();
            checks.Add(new LedgerEntryCheck(index, bytes, proof.Body!.Value.Deserialize<InclusionProof>()!,
                entry.Body.Value.GetProperty("leaf_hash").GetBytesFromBase64(),
                saved.Entries.TryGetValue(index, out var copy) ? Convert.FromBase64String(copy) : default));
            kept.TryAdd(index, Convert.ToBase64String(bytes));
        }

        using var verifier = new LedgerVerifier(saved.PublicKeyPem ?? serverKey);
        var result = verifier.Verify(saved.Head, head, consistency, checks);
        if (result.Ok)
            new VerifierState(serverKey, head, kept).Save(statePath);
        return Report(console, json, statePath, head, result.Failures, checks.Count, saved.Head?.TreeSize);
    }

    private static int Report(CliConsole console, bool json, string statePath, SignedTreeHead? head, IReadOnlyList<LedgerFailure> failures, int checkedEntries, long? previousSize = null)
    {
        if (json)
        {
            console.WriteJson(new
            {
                Ok = failures.Count == 0,
                TreeSize = head?.TreeSize,
                PreviousTreeSize = previousSize,
                EntriesChecked = checkedEntries,
                Failures = failures.Select(f => new { Kind = f.Kind.ToString(), f.Index, f.Message }),
            });
        }
        else if (failures.Count == 0)
        {
            console.Output.WriteLine(previousSize is { } before
                ? Invariant($"ok: the signed head of {head!.TreeSize} entries extends the head of {before} seen before; {checkedEntries} entries included and unchanged")
                : Invariant($"ok: the signed head of {head!.TreeSize} entries verifies (first visit: key and head pinned in {statePath}); {checkedEntries} entries included"));
        }
        else
        {
            foreach (var failure in failures)
                console.Error.WriteLine($"FAILED {failure.Kind}{(failure.Index is { } i ? Invariant($" entry {i}") : "")}: {failure.Message}");
        }
        return failures.Count == 0 ? ExitCodes.Ok : ExitCodes.InvalidInput;
    }

    private static int Failed(CliConsole console, ApiResponse response)
    {
        console.Error.WriteLine($"error: {response.Error}");
        return ExitCodes.InvalidInput;
    }

    private static string DefaultStatePath(Uri server)
    {
        var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(config, "suanwang", $"ledger-{server.Host}-{server.Port}.json");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
