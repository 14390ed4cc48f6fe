using System.Net;
using ScimProvisioning.Api.Tests.Infrastructure;
using ScimProvisioning.Domain.Permissions;

namespace ScimProvisioning.Api.Tests.Groups;

/// <summary>SPEC §2.1 rules 4–8, 10 and §3 for /Groups.</summary>
public sealed class GroupTests(StandardApiFactory factory) : IClassFixture<StandardApiFactory>
{
    private static readonly string AdministratorId = PermissionGroupCatalog.IdFor("Administrator");

    [Theory]
    [InlineData("CF-Admins")]
    [InlineData("CFO Office")]
    [InlineData("CF")]
    public async Task Names_beginning_with_CF_are_refused_on_create(string name)
    {
        var account = await factory.CreateAccountAsync();
        var error = await (await account.PostAsync("/Groups", $$"""{"displayName":"{{name}}"}""")).AssertScimErrorAsync(
            HttpStatusCode.BadRequest,
            "invalidValue"
        );
        Assert.Contains("CF", error["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_prefix_is_case_sensitive_and_checked_on_rename_by_put_and_patch()
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateGroupAsync("cf lowercase is fine");
        await (
            await account.PatchOpsAsync($"/Groups/{id}", """[{"op":"replace","path":"displayName","value":"CF-Renamed"}]""")
        ).AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidValue");
        await (await account.PutAsync($"/Groups/{id}", """{"displayName":"CFO"}""")).AssertScimErrorAsync(
            HttpStatusCode.BadRequest,
            "invalidValue"
        );
        Assert.Equal("cf lowercase is fine", (await account.GetGroupAsync(id))["displayName"]!.GetValue<string>());
    }

    [Fact]
    public async Task System_groups_are_listed_with_cloudflare_ids_and_names()
    {
        var account = await factory.CreateAccountAsync();
        var name = $"CF-{account.AccountId} - Administrator";
        var body = await (await account.GetAsync("/Groups?filter=" + Uri.EscapeDataString($"displayName eq \"{name}\""))).AssertStatusAsync(
            HttpStatusCode.OK
        );
        var group = Assert.Single(body["Resources"]!.AsArray())!;
        Assert.Equal($"cloudflare-v1-{AdministratorId}", group["id"]!.GetValue<string>());
        var superAdmin = await account.GetGroupAsync("cloudflare-v1-33666b9c79b9a5273fc7344ff42f953d");
        Assert.Equal($"CF-{account.AccountId} - Super Administrator - All Privileges", superAdmin["displayName"]!.GetValue<string>());
        var all = await (await account.GetAsync("/Groups?count=1000")).ReadJsonAsync();
        Assert.Equal(PermissionGroupCatalog.All.Count(r => r.Scope == ScopeKind.Account), all["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task System_groups_cannot_be_renamed_or_deleted_but_membership_grants_the_role()
    {
        var account = await factory.CreateAccountAsync();
        var user = await account.CreateUserAsync("admin.via.group@example.com");
        var groupId = $"cloudflare-v1-{AdministratorId}";

        await (
            await account.PatchOpsAsync($"/Groups/{groupId}", """[{"op":"replace","path":"displayName","value":"Admins"}]""")
        ).AssertScimErrorAsync(HttpStatusCode.BadRequest, "mutability");
        await (await account.DeleteAsync($"/Groups/{groupId}")).AssertScimErrorAsync(HttpStatusCode.BadRequest, "mutability");
        var add = await account.PatchOpsAsync($"/Groups/{groupId}", $$"""[{"op":"add","path":"members","value":[{"value":"{{user}}"}]}]""");
        Assert.Equal(HttpStatusCode.NoContent, add.StatusCode);

        Assert.Equal(["Administrator", "Minimal Account Access"], await account.EffectiveRolesAsync(user));
        var memberId = await account.MemberIdOfAsync(user);
        var permissions = await (await account.AdminGetAsync($"/members/{memberId}/effective_permissions")).ReadJsonAsync();
        var admin = permissions["result"]!["roles"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "Administrator")!;
        Assert.Equal("system_group", admin["sources"]![0]!["type"]!.GetValue<string>());
        Assert.Equal(groupId, admin["sources"]![0]!["group_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Pushing_the_name_of_a_hand_made_group_adopts_it_with_its_policies_and_members()
    {
        var account = await factory.CreateAccountAsync();
        var existing = await account.CreateUserAsync("existing@example.com");
        var existingMember = await account.MemberIdOfAsync(existing);
        var created = await (
            await account.AdminPostAsync(
                "/iam/user_groups",
                $$"""{"name":"Engineering","policies":[{{account.AccountPolicy("allow", AdministratorId)}}]}"""
            )
        ).AssertStatusAsync(HttpStatusCode.OK);
        var handMadeId = created["result"]!["id"]!.GetValue<string>();
        await (
            await account.AdminPostAsync($"/iam/user_groups/{handMadeId}/members", $$"""[{"id":"{{existingMember}}"}]""")
        ).AssertStatusAsync(HttpStatusCode.OK);

        var pushed = await (
            await account.PostAsync(
                "/Groups",
                """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"ENGINEERING","externalId":"okta-1"}"""
            )
        ).AssertStatusAsync(HttpStatusCode.Created);

        Assert.Equal(handMadeId, pushed["id"]!.GetValue<string>());
        Assert.Equal([existing], pushed["members"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()));
        Assert.Contains("Administrator", (await account.EffectiveRolesAsync(existing))!);
        var view = await (await account.AdminGetAsync($"/iam/user_groups/{handMadeId}")).ReadJsonAsync();
        Assert.True(view["result"]!["scim_managed"]!.GetValue<bool>());
        Assert.Single(view["result"]!["policies"]!.AsArray());
        // Now locked in the admin API.
        await (await account.AdminPutAsync($"/iam/user_groups/{handMadeId}", """{"name":"Renamed"}""")).AssertStatusAsync(
            HttpStatusCode.BadRequest
        );
    }

    [Theory]
    [InlineData("Eng")]
    [InlineData("eNG")]
    public async Task A_scim_managed_namesake_is_409_uniqueness(string second)
    {
        var account = await factory.CreateAccountAsync();
        await account.CreateGroupAsync("Eng");
        await (await account.PostAsync("/Groups", $$"""{"displayName":"{{second}}"}""")).AssertScimErrorAsync(
            HttpStatusCode.Conflict,
            "uniqueness"
        );
    }

    [Fact]
    public async Task Renaming_onto_another_group_is_409()
    {
        var account = await factory.CreateAccountAsync();
        await account.CreateGroupAsync("Alpha");
        var beta = await account.CreateGroupAsync("Beta");
        await (
            await account.PatchOpsAsync($"/Groups/{beta}", """[{"op":"replace","path":"displayName","value":"ALPHA"}]""")
        ).AssertScimErrorAsync(HttpStatusCode.Conflict, "uniqueness");
    }

    [Fact]
    public async Task Single_read_always_has_members_and_lists_never_do()
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateGroupAsync("Empty");
        var single = await account.GetGroupAsync(id);
        Assert.Empty(single["members"]!.AsArray());
        Assert.Equal("Group", single["meta"]!["resourceType"]!.GetValue<string>());
        var list = await (await account.GetAsync("/Groups")).ReadJsonAsync();
        Assert.All(list["Resources"]!.AsArray(), g => Assert.Null(g!["members"]));
        var excluded = await account.GetGroupAsync(id, "?excludedAttributes=members");
        Assert.Null(excluded["members"]);
        var projected = await account.GetGroupAsync(id, "?attributes=displayName");
        Assert.Equal(["displayName", "id", "schemas"], projected.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Member_ids_that_name_no_user_are_ignored_and_audited()
    {
        var account = await factory.CreateAccountAsync();
        var real = await account.CreateUserAsync("real@example.com");
        var other = await factory.CreateAccountAsync();
        var foreign = await other.CreateUserAsync("foreign@example.com");
        var id = await account.CreateGroupAsync("Mixed", real, "0123456789abcdef0123456789abcdef", "garbage", foreign);

        Assert.Equal([real], await account.MemberValuesAsync(id));
        var response = await account.PatchOpsAsync(
            $"/Groups/{id}",
            """[{"op":"add","path":"members","value":[{"value":"ffffffffffffffffffffffffffffffff"}]}]"""
        );
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var audit = await account.QueryAsync(db =>
            Task.FromResult(db.AuditEvents.Where(e => e.ResourceId == id).OrderBy(e => e.Key).Select(e => e.Summary).ToList())
        );
        Assert.Contains("garbage", audit[0]);
        Assert.Contains(foreign, audit[0]);
        Assert.Contains("ffffffffffffffffffffffffffffffff", audit[1]);
    }

    [Fact]
    public async Task Users_list_their_groups_as_rfc_complex_values()
    {
        var account = await factory.CreateAccountAsync();
        var user = await account.CreateUserAsync("member@example.com");
        var group = await account.CreateGroupAsync("Readers", user);
        var body = await account.GetUserAsync(user);
        var entry = Assert.Single(body["groups"]!.AsArray())!;
        Assert.Equal(group, entry["value"]!.GetValue<string>());
        Assert.Equal("Readers", entry["display"]!.GetValue<string>());
        Assert.EndsWith($"/Groups/{group}", entry["$ref"]!.GetValue<string>());
    }

    [Fact]
    public async Task Group_membership_never_creates_or_removes_the_account_member()
    {
        var account = await factory.CreateAccountAsync();
        var user = await account.CreateUserAsync("separate@example.com");
        await account.PatchOpsAsync($"/Users/{user}", """[{"op":"replace","path":"active","value":false}]""");
        var group = await account.CreateGroupAsync("Later", user);

        Assert.Null(await account.MemberIdOfAsync(user));
        Assert.Equal([user], await account.MemberValuesAsync(group));
        await account.PatchOpsAsync($"/Groups/{group}", """[{"op":"remove","path":"members"}]""");
        await account.PatchOpsAsync($"/Users/{user}", """[{"op":"replace","path":"active","value":true}]""");
        Assert.NotNull(await account.MemberIdOfAsync(user));
    }

    [Fact]
    public async Task Group_roles_apply_only_while_active_and_return_on_reactivation()
    {
        var account = await factory.CreateAccountAsync();
        var user = await account.CreateUserAsync("cycle@example.com");
        await account.PatchOpsAsync(
            $"/Groups/cloudflare-v1-{AdministratorId}",
            $$"""[{"op":"add","path":"members","value":[{"value":"{{user}}"}]}]"""
        );
        await account.PatchOpsAsync($"/Users/{user}", """[{"op":"replace","path":"active","value":false}]""");
        Assert.Null(await account.EffectiveRolesAsync(user));

        await account.PatchOpsAsync($"/Users/{user}", """[{"op":"replace","path":"active","value":true}]""");
        Assert.Equal(["Administrator", "Minimal Account Access"], await account.EffectiveRolesAsync(user));
    }

    [Fact]
    public async Task Deleting_a_group_removes_its_policies_and_the_roles_they_granted()
    {
        var account = await factory.CreateAccountAsync();
        var user = await account.CreateUserAsync("deleted.group@example.com");
        var group = await account.CreateGroupAsync("Temporary", user);
        await (
            await account.AdminPutAsync(
                $"/iam/user_groups/{group}",
                $$"""{"policies":[{{account.AccountPolicy("allow", AdministratorId)}}]}"""
            )
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Contains("Administrator", (await account.EffectiveRolesAsync(user))!);

        Assert.Equal(HttpStatusCode.NoContent, (await account.DeleteAsync($"/Groups/{group}")).StatusCode);

        Assert.Equal(["Minimal Account Access"], await account.EffectiveRolesAsync(user));
        Assert.Equal(
            0,
            await account.QueryAsync(db =>
                Task.FromResult(db.Policies.Count(p => p.AccountId == account.AccountId && p.UserGroupKey != null))
            )
        );
        await (await account.GetAsync($"/Groups/{group}")).AssertScimErrorAsync(HttpStatusCode.NotFound);
        await (await account.DeleteAsync($"/Groups/{group}")).AssertScimErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Patch_answers_200_with_the_group_when_attributes_are_asked_for()
    {
        var account = await factory.CreateAccountAsync();
        var user = await account.CreateUserAsync("attrs@example.com");
        var group = await account.CreateGroupAsync("Attrs");
        var response = await account.PatchAsync(
            $"/Groups/{group}?excludedAttributes=members",
            $$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members",
            "value":[{"value":"{{user}}"}]}]}
            """
        );
        var body = await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Null(body["members"]);
        Assert.Equal([user], await account.MemberValuesAsync(group));
    }

    [Fact]
    public async Task Bad_group_patches_change_nothing()
    {
        var account = await factory.CreateAccountAsync();
        var user = await account.CreateUserAsync("keep@example.com");
        var group = await account.CreateGroupAsync("Keep", user);
        foreach (
            var operations in new[]
            {
                $$"""
                    [{"op":"add","path":"members","value":[{"value":"{{user}}"}]},{"op":"replace","path":"displayName","value":"CF-bad"}]
                    """,
                """[{"op":"add","path":"members","value":[{"nope":"x"}]}]""",
                """[{"op":"replace","path":"members[value eq \"x\"]","value":[]}]""",
                """[{"op":"remove","path":"members[value eq ]"}]""",
                """[{"op":"add","path":"members","value":[{"value":42}]}]""",
            }
        )
        {
            var response = await account.PatchOpsAsync($"/Groups/{group}", operations);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        Assert.Equal([user], await account.MemberValuesAsync(group));
        Assert.Equal("Keep", (await account.GetGroupAsync(group))["displayName"]!.GetValue<string>());
    }
}
