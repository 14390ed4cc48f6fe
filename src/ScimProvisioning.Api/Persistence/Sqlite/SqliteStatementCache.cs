using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ScimProvisioning.Api.Persistence.Sqlite;

/// <summary>Gives EF Core, for every command on a session's connection, one that reuses the session's prepared statements.</summary>
internal sealed class SqliteStatementCache : DbCommandInterceptor
{
    public override InterceptionResult<DbCommand> CommandCreating(
        CommandCorrelatedEventData eventData,
        InterceptionResult<DbCommand> result
    ) =>
        SqliteSession.TryGet(eventData.Connection, out var session)
            ? InterceptionResult<DbCommand>.SuppressWithResult(new SessionCommand(session))
            : result;
}
