using System.Net;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Groups;

public sealed class GroupConcurrencyTests(StandardApiFactory factory) : IClassFixture<StandardApiFactory>
{
    [Fact]
    public async Task Parallel_membership_patches_on_one_group_lose_nothing()
    {
        var account = await factory.CreateAccountAsync();
        var users = new List<string>();
        for (var i = 0; i < 24; i++)
        {
            users.Add(await account.CreateUserAsync($"parallel{i:D2}@example.com"));
        }

        var group = await account.CreateGroupAsync("Busy");
        var responses = await Task.WhenAll(
            users.Select(u =>
                account.PatchOpsAsync($"/Groups/{group}", $$"""[{"op":"add","path":"members","value":[{"value":"{{u}}"}]}]""")
            )
        );

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.NoContent, r.StatusCode));
        Assert.Equal(users.Order(StringComparer.Ordinal), await account.MemberValuesAsync(group));

        // And removals racing additions of others still leave exactly the expected set.
        var removeHalf = users
            .Take(12)
            .Select(u => account.PatchOpsAsync($"/Groups/{group}", $$"""[{"op":"remove","path":"members[value eq \"{{u}}\"]"}]"""));
        await Task.WhenAll(removeHalf);
        Assert.Equal(users.Skip(12).Order(StringComparer.Ordinal), await account.MemberValuesAsync(group));
    }
}
