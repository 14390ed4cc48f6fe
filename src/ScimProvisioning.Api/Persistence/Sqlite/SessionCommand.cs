using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace ScimProvisioning.Api.Persistence.Sqlite;

/// <summary>
/// The command EF Core fills in and runs. Parameters are collected on a detached command and copied onto the
/// session's prepared command for the same SQL text when it runs; disposing it leaves the prepared one alone.
/// </summary>
internal sealed class SessionCommand(SqliteSession session) : DbCommand
{
    private readonly SqliteCommand _parameters = new();
    private SqliteCommand? _oneOff;

    [AllowNull]
    public override string CommandText { get; set; } = string.Empty;

    public override int CommandTimeout { get; set; } = 30;

    public override CommandType CommandType { get; set; } = CommandType.Text;

    public override bool DesignTimeVisible { get; set; }

    public override UpdateRowSource UpdatedRowSource { get; set; }

    protected override DbConnection? DbConnection
    {
        get => session.Connection;
        set
        {
            if (value is not null && !ReferenceEquals(value, session.Connection))
            {
                throw new InvalidOperationException("A session command runs only on its own connection.");
            }
        }
    }

    protected override DbParameterCollection DbParameterCollection => _parameters.Parameters;

    protected override DbTransaction? DbTransaction { get; set; }

    public override void Cancel() { }

    public override void Prepare() { }

    public override int ExecuteNonQuery()
    {
        var (command, _) = Bind();
        return command.ExecuteNonQuery();
    }

    public override object? ExecuteScalar()
    {
        var (command, _) = Bind();
        return command.ExecuteScalar();
    }

    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior)
    {
        var (command, cached) = Bind();
        var reader = command.ExecuteReader(behavior);
        if (cached is not null)
        {
            cached.Reader = reader;
        }

        return reader;
    }

    protected override DbParameter CreateDbParameter() => new SqliteParameter();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _parameters.Dispose();
            _oneOff?.Dispose();
        }

        base.Dispose(disposing);
    }

    private (SqliteCommand Command, CachedStatement? Cached) Bind()
    {
        var cached = session.Statement(CommandText);
        var command = cached?.Command ?? (_oneOff ??= session.Connection.CreateCommand());
        if (cached is null)
        {
            command.CommandText = CommandText;
        }

        command.CommandTimeout = CommandTimeout;
        command.Transaction = (SqliteTransaction?)DbTransaction;
        command.Parameters.Clear();
        foreach (SqliteParameter parameter in _parameters.Parameters)
        {
            command.Parameters.Add(parameter);
        }

        return (command, cached);
    }
}
