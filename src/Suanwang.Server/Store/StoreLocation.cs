namespace Suanwang.Server.Store;

/// <summary>Which database engine holds the control plane's state.</summary>
public enum StoreKind
{
    /// <summary>An embedded SQLite file (WAL), the default.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server, for scale-out with several <c>serve</c> replicas.</summary>
    Postgres,
}

/// <summary>
/// Where the store lives, as written on the command line: <c>sqlite:PATH</c> or <c>postgres:CONNSTR</c>
/// (an Npgsql connection string such as <c>Host=127.0.0.1;Port=5432;Username=u;Database=d</c>).
/// </summary>
/// <param name="Kind">The engine.</param>
/// <param name="Target">The SQLite file path, or the PostgreSQL connection string.</param>
public sealed record StoreLocation(StoreKind Kind, string Target)
{
    /// <summary>Parses <c>sqlite:PATH</c> or <c>postgres:CONNSTR</c>; the error names what was expected.</summary>
    public static bool TryParse(string text, out StoreLocation? location, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        location = null;
        error = null;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var scheme = colon < 0 ? "" : text[..colon];
        var target = colon < 0 ? "" : text[(colon + 1)..].Trim();
        if (scheme is not ("sqlite" or "postgres" or "postgresql"))
        {
            error = $"--db '{text}': expected sqlite:PATH or postgres:CONNECTION-STRING";
            return false;
        }
        if (target.Length == 0)
        {
            error = $"--db '{text}': the {(scheme == "sqlite" ? "file path" : "connection string")} after '{scheme}:' is empty";
            return false;
        }
        location = new StoreLocation(scheme == "sqlite" ? StoreKind.Sqlite : StoreKind.Postgres, target);
        return true;
    }

    /// <summary>The form <see cref="TryParse"/> reads, with a PostgreSQL password masked.</summary>
    public override string ToString() => Kind == StoreKind.Sqlite
        ? $"sqlite:{Target}"
        : "postgres:" + string.Join(';', Target.Split(';').Select(part =>
            part.TrimStart().StartsWith("Password", StringComparison.OrdinalIgnoreCase) ? "Password=***" : part));
}
