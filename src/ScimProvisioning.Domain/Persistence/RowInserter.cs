using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ScimProvisioning.Domain.Persistence;

/// <summary>Runs <see cref="RowInserts"/> on some connection, inside a transaction its <see cref="IInsertUnits"/> manages.</summary>
public abstract class RowInserter
{
    /// <summary>Inserts one row and returns its store-generated key.</summary>
    public abstract Task<long> InsertReturningKeyAsync(object row, CancellationToken cancellationToken);

    /// <summary>Inserts the rows, in order, with one command (one round trip).</summary>
    public abstract Task InsertAsync(IReadOnlyList<object> rows, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts <c>rows[0]</c> (a row with a store-generated key) and then the rows after it, whose foreign keys to the
    /// first row's type take its new key (<see cref="RowInserts.AssignParentKey"/>); returns the key. Here as two
    /// statements; <see cref="ForContext"/> with tree statements sends one (<see cref="RowInserts.ForTree"/>).
    /// </summary>
    public virtual async Task<long> InsertTreeAsync(DbContext db, IReadOnlyList<object> rows, CancellationToken cancellationToken)
    {
        var key = await InsertReturningKeyAsync(rows[0], cancellationToken);
        RowInserts.AssignParentKey(db, rows, key);
        if (rows.Count > 1)
        {
            await InsertAsync(rows.Skip(1).ToList(), cancellationToken);
        }

        return key;
    }

    /// <summary>
    /// Through the context's connection and EF Core's command pipeline (interceptors, logging, its transaction); with
    /// <paramref name="treeStatements"/> (an engine with data-modifying WITH clauses) a tree is one statement.
    /// </summary>
    public static RowInserter ForContext(DbContext db, bool treeStatements = false) => new ContextInserter(db, treeStatements);

    private sealed class ContextInserter(DbContext db, bool treeStatements) : RowInserter
    {
        public override async Task<long> InsertReturningKeyAsync(object row, CancellationToken cancellationToken)
        {
            var statement = RowInserts.For(db, [row], returnsKey: true);
            await using var reader = await statement.CommandFor(db).ExecuteReaderAsync(Parameters(statement, [row]), cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException("INSERT … RETURNING returned no row.");
            }

            return reader.DbDataReader.GetInt64(0);
        }

        public override async Task InsertAsync(IReadOnlyList<object> rows, CancellationToken cancellationToken)
        {
            if (rows.Count > 0)
            {
                var statement = RowInserts.For(db, rows, returnsKey: false);
                await statement.CommandFor(db).ExecuteNonQueryAsync(Parameters(statement, rows), cancellationToken);
            }
        }

        public override async Task<long> InsertTreeAsync(DbContext context, IReadOnlyList<object> rows, CancellationToken cancellationToken)
        {
            if (!treeStatements)
            {
                return await base.InsertTreeAsync(context, rows, cancellationToken);
            }

            var statement = RowInserts.ForTree(db, rows);
            long key;
            await using (var reader = await statement.CommandFor(db).ExecuteReaderAsync(Parameters(statement, rows), cancellationToken))
            {
                if (!await reader.ReadAsync(cancellationToken))
                {
                    throw new InvalidOperationException("The tree INSERT returned no key.");
                }

                key = reader.DbDataReader.GetInt64(0);
            }

            RowInserts.AssignParentKey(db, rows, key);
            return key;
        }

        private RelationalCommandParameterObject Parameters(RowInserts statement, IReadOnlyList<object> rows) =>
            new(
                db.GetService<IRelationalConnection>(),
                statement.Values(rows),
                null,
                db,
                db.GetService<IRelationalCommandDiagnosticsLogger>(),
                CommandSource.SaveChanges
            );
    }
}
