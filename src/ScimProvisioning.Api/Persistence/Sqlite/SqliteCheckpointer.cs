using Microsoft.Data.Sqlite;

namespace ScimProvisioning.Api.Persistence.Sqlite;

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
                        // A pass that did not catch up leaves the pages it copied unsynced, and the pass that does
                        // catch up syncs them all: under the write turn, that fsync took 55-77 ms of every ~350 ms
                        // of a POST /Users burst, with every writer waiting. Synced here first, it only has the few
                        // pages of the second pass left.
                        SyncDatabaseFile(connection);
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
        catch (OperationCanceledException) { }
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

    /// <summary>
    /// fsyncs the database file through SQLite's own handle of it (<c>SQLITE_FCNTL_FILE_POINTER</c>, then the file's
    /// <c>xSync</c>); false when SQLite has no file to give or the sync failed. Not through a second descriptor:
    /// closing any descriptor of the file would drop every POSIX lock this process holds on it. Best effort: the
    /// checkpoint that follows syncs the file anyway.
    /// </summary>
    internal static unsafe bool SyncDatabaseFile(SqliteConnection connection)
    {
        const int FileControlFilePointer = 7; // SQLITE_FCNTL_FILE_POINTER
        const int SyncNormal = 0x02; // SQLITE_SYNC_NORMAL
        IntPtr file = 0;
        if (FileControl(connection.Handle!.DangerousGetHandle(), "main\0"u8, FileControlFilePointer, &file) != 0 || file == 0)
        {
            return false;
        }

        // sqlite3_file starts with its sqlite3_io_methods; xSync is that table's sixth member (iVersion, xClose,
        // xRead, xWrite, xTruncate, xSync), each a pointer wide (iVersion, an int, is padded to one on 64-bit).
        var methods = *(IntPtr**)file;
        if (methods is null)
        {
            return false;
        }

        var sync = (delegate* unmanaged<IntPtr, int, int>)methods[5];
        return sync(file, SyncNormal) == 0;
    }

    /// <summary>sqlite3_file_control, or SQLITE_ERROR (1) where the native library does not export it.</summary>
    private static unsafe int FileControl(IntPtr db, ReadOnlySpan<byte> name, int op, void* argument)
    {
        try
        {
            fixed (byte* utf8 = name)
            {
                return sqlite3_file_control(db, utf8, op, argument);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return 1;
        }
    }

    [System.Runtime.InteropServices.DllImport("e_sqlite3")]
    private static extern unsafe int sqlite3_file_control(IntPtr db, byte* name, int op, void* argument);

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
