using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScimProvisioning.Api.Persistence.Sqlite;
using ScimProvisioning.Api.Tests.Infrastructure;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Api.Tests.Concurrency;

/// <summary>
/// The change count behind the read cache is kept by SQLite's hooks on every session connection: it must advance
/// after each commit that changed a resource table, however the write was made, and at no other time that matters.
/// </summary>
public sealed class SqliteChangeFeedTests(StandardApiFactory factory) : IClassFixture<StandardApiFactory>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("scim-change-feed-").FullName;

    [Fact]
    public void Commits_that_change_a_resource_table_advance_the_count_and_others_do_not()
    {
        var connectionString = $"Data Source={Path.Combine(_directory, "feed.db")};Pooling=False";
        using var session = SqliteSession.Open(connectionString, "NORMAL");
        var other = SqliteSession.Open(connectionString, "NORMAL");
        var feed = SqliteChangeFeed.For(connectionString);
        Execute(session, "CREATE TABLE Users (v TEXT); CREATE TABLE ProvisioningLog (v TEXT);");
        Assert.True(feed.Followed);

        var counted = feed.Generation;
        Execute(session, "INSERT INTO Users VALUES ('a');"); // autocommit
        Assert.Equal(counted + 1, feed.Generation);

        Execute(other, "BEGIN; UPDATE Users SET v = 'b'; INSERT INTO ProvisioningLog VALUES ('x'); COMMIT;");
        Assert.Equal(counted + 2, feed.Generation);

        Execute(session, "INSERT INTO ProvisioningLog VALUES ('y'); DELETE FROM ProvisioningLog WHERE v = 'x';");
        Assert.Equal(counted + 2, feed.Generation);

        // Rolled back: nothing became visible, nothing to count, and the next unrelated commit is not counted either.
        Execute(session, "BEGIN; DELETE FROM Users; ROLLBACK; INSERT INTO ProvisioningLog VALUES ('z');");
        Assert.Equal(counted + 2, feed.Generation);

        // A session that is reopened (left inside a transaction) keeps counting; one that is closed stops cleanly.
        other.Reopen();
        Execute(other, "DELETE FROM Users;");
        Assert.Equal(counted + 3, feed.Generation);
        other.Dispose();
        Execute(session, "INSERT INTO Users VALUES ('c');");
        Assert.Equal(counted + 4, feed.Generation);
    }

    [Fact]
    public void A_database_that_is_not_in_WAL_mode_cannot_be_followed()
    {
        var connectionString = "Data Source=feed-" + Guid.NewGuid().ToString("N") + ";Mode=Memory;Cache=Shared;Pooling=False";
        using var session = SqliteSession.Open(connectionString, "NORMAL");

        Assert.False(SqliteChangeFeed.For(connectionString).Followed);
    }

    [Fact]
    public void The_unrelated_tables_are_tables_of_the_model()
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ScimDbContext>();
        var tables = db.Model.GetEntityTypes().Select(t => t.GetTableName()).ToHashSet(StringComparer.Ordinal);

        Assert.All(SqliteChangeFeed.UnrelatedTables, table => Assert.Contains(table, tables));
        Assert.Contains("Users", tables);
        Assert.DoesNotContain("Users", SqliteChangeFeed.UnrelatedTables);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static void Execute(SqliteSession session, string sql)
    {
        using var command = session.Connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
