using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SQLitePCL;

namespace ScimProvisioning.Api.Persistence.Sqlite;

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
    private readonly Dictionary<string, sqlite3_stmt> _rawStatements = new(StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> WriteGates = new(StringComparer.Ordinal);

    private readonly string _synchronous;
    private bool _holdsWriteGate;

    private SqliteSession(SqliteConnection connection, string synchronous, IntPtr changeHooks)
    {
        Connection = connection;
        _synchronous = synchronous;
        _changeHooks = changeHooks;
        _writeGate = WriteGates.GetOrAdd(connection.ConnectionString, _ => new SemaphoreSlim(1, 1));
        _checkpointer = SqliteCheckpointer.Acquire(connection.ConnectionString, _writeGate);
    }

    private readonly SemaphoreSlim _writeGate;
    private readonly SqliteCheckpointer _checkpointer;
    private IntPtr _changeHooks;

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
        IntPtr changeHooks;
        try
        {
            connection.Open();
            changeHooks = Configure(connection, synchronous);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        var session = new SqliteSession(connection, synchronous, changeHooks);
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
        SqliteChangeFeed.Uninstall(Connection, _changeHooks);
        _changeHooks = IntPtr.Zero;
        Connection.Close();
        Connection.Open();
        _changeHooks = Configure(Connection, _synchronous);
    }

    /// <summary>Sets the connection up and installs its <see cref="SqliteChangeFeed"/> hooks (their native state).</summary>
    private static IntPtr Configure(SqliteConnection connection, string synchronous)
    {
        var status = raw.sqlite3_create_function(connection.Handle, "lower", 1, raw.SQLITE_UTF8 | raw.SQLITE_DETERMINISTIC, null, Lower);
        if (status != raw.SQLITE_OK)
        {
            throw new InvalidOperationException($"Registering lower() failed with SQLite status {status}.");
        }

        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        var journalMode = command.ExecuteScalar() as string ?? "";
        // No checkpoint inside a commit: SqliteCheckpointer does it in the background (this also clears SQLite's own WAL
        // hook, so it must come before the change feed installs its one). Temporary files in memory: the statement
        // journal of each SAVEPOINT (SqliteGroupCommit runs every unit in one) went to a deleted temp file: with it in
        // memory a POST /Users made 36 write calls instead of 84 and wrote 88 KB instead of 200 KB.
        command.CommandText =
            "PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint=0; PRAGMA temp_store=MEMORY; "
            + "PRAGMA synchronous="
            + synchronous
            + ";";
        command.ExecuteNonQuery();
        return SqliteChangeFeed.For(connection.ConnectionString).Install(connection, journalMode);
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

    /// <summary>
    /// The native statement prepared for <paramref name="sql"/> (one statement) on this connection, for a caller that binds
    /// by position and steps it itself (<see cref="SqliteRawStatements"/>); reset after each use, kept with the connection.
    /// </summary>
    internal sqlite3_stmt RawStatement(string sql)
    {
        if (_rawStatements.TryGetValue(sql, out var statement))
        {
            return statement;
        }

        if (_rawStatements.Count >= MaxStatements)
        {
            // Callers use a fixed set of texts (one per inserted table); this only bounds a mistake.
            DisposeRawStatements();
        }

        var status = raw.sqlite3_prepare_v2(Connection.Handle, sql, out statement, out var tail);
        if (status != raw.SQLITE_OK)
        {
            statement?.Dispose();
            SqliteException.ThrowExceptionForRC(status, Connection.Handle);
        }

        if (statement is null || statement.IsInvalid || !string.IsNullOrWhiteSpace(tail))
        {
            statement?.Dispose();
            throw new ArgumentException("The SQL text must hold exactly one statement.", nameof(sql));
        }

        _rawStatements.Add(sql, statement);
        return statement;
    }

    public void Dispose()
    {
        ExitWrite();
        DisposeStatements();
        Sessions.Remove(Connection);
        SqliteChangeFeed.Uninstall(Connection, _changeHooks);
        _changeHooks = IntPtr.Zero;
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
        DisposeRawStatements();
    }

    private void DisposeRawStatements()
    {
        foreach (var statement in _rawStatements.Values)
        {
            statement.Dispose();
        }

        _rawStatements.Clear();
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
