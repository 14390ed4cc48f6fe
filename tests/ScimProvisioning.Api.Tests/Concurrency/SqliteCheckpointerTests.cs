using Microsoft.Data.Sqlite;
using ScimProvisioning.Api.Persistence.Sqlite;

namespace ScimProvisioning.Api.Tests.Concurrency;

/// <summary>
/// The checkpointer fsyncs the database file through SQLite's own file handle, found by walking SQLite's public
/// structures: a wrong step there would call another of the file's methods (xTruncate, xWrite) instead.
/// </summary>
public sealed class SqliteCheckpointerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("scim-checkpointer-").FullName;

    [Fact]
    public void Syncing_the_database_file_through_sqlite_leaves_the_file_and_its_rows_as_they_were()
    {
        var path = Path.Combine(_directory, "sync.db");
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=WAL; CREATE TABLE t (v TEXT NOT NULL);");
        for (var i = 0; i < 200; i++)
        {
            Execute(connection, $"INSERT INTO t VALUES ('{new string('x', 100)}{i}');");
        }

        Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        var length = new FileInfo(path).Length;

        Assert.True(SqliteCheckpointer.SyncDatabaseFile(connection));

        Assert.Equal(length, new FileInfo(path).Length);
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*), max(v) FROM t;";
        using var reader = count.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(200, reader.GetInt64(0));
        Assert.Equal(new string('x', 100) + "99", reader.GetString(1));
        using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check;";
        Assert.Equal("ok", check.ExecuteScalar());
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
