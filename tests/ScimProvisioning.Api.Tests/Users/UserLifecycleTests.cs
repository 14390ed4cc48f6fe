using System.Net;
using System.Text.Json.Nodes;
using ScimProvisioning.Api.Tests.Infrastructure;
using ScimProvisioning.Domain.Permissions;

namespace ScimProvisioning.Api.Tests.Users;

/// <summary>SPEC §2.1 rules 1–3, 7, 9, 10: provision, deprovision, reactivate, uniqueness, delete, the guard.</summary>
public sealed class UserLifecycleTests(StandardApiFactory factory) : IClassFixture<StandardApiFactory>
{
    [Fact]
    public async Task Provisioning_a_user_creates_a_member_holding_exactly_minimal_account_access()
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateUserAsync("alice@example.com");

        var memberId = await account.MemberIdOfAsync(id);
        Assert.NotNull(memberId);
        var response = await account.Admin.GetAsync($"{account.AdminBase}/members/{memberId}/effective_permissions");
        var body = await response.AssertStatusAsync(HttpStatusCode.OK);
        var roles = body["result"]!["roles"]!.AsArray();
        var role = Assert.Single(roles);
        Assert.Equal("Minimal Account Access", role!["name"]!.GetValue<string>());
        Assert.Equal("base_grant", role["sources"]![0]!["type"]!.GetValue<string>());
        Assert.Equal($"com.cloudflare.api.account.{account.AccountId}", role["scope"]!["key"]!.GetValue<string>());
    }

    [Fact]
    public async Task Created_user_has_a_32_hex_id_meta_and_location()
    {
        var account = await factory.CreateAccountAsync();
        var response = await account.PostAsync(
            "/Users",
            """{"userName":"meta@example.com","emails":[{"value":"meta@example.com","primary":true}]}"""
        );
        var body = await response.AssertStatusAsync(HttpStatusCode.Created);
        var id = body["id"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal("application/scim+json", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith($"{account.ScimBase}/Users/{id}", response.Headers.Location!.ToString());
        Assert.Equal("User", body["meta"]!["resourceType"]!.GetValue<string>());
        Assert.Equal(response.Headers.Location!.ToString(), body["meta"]!["location"]!.GetValue<string>());
        Assert.NotNull(body["meta"]!["created"]);
        Assert.NotNull(body["meta"]!["lastModified"]);
    }

    [Fact]
    public async Task Deprovisioning_removes_the_member_and_its_direct_policies_but_keeps_the_user_visible()
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateUserAsync("bob@example.com");
        var memberId = await account.MemberIdOfAsync(id);

        var response = await account.PatchOpsAsync($"/Users/{id}", """[{"op":"replace","value":{"active":false}}]""");
        var body = await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.False(body["active"]!.GetValue<bool>());

        Assert.Null(await account.MemberIdOfAsync(id));
        var gone = await account.Admin.GetAsync($"{account.AdminBase}/members/{memberId}/effective_permissions");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        var user = await account.GetUserAsync(id);
        Assert.False(user["active"]!.GetValue<bool>());
        var list = await (await account.GetAsync("/Users?filter=userName%20eq%20%22bob@example.com%22")).ReadJsonAsync();
        Assert.Equal(1, list["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task Reactivating_recreates_the_member_with_minimal_account_access()
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateUserAsync("carol@example.com");
        var before = await account.MemberIdOfAsync(id);
        await (await account.PatchOpsAsync($"/Users/{id}", """[{"op":"replace","path":"active","value":false}]""")).AssertStatusAsync(
            HttpStatusCode.OK
        );
        await (await account.PatchOpsAsync($"/Users/{id}", """[{"op":"replace","path":"active","value":true}]""")).AssertStatusAsync(
            HttpStatusCode.OK
        );

        var after = await account.MemberIdOfAsync(id);
        Assert.NotNull(after);
        Assert.NotEqual(before, after);
        var permissions = await (
            await account.Admin.GetAsync($"{account.AdminBase}/members/{after}/effective_permissions")
        ).ReadJsonAsync();
        Assert.Equal("Minimal Account Access", Assert.Single(permissions["result"]!["roles"]!.AsArray())!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Duplicate_user_name_in_any_case_is_409_uniqueness_and_stores_nothing()
    {
        var account = await factory.CreateAccountAsync();
        await account.CreateUserAsync("dup@example.com");
        var snapshot = await account.SnapshotAsync();

        var response = await account.PostAsync(
            "/Users",
            """{"userName":"DUP@Example.com","emails":[{"value":"DUP@Example.com","primary":true}]}"""
        );

        await response.AssertScimErrorAsync(HttpStatusCode.Conflict, "uniqueness");
        Assert.Equal(snapshot, await account.SnapshotAsync());
    }

    [Fact]
    public async Task Renaming_onto_another_users_name_is_409_uniqueness()
    {
        var account = await factory.CreateAccountAsync();
        await account.CreateUserAsync("first@example.com");
        var second = await account.CreateUserAsync("second@example.com");

        var response = await account.PatchOpsAsync(
            $"/Users/{second}",
            """[{"op":"replace","path":"userName","value":"FIRST@example.com"}]"""
        );

        await response.AssertScimErrorAsync(HttpStatusCode.Conflict, "uniqueness");
        Assert.Equal("second@example.com", (await account.GetUserAsync(second))["userName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Deprovisioning_the_only_super_administrator_is_refused_and_audited()
    {
        var account = await factory.CreateAccountAsync("root@example.com");
        var list = await (await account.GetAsync("/Users?filter=userName%20eq%20%22root@example.com%22")).ReadJsonAsync();
        var rootId = list["Resources"]![0]!["id"]!.GetValue<string>();
        var snapshot = await account.SnapshotAsync();

        var patch = await account.PatchOpsAsync($"/Users/{rootId}", """[{"op":"Replace","path":"active","value":"False"}]""");
        var error = await patch.AssertScimErrorAsync(HttpStatusCode.Conflict);
        Assert.Contains("Super Administrator", error["detail"]!.GetValue<string>());
        var put = await account.PutAsync($"/Users/{rootId}", """{"userName":"root@example.com","active":false}""");
        await put.AssertScimErrorAsync(HttpStatusCode.Conflict);
        var delete = await account.DeleteAsync($"/Users/{rootId}");
        await delete.AssertScimErrorAsync(HttpStatusCode.Conflict);

        Assert.Equal(snapshot, await account.SnapshotAsync());
        var refusals = await account.QueryAsync(db =>
            Task.FromResult(db.AuditEvents.Count(e => e.AccountId == account.AccountId && e.Outcome == "refused" && e.ResourceId == rootId))
        );
        Assert.Equal(3, refusals);
    }

    [Fact]
    public async Task A_second_super_administrator_lets_the_first_be_deprovisioned()
    {
        var account = await factory.CreateAccountAsync("root2@example.com");
        var rootId = (await (await account.GetAsync("/Users?filter=userName%20eq%20%22root2@example.com%22")).ReadJsonAsync())[
            "Resources"
        ]![0]!["id"]!.GetValue<string>();
        var otherId = await account.CreateUserAsync("deputy@example.com");
        var deputyMember = await account.MemberIdOfAsync(otherId);
        await account.QueryAsync(async db =>
        {
            var scope = db.ResourceGroups.First(r => r.AccountId == account.AccountId);
            db.Policies.Add(
                new Policy
                {
                    Id = Domain.Identifiers.NewTag(),
                    AccountId = account.AccountId,
                    MemberId = deputyMember,
                    Access = PolicyAccess.Allow,
                    ResourceGroupId = scope.Id,
                    PermissionGroupIds = [PermissionGroupCatalog.SuperAdministratorId],
                }
            );
            return await db.SaveChangesAsync();
        });

        var response = await account.PatchOpsAsync($"/Users/{rootId}", """[{"op":"replace","value":{"active":false}}]""");

        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Null(await account.MemberIdOfAsync(rootId));
    }

    [Fact]
    public async Task Deleting_a_user_removes_it_and_later_requests_get_404()
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateUserAsync("gone@example.com");

        Assert.Equal(HttpStatusCode.NoContent, (await account.DeleteAsync($"/Users/{id}")).StatusCode);

        await (await account.GetAsync($"/Users/{id}")).AssertScimErrorAsync(HttpStatusCode.NotFound);
        await (await account.DeleteAsync($"/Users/{id}")).AssertScimErrorAsync(HttpStatusCode.NotFound);
        Assert.Null(await account.MemberIdOfAsync(id));
    }

    [Fact]
    public async Task Every_write_is_audited_with_cloudflare_action_names()
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateUserAsync("audit@example.com");
        await account.PatchOpsAsync($"/Users/{id}", """[{"op":"replace","path":"displayName","value":"A"}]""");
        await account.PutAsync($"/Users/{id}", """{"userName":"audit@example.com","active":true}""");
        await account.DeleteAsync($"/Users/{id}");

        var actions = await account.QueryAsync(db =>
            Task.FromResult(
                db.AuditEvents.Where(e => e.AccountId == account.AccountId && e.ResourceId == id)
                    .OrderBy(e => e.Key)
                    .Select(e => new
                    {
                        e.Action,
                        e.ActorTokenId,
                        e.Outcome,
                    })
                    .ToList()
            )
        );
        Assert.Equal(["Create SCIM User", "Update SCIM User", "Replace SCIM User", "Delete SCIM User"], actions.Select(a => a.Action));
        Assert.All(actions, a => Assert.Equal(account.ScimTokenId, a.ActorTokenId));
        Assert.All(actions, a => Assert.Equal("success", a.Outcome));
    }

    [Fact]
    public async Task Password_is_never_returned_nor_stored_in_clear()
    {
        var account = await factory.CreateAccountAsync();
        var response = await account.PostAsync(
            "/Users",
            """{"userName":"pw@example.com","password":"S3cret-Value!","emails":[{"value":"pw@example.com","primary":true}]}"""
        );
        var body = await response.AssertStatusAsync(HttpStatusCode.Created);
        Assert.Null(body["password"]);
        Assert.DoesNotContain("S3cret-Value!", body.ToJsonString());
        var id = body["id"]!.GetValue<string>();
        var stored = await account.QueryAsync(db => Task.FromResult(db.Users.Single(u => u.Id == id).PasswordHash));
        Assert.NotNull(stored);
        Assert.DoesNotContain("S3cret-Value!", stored);
        Assert.True(ScimProvisioning.Domain.Users.PasswordHashing.Verify("S3cret-Value!", stored!));
        var audit = await account.QueryAsync(db =>
            Task.FromResult(string.Join("|", db.AuditEvents.Where(e => e.AccountId == account.AccountId).Select(e => e.Summary)))
        );
        Assert.DoesNotContain("S3cret-Value!", audit);
    }

    [Fact]
    public async Task Enterprise_extension_is_stored_and_returned()
    {
        var account = await factory.CreateAccountAsync();
        var manager = await account.CreateUserAsync("boss@example.com");
        var response = await account.PostAsync(
            "/Users",
            $$$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
             "userName":"ent@example.com","emails":[{"value":"ent@example.com","primary":true}],
             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"701","department":"Eng","costCenter":"CC1",
             "organization":"Org","division":"Div","manager":{"value":"{{{manager}}}"} } }
            """
        );
        var id = (await response.AssertStatusAsync(HttpStatusCode.Created))["id"]!.GetValue<string>();

        var user = await account.GetUserAsync(id);
        var enterprise = user["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]!;
        Assert.Equal("701", enterprise["employeeNumber"]!.GetValue<string>());
        Assert.Equal("Eng", enterprise["department"]!.GetValue<string>());
        Assert.Equal("CC1", enterprise["costCenter"]!.GetValue<string>());
        Assert.Equal(manager, enterprise["manager"]!["value"]!.GetValue<string>());
        Assert.Contains(
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
            user["schemas"]!.AsArray().Select(s => s!.GetValue<string>())
        );
    }

    [Fact]
    public async Task Standard_put_replaces_attributes_not_sent()
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateUserAsync("put@example.com");
        await (await account.PatchOpsAsync($"/Users/{id}", """[{"op":"add","path":"title","value":"CTO"}]""")).AssertStatusAsync(
            HttpStatusCode.OK
        );

        var body = await (await account.PutAsync($"/Users/{id}", """{"userName":"put@example.com","displayName":"P"}""")).AssertStatusAsync(
            HttpStatusCode.OK
        );

        Assert.Null(body["title"]);
        Assert.Null(body["name"]);
        Assert.Equal("P", body["displayName"]!.GetValue<string>());
        Assert.True(body["active"]!.GetValue<bool>());
    }
}
