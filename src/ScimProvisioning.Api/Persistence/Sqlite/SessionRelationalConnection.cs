using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;
using Microsoft.EntityFrameworkCore.Storage;

namespace ScimProvisioning.Api.Persistence.Sqlite;

/// <summary>
/// EF Core's SQLite connection service for a pooled DbContext: the context owns one <see cref="SqliteSession"/>
/// for its whole life, so the connection and its prepared statements survive from request to request, and the
/// DbContext pool is the connection pool. EF's own connection set-up is skipped on purpose: it registers about a
/// dozen SQL functions on the connection, and re-registering a function makes SQLite discard every prepared
/// statement; those functions serve decimal arithmetic and <c>Regex.IsMatch</c>, which the model does not use.
/// </summary>
#pragma warning disable EF1001 // Internal EF Core API: the documented way to swap a provider service.
internal sealed class SessionRelationalConnection(
    RelationalConnectionDependencies dependencies,
    IRawSqlCommandBuilder rawSqlCommandBuilder,
    IDiagnosticsLogger<DbLoggerCategory.Infrastructure> logger
) : SqliteRelationalConnection(dependencies, rawSqlCommandBuilder, logger)
{
    private SqliteSession? _session;

    protected override DbConnection CreateDbConnection()
    {
        var synchronous = Dependencies.ContextOptions.FindExtension<SqliteSessionOptions>()?.Synchronous ?? "FULL";
        _session = SqliteSession.Open(GetValidatedConnectionString(), synchronous);
        return _session.Connection;
    }

    // Between leases of the pooled context the connection stays open (EF has already rolled back any transaction
    // left open); a connection still inside a transaction after that is not trusted and is replaced.
    protected override void CloseDbConnection()
    {
        if (_session is null)
        {
            return;
        }

        if (!_session.IsReusable)
        {
            _session.Reopen();
        }

        _session.ExitWrite();
    }

    protected override Task CloseDbConnectionAsync()
    {
        CloseDbConnection();
        return Task.CompletedTask;
    }

    protected override void DisposeDbConnection()
    {
        _session?.Dispose();
        _session = null;
    }

    protected override ValueTask DisposeDbConnectionAsync()
    {
        DisposeDbConnection();
        return ValueTask.CompletedTask;
    }
}
#pragma warning restore EF1001
