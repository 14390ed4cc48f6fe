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

    /// <summary>Through the context's connection and EF Core's command pipeline (interceptors, logging, its transaction).</summary>
    public static RowInserter ForContext(DbContext db) => new ContextInserter(db);

    private sealed class ContextInserter(DbContext db) : RowInserter
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
