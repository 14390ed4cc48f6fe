using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Api.Tests.Infrastructure;
using ScimProvisioning.Domain.Audit;

namespace ScimProvisioning.Api.Tests.Concurrency;

/// <summary>
/// Creates are written as plain INSERTs; on SQLite many requests share one transaction, each under its own savepoint
/// (SqliteGroupCommit), and the WAL is checkpointed in the background (SqliteCheckpointer). Run on both engines.
/// </summary>
public sealed class GroupCommitTests(StandardApiFactory factory) : IClassFixture<StandardApiFactory>
{
    [Fact]
    public async Task A_burst_with_taken_user_names_commits_every_other_create_whole_and_nothing_of_the_refused()
    {
        var account = await factory.CreateAccountAsync();
        await account.CreateUserAsync("taken-0@example.com");
        await account.CreateUserAsync("taken-1@example.com");
        var auditBefore = await account.QueryAsync(db => db.AuditEvents.CountAsync(e => e.AccountId == account.AccountId));

        // Every fifth request names a user that exists (in another case): it must fail alone, inside the same
        // transaction as its neighbours.
        var names = Enumerable.Range(0, 40).Select(i => i % 5 == 0 ? $"TAKEN-{i / 5 % 2}@Example.com" : $"wave-{i}@example.com").ToList();
        var responses = await Task.WhenAll(
            names.Select(n =>
                account.PostAsync(
                    "/Users",
                    $$"""
                    {"userName":"{{n}}","emails":[{"value":"{{n}}","primary":true}],"phoneNumbers":[{"value":"+1 555 0100",
                    "type":"work"}],"title":"Engineer"}
                    """
                )
            )
        );

        var created = new List<JsonObject>();
        for (var i = 0; i < names.Count; i++)
        {
            if (i % 5 == 0)
            {
                await responses[i].AssertScimErrorAsync(HttpStatusCode.Conflict, "uniqueness");
            }
            else
            {
                created.Add(await responses[i].AssertStatusAsync(HttpStatusCode.Created));
            }
        }

        Assert.Equal(32, created.Count);
        foreach (var user in created)
        {
            var id = user["id"]!.GetValue<string>();
            var stored = await account.GetUserAsync(id);
            Assert.Equal(user["userName"]!.GetValue<string>(), stored["userName"]!.GetValue<string>());
            Assert.Equal("Engineer", stored["title"]!.GetValue<string>());
            Assert.Single(stored["emails"]!.AsArray());
            Assert.Equal("+1 555 0100", stored["phoneNumbers"]![0]!["value"]!.GetValue<string>());
        }

        var (users, members, audit) = await account.QueryAsync(async db =>
            (
                await db.Users.CountAsync(u => u.AccountId == account.AccountId),
                await db.Members.CountAsync(m => m.AccountId == account.AccountId),
                await db.AuditEvents.CountAsync(e => e.AccountId == account.AccountId && e.Action == AuditActions.CreateScimUser)
            )
        );
        Assert.Equal(1 + 2 + 32, users); // the owner, the two taken names, the wave
        Assert.Equal(users, members);
        Assert.Equal(2 + 32, audit);
        Assert.Equal(auditBefore + 32, await account.QueryAsync(db => db.AuditEvents.CountAsync(e => e.AccountId == account.AccountId)));
    }

    [SkippableFact]
    public async Task The_sqlite_wal_is_copied_back_into_the_database_file_in_the_background()
    {
        Skip.If(PostgresTestServer.Selected, "SQLite only: PostgreSQL checkpoints by itself.");
        var account = await factory.CreateAccountAsync();
        var before = new FileInfo(factory.DatabasePath).Length;

        // Sessions never checkpoint inside a commit (wal_autocheckpoint=0), so only the background checkpointer
        // writes pages into the database file itself.
        await Task.WhenAll(
            Enumerable
                .Range(0, 300)
                .Select(i =>
                    account.PostAsync("/Users", $$"""{"userName":"wal-{{i}}@example.com","displayName":"{{new string('x', 500)}}"}""")
                )
        );

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (new FileInfo(factory.DatabasePath).Length <= before && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(new FileInfo(factory.DatabasePath).Length > before, "the database file never grew: the WAL was not checkpointed");
    }

    [SkippableFact]
    public async Task Sqlite_sessions_keep_savepoint_journals_in_memory()
    {
        Skip.If(PostgresTestServer.Selected, "SQLite only.");
        var account = await factory.CreateAccountAsync();

        // Each unit of a group commit runs under a SAVEPOINT, whose statement journal SQLite writes to a temporary
        // file unless temp_store is MEMORY (2): a write call per page the unit changes. The burst test above shows
        // the savepoints still roll back a refused unit alone.
        const string TempStore = "SELECT temp_store AS Value FROM pragma_temp_store";
        var store = await account.QueryAsync(db => db.Database.SqlQueryRaw<int>(TempStore).SingleAsync());

        Assert.Equal(2, store);
    }
}
