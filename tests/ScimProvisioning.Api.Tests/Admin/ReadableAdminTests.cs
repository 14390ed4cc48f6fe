using System.Net;
using ScimProvisioning.Api.Tests.Infrastructure;
using ScimProvisioning.Domain.Permissions;

namespace ScimProvisioning.Api.Tests.Admin;

/// <summary>The admin API reads like a product: audit events as sentences, members with the roles they really hold.</summary>
public sealed class ReadableAdminTests(CloudflareApiFactory factory) : IClassFixture<CloudflareApiFactory>
{
    [Fact]
    public async Task Audit_events_read_as_sentences_naming_the_token_and_the_resource()
    {
        var account = await factory.CreateAccountAsync();
        var jane = await account.CreateUserAsync("jane@example.com");
        var group = await account.CreateGroupAsync("Engineering", jane);
        await account.PatchOpsAsync($"/Users/{jane}", """[{"op":"replace","path":"active","value":false}]""");
        var owner = await account.OwnerUserIdAsync();
        await account.PatchOpsAsync($"/Users/{owner}", """[{"op":"replace","path":"active","value":false}]""");

        var all = (await (await account.AdminGetAsync("/audit_logs")).ReadJsonAsync())["result"]!.AsArray().Reverse().ToList();
        Assert.Equal("account Test account created by the system", all[0]!["description"]!.GetValue<string>());
        var events = all.Where(e => e!["actor"]!["token_id"]!.GetValue<string>() == account.ScimTokenId).ToList();
        var sentences = events.Select(e => e!["description"]!.GetValue<string>()).ToList();
        Assert.Equal("jane@example.com provisioned with Minimal Account Access by token test scim", sentences[0]);
        Assert.Equal("group Engineering pushed by token test scim: 1 member added", sentences[1]);
        Assert.Equal("jane@example.com deprovisioned by token test scim: member and its roles removed", sentences[2]);
        Assert.StartsWith("Update SCIM User of owner@example.com by token test scim was refused: ", sentences[3], StringComparison.Ordinal);
        Assert.Equal("test scim", events[0]!["actor"]!["name"]!.GetValue<string>());
        Assert.Equal("Engineering", events[1]!["resource"]!["name"]!.GetValue<string>());
        Assert.Equal(group, events[1]!["resource"]!["id"]!.GetValue<string>());
        Assert.NotNull(events[1]!["summary"]); // the raw summary stays
    }

    [Fact]
    public async Task The_members_list_shows_roles_held_through_groups_with_their_source()
    {
        var account = await factory.CreateAccountAsync();
        var user = await account.CreateUserAsync("engineer@example.com");
        var group = await account.CreateGroupAsync("Engineering", user);
        var administrator = PermissionGroupCatalog.IdFor("Administrator");
        var policies = $$"""{"policies":[{{account.AccountPolicy("allow", administrator)}}]}""";
        await (await account.AdminPutAsync($"/iam/user_groups/{group}", policies)).AssertStatusAsync(HttpStatusCode.OK);

        var list = (await (await account.AdminGetAsync("/members?per_page=50")).ReadJsonAsync())["result"]!.AsArray();
        var member = list.Single(m => m!["email"]!.GetValue<string>() == "engineer@example.com")!;
        var roles = member["effective_roles"]!.AsArray();
        var admin = roles.Single(r => r!["name"]!.GetValue<string>() == "Administrator")!;
        var source = admin["sources"]!.AsArray().Single()!;
        Assert.Equal(EffectivePermissions.GroupPolicy, source["type"]!.GetValue<string>());
        Assert.Equal("Engineering", source["group_name"]!.GetValue<string>());
        var minimal = roles.Single(r => r!["name"]!.GetValue<string>() == PermissionGroupCatalog.MinimalAccountAccessName)!;
        Assert.Equal(EffectivePermissions.BaseGrant, minimal["sources"]![0]!["type"]!.GetValue<string>());
        // Its direct roles (Cloudflare's field) are still only the direct ones.
        Assert.DoesNotContain(member["roles"]!.AsArray(), r => r!["name"]!.GetValue<string>() == "Administrator");
    }
}
