using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;

namespace ScimProvisioning.Api.Persistence.Sqlite;

/// <summary>
/// Counts the commits, made by this process to one SQLite file, that changed a table SCIM resources are read from, so
/// that a cached read (<see cref="ResourceReadCache"/>) can tell whether anything it was built from may have changed.
/// </summary>
/// <remarks>
/// <para>
/// The count is kept by SQLite itself rather than by the code paths that write: every session connection
/// (<see cref="SqliteSession"/>) has an update hook, which marks the connection when a row of any table except the
/// append-only ones of <see cref="UnrelatedTables"/> is inserted, updated or deleted (an authorizer keeps SQLite from
/// emptying a table without reporting its rows), and a WAL hook, which SQLite calls
/// after a commit has taken place (the new rows visible to every reader) and which then advances the count. A write
/// through EF Core, a plain INSERT, the group-commit writer or raw SQL is counted alike; a rollback clears the mark.
/// </para>
/// <para>
/// A reader takes the count <em>before</em> it reads and files what it read under that count. A commit its read did
/// not see became visible after the read began, so its hook advances the count after the reader took it, and the
/// filed copy is never served. The hooks see only this process: a connection that is not in WAL mode (an in-memory
/// database) cannot be followed, and the feed then says <see cref="Followed"/> false; writers in other processes (the
/// <c>seed</c> verb) are bounded by the cache's age limit.
/// </para>
/// </remarks>
public sealed class SqliteChangeFeed : IResourceChangeFeed
{
    /// <summary>
    /// Tables no SCIM resource is read from, written on every request or in the background: the flight recorder's
    /// log, audit events, the event outbox and its deliveries, tokens (their use is counted) and server secrets.
    /// </summary>
    public static readonly IReadOnlyList<string> UnrelatedTables =
    [
        "ProvisioningLog",
        "AuditEvents",
        "OutboxEvents",
        "EventDeliveries",
        "EventReceivers",
        "ApiTokens",
        "ServerSecrets",
    ];

    private static readonly ConcurrentDictionary<string, SqliteChangeFeed> Feeds = new(StringComparer.Ordinal);
    private static readonly List<SqliteChangeFeed> ById = [];
    private static readonly byte[][] UnrelatedUtf8 = [.. UnrelatedTables.Select(Encoding.UTF8.GetBytes)];

    private readonly int _id;
    private long _generation;
    private int _unfollowed;

    private SqliteChangeFeed(int id) => _id = id;

    /// <summary>The feed of one database file (by its connection string's data source).</summary>
    public static SqliteChangeFeed For(string connectionString) =>
        Feeds.GetOrAdd(
            new SqliteConnectionStringBuilder(connectionString).DataSource,
            static _ =>
            {
                lock (ById)
                {
                    var feed = new SqliteChangeFeed(ById.Count);
                    ById.Add(feed);
                    return feed;
                }
            }
        );

    /// <summary>Advances with every commit of this process that changed a resource table.</summary>
    public long Generation => Volatile.Read(ref _generation);

    /// <summary>False once any connection to the file could not be followed: then nothing may be served from a cache.</summary>
    public bool Followed => Volatile.Read(ref _unfollowed) == 0;

    internal void Changed() => Interlocked.Increment(ref _generation);

    /// <summary>
    /// Installs the hooks on a newly opened (or reopened) session connection; returns the native state to give to
    /// <see cref="Uninstall"/> before the connection closes, or null when the connection is not in WAL mode.
    /// </summary>
    internal unsafe IntPtr Install(SqliteConnection connection, string journalMode)
    {
        if (!string.Equals(journalMode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            Interlocked.Exchange(ref _unfollowed, 1);
            Changed();
            return IntPtr.Zero;
        }

        var state = (HookState*)NativeMemory.AllocZeroed((nuint)sizeof(HookState));
        state->Feed = _id;
        var db = connection.Handle!.DangerousGetHandle();
        sqlite3_set_authorizer(db, &Authorize, IntPtr.Zero);
        sqlite3_update_hook(db, &OnUpdate, (IntPtr)state);
        sqlite3_rollback_hook(db, &OnRollback, (IntPtr)state);
        sqlite3_wal_hook(db, &OnWal, (IntPtr)state);
        return (IntPtr)state;
    }

    /// <summary>Removes the hooks (while the connection is still open) and frees their state.</summary>
    internal static unsafe void Uninstall(SqliteConnection connection, IntPtr state)
    {
        if (state == IntPtr.Zero)
        {
            return;
        }

        if (connection.Handle is { IsInvalid: false } handle)
        {
            var db = handle.DangerousGetHandle();
            sqlite3_update_hook(db, null, IntPtr.Zero);
            sqlite3_set_authorizer(db, null, IntPtr.Zero);
            sqlite3_rollback_hook(db, null, IntPtr.Zero);
            sqlite3_wal_hook(db, null, IntPtr.Zero);
        }

        NativeMemory.Free((void*)state);
    }

    private struct HookState
    {
        public int Feed;
        public int Dirty;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void OnUpdate(IntPtr argument, int operation, byte* database, byte* table, long rowId)
    {
        var state = (HookState*)argument;
        if (state->Dirty != 0)
        {
            return;
        }

        var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(table);
        foreach (var unrelated in UnrelatedUtf8)
        {
            if (name.SequenceEqual(unrelated))
            {
                return;
            }
        }

        state->Dirty = 1;
    }

    /// <summary>
    /// Consulted while a statement is prepared (prepared statements are cached, so rarely). A <c>DELETE</c> without a
    /// <c>WHERE</c> would otherwise empty the table at once without telling the update hook; answering SQLITE_IGNORE
    /// to it makes SQLite delete the rows one by one, each reported. Everything else is allowed (SQLITE_OK).
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe int Authorize(IntPtr argument, int action, byte* first, byte* second, byte* database, byte* trigger) =>
        action == 9 /* SQLITE_DELETE */
            ? 2 /* SQLITE_IGNORE */
            : 0;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void OnRollback(IntPtr argument) => ((HookState*)argument)->Dirty = 0;

    /// <summary>Called by SQLite after a commit in WAL mode, once the commit is visible and the write lock released.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe int OnWal(IntPtr argument, IntPtr db, byte* database, int pages)
    {
        var state = (HookState*)argument;
        if (state->Dirty != 0)
        {
            state->Dirty = 0;
            SqliteChangeFeed feed;
            lock (ById)
            {
                feed = ById[state->Feed];
            }

            feed.Changed();
        }

        return 0; // SQLITE_OK
    }

    [DllImport("e_sqlite3")]
    private static extern unsafe IntPtr sqlite3_update_hook(
        IntPtr db,
        delegate* unmanaged[Cdecl]<IntPtr, int, byte*, byte*, long, void> callback,
        IntPtr argument
    );

    [DllImport("e_sqlite3")]
    private static extern unsafe int sqlite3_set_authorizer(
        IntPtr db,
        delegate* unmanaged[Cdecl]<IntPtr, int, byte*, byte*, byte*, byte*, int> callback,
        IntPtr argument
    );

    [DllImport("e_sqlite3")]
    private static extern unsafe IntPtr sqlite3_rollback_hook(
        IntPtr db,
        delegate* unmanaged[Cdecl]<IntPtr, void> callback,
        IntPtr argument
    );

    [DllImport("e_sqlite3")]
    private static extern unsafe IntPtr sqlite3_wal_hook(
        IntPtr db,
        delegate* unmanaged[Cdecl]<IntPtr, IntPtr, byte*, int, int> callback,
        IntPtr argument
    );
}
