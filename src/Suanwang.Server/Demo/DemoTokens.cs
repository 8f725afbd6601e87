using System.Text.Json;
using Suanwang.Server.Access;
using Suanwang.Server.Store;

namespace Suanwang.Server.Demo;

/// <summary>
/// The demo's operator and tenant tokens. Created on the first <c>serve --demo</c> and kept (mode 0600)
/// in the data directory, so a restart prints the same tokens and clients keep working; if the file
/// exists but the store no longer knows its tokens (a new database), new ones are made.
/// </summary>
public sealed record DemoTokens(string Operator, string Tenant, string Provider)
{
    /// <summary>The tenant the demo's example jobs belong to.</summary>
    public const string TenantName = "demo";

    /// <summary>The file, inside the data directory.</summary>
    public const string FileName = "demo-tokens.json";

    /// <summary>Loads the saved tokens if they still work, else creates, stores and saves new ones.</summary>
    public static async Task<DemoTokens> EnsureAsync(ControlStore store, string dataDirectory, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(store);
        var path = Path.Combine(dataDirectory, FileName);
        if (File.Exists(path)
            && JsonSerializer.Deserialize<DemoTokens>(await File.ReadAllTextAsync(path, cancel).ConfigureAwait(false), Json.Options) is { } saved
            && await IsKnownAsync(store, saved.Operator, cancel).ConfigureAwait(false)
            && await IsKnownAsync(store, saved.Tenant, cancel).ConfigureAwait(false)
            && await IsKnownAsync(store, saved.Provider, cancel).ConfigureAwait(false))
            return saved;

        var now = store.Now;
        var (operatorToken, operatorRecord) = ApiToken.Create(Role.Operator, "demo-operator", now);
        var (tenantToken, tenantRecord) = ApiToken.Create(Role.Tenant, TenantName, now);
        var (providerToken, providerRecord) = ApiToken.Create(Role.Provider, "demo-provider", now);
        foreach (var record in new[] { operatorRecord, tenantRecord, providerRecord })
            await store.AddTokenAsync(record, cancel).ConfigureAwait(false);
        var tokens = new DemoTokens(operatorToken, tenantToken, providerToken);
        Directory.CreateDirectory(dataDirectory);
        if (File.Exists(path))
            File.Delete(path);
        // Created readable by the owner only from the first byte (not chmod-ed after writing).
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using (var file = new FileStream(path, options))
            await JsonSerializer.SerializeAsync(file, tokens, Json.Options, cancel).ConfigureAwait(false);
        return tokens;
    }

    private static async Task<bool> IsKnownAsync(ControlStore store, string token, CancellationToken cancel) =>
        ApiToken.TryParse(token, out var id, out var secret)
        && await store.FindTokenAsync(id, cancel).ConfigureAwait(false) is { RevokedAt: null } record
        && ApiToken.Matches(record, secret);
}
