using System.Net;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Concurrency;

/// <summary>Races inside one instance (run on SQLite and, with SCIM_TEST_PROVIDER=Postgres, on PostgreSQL).</summary>
public sealed class RaceTests(StandardApiFactory factory) : IClassFixture<StandardApiFactory>
{
    [Fact]
    public async Task Parallel_creates_of_one_user_name_in_any_case_make_exactly_one_user()
    {
        var account = await factory.CreateAccountAsync();
        var names = Enumerable.Range(0, 12).Select(i => i % 3 == 0 ? "Racer@Example.com" : i % 3 == 1 ? "racer@example.com" : "RACER@EXAMPLE.COM");
        var responses = await Task.WhenAll(names.Select(n => account.PostAsync("/Users", $$"""{"userName":"{{n}}"}""")));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var conflict in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await conflict.AssertScimErrorAsync(HttpStatusCode.Conflict, "uniqueness");
        }

        var rows = await account.QueryAsync(db => Task.FromResult(db.Users.Count(u => u.AccountId == account.AccountId && u.UserNameKey == "racer@example.com")));
        Assert.Equal(1, rows);
    }

    [Fact]
    public async Task Parallel_patches_of_one_user_never_lose_an_acknowledged_update()
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateUserAsync("contended@example.com");
        var numbers = Enumerable.Range(0, 10).Select(i => $"+1 555 01{i:D2}").ToList();

        var responses = await Task.WhenAll(numbers.Select(n =>
            account.PatchOpsAsync($"/Users/{id}", $$"""[{"op":"add","path":"phoneNumbers","value":[{"value":"{{n}}","type":"work"}]}]""")));

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

        var responses = await Task.WhenAll(ids.Select(id => account.PatchOpsAsync($"/Groups/{id}", """[{"op":"replace","path":"displayName","value":"Winner"}]""")));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.NoContent);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.NoContent), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
    }
}
