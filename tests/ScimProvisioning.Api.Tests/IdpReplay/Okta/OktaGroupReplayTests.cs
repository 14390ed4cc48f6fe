using System.Net;
using ScimProvisioning.Api.Tests.Infrastructure;
using ScimProvisioning.Domain.Permissions;

namespace ScimProvisioning.Api.Tests.IdpReplay.Okta;

/// <summary>reference/idps.md §8 scenarios 45–51: Okta Group Push, against the Cloudflare profile.</summary>
public sealed class OktaGroupReplayTests(CloudflareApiFactory factory) : IClassFixture<CloudflareApiFactory>
{
    [Fact]
    public async Task S45_link_check_finds_the_preseeded_role_group()
    {
        var account = await factory.CreateAccountAsync();
        var name = $"CF-{account.AccountId} - Administrator";
        var body = await (await account.GetAsync("/Groups?filter=" + Uri.EscapeDataString($"displayName eq \"{name}\""))).AssertStatusAsync(
            HttpStatusCode.OK
        );
        Assert.Equal(1, body["totalResults"]!.GetValue<int>());
        Assert.Equal($"cloudflare-v1-{PermissionGroupCatalog.IdFor("Administrator")}", body["Resources"]![0]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task S46_push_new_group_with_empty_members()
    {
        var account = await factory.CreateAccountAsync();
        var response = await account.PostAsync(
            "/Groups",
            """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Eng","members":[]}"""
        );
        var body = await response.AssertStatusAsync(HttpStatusCode.Created);
        Assert.Matches("^[0-9a-f]{32}$", body["id"]!.GetValue<string>());
        Assert.Equal("Eng", body["displayName"]!.GetValue<string>());
        Assert.Empty(body["members"]!.AsArray());
        Assert.Equal("Group", body["meta"]!["resourceType"]!.GetValue<string>());
        Assert.EndsWith($"/Groups/{body["id"]}", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task S47_mixed_remove_and_add_in_one_patch()
    {
        var account = await factory.CreateAccountAsync();
        var u1 = await account.CreateUserAsync("u1@okta.local");
        var u2 = await account.CreateUserAsync("u2@okta.local");
        var group = await account.CreateGroupAsync("Eng", u2);
        var response = await account.PatchOpsAsync(
            $"/Groups/{group}",
            $$"""
            [{"op":"remove","path":"members[value eq \"{{u2}}\"]"},{"op":"add","path":"members","value":[{"value":"{{u1}}",
            "display":"u1@okta.local"}]}]
            """
        );
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([u1], await account.MemberValuesAsync(group));
    }

    [Fact]
    public async Task S48_full_replace_sets_exactly_the_given_members()
    {
        var account = await factory.CreateAccountAsync();
        var u1 = await account.CreateUserAsync("r1@okta.local");
        var u2 = await account.CreateUserAsync("r2@okta.local");
        var u3 = await account.CreateUserAsync("r3@okta.local");
        var group = await account.CreateGroupAsync("Eng", u1, u2);
        await account.PatchOpsAsync(
            $"/Groups/{group}",
            $$"""[{"op":"replace","path":"members","value":[{"value":"{{u1}}"},{"value":"{{u3}}"}]}]"""
        );
        Assert.Equal(new[] { u1, u3 }.Order(StringComparer.Ordinal), await account.MemberValuesAsync(group));
    }

    [Fact]
    public async Task S49_rename_with_id_in_the_value_sent_with_every_membership_update()
    {
        var account = await factory.CreateAccountAsync();
        var u1 = await account.CreateUserAsync("n1@okta.local");
        var group = await account.CreateGroupAsync("Eng");
        var response = await account.PatchOpsAsync(
            $"/Groups/{group}",
            $$"""
            [{"op":"replace","value":{"id":"{{group}}","displayName":"Eng2"} },{"op":"add","path":"members","value":[{"value":"{{u1}}"}]}]
            """
        );
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await account.GetGroupAsync(group);
        Assert.Equal("Eng2", body["displayName"]!.GetValue<string>());
        Assert.Equal([u1], await account.MemberValuesAsync(group));
    }

    [Fact]
    public async Task S50_aiw_put_replaces_the_group()
    {
        var account = await factory.CreateAccountAsync();
        var u1 = await account.CreateUserAsync("p1@okta.local");
        var u2 = await account.CreateUserAsync("p2@okta.local");
        var group = await account.CreateGroupAsync("Eng", u2);
        var body = await (
            await account.PutAsync(
                $"/Groups/{group}",
                $$"""
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"{{group}}","displayName":"Eng",
                "members":[{"value":"{{u1}}"}]}
                """
            )
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal([u1], body["members"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()));
    }

    [Fact]
    public async Task S51_import_groups_pages_with_integers_including_role_groups()
    {
        var account = await factory.CreateAccountAsync();
        await account.CreateGroupAsync("Imported");
        var first = await (await account.GetAsync("/Groups?startIndex=1&count=100")).AssertStatusAsync(HttpStatusCode.OK);
        var total = first["totalResults"]!.GetValue<int>();
        Assert.True(total > 60);
        var second = await (await account.GetAsync($"/Groups?startIndex=51&count=100")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(total - 50, second["itemsPerPage"]!.GetValue<int>());
        Assert.Contains(second["Resources"]!.AsArray(), g => g!["displayName"]!.GetValue<string>() == "Imported");
    }
}
