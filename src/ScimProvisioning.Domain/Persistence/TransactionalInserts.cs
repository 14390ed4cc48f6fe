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
public sealed class TransactionalInserts : IInsertUnits
{
    public static readonly TransactionalInserts Instance = new();

    public async Task RunAsync(DbContext db, Func<RowInserter, Task> unit, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            await unit(RowInserter.ForContext(db));
            return;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await unit(RowInserter.ForContext(db));
        await transaction.CommitAsync(cancellationToken);
    }
}
