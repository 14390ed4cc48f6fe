using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Api.Persistence.Sqlite;

/// <summary>
/// SQLite's <see cref="IInsertUnits"/>: units of plain INSERTs from concurrent requests are queued and written by
/// one connection, many to a transaction, each under its own savepoint.
/// </summary>
/// <remarks>
/// SQLite writes one transaction at a time, and a commit costs far more than the rows in it: the WAL frames of every
/// page touched (a user create touches ~20: its row, email, member and audit event and their indexes), the lock
/// hand-over to the next writer, and on a connection whose neighbours just wrote, a page cache that has to be read
/// again. Under a provisioning burst this writer takes whatever units have queued (up to <see cref="MaxUnits"/>),
/// runs each inside <c>SAVEPOINT</c> so a failing unit (a taken userName) is rolled back alone, and commits them
/// together; each request gets its answer only after that commit, so every acknowledged write is durable as before.
/// Its connection is the only one writing these rows, so its page cache stays warm. A context already inside a
/// transaction runs its unit there instead (<see cref="TransactionalInserts"/>).
/// </remarks>
internal sealed class SqliteGroupCommit : IInsertUnits, IDisposable
{
    /// <summary>Units per transaction at most: enough to amortise a commit, few enough to answer the first request soon.</summary>
    public const int MaxUnits = 64;

    private readonly string _connectionString;
    private readonly string _synchronous;
    private readonly Channel<Unit> _queue = Channel.CreateUnbounded<Unit>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    public SqliteGroupCommit(string connectionString, string synchronous)
    {
        _connectionString = connectionString;
        _synchronous = synchronous;
        _writer = Task.Run(WriteAsync);
    }

    public async Task RunAsync(DbContext db, Func<RowInserter, Task> unit, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            await TransactionalInserts.Instance.RunAsync(db, unit, cancellationToken);
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var queued = new Unit(db, unit, cancellationToken);
        if (!_queue.Writer.TryWrite(queued))
        {
            throw new ObjectDisposedException(nameof(SqliteGroupCommit), "The server is shutting down.");
        }

        await queued.Done.Task;
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _writer.GetAwaiter().GetResult();
    }

    private async Task WriteAsync()
    {
        SqliteSession? session = null;
        var batch = new List<Unit>(MaxUnits);
        try
        {
            while (await _queue.Reader.WaitToReadAsync())
            {
                // Before committing, let the thread pool run what is ready (requests on their way to this queue) and take
                // what they add, until two turns add nothing: under a burst a commit carries ~8.5 units instead of ~6. A
                // commit rewrites the last page of every table and index it appends to (~28 for a user create), so
                // fewer, larger commits write ~15 % fewer WAL bytes per unit. An idle server pays two turns of the pool.
                Take(batch);
                var idle = 0;
                while (batch.Count is > 0 and < MaxUnits && idle < 2)
                {
                    var taken = batch.Count;
                    await Task.Yield();
                    Take(batch);
                    idle = batch.Count == taken ? idle + 1 : 0;
                }

                if (batch.Count == 0)
                {
                    continue;
                }

                try
                {
                    session ??= SqliteSession.Open(_connectionString, _synchronous);
                    await CommitAsync(session, batch);
                }
                catch (Exception e)
                {
                    // The connection could not be opened, or the transaction failed as a whole: nothing of it was written.
                    foreach (var unit in batch)
                    {
                        unit.Error ??= e;
                    }

                    session?.Dispose();
                    session = null;
                }

                foreach (var unit in batch)
                {
                    if (unit.Error is null)
                    {
                        unit.Done.TrySetResult();
                    }
                    else
                    {
                        unit.Done.TrySetException(unit.Error);
                    }
                }

                batch.Clear();
            }
        }
        finally
        {
            session?.Dispose();
        }
    }

    private void Take(List<Unit> batch)
    {
        while (batch.Count < MaxUnits && _queue.Reader.TryRead(out var unit))
        {
            if (unit.Aborted.IsCancellationRequested)
            {
                unit.Done.TrySetCanceled(unit.Aborted);
            }
            else
            {
                batch.Add(unit);
            }
        }
    }

    private static async Task CommitAsync(SqliteSession session, List<Unit> batch)
    {
        await session.EnterWriteAsync(CancellationToken.None);
        try
        {
            Execute(session, "BEGIN IMMEDIATE;");
            var inserter = new SessionInserter(session);
            foreach (var unit in batch)
            {
                Execute(session, "SAVEPOINT unit;");
                try
                {
                    inserter.Context = unit.Context;
                    await unit.Work(inserter);
                    Execute(session, "RELEASE unit;");
                }
                catch (Exception e) when (session.InTransaction)
                {
                    unit.Error = e;
                    Execute(session, "ROLLBACK TO unit;");
                    Execute(session, "RELEASE unit;");
                }
            }

            Execute(session, "COMMIT;");
        }
        catch
        {
            if (session.InTransaction)
            {
                Execute(session, "ROLLBACK;");
            }

            throw;
        }
        finally
        {
            session.ExitWrite();
        }
    }

    private static void Execute(SqliteSession session, string sql) => SqliteRawStatements.Execute(session, sql);

    private sealed class Unit(DbContext context, Func<RowInserter, Task> work, CancellationToken aborted)
    {
        public DbContext Context { get; } = context;

        public Func<RowInserter, Task> Work { get; } = work;

        public CancellationToken Aborted { get; } = aborted;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Exception? Error { get; set; }
    }

    /// <summary>Runs a unit's INSERTs on the writer's connection, one statement per row, bound by position (<see
    /// cref="SqliteRawStatements"/>) when every column allows it; the model comes from the unit's context.</summary>
    private sealed class SessionInserter(SqliteSession session) : RowInserter
    {
        private static readonly ConditionalWeakTable<RowInserts, StrongBox<bool>> Raw = new();

        public DbContext Context { get; set; } = null!;

        public override Task<long> InsertReturningKeyAsync(object row, CancellationToken cancellationToken) =>
            Task.FromResult(Insert(RowInserts.For(Context, [row], returnsKey: true), row, returnsKey: true));

        public override Task InsertAsync(IReadOnlyList<object> rows, CancellationToken cancellationToken)
        {
            // One statement per row: it keeps a statement's parameters few, and a unit's shapes few and cached.
            foreach (var row in rows)
            {
                Insert(RowInserts.For(Context, [row], returnsKey: false), row, returnsKey: false);
            }

            return Task.CompletedTask;
        }

        private long Insert(RowInserts statement, object row, bool returnsKey)
        {
            if (Raw.GetValue(statement, static s => new StrongBox<bool>(SqliteRawStatements.CanBind(s))).Value)
            {
                return SqliteRawStatements.Insert(session, statement, row, returnsKey);
            }

            // Microsoft.Data.Sqlite binds these parameters by name, a linear search of the statement's names each.
            var command = session.Statement(statement.Sql)!.Command;
            statement.Bind(command, [row]);
            return returnsKey ? (long)command.ExecuteScalar()! : command.ExecuteNonQuery();
        }
    }
}
