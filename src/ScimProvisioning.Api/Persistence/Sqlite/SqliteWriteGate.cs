using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ScimProvisioning.Api.Persistence.Sqlite;

/// <summary>Holds a session's write turn (<see cref="SqliteSession.EnterWriteAsync"/>) from BEGIN to COMMIT or ROLLBACK.</summary>
internal sealed class SqliteWriteGate : DbTransactionInterceptor
{
    public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection,
        TransactionStartingEventData eventData,
        InterceptionResult<DbTransaction> result,
        CancellationToken cancellationToken = default
    )
    {
        if (SqliteSession.TryGet(connection, out var session))
        {
            await session.EnterWriteAsync(cancellationToken);
        }

        return result;
    }

    public override InterceptionResult<DbTransaction> TransactionStarting(
        DbConnection connection,
        TransactionStartingEventData eventData,
        InterceptionResult<DbTransaction> result
    )
    {
        if (SqliteSession.TryGet(connection, out var session))
        {
            session.EnterWrite();
        }

        return result;
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Exit(eventData);

    public override Task TransactionCommittedAsync(
        DbTransaction transaction,
        TransactionEndEventData eventData,
        CancellationToken cancellationToken = default
    ) => Exit(eventData);

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Exit(eventData);

    public override Task TransactionRolledBackAsync(
        DbTransaction transaction,
        TransactionEndEventData eventData,
        CancellationToken cancellationToken = default
    ) => Exit(eventData);

    public override void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData)
    {
        // A failed commit or rollback may leave the transaction open; the turn is given back when the context is reset.
    }

    // A finished SqliteTransaction no longer knows its connection; the context does.
    private static Task Exit(TransactionEndEventData eventData)
    {
        if (SqliteSession.TryGet(eventData.Context?.Database.GetDbConnection(), out var session) && session.IsReusable)
        {
            session.ExitWrite();
        }

        return Task.CompletedTask;
    }
}
