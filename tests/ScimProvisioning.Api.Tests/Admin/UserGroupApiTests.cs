using System.Net;
using ScimProvisioning.Api.Tests.Infrastructure;
using ScimProvisioning.Domain.Permissions;

namespace ScimProvisioning.Api.Tests.Admin;

/// <summary>SPEC §5: user groups in the admin API, the SCIM-managed lock, and the audit log.</summary>
public sealed class UserGroupApiTests(CloudflareApiFactory factory) : IClassFixture<CloudflareApiFactory>
{
    private static readonly string Administrator = PermissionGroupCatalog.IdFor("Administrator");

    [Fact]
    public async Task Hand_made_groups_can_be_renamed_filled_and_deleted()
    {
        var account = await factory.CreateAccountAsync();
        var user = await account.CreateUserAsync("hand@example.com");
        var member = await account.MemberIdOfAsync(user);
        var created = await (await account.AdminPostAsync("/iam/user_groups", """{"name":"Support"}""")).AssertStatusAsync(
            HttpStatusCode.OK
        );
        var group = created["result"]!["id"]!.GetValue<string>();
        Assert.False(created["result"]!["scim_managed"]!.GetValue<bool>());

        await (await account.AdminPostAsync($"/iam/user_groups/{group}/members", $$"""[{"id":"{{member}}"}]""")).AssertStatusAsync(
            HttpStatusCode.OK
        );
        var members = await (await account.AdminGetAsync($"/iam/user_groups/{group}/members")).ReadJsonAsync();
        Assert.Equal(member, Assert.Single(members["result"]!.AsArray())!["id"]!.GetValue<string>());
        await (await account.AdminPutAsync($"/iam/user_groups/{group}", """{"name":"Support Team"}""")).AssertStatusAsync(
            HttpStatusCode.OK
        );
        Assert.Equal("Support Team", (await account.GetGroupAsync(group))["displayName"]!.GetValue<string>());
        await (await account.AdminDeleteAsync($"/iam/user_groups/{group}/members/{member}")).AssertStatusAsync(HttpStatusCode.OK);
        await (await account.AdminDeleteAsync($"/iam/user_groups/{group}")).AssertStatusAsync(HttpStatusCode.OK);
        await (await account.AdminGetAsync($"/iam/user_groups/{group}")).AssertStatusAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Scim_managed_groups_refuse_rename_member_changes_and_delete_but_take_policies()
    {
        var account = await factory.CreateAccountAsync();
        var user = await account.CreateUserAsync("locked@example.com");
        var member = await account.MemberIdOfAsync(user);
        var group = await account.CreateGroupAsync("Pushed");
        var snapshot = await account.QueryAsync(db => Task.FromResult(db.UserGroupMembers.Count()));

        foreach (
            var response in new[]
            {
                await account.AdminPutAsync($"/iam/user_groups/{group}", """{"name":"Renamed"}"""),
                await account.AdminPostAsync($"/iam/user_groups/{group}/members", $$"""[{"id":"{{member}}"}]"""),
                await account.AdminPutAsync($"/iam/user_groups/{group}/members", $$"""[{"id":"{{member}}"}]"""),
                await account.AdminDeleteAsync($"/iam/user_groups/{group}"),
            }
        )
        {
            var body = await response.AssertStatusAsync(HttpStatusCode.BadRequest);
            Assert.Contains("managed by SCIM", body["errors"]![0]!["message"]!.GetValue<string>());
        }

        Assert.Equal(snapshot, await account.QueryAsync(db => Task.FromResult(db.UserGroupMembers.Count())));
        await (
            await account.AdminPutAsync(
                $"/iam/user_groups/{group}",
                $$"""{"policies":[{{account.AccountPolicy("allow", Administrator)}}]}"""
            )
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("Pushed", (await account.GetGroupAsync(group))["displayName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Group_names_are_unique_and_the_prefix_is_reserved_here_too()
    {
        var account = await factory.CreateAccountAsync();
        await (await account.AdminPostAsync("/iam/user_groups", """{"name":"Ops"}""")).AssertStatusAsync(HttpStatusCode.OK);
        await (await account.AdminPostAsync("/iam/user_groups", """{"name":"OPS"}""")).AssertStatusAsync(HttpStatusCode.Conflict);
        await (await account.AdminPostAsync("/iam/user_groups", """{"name":"CF Ops"}""")).AssertStatusAsync(HttpStatusCode.BadRequest);
        await (await account.AdminPostAsync("/iam/user_groups", """{"policies":[]}""")).AssertStatusAsync(HttpStatusCode.BadRequest);
        await (await account.AdminPostAsync("/iam/user_groups", """{"name":""")).AssertStatusAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Audit_log_records_scim_and_admin_writes_and_refusals_newest_first_with_filters()
    {
        var account = await factory.CreateAccountAsync();
        var user = await account.CreateUserAsync("audited@example.com");
        var group = await account.CreateGroupAsync("Audited", user);
        await account.AdminPutAsync($"/iam/user_groups/{group}", $$"""{"policies":[{{account.AccountPolicy("allow", Administrator)}}]}""");
        var owner = await account.OwnerUserIdAsync();
        await account.PatchOpsAsync($"/Users/{owner}", """[{"op":"replace","value":{"active":false}}]""");
        await account.DeleteAsync($"/Groups/{group}");

        var all = await (await account.AdminGetAsync("/audit_logs?per_page=100")).AssertStatusAsync(HttpStatusCode.OK);
        var actions = all["result"]!.AsArray().Select(e => e!["action"]!["type"]!.GetValue<string>()).ToList();
        Assert.Equal("Delete SCIM Group", actions[0]);
        Assert.Contains("Update User Group", actions);
        Assert.Contains("Create SCIM Group", actions);
        Assert.Contains("Create SCIM User", actions);

        var refused = await (await account.AdminGetAsync("/audit_logs?outcome=refused")).ReadJsonAsync();
        var refusal = Assert.Single(refused["result"]!.AsArray())!;
        Assert.Equal("Update SCIM User", refusal["action"]!["type"]!.GetValue<string>());
        Assert.Equal(owner, refusal["resource"]!["id"]!.GetValue<string>());

        var byActor = await (
            await account.AdminGetAsync($"/audit_logs?actor={account.ScimTokenId}&action=Create%20SCIM%20Group")
        ).ReadJsonAsync();
        Assert.Single(byActor["result"]!.AsArray());
        var future = await (await account.AdminGetAsync($"/audit_logs?since={DateTime.UtcNow.AddHours(1):O}")).ReadJsonAsync();
        Assert.Empty(future["result"]!.AsArray());
        Assert.DoesNotContain(account.ScimToken, all.ToJsonString());

        Assert.Equal(HttpStatusCode.Forbidden, (await account.Scim.GetAsync($"{account.AdminBase}/audit_logs")).StatusCode);
    }

    [Fact]
    public async Task Resource_groups_are_validated_and_in_use_ones_cannot_be_deleted()
    {
        var account = await factory.CreateAccountAsync();
        await (
            await account.AdminPostAsync(
                "/iam/resource_groups",
                """{"scope":{"key":"com.cloudflare.api.account.other","objects":[{"key":"*"}]}}"""
            )
        ).AssertStatusAsync(HttpStatusCode.BadRequest);
        await (
            await account.AdminPostAsync(
                "/iam/resource_groups",
                $$"""{"scope":{"key":"com.cloudflare.api.account.{{account.AccountId}}","objects":[]} }"""
            )
        ).AssertStatusAsync(HttpStatusCode.BadRequest);
        var list = await (await account.AdminGetAsync("/iam/resource_groups")).ReadJsonAsync();
        var accountScope = list["result"]![0]!["id"]!.GetValue<string>();
        var deletion = await account.AdminDeleteAsync($"/iam/resource_groups/{accountScope}");
        await deletion.AssertStatusAsync(HttpStatusCode.Conflict);
    }
}
