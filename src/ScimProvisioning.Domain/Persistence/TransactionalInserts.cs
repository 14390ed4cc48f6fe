using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ScimProvisioning.Domain.Persistence;

/// <summary>One transaction per unit, on the context's connection (or the context's open transaction).</summary>
public sealed class TransactionalInserts(bool treeStatements) : IInsertUnits
{
    /// <summary>Runs units as they are written: any engine.</summary>
    public static readonly TransactionalInserts Instance = new(treeStatements: false);

    /// <summary>
    /// Sends a tree (<see cref="InsertTreeAsync"/>) as one statement (<see cref="RowInserts.ForTree"/>): for an engine with
    /// data-modifying WITH clauses (PostgreSQL).
    /// </summary>
    public static readonly TransactionalInserts WithTreeStatements = new(treeStatements: true);

    public async Task RunAsync(DbContext db, Func<RowInserter, Task> unit, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            await unit(RowInserter.ForContext(db, treeStatements));
            return;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await unit(RowInserter.ForContext(db, treeStatements));
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// With tree statements and outside a transaction, the tree is one statement and so its own transaction: one round
    /// trip where BEGIN, two INSERT commands and COMMIT took three on PostgreSQL.
    /// </summary>
    public async Task<long> InsertTreeAsync(DbContext db, IReadOnlyList<object> rows, CancellationToken cancellationToken)
    {
        if (treeStatements && db.Database.CurrentTransaction is null)
        {
            return await RowInserter.ForContext(db, treeStatements: true).InsertTreeAsync(db, rows, cancellationToken);
        }

        return await IInsertUnits.InsertTreeAsUnitAsync(this, db, rows, cancellationToken);
    }
}
