using System.Net;
using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Concurrency;

/// <summary>Races inside one instance (run on SQLite and, with SCIM_TEST_PROVIDER=Postgres, on PostgreSQL).</summary>
public sealed class RaceTests(StandardApiFactory factory) : IClassFixture<StandardApiFactory>
{
    [Fact]
    public async Task Parallel_creates_of_one_user_name_in_any_case_make_exactly_one_user()
    {
        var account = await factory.CreateAccountAsync();
        var names = Enumerable
            .Range(0, 12)
            .Select(i =>
                i % 3 == 0 ? "Racer@Example.com"
                : i % 3 == 1 ? "racer@example.com"
                : "RACER@EXAMPLE.COM"
            );
        var responses = await Task.WhenAll(names.Select(n => account.PostAsync("/Users", $$"""{"userName":"{{n}}"}""")));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var conflict in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await conflict.AssertScimErrorAsync(HttpStatusCode.Conflict, "uniqueness");
        }

        var rows = await account.QueryAsync(db =>
            Task.FromResult(db.Users.Count(u => u.AccountId == account.AccountId && u.UserNameKey == "racer@example.com"))
        );
        Assert.Equal(1, rows);
    }

    [Fact]
    public async Task Parallel_patches_of_one_user_never_lose_an_acknowledged_update()
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateUserAsync("contended@example.com");
        var numbers = Enumerable.Range(0, 10).Select(i => $"+1 555 01{i:D2}").ToList();

        var responses = await Task.WhenAll(
            numbers.Select(n =>
                account.PatchOpsAsync(
                    $"/Users/{id}",
                    $$"""[{"op":"add","path":"phoneNumbers","value":[{"value":"{{n}}","type":"work"}]}]"""
                )
            )
        );

        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.PreconditionFailed }));
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
        var stored = (await account.GetUserAsync(id))["phoneNumbers"]!.AsArray().Select(p => p!["value"]!.GetValue<string>()).ToHashSet();
        var acknowledged = numbers.Where((n, i) => responses[i].StatusCode == HttpStatusCode.OK).ToHashSet();
        Assert.Equal(acknowledged, stored); // every 200 is there; every 412 changed nothing
    }

    [Fact]
    public async Task Parallel_renames_onto_one_group_name_leave_one_winner()
    {
        var account = await factory.CreateAccountAsync();
        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add(await account.CreateGroupAsync($"Group {i}"));
        }

        var responses = await Task.WhenAll(
            ids.Select(id => account.PatchOpsAsync($"/Groups/{id}", """[{"op":"replace","path":"displayName","value":"Winner"}]"""))
        );

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.NoContent);
        Assert.All(
            responses.Where(r => r.StatusCode != HttpStatusCode.NoContent),
            r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode)
        );
    }

    [Fact]
    public async Task A_context_abandoned_inside_a_transaction_writes_nothing_and_blocks_no_later_writer()
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateUserAsync("abandoned@example.com");

        // A request that dies between BEGIN and COMMIT: its pooled context (and, on SQLite, its open connection and
        // its turn to write) must come back clean.
        await account.QueryAsync(async db =>
        {
            await db.Database.BeginTransactionAsync();
            var user = await db.Users.SingleAsync(u => u.Id == id);
            user.Title = "never committed";
            await db.SaveChangesAsync();
            return 0;
        });

        for (var i = 0; i < 3; i++)
        {
            var write = await account.PatchOpsAsync(
                $"/Users/{id}",
                $$"""[{"op":"add","path":"phoneNumbers","value":[{"value":"+1 555 02{{i:D2}}"}]}]"""
            );
            Assert.Equal(HttpStatusCode.OK, write.StatusCode);
        }

        var user = await account.GetUserAsync(id);
        Assert.Null(user["title"]);
        Assert.Equal(3, user["phoneNumbers"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_burst_of_creates_on_many_connections_all_land()
    {
        var account = await factory.CreateAccountAsync();
        var responses = await Task.WhenAll(
            Enumerable.Range(0, 40).Select(i => account.PostAsync("/Users", $$"""{"userName":"burst-{{i}}@example.com"}"""))
        );

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var rows = await account.QueryAsync(db =>
            db.Users.CountAsync(u => u.AccountId == account.AccountId && u.UserName.StartsWith("burst-"))
        );
        Assert.Equal(40, rows);
    }
}
