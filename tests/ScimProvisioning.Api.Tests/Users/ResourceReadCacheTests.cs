using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ScimProvisioning.Api.Persistence;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Users;

/// <summary>
/// <c>GET /Users/{id}</c> and <c>userName eq</c> may be answered from copies kept in memory (ResourceReadCache). After
/// every kind of write that can change what a user reads as — through SCIM, /Bulk or the admin API — both must answer
/// exactly what the general filter path (never cached) reads from the database.
/// </summary>
public sealed class ResourceReadCacheTests(ResourceReadCacheTests.ShortLivedCopiesFactory factory)
    : IClassFixture<ResourceReadCacheTests.ShortLivedCopiesFactory>
{
    /// <summary>Copies kept for three seconds, so that the age limit can be seen (and a slow machine still reads a copy).</summary>
    public sealed class ShortLivedCopiesFactory : ScimApiFactory
    {
        protected override string Profile => "Standard";

        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
            base.Settings().Append(new("Database:ReadCacheSeconds", "3"));
    }

    private sealed record Change(string Name, Func<TestAccount, Fixture, Task> Apply);

    /// <param name="GroupId">A group the user is in.</param>
    /// <param name="OtherGroupId">A group without members.</param>
    private sealed record Fixture(string UserId, string UserName, string GroupId, string OtherGroupId, string MemberId);

    private const string PutBody = """
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{0}","title":"Put","active":true,
         "emails":[{"value":"put@example.com","primary":true}]}
        """;

    private const string BulkBody = """
        {"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"PATCH","path":"/Users/{0}",
         "data":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations":[{"op":"replace","path":"title","value":"Bulk"}]}}]}
        """;

    private static readonly Change[] Changes =
    [
        new(
            "SCIM PATCH of the user",
            (a, f) => Expect(a.PatchOpsAsync($"/Users/{f.UserId}", """[{"op":"replace","path":"nickName","value":"p"}]"""))
        ),
        new(
            "SCIM PUT of the user",
            (a, f) => Expect(a.PutAsync($"/Users/{f.UserId}", PutBody.Replace("{0}", f.UserName, StringComparison.Ordinal)))
        ),
        new(
            "SCIM PATCH adding the user to a group",
            (a, f) =>
                Expect(
                    a.PatchOpsAsync($"/Groups/{f.OtherGroupId}", $$"""[{"op":"add","path":"members","value":[{"value":"{{f.UserId}}"}]}]""")
                )
        ),
        new(
            "SCIM PATCH removing the user from a group",
            (a, f) => Expect(a.PatchOpsAsync($"/Groups/{f.GroupId}", $$"""[{"op":"remove","path":"members[value eq \"{{f.UserId}}\"]"}]"""))
        ),
        new(
            "SCIM PATCH renaming a group of the user",
            (a, f) =>
                Expect(a.PatchOpsAsync($"/Groups/{f.GroupId}", """[{"op":"replace","path":"displayName","value":"Renamed by SCIM"}]"""))
        ),
        new("SCIM DELETE of a group of the user", (a, f) => Expect(a.DeleteAsync($"/Groups/{f.GroupId}"))),
        new("/Bulk PATCH of the user", (a, f) => Expect(a.PostAsync("/Bulk", BulkBody.Replace("{0}", f.UserId, StringComparison.Ordinal)))),
        new(
            "admin API: a hand-made group with the user, renamed",
            async (a, f) =>
            {
                var created = await (await a.AdminPostAsync("/iam/user_groups", """{"name":"Hand made"}""")).AssertStatusAsync(
                    HttpStatusCode.OK
                );
                var group = created["result"]!["id"]!.GetValue<string>();
                await Expect(a.AdminPostAsync($"/iam/user_groups/{group}/members", $$"""[{"id":"{{f.MemberId}}"}]"""));
                await Expect(a.AdminPutAsync($"/iam/user_groups/{group}", """{"name":"Hand made, renamed"}"""));
            }
        ),
        new(
            "SCIM PATCH adding an email",
            (a, f) =>
                Expect(a.PatchOpsAsync($"/Users/{f.UserId}", """[{"op":"add","path":"emails","value":[{"value":"more@example.com"}]}]"""))
        ),
        new(
            "SCIM PATCH deactivating the user",
            (a, f) => Expect(a.PatchOpsAsync($"/Users/{f.UserId}", """[{"op":"replace","path":"active","value":false}]"""))
        ),
        new(
            "SCIM PATCH changing the userName",
            (a, f) =>
                Expect(a.PatchOpsAsync($"/Users/{f.UserId}", """[{"op":"replace","path":"userName","value":"renamed@example.com"}]"""))
        ),
        new("SCIM DELETE of the user", (a, f) => Expect(a.DeleteAsync($"/Users/{f.UserId}"))),
    ];

    public static TheoryData<string> ChangeNames() => [.. Changes.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(ChangeNames))]
    public async Task After_a_write_both_cached_reads_answer_what_the_database_holds(string changeName)
    {
        var account = await factory.CreateAccountAsync();
        var userName = "cached@example.com";
        var userId = await account.CreateUserAsync(userName);
        var group = await account.CreateGroupAsync("Readers", userId);
        var otherGroup = await account.CreateGroupAsync("Writers");
        var fixture = new Fixture(userId, userName, group, otherGroup, (await account.MemberIdOfAsync(userId))!);

        // Read twice: the second answer comes from the copy the first one kept.
        for (var i = 0; i < 2; i++)
        {
            await AssertReadsMatchDatabaseAsync(account, fixture.UserId, userName, "renamed@example.com");
        }

        var before = (await account.GetUserAsync(userId)).ToJsonString();
        await Changes.Single(c => c.Name == changeName).Apply(account, fixture);

        var changed = await AssertReadsMatchDatabaseAsync(account, fixture.UserId, userName, "renamed@example.com");
        Assert.NotEqual(before, changed);
    }

    [Fact]
    public void Both_engines_keep_copies()
    {
        // SQLite follows its commits with hooks, PostgreSQL with notifications (PostgresChangeFeedTests).
        Assert.True(factory.Services.GetRequiredService<ResourceReadCache>().Enabled);
    }

    [Theory]
    [InlineData("")]
    [InlineData("&startIndex=1")]
    [InlineData("&startIndex=0")]
    [InlineData("&startIndex=1&count=5")]
    public async Task A_kept_userName_eq_answer_is_byte_for_byte_the_one_read_from_the_database(string paging)
    {
        var account = await factory.CreateAccountAsync();
        await account.CreateUserAsync("bytes@example.com");
        var url = "/Users?filter=" + Uri.EscapeDataString("userName eq \"BYTES@example.com\"") + paging;

        // The creation retired every copy: the first answer is read from the database, the second from its copy.
        var read = await account.GetAsync(url);
        var kept = await account.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        var readBody = await read.Content.ReadAsByteArrayAsync();
        var keptBody = await kept.Content.ReadAsByteArrayAsync();
        Assert.Equal(System.Text.Encoding.UTF8.GetString(readBody), System.Text.Encoding.UTF8.GetString(keptBody));
        Assert.Equal(keptBody.Length, kept.Content.Headers.ContentLength);
        Assert.Equal(read.Content.Headers.ContentType?.ToString(), kept.Content.Headers.ContentType?.ToString());
        Assert.Equal(1, JsonNode.Parse(keptBody)!["totalResults"]!.GetValue<int>());
    }

    [SkippableFact]
    public async Task Copies_are_served_until_the_age_limit_and_never_past_a_write_of_this_server()
    {
        Skip.If(PostgresTestServer.Selected, "SQLite only: PostgreSQL hears other writers (PostgresChangeFeedTests).");
        var account = await factory.CreateAccountAsync();
        var userId = await account.CreateUserAsync("behind.the.back@example.com");
        await account.GetUserAsync(userId);
        var kept = await account.GetUserAsync(userId);
        Assert.True(factory.Services.GetRequiredService<ResourceReadCache>().Enabled);

        // A write from another connection, as the seed verb in another process would make: not seen by the change
        // count, so the copy is still served — which shows the copy is what answers...
        await using (var outside = new SqliteConnection($"Data Source={factory.DatabasePath}"))
        {
            await outside.OpenAsync();
            await using var command = outside.CreateCommand();
            command.CommandText = "UPDATE Users SET Title = 'From outside' WHERE Id = $id";
            command.Parameters.AddWithValue("$id", userId);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        Assert.Equal(kept.ToJsonString(), (await account.GetUserAsync(userId)).ToJsonString());

        // ...until the age limit (3 s here)...
        await Task.Delay(TimeSpan.FromSeconds(3.2));
        var fresh = await account.GetUserAsync(userId);
        Assert.Equal("From outside", fresh["title"]!.GetValue<string>());

        // ...and never after a write of this server to any resource, even of another user.
        await using (var outside = new SqliteConnection($"Data Source={factory.DatabasePath}"))
        {
            await outside.OpenAsync();
            await using var command = outside.CreateCommand();
            command.CommandText = "UPDATE Users SET Title = 'Second' WHERE Id = $id";
            command.Parameters.AddWithValue("$id", userId);
            await command.ExecuteNonQueryAsync();
        }

        await account.CreateUserAsync("someone.else@example.com");
        Assert.Equal("Second", (await account.GetUserAsync(userId))["title"]!.GetValue<string>());
    }

    /// <summary>
    /// GET /Users/{id} and <c>userName eq</c> (both cacheable) against <c>id eq … and userName pr</c> (the general
    /// filter path, which reads the database every time); returns the user as read, or "" when it is gone.
    /// </summary>
    private static async Task<string> AssertReadsMatchDatabaseAsync(TestAccount account, string userId, params string[] userNames)
    {
        var general = await (
            await account.GetAsync("/Users?filter=" + Uri.EscapeDataString($"id eq \"{userId}\" and userName pr"))
        ).AssertStatusAsync(HttpStatusCode.OK);
        var resources = general["Resources"]?.AsArray() ?? [];
        var single = await account.GetAsync($"/Users/{userId}");
        if (resources.Count == 0)
        {
            await single.AssertScimErrorAsync(HttpStatusCode.NotFound);
        }
        else
        {
            Assert.Equal(resources[0]!.ToJsonString(), (await single.AssertStatusAsync(HttpStatusCode.OK)).ToJsonString());
        }

        foreach (var userName in userNames)
        {
            var byName = await (
                await account.GetAsync("/Users?filter=" + Uri.EscapeDataString($"userName eq \"{userName.ToUpperInvariant()}\""))
            ).AssertStatusAsync(HttpStatusCode.OK);
            var expected = resources.Where(r =>
                string.Equals(r!["userName"]!.GetValue<string>(), userName, StringComparison.OrdinalIgnoreCase)
            );
            Assert.Equal(
                string.Join(",", expected.Select(r => r!.ToJsonString())),
                string.Join(",", (byName["Resources"]?.AsArray() ?? []).Select(r => r!.ToJsonString()))
            );
        }

        return resources.Count == 0 ? "" : resources[0]!.ToJsonString();
    }

    private static async Task Expect(Task<HttpResponseMessage> request)
    {
        var response = await request;
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
