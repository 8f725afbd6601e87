using System.Data.Common;

namespace Suanwang.Server.Store;

/// <summary>Small ADO.NET helpers shared by both engines: commands with named parameters, and column readers.</summary>
internal static class Sql
{
    /// <summary>A command with <c>@name</c> parameters; null values are sent as SQL NULL of type text.</summary>
    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string text, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // The text is always one of this assembly's constants; values go through parameters.
        command.CommandText = text;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            parameter.Value = value ?? DBNull.Value;
            if (value is null)
                parameter.DbType = System.Data.DbType.String; // every nullable parameter is text; PostgreSQL must be told its type
            command.Parameters.Add(parameter);
        }
        return command;
    }

    /// <summary>Runs a statement and returns the number of rows it changed.</summary>
    public static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string text, CancellationToken cancel, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, text, parameters);
        return await command.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
    }

    /// <summary>Runs a query and maps every row.</summary>
    public static async Task<List<T>> QueryAsync<T>(DbConnection connection, DbTransaction? transaction, string text, Func<DbDataReader, T> map, CancellationToken cancel, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, text, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancel).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancel).ConfigureAwait(false))
            rows.Add(map(reader));
        return rows;
    }

    /// <summary>Microseconds since the Unix epoch: how every instant is stored (sortable, engine-neutral).</summary>
    public static long Micros(DateTimeOffset at) => (at.UtcTicks - DateTime.UnixEpoch.Ticks) / 10;

    /// <summary>The instant stored as <see cref="Micros"/>.</summary>
    public static DateTimeOffset Instant(long micros) => new(DateTime.UnixEpoch.Ticks + (micros * 10), TimeSpan.Zero);

    /// <summary>A nullable text column.</summary>
    public static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
