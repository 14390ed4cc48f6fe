using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ScimProvisioning.Api.Persistence;
using ScimProvisioning.Api.Persistence.Postgres;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Users;

/// <summary>
/// On PostgreSQL, users kept in memory (ResourceReadCache) are retired by the database's change notifications
/// (PostgresChangeFeed and the migration's triggers), so a commit made by anyone else — another instance, the seed
/// verb, SQL by hand — is seen as soon as its notification arrives. Copies live for a minute here, so an answer that
/// changes within the tests' few seconds was retired by a notification, not by its age.
/// </summary>
public sealed class PostgresChangeFeedTests(PostgresChangeFeedTests.LongLivedCopiesFactory factory)
    : IClassFixture<PostgresChangeFeedTests.LongLivedCopiesFactory>
{
    public sealed class LongLivedCopiesFactory : ScimApiFactory
    {
        protected override string Profile => "Standard";

        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
            base.Settings().Append(new("Database:ReadCacheSeconds", "60"));
    }

    /// <summary>
    /// Run in the PostgreSQL pass of the suite only: EF Core's compiled queries are bound to the first model that runs
    /// them, so one test process does not mix the two engines' servers.
    /// </summary>
    private const string OnPostgres = "PostgreSQL only: run with SCIM_TEST_PROVIDER=Postgres (README, 'Tests on PostgreSQL').";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [SkippableFact]
    public async Task A_commit_from_another_connection_retires_the_copies_when_its_notification_arrives()
    {
        Skip.IfNot(PostgresTestServer.Selected, OnPostgres);
        var account = await factory.CreateAccountAsync();
        var userId = await account.CreateUserAsync("outside.writes@example.com");
        await account.GetUserAsync(userId);
        var kept = await account.GetUserAsync(userId);
        Assert.True(factory.Services.GetRequiredService<ResourceReadCache>().Enabled);

        // The same change with the trigger switched off for it: nothing tells this server, and the copy still answers —
        // which shows that the copy is what answers.
        await ExecuteAsync(
            """
            BEGIN;
            ALTER TABLE "Users" DISABLE TRIGGER scim_resources_changed;
            UPDATE "Users" SET "Title" = 'Unseen' WHERE "Id" = @id;
            ALTER TABLE "Users" ENABLE TRIGGER scim_resources_changed;
            COMMIT;
            """,
            userId
        );
        Assert.Equal(kept.ToJsonString(), (await account.GetUserAsync(userId)).ToJsonString());

        // As another instance would write: the notification retires the copy.
        await ExecuteAsync("""UPDATE "Users" SET "Title" = 'From another instance' WHERE "Id" = @id""", userId);
        Assert.Equal("From another instance", await EventuallyAsync(account, userId, "From another instance"));
    }

    [SkippableFact]
    public async Task A_write_through_this_server_is_read_back_at_once_without_waiting_for_its_notification()
    {
        Skip.IfNot(PostgresTestServer.Selected, OnPostgres);
        var account = await factory.CreateAccountAsync();
        var userId = await account.CreateUserAsync("read.back@example.com");

        // With the trigger off, only the server's own bookkeeping can retire the copy.
        await ExecuteAsync("""ALTER TABLE "Users" DISABLE TRIGGER scim_resources_changed""");
        try
        {
            await account.GetUserAsync(userId);
            await account.GetUserAsync(userId);
            var patched = await account.PatchOpsAsync($"/Users/{userId}", """[{"op":"replace","path":"title","value":"Read back"}]""");
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
            Assert.Equal("Read back", (await account.GetUserAsync(userId))["title"]?.GetValue<string>());
        }
        finally
        {
            await ExecuteAsync("""ALTER TABLE "Users" ENABLE TRIGGER scim_resources_changed""");
        }
    }

    [SkippableFact]
    public async Task Listening_resumes_after_the_connection_is_lost_and_copies_kept_before_are_not_served()
    {
        Skip.IfNot(PostgresTestServer.Selected, OnPostgres);
        var account = await factory.CreateAccountAsync();
        var userId = await account.CreateUserAsync("lost.connection@example.com");
        var feed = factory.Services.GetRequiredService<PostgresChangeFeed>();
        await account.GetUserAsync(userId);
        var before = feed.Generation;

        // The listening session is ended by the server (a restart, a failover, an administrator).
        Assert.Equal(
            1L,
            await ScalarAsync(
                $"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    + $"WHERE datname = current_database() AND query = 'LISTEN {PostgresChangeFeed.Channel}'"
            )
        );
        var deadline = DateTime.UtcNow + Patience;
        bool ListeningAgain() =>
            factory.Logs.Events.Any(e => e.Contains("Listening for PostgreSQL change notifications again", StringComparison.Ordinal));
        while (DateTime.UtcNow < deadline && !(feed.Followed && feed.Generation > before + 1 && ListeningAgain()))
        {
            await Task.Delay(50);
        }

        Assert.True(feed.Followed, "the feed listens again");
        Assert.True(feed.Generation > before, "copies kept before the connection was lost are not served");
        Assert.Contains(
            factory.Logs.Warnings,
            e => e.Contains("Not listening for PostgreSQL change notifications", StringComparison.Ordinal)
        );
        Assert.True(ListeningAgain(), "the return is logged");

        // The new session hears commits again.
        await account.GetUserAsync(userId);
        await account.GetUserAsync(userId);
        await ExecuteAsync("""UPDATE "Users" SET "Title" = 'After the reconnect' WHERE "Id" = @id""", userId);
        Assert.Equal("After the reconnect", await EventuallyAsync(account, userId, "After the reconnect"));
    }

    [SkippableFact]
    public async Task Changing_a_user_notifies_and_creating_one_does_not()
    {
        Skip.IfNot(PostgresTestServer.Selected, OnPostgres);
        var account = await factory.CreateAccountAsync();
        var userId = await account.CreateUserAsync("notified@example.com");
        await using var listener = new NpgsqlConnection(factory.PostgresConnectionString);
        await listener.OpenAsync();
        var heard = 0;
        listener.Notification += (_, _) => Interlocked.Increment(ref heard);
        await using (var listen = new NpgsqlCommand($"LISTEN {PostgresChangeFeed.Channel}", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        // A creation's rows (user, emails, member, audit event) notify no one: nobody can hold a copy of a new user.
        await account.CreateUserAsync("created.quietly@example.com");
        await DrainAsync(listener);
        Assert.Equal(0, heard);

        // An email added to an existing user is a change to what it reads as.
        var patched = await account.PatchOpsAsync(
            $"/Users/{userId}",
            """[{"op":"add","path":"emails","value":[{"value":"second@example.com","type":"home"}]}]"""
        );
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var deadline = DateTime.UtcNow + Patience;
        while (Volatile.Read(ref heard) == 0 && DateTime.UtcNow < deadline)
        {
            await listener.WaitAsync(TimeSpan.FromMilliseconds(200));
        }

        Assert.True(heard > 0, "PATCH adding an email notified");
    }

    /// <summary>Reads notifications already sent (a round trip delivers everything committed before it).</summary>
    private static async Task DrainAsync(NpgsqlConnection listener)
    {
        await using var command = new NpgsqlCommand("SELECT 1", listener);
        await command.ExecuteScalarAsync();
        await listener.WaitAsync(TimeSpan.FromMilliseconds(200));
    }

    private async Task<string?> EventuallyAsync(TestAccount account, string userId, string title)
    {
        var deadline = DateTime.UtcNow + Patience;
        string? seen;
        do
        {
            seen = (await account.GetUserAsync(userId))["title"]?.GetValue<string>();
            if (seen == title)
            {
                break;
            }

            await Task.Delay(20);
        } while (DateTime.UtcNow < deadline);

        return seen;
    }

    /// <summary>Runs SQL on a connection of its own, as another instance would; <c>@id</c> is the user's id.</summary>
    private async Task ExecuteAsync(string sql, string? userId = null)
    {
        await using var connection = new NpgsqlConnection(factory.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (userId is not null)
        {
            command.Parameters.AddWithValue("id", userId);
        }

        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(factory.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
