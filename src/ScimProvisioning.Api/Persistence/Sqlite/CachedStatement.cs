using Microsoft.Data.Sqlite;

namespace ScimProvisioning.Api.Persistence.Sqlite;

/// <summary>A command kept prepared on its connection, and the reader it last produced.</summary>
internal sealed class CachedStatement(SqliteCommand command)
{
    public SqliteCommand Command { get; } = command;

    public SqliteDataReader? Reader { get; set; }

    public bool Busy => Reader is { IsClosed: false };
}
