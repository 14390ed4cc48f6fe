using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;
using Microsoft.EntityFrameworkCore.Storage;
using SQLitePCL;

namespace ScimProvisioning.Api.Persistence;

/// <summary>
/// An open SQLite connection that outlives a request, with its own cache of prepared statements.
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite keeps a prepared statement only as long as the <see cref="SqliteCommand"/> that made it,
/// and EF Core makes a new command for every query, so without this every statement is compiled again on every
/// execution — by far the largest cost of a small read (a profile of <c>GET /Users/{id}</c> put two thirds of the
/// request in <c>sqlite3_prepare</c>). Each pooled DbContext owns one session for its lifetime (see
/// <see cref="SessionRelationalConnection"/>), and <see cref="SqliteStatementCache"/> hands EF a command that
/// reuses the statement compiled for the same SQL text on that connection.
/// </remarks>
public sealed class SqliteSession : IDisposable
{
    /// <summary>
    /// Distinct SQL texts kept prepared per connection: the hot paths need a few dozen; arbitrary filters make many,
    /// and each prepared statement holds memory, so the least recently used go first.
    /// </summary>
    public const int MaxStatements = 64;

    private static readonly ConditionalWeakTable<SqliteConnection, SqliteSession> Sessions = new();
    private static readonly delegate_function_scalar Lower = LowerInvariant;

    private readonly Dictionary<string, LinkedListNode<CachedStatement>> _statements = new(StringComparer.Ordinal);
    private readonly LinkedList<CachedStatement> _recent = new();

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> WriteGates = new(StringComparer.Ordinal);

    private readonly string _synchronous;
    private bool _holdsWriteGate;

    private SqliteSession(SqliteConnection connection, string synchronous)
    {
        Connection = connection;
        _synchronous = synchronous;
        _writeGate = WriteGates.GetOrAdd(connection.ConnectionString, _ => new SemaphoreSlim(1, 1));
        _checkpointer = SqliteCheckpointer.Acquire(connection.ConnectionString, _writeGate);
    }

    private readonly SemaphoreSlim _writeGate;
    private readonly SqliteCheckpointer _checkpointer;

    public SqliteConnection Connection { get; }

    /// <summary>Open, and not inside a transaction.</summary>
    public bool IsReusable => Connection.State == ConnectionState.Open && raw.sqlite3_get_autocommit(Connection.Handle) != 0;

    /// <summary>Open, and inside a transaction (SQLite ends one by itself after some errors).</summary>
    public bool InTransaction => Connection.State == ConnectionState.Open && raw.sqlite3_get_autocommit(Connection.Handle) == 0;

    public static bool TryGet(DbConnection? connection, [NotNullWhen(true)] out SqliteSession? session)
    {
        session = null;
        return connection is SqliteConnection sqlite && Sessions.TryGetValue(sqlite, out session);
    }

    /// <summary>
    /// Opens a connection with WAL, the synchronous level, foreign keys, a busy timeout so writers queue instead of
    /// failing, and a Unicode-aware <c>lower()</c> so case-insensitive filters fold exactly like .NET's invariant
    /// culture. The function is registered on the native handle: <c>SqliteConnection.CreateFunction</c> would
    /// register it again on every open.
    /// </summary>
    public static SqliteSession Open(string connectionString, string synchronous)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            Configure(connection, synchronous);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        var session = new SqliteSession(connection, synchronous);
        Sessions.AddOrUpdate(connection, session);
        return session;
    }

    /// <summary>
    /// Waits for this process's turn to write. SQLite lets one transaction write at a time; a second writer that
    /// finds the database locked sleeps in SQLite's busy handler (1, 2, 5, 10… ms), which under a burst of
    /// provisioning costs far more than the writes. Queuing transactions on the same file here, in order and
    /// without sleeping, keeps the busy handler for the rare writer from another process.
    /// </summary>
    public async ValueTask EnterWriteAsync(CancellationToken cancellationToken)
    {
        if (!_holdsWriteGate)
        {
            await _writeGate.WaitAsync(cancellationToken);
            _holdsWriteGate = true;
        }
    }

    public void EnterWrite()
    {
        if (!_holdsWriteGate)
        {
            _writeGate.Wait();
            _holdsWriteGate = true;
        }
    }

    /// <summary>Lets the next writer in: after commit or rollback, and when the context goes back to its pool.</summary>
    public void ExitWrite()
    {
        if (_holdsWriteGate)
        {
            _holdsWriteGate = false;
            _writeGate.Release();
            _checkpointer.Wrote();
        }
    }

    /// <summary>Starts over on a fresh connection: for a connection that was left inside a transaction.</summary>
    public void Reopen()
    {
        DisposeStatements();
        Connection.Close();
        Connection.Open();
        Configure(Connection, _synchronous);
    }

    private static void Configure(SqliteConnection connection, string synchronous)
    {
        var status = raw.sqlite3_create_function(connection.Handle, "lower", 1, raw.SQLITE_UTF8 | raw.SQLITE_DETERMINISTIC, null, Lower);
        if (status != raw.SQLITE_OK)
        {
            throw new InvalidOperationException($"Registering lower() failed with SQLite status {status}.");
        }

        using var command = connection.CreateCommand();
        // No checkpoint inside a commit: SqliteCheckpointer does it in the background.
        command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint=0; PRAGMA synchronous=" + synchronous + ";";
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// The prepared command for <paramref name="sql"/>, or null when that command is busy (a reader of it is still
    /// open on this connection), in which case the caller runs an ordinary one-off command.
    /// </summary>
    internal CachedStatement? Statement(string sql)
    {
        if (_statements.TryGetValue(sql, out var node))
        {
            if (node.Value.Busy)
            {
                return null;
            }

            _recent.Remove(node);
            _recent.AddFirst(node);
            return node.Value;
        }

        var command = Connection.CreateCommand();
        command.CommandText = sql;
        node = _recent.AddFirst(new CachedStatement(command));
        _statements.Add(sql, node);
        if (_statements.Count > MaxStatements)
        {
            var oldest = _recent.Last!;
            if (!oldest.Value.Busy)
            {
                _recent.RemoveLast();
                _statements.Remove(oldest.Value.Command.CommandText);
                oldest.Value.Command.Dispose();
            }
        }

        return node.Value;
    }

    public void Dispose()
    {
        ExitWrite();
        DisposeStatements();
        Sessions.Remove(Connection);
        Connection.Dispose();
        _checkpointer.Release();
    }

    private void DisposeStatements()
    {
        foreach (var statement in _recent)
        {
            statement.Command.Dispose();
        }

        _recent.Clear();
        _statements.Clear();
    }

    private static void LowerInvariant(sqlite3_context context, object userData, sqlite3_value[] values)
    {
        if (raw.sqlite3_value_type(values[0]) == raw.SQLITE_NULL)
        {
            raw.sqlite3_result_null(context);
            return;
        }

        raw.sqlite3_result_text(context, raw.sqlite3_value_text(values[0]).utf8_to_string().ToLowerInvariant());
    }
}

/// <summary>
/// Copies a database file's WAL back into the file from a background task, instead of inside whichever commit
/// crosses SQLite's 1,000-page threshold.
/// </summary>
/// <remarks>
/// A create writes some 16 pages (the user, its email, member and audit rows and their indexes), so with SQLite's
/// automatic checkpoint every ~60th request copied thousands of pages and synced the file while it held the write
/// turn, and every writer queued behind it (a POST /Users burst showed 12-15 % I/O wait and an idle core). Sessions
/// open with <c>wal_autocheckpoint=0</c>; after a write transaction they signal this checkpointer, which waits a
/// moment to gather more commits and runs a PASSIVE checkpoint on its own connection: writers keep appending to the
/// WAL meanwhile, and the WAL stays bounded by a fraction of a second of writes. Durability is unchanged: a commit
/// is in the WAL when it returns, and a WAL left by a crash is replayed when the file is next opened. One
/// checkpointer per file and process, alive while a session of that file is.
/// </remarks>
internal sealed class SqliteCheckpointer
{
    /// <summary>How long commits are gathered before a checkpoint.</summary>
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(100);

    /// <summary>How often a checkpoint runs without a signal, for writes made outside a write turn.</summary>
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(5);

    /// <summary>WAL length (4 KiB frames, so 32 MiB) past which the WAL is made to start over.</summary>
    private const long RestartFrames = 8192;

    private static readonly Dictionary<string, SqliteCheckpointer> ByFile = new(StringComparer.Ordinal);

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _users;

    private SqliteCheckpointer(string connectionString, SemaphoreSlim writeGate)
    {
        _connectionString = connectionString;
        _writeGate = writeGate;
        _loop = Task.Run(RunAsync);
    }

    public static SqliteCheckpointer Acquire(string connectionString, SemaphoreSlim writeGate)
    {
        lock (ByFile)
        {
            if (!ByFile.TryGetValue(connectionString, out var checkpointer))
            {
                ByFile[connectionString] = checkpointer = new SqliteCheckpointer(connectionString, writeGate);
            }

            checkpointer._users++;
            return checkpointer;
        }
    }

    /// <summary>Ends the checkpointer with its file's last session; closing its connection checkpoints what is left.</summary>
    public void Release()
    {
        lock (ByFile)
        {
            if (--_users > 0)
            {
                return;
            }

            ByFile.Remove(_connectionString);
        }

        _stop.Cancel();
        _loop.GetAwaiter().GetResult();
        _stop.Dispose();
        _signal.Dispose();
    }

    /// <summary>A write transaction ended: a checkpoint is due soon.</summary>
    public void Wrote()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another writer signalled first.
            }
        }
    }

    private async Task RunAsync()
    {
        SqliteConnection? connection = null;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await _signal.WaitAsync(Idle, _stop.Token);
                await Task.Delay(Gather, _stop.Token);
                try
                {
                    connection ??= OpenConnection();
                    // Alongside the writers, which keep appending. Only a checkpoint that catches up with the last
                    // commit lets the next writer start the WAL over from its beginning, so once the WAL is long, a
                    // second pass runs between two write transactions, for the few frames added meanwhile.
                    if (Checkpoint(connection) >= RestartFrames)
                    {
                        await _writeGate.WaitAsync(_stop.Token);
                        try
                        {
                            Checkpoint(connection);
                        }
                        finally
                        {
                            _writeGate.Release();
                        }
                    }
                }
                catch (SqliteException)
                {
                    // The file is unreadable for now (the sessions report that themselves): try again on a fresh
                    // connection next time. Meanwhile the WAL only grows, and nothing is lost.
                    connection?.Dispose();
                    connection = null;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            connection?.Dispose();
        }
    }

    /// <summary>Runs a PASSIVE checkpoint; returns the WAL's length in frames.</summary>
    private static long Checkpoint(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        using var reader = command.ExecuteReader();
        return reader.Read() ? reader.GetInt64(1) : 0;
    }

    private SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=67108864;";
        command.ExecuteNonQuery();
        return connection;
    }
}

/// <summary>A command kept prepared on its connection, and the reader it last produced.</summary>
internal sealed class CachedStatement(SqliteCommand command)
{
    public SqliteCommand Command { get; } = command;

    public SqliteDataReader? Reader { get; set; }

    public bool Busy => Reader is { IsClosed: false };
}

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
    IDiagnosticsLogger<DbLoggerCategory.Infrastructure> logger)
    : SqliteRelationalConnection(dependencies, rawSqlCommandBuilder, logger)
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

/// <summary>The SQLite session settings, carried in the DbContext options where <see cref="SessionRelationalConnection"/> reads them.</summary>
internal sealed class SqliteSessionOptions(string synchronous) : IDbContextOptionsExtension
{
    public string Synchronous { get; } = synchronous;

    public DbContextOptionsExtensionInfo Info => new ExtensionInfo(this);

    public void ApplyServices(IServiceCollection services)
    {
    }

    public void Validate(IDbContextOptions options)
    {
    }

    private sealed class ExtensionInfo(SqliteSessionOptions extension) : DbContextOptionsExtensionInfo(extension)
    {
        public override bool IsDatabaseProvider => false;

        public override string LogFragment => string.Empty;

        public override int GetServiceProviderHashCode() => StringComparer.Ordinal.GetHashCode(extension.Synchronous);

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) =>
            other is ExtensionInfo info && string.Equals(info.Extension is SqliteSessionOptions o ? o.Synchronous : null, extension.Synchronous, StringComparison.Ordinal);

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo) =>
            debugInfo["SqliteSession:Synchronous"] = extension.Synchronous;
    }
}

/// <summary>Holds a session's write turn (<see cref="SqliteSession.EnterWriteAsync"/>) from BEGIN to COMMIT or ROLLBACK.</summary>
internal sealed class SqliteWriteGate : DbTransactionInterceptor
{
    public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        if (SqliteSession.TryGet(connection, out var session))
        {
            await session.EnterWriteAsync(cancellationToken);
        }

        return result;
    }

    public override InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        if (SqliteSession.TryGet(connection, out var session))
        {
            session.EnterWrite();
        }

        return result;
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Exit(eventData);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        Exit(eventData);

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Exit(eventData);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        Exit(eventData);

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

/// <summary>Gives EF Core, for every command on a session's connection, one that reuses the session's prepared statements.</summary>
internal sealed class SqliteStatementCache : DbCommandInterceptor
{
    public override InterceptionResult<DbCommand> CommandCreating(CommandCorrelatedEventData eventData, InterceptionResult<DbCommand> result) =>
        SqliteSession.TryGet(eventData.Connection, out var session)
            ? InterceptionResult<DbCommand>.SuppressWithResult(new SessionCommand(session))
            : result;
}

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

    public override void Cancel()
    {
    }

    public override void Prepare()
    {
    }

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
