using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ScimProvisioning.Domain.Persistence;

/// <summary>
/// Runs a unit of <see cref="RowInserts"/> atomically. <see cref="TransactionalInserts"/> uses the context's
/// transaction, or one of its own; an engine may commit many units together instead (SQLite's group commit).
/// </summary>
public interface IInsertUnits
{
    /// <summary>Runs <paramref name="unit"/>; when this returns, its rows are committed (or in the caller's open transaction).</summary>
    Task RunAsync(DbContext db, Func<RowInserter, Task> unit, CancellationToken cancellationToken);

    /// <summary>
    /// A unit of one parent row and its dependents (<see cref="RowInserter.InsertTreeAsync"/>); returns the parent's key.
    /// </summary>
    Task<long> InsertTreeAsync(DbContext db, IReadOnlyList<object> rows, CancellationToken cancellationToken) =>
        InsertTreeAsUnitAsync(this, db, rows, cancellationToken);

    /// <summary>The tree as one unit of <paramref name="units"/>: what <see cref="InsertTreeAsync"/> does unless replaced.</summary>
    protected static async Task<long> InsertTreeAsUnitAsync(
        IInsertUnits units,
        DbContext db,
        IReadOnlyList<object> rows,
        CancellationToken cancellationToken
    )
    {
        long key = 0;
        await units.RunAsync(db, async inserter => key = await inserter.InsertTreeAsync(db, rows, cancellationToken), cancellationToken);
        return key;
    }
}
