using System.CommandLine;
using Suanwang.Server.Access;
using Suanwang.Server.Store;

namespace Suanwang.Cli;

/// <summary>
/// <c>suanwang token create</c>: make an API token straight in the store (whoever can open the
/// database is trusted to mint tokens — that is how the first operator token comes to exist). The
/// token is printed once; only its hash is stored.
/// </summary>
internal static class TokenCommand
{
    public static Command Create(CliConsole console)
    {
        var role = new Option<string>("--role") { Description = "operator, provider or tenant.", Required = true };
        var tenant = new Option<string>("--tenant") { Description = "The tenant a tenant token acts for." };
        var provider = new Option<string>("--provider") { Description = "The provider a provider token acts for." };
        var name = new Option<string>("--name") { Description = "The operator's name (default operator)." };
        var db = new Option<string>("--db") { Description = "sqlite:PATH (default sqlite:.suanwang/state.db) or postgres:CONNECTION-STRING." };
        var create = new Command("create", "Create a token and print it (once).") { role, tenant, provider, name, db };
        create.SetAction((parse, cancel) => CreateAsync(console, parse.GetValue(role)!, parse.GetValue(tenant), parse.GetValue(provider),
            parse.GetValue(name), parse.GetValue(db), cancel));
        return new Command("token", "Manage API tokens.") { create };
    }

    private static async Task<int> CreateAsync(CliConsole console, string roleText, string? tenant, string? provider, string? name, string? db, CancellationToken cancel)
    {
        if (!Enum.TryParse<Role>(roleText, ignoreCase: true, out var role) || !Enum.IsDefined(role) || char.IsDigit(roleText[0]))
            return console.InvalidInput($"--role '{roleText}': expected operator, provider or tenant");
        var subject = role switch
        {
            Role.Tenant => tenant,
            Role.Provider => provider,
            _ => name ?? "operator",
        };
        if (string.IsNullOrWhiteSpace(subject))
            return console.InvalidInput(role == Role.Tenant ? "a tenant token needs --tenant T" : "a provider token needs --provider P");
        if ((role != Role.Tenant && tenant is not null) || (role != Role.Provider && provider is not null))
            return console.InvalidInput($"--tenant goes with --role tenant and --provider with --role provider");
        if (subject.Length > 100 || subject.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            return console.InvalidInput($"'{subject}': names are at most 100 characters without spaces or control characters");
        if (!StoreLocation.TryParse(db ?? $"sqlite:{Path.Combine(ServeCommand.DefaultDataDirectory, "state.db")}", out var location, out var error))
            return console.InvalidInput(error!);
        try
        {
            await using var store = await ControlStore.OpenAsync(location!, TimeProvider.System, cancel).ConfigureAwait(false);
            var (token, record) = ApiToken.Create(role, subject, store.Now);
            await store.AddTokenAsync(record, cancel).ConfigureAwait(false);
            console.Output.WriteLine(token);
            console.Error.WriteLine($"created {role.ToString().ToLowerInvariant()} token {record.Id} for '{subject}' in {location}; it is shown only now");
            return ExitCodes.Ok;
        }
        catch (StoreException ex)
        {
            return console.InvalidInput(ex.Message);
        }
    }
}
