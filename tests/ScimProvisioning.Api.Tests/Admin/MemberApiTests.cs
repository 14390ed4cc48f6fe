using System.Net;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Admin;

/// <summary>SPEC §5: the account members API in Cloudflare's envelope, and effective permissions.</summary>
public sealed class MemberApiTests(CloudflareApiFactory factory) : IClassFixture<CloudflareApiFactory>
{
    [Fact]
    public async Task Members_are_listed_in_the_cloudflare_envelope_with_paging()
    {
        var account = await factory.CreateAccountAsync("boss@example.com");
        for (var i = 0; i < 6; i++)
        {
            await account.CreateUserAsync($"m{i}@example.com", "First" + i, "Last" + i);
        }

        var page1 = await (await account.Admin.GetAsync($"{account.AdminBase}/members?page=1&per_page=5")).AssertStatusAsync(
            HttpStatusCode.OK
        );
        var page2 = await (await account.Admin.GetAsync($"{account.AdminBase}/members?page=2&per_page=5")).AssertStatusAsync(
            HttpStatusCode.OK
        );

        Assert.True(page1["success"]!.GetValue<bool>());
        Assert.Empty(page1["errors"]!.AsArray());
        Assert.Equal(5, page1["result"]!.AsArray().Count);
        Assert.Equal(2, page2["result"]!.AsArray().Count);
        Assert.Equal(7, page1["result_info"]!["total_count"]!.GetValue<int>());
        Assert.Equal(5, page1["result_info"]!["per_page"]!.GetValue<int>());
        Assert.Equal(2, page2["result_info"]!["page"]!.GetValue<int>());
        var owner = page1["result"]![0]!;
        Assert.Equal("boss@example.com", owner["email"]!.GetValue<string>());
        Assert.Equal("accepted", owner["status"]!.GetValue<string>());
        Assert.Equal("Super Administrator - All Privileges", owner["roles"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("33666b9c79b9a5273fc7344ff42f953d", owner["policies"]![0]!["permission_groups"]![0]!["id"]!.GetValue<string>());
        var member = page1["result"]![1]!;
        Assert.Equal("First0", member["user"]!["first_name"]!.GetValue<string>());
        Assert.Matches("^[0-9a-f]{32}$", member["user"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_deprovisioned_user_is_no_longer_a_member()
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateUserAsync("leaver@example.com");
        await account.PatchOpsAsync($"/Users/{id}", """[{"op":"replace","value":{"active":false}}]""");

        var body = await (await account.Scim.GetAsync($"{account.AdminBase}/members")).AssertStatusAsync(HttpStatusCode.OK);

        Assert.DoesNotContain(body["result"]!.AsArray(), m => m!["email"]!.GetValue<string>() == "leaver@example.com");
        Assert.Equal(1, body["result_info"]!["total_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Effective_permissions_of_the_super_administrator_name_both_grants_and_their_sources()
    {
        var account = await factory.CreateAccountAsync("sa@example.com");
        var members = await (await account.Admin.GetAsync($"{account.AdminBase}/members")).ReadJsonAsync();
        var memberId = members["result"]![0]!["id"]!.GetValue<string>();

        var body = await (await account.Admin.GetAsync($"{account.AdminBase}/members/{memberId}/effective_permissions")).AssertStatusAsync(
            HttpStatusCode.OK
        );
        var roles = body["result"]!["roles"]!.AsArray();

        Assert.Equal(
            ["Minimal Account Access", "Super Administrator - All Privileges"],
            roles.Select(r => r!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal)
        );
        var super = roles.Single(r => r!["name"]!.GetValue<string>().StartsWith("Super", StringComparison.Ordinal))!;
        Assert.Equal("direct_policy", super["sources"]![0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_member_is_404_in_the_envelope()
    {
        var account = await factory.CreateAccountAsync();
        var response = await account.Admin.GetAsync($"{account.AdminBase}/members/0123456789abcdef0123456789abcdef/effective_permissions");
        var body = await response.AssertStatusAsync(HttpStatusCode.NotFound);
        Assert.False(body["success"]!.GetValue<bool>());
        Assert.NotEmpty(body["errors"]!.AsArray());
    }

    [Fact]
    public async Task Another_accounts_members_are_403()
    {
        var mine = await factory.CreateAccountAsync();
        var theirs = await factory.CreateAccountAsync();
        var response = await mine.Admin.GetAsync($"{theirs.AdminBase}/members");
        var body = await response.AssertStatusAsync(HttpStatusCode.Forbidden);
        Assert.False(body["success"]!.GetValue<bool>());
    }
}
