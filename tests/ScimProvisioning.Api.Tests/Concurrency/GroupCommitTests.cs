using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using ScimProvisioning.Api.Persistence.Sqlite;
using ScimProvisioning.Api.Tests.Infrastructure;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Persistence;

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

    [SkippableFact]
    public void Rows_bound_by_position_are_stored_exactly_as_the_command_path_stores_them()
    {
        Skip.If(PostgresTestServer.Selected, "SQLite only.");
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ScimDbContext>();
        using var session = SqliteSession.Open($"Data Source={factory.DatabasePath}", "FULL");
        SqliteRawStatements.Execute(session, "PRAGMA foreign_keys=OFF;"); // the rows name parents that do not exist

        // Every entity type of the model whose rows the plain INSERTs can write and the positional binder takes, with
        // each column filled (strings past their maximum length, non-ASCII and a lone surrogate, a timestamp with ticks,
        // and, when the column allows it, null), is inserted both ways inside a transaction that is rolled back.
        var covered = new List<string>();
        foreach (var entityType in db.Model.GetEntityTypes().Where(t => !t.IsOwned() && t.FindPrimaryKey() is not null))
        {
            foreach (var nulls in new[] { false, true })
            {
                var row = SampleRow(entityType, nulls);
                var returnsKey = entityType.FindPrimaryKey()!.Properties is [{ ValueGenerated: ValueGenerated.OnAdd }];
                RowInserts statement;
                try
                {
                    statement = RowInserts.For(db, [row], returnsKey);
                }
                catch (InvalidOperationException)
                {
                    continue; // shadow properties, or an outbox event asked for a key: never written this way
                }

                if (!SqliteRawStatements.CanBind(statement))
                {
                    continue;
                }

                var table = entityType.GetTableName()!;
                var (positionalKey, positional) = InsertAndRead(
                    session,
                    table,
                    () => SqliteRawStatements.Insert(session, statement, row, returnsKey)
                );
                var (commandKey, command) = InsertAndRead(
                    session,
                    table,
                    () =>
                    {
                        var sqlite = session.Connection.CreateCommand();
                        sqlite.CommandText = statement.Sql;
                        statement.Bind(sqlite, [row]);
                        return returnsKey ? (long)sqlite.ExecuteScalar()! : sqlite.ExecuteNonQuery();
                    }
                );

                Assert.Equal(command, positional);
                if (returnsKey)
                {
                    Assert.Equal(commandKey, positionalKey);
                }

                covered.Add(entityType.ClrType.Name);
            }
        }

        // The rows a creation writes are among them.
        Assert.Subset(covered.ToHashSet(), new HashSet<string> { "User", "UserEmail", "UserMultiValue", "Member", "AuditEvent" });
    }

    /// <summary>Runs an insert in a transaction, reads the table's newest row (every column quoted) and rolls back.</summary>
    private static (long Key, string Row) InsertAndRead(SqliteSession session, string table, Func<long> insert)
    {
        SqliteRawStatements.Execute(session, "BEGIN;");
        try
        {
            var key = insert();
            using var read = session.Connection.CreateCommand();
            read.CommandText = $"SELECT * FROM \"{table}\" WHERE rowid = (SELECT max(rowid) FROM \"{table}\")";
            using var reader = read.ExecuteReader();
            Assert.True(reader.Read());
            var columns = Enumerable.Range(0, reader.FieldCount).Select(i => $"{reader.GetName(i)}={Quote(reader, i)}");
            return (key, string.Join(" | ", columns));
        }
        finally
        {
            SqliteRawStatements.Execute(session, "ROLLBACK;");
        }
    }

    private static string Quote(SqliteDataReader reader, int i) =>
        reader.IsDBNull(i) ? "NULL" : $"{reader.GetDataTypeName(i)}:{Convert.ToHexString(reader.GetFieldValue<byte[]>(i))}";

    /// <summary>An instance of the entity with every mapped property set to a value of its type.</summary>
    private static object SampleRow(IEntityType entityType, bool nulls)
    {
        var row = Activator.CreateInstance(entityType.ClrType)!;
        var n = 0;
        foreach (var property in entityType.GetProperties().Where(p => p.PropertyInfo is not null || p.FieldInfo is not null))
        {
            n++;
            var type = Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
            object? value = type switch
            {
                _ when nulls && property.IsNullable => null,
                _ when type == typeof(string) => $"é✓\ud800 {property.Name} " + new string('x', (property.GetMaxLength() ?? 40) + 3),
                _ when type == typeof(bool) => n % 2 == 0,
                _ when type == typeof(long) => 9_000_000_000L + n,
                _ when type == typeof(int) => 1000 + n,
                _ when type == typeof(DateTime) => new DateTime(2026, 12, 3, 19, 26, 24, DateTimeKind.Utc).AddTicks(1_234_567 + n),
                _ when type.IsEnum => Enum.GetValues(type).GetValue(n % Enum.GetValues(type).Length),
                _ => null,
            };
            if (value is null && !property.IsNullable)
            {
                continue;
            }

            if (property.PropertyInfo is { CanWrite: true } info)
            {
                info.SetValue(row, value);
            }
            else
            {
                property.FieldInfo?.SetValue(row, value);
            }
        }

        return row;
    }
}
