using System.Net;
using ScimProvisioning.Api.Tests.Infrastructure;
using ScimProvisioning.Domain.Permissions;

namespace ScimProvisioning.Api.Tests.Guards;

/// <summary>
/// SPEC §2.1 rule 7 with Guards:PreventSuperAdminLockout=true: every path that would leave the account without an
/// active Super Administrator is refused with 409, changes nothing, and is audited as refused.
/// </summary>
public sealed class LockoutGuardTests(StandardApiFactory factory) : IClassFixture<StandardApiFactory>
{
    internal const string SuperAdministrator = PermissionGroupCatalog.SuperAdministratorId;
    internal static readonly string Administrator = PermissionGroupCatalog.IdFor("Administrator");

    /// <summary>An account whose owner holds Super Administrator only through a pushed group's policy.</summary>
    internal static async Task<(TestAccount Account, string Owner, string OwnerMember, string Group)> OwnerThroughGroupAsync(
        ScimApiFactory factory
    )
    {
        var account = await factory.CreateAccountAsync();
        var owner = await account.OwnerUserIdAsync();
        var ownerMember = (await account.MemberIdOfAsync(owner))!;
        var group = await account.CreateGroupAsync("Owners", owner);
        await (
            await account.AdminPutAsync(
                $"/iam/user_groups/{group}",
                $$"""{"policies":[{{account.AccountPolicy("allow", SuperAdministrator)}}]}"""
            )
        ).AssertStatusAsync(HttpStatusCode.OK);
        await (await account.AdminPutAsync($"/members/{ownerMember}", """{"roles":[]}""")).AssertStatusAsync(HttpStatusCode.OK);
        return (account, owner, ownerMember, group);
    }

    /// <summary>An account whose owner holds Super Administrator only through the system group.</summary>
    internal static async Task<(TestAccount Account, string Owner, string OwnerMember)> OwnerThroughSystemGroupAsync(ScimApiFactory factory)
    {
        var account = await factory.CreateAccountAsync();
        var owner = await account.OwnerUserIdAsync();
        var ownerMember = (await account.MemberIdOfAsync(owner))!;
        Assert.Equal(
            HttpStatusCode.NoContent,
            (
                await account.PatchOpsAsync(
                    $"/Groups/cloudflare-v1-{SuperAdministrator}",
                    $$"""[{"op":"add","path":"members","value":[{"value":"{{owner}}"}]}]"""
                )
            ).StatusCode
        );
        await (await account.AdminPutAsync($"/members/{ownerMember}", """{"roles":[]}""")).AssertStatusAsync(HttpStatusCode.OK);
        return (account, owner, ownerMember);
    }

    private static async Task AssertRefusedAsync(TestAccount account, Func<Task<HttpResponseMessage>> request, string owner)
    {
        var before = await account.SnapshotAsync();
        var groupsBefore = await GroupStateAsync(account);
        var refusalsBefore = await RefusalsAsync(account);

        var response = await request();

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Contains("Super Administrator", body.ToJsonString());
        Assert.Equal(before, await account.SnapshotAsync());
        Assert.Equal(groupsBefore, await GroupStateAsync(account));
        Assert.Equal(refusalsBefore + 1, await RefusalsAsync(account));
        Assert.Contains("Super Administrator - All Privileges", (await account.EffectiveRolesAsync(owner))!);
    }

    private static Task<int> RefusalsAsync(TestAccount account) =>
        account.QueryAsync(db => Task.FromResult(db.AuditEvents.Count(e => e.AccountId == account.AccountId && e.Outcome == "refused")));

    private static Task<string> GroupStateAsync(TestAccount account) =>
        account.QueryAsync(db =>
            Task.FromResult(
                string.Join(
                    ";",
                    db.UserGroups.Where(g => g.AccountId == account.AccountId)
                        .OrderBy(g => g.Key)
                        .Select(g => g.Id + g.Name)
                        .ToList()
                        .Concat(
                            db.UserGroupMembers.Where(m =>
                                    db.UserGroups.Any(g => g.Key == m.UserGroupKey && g.AccountId == account.AccountId)
                                )
                                .OrderBy(m => m.UserGroupKey)
                                .ThenBy(m => m.UserKey)
                                .Select(m => m.UserGroupKey + ":" + m.UserKey)
                                .ToList()
                        )
                )
            )
        );

    [Fact]
    public async Task Deprovisioning_the_only_super_administrator_is_refused()
    {
        var account = await factory.CreateAccountAsync();
        var owner = await account.OwnerUserIdAsync();
        await AssertRefusedAsync(
            account,
            () => account.PatchOpsAsync($"/Users/{owner}", """[{"op":"replace","value":{"active":false}}]"""),
            owner
        );
    }

    [Fact]
    public async Task Removing_the_last_super_administrator_from_its_group_is_refused()
    {
        var (account, owner, _, group) = await OwnerThroughGroupAsync(factory);
        await AssertRefusedAsync(
            account,
            () => account.PatchOpsAsync($"/Groups/{group}", $$"""[{"op":"remove","path":"members[value eq \"{{owner}}\"]"}]"""),
            owner
        );
        await AssertRefusedAsync(
            account,
            () => account.PatchOpsAsync($"/Groups/{group}", """[{"op":"replace","path":"members","value":[]}]"""),
            owner
        );
        await AssertRefusedAsync(account, () => account.PutAsync($"/Groups/{group}", """{"displayName":"Owners","members":[]}"""), owner);
        // A PATCH that only adds members skips the guard; one that also removes is guarded as a whole.
        await AssertRefusedAsync(
            account,
            () =>
                account.PatchOpsAsync(
                    $"/Groups/{group}",
                    $$"""[{"op":"add","path":"members","value":[{"value":"{{owner}}"}]},{"op":"remove","path":"members"}]"""
                ),
            owner
        );
    }

    [Fact]
    public async Task Removing_the_last_super_administrator_from_the_system_group_is_refused()
    {
        var (account, owner, _) = await OwnerThroughSystemGroupAsync(factory);
        await AssertRefusedAsync(
            account,
            () =>
                account.PatchOpsAsync(
                    $"/Groups/cloudflare-v1-{SuperAdministrator}",
                    $$"""[{"op":"Remove","path":"members","value":[{"$ref":null,"value":"{{owner}}"}]}]"""
                ),
            owner
        );
    }

    [Fact]
    public async Task Deleting_the_group_that_grants_the_last_super_administrator_is_refused()
    {
        var (account, owner, _, group) = await OwnerThroughGroupAsync(factory);
        await AssertRefusedAsync(account, () => account.DeleteAsync($"/Groups/{group}"), owner);
    }

    [Fact]
    public async Task Deleting_a_hand_made_group_that_grants_the_last_super_administrator_is_refused()
    {
        var account = await factory.CreateAccountAsync();
        var owner = await account.OwnerUserIdAsync();
        var ownerMember = (await account.MemberIdOfAsync(owner))!;
        var created = await (
            await account.AdminPostAsync(
                "/iam/user_groups",
                $$"""{"name":"Hand made","policies":[{{account.AccountPolicy("allow", SuperAdministrator)}}]}"""
            )
        ).ReadJsonAsync();
        var group = created["result"]!["id"]!.GetValue<string>();
        await (await account.AdminPostAsync($"/iam/user_groups/{group}/members", $$"""[{"id":"{{ownerMember}}"}]""")).AssertStatusAsync(
            HttpStatusCode.OK
        );
        await (await account.AdminPutAsync($"/members/{ownerMember}", """{"roles":[]}""")).AssertStatusAsync(HttpStatusCode.OK);

        await AssertRefusedAsync(account, () => account.AdminDeleteAsync($"/iam/user_groups/{group}"), owner);
        await AssertRefusedAsync(account, () => account.AdminDeleteAsync($"/iam/user_groups/{group}/members/{ownerMember}"), owner);
        await AssertRefusedAsync(account, () => account.AdminPutAsync($"/iam/user_groups/{group}/members", "[]"), owner);
    }

    [Fact]
    public async Task Detaching_or_editing_the_group_policy_that_grants_the_last_super_administrator_is_refused()
    {
        var (account, owner, _, group) = await OwnerThroughGroupAsync(factory);
        await AssertRefusedAsync(account, () => account.AdminPutAsync($"/iam/user_groups/{group}", """{"policies":[]}"""), owner);
        await AssertRefusedAsync(
            account,
            () =>
                account.AdminPutAsync(
                    $"/iam/user_groups/{group}",
                    $$"""{"policies":[{{account.AccountPolicy("allow", Administrator)}}]}"""
                ),
            owner
        );
        await AssertRefusedAsync(
            account,
            () =>
                account.AdminPutAsync(
                    $"/iam/user_groups/{group}",
                    $$"""
                    {"policies":[{{account.AccountPolicy("allow", SuperAdministrator)}},
                    {{account.AccountPolicy("deny", SuperAdministrator)}}]}
                    """
                ),
            owner
        );
    }

    [Fact]
    public async Task Changing_the_roles_of_the_only_super_administrator_is_refused()
    {
        var account = await factory.CreateAccountAsync();
        var owner = await account.OwnerUserIdAsync();
        var ownerMember = (await account.MemberIdOfAsync(owner))!;
        await AssertRefusedAsync(
            account,
            () => account.AdminPutAsync($"/members/{ownerMember}", $$"""{"roles":["{{Administrator}}"]}"""),
            owner
        );
        await AssertRefusedAsync(account, () => account.AdminPutAsync($"/members/{ownerMember}", """{"roles":[]}"""), owner);
        await AssertRefusedAsync(account, () => account.AdminDeleteAsync($"/members/{ownerMember}"), owner);
    }

    [Fact]
    public async Task Changes_that_keep_another_super_administrator_are_allowed()
    {
        var (account, owner, _, group) = await OwnerThroughGroupAsync(factory);
        var deputy = await account.CreateUserAsync("deputy@example.com");
        var deputyMember = await account.MemberIdOfAsync(deputy);
        await (await account.AdminPutAsync($"/members/{deputyMember}", $$"""{"roles":["{{SuperAdministrator}}"]}""")).AssertStatusAsync(
            HttpStatusCode.OK
        );

        Assert.Equal(
            HttpStatusCode.NoContent,
            (await account.PatchOpsAsync($"/Groups/{group}", $$"""[{"op":"remove","path":"members[value eq \"{{owner}}\"]"}]""")).StatusCode
        );
        Assert.Equal(["Minimal Account Access"], await account.EffectiveRolesAsync(owner));
    }

    [Fact]
    public async Task The_scim_token_can_restore_a_super_administrator_the_documented_way()
    {
        var account = await factory.CreateAccountAsync();
        var user = await account.CreateUserAsync("rescuer@example.com");
        var members = await (await account.Scim.GetAsync($"{account.AdminBase}/members")).AssertStatusAsync(HttpStatusCode.OK);
        var memberId = members["result"]!.AsArray().Single(m => m!["email"]!.GetValue<string>() == "rescuer@example.com")![
            "id"
        ]!.GetValue<string>();

        var response = await account.Scim.PutAsync(
            $"{account.AdminBase}/members/{memberId}",
            TestAccount.Body("""{"roles":["33666b9c79b9a5273fc7344ff42f953d"]}""", "application/json")
        );

        var body = await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("Super Administrator - All Privileges", body["result"]!["roles"]![0]!["name"]!.GetValue<string>());
        Assert.Contains("Super Administrator - All Privileges", (await account.EffectiveRolesAsync(user))!);
    }
}

/// <summary>Guards:PreventSuperAdminLockout=false: Cloudflare's exact behaviour.</summary>
public sealed class UnguardedLockoutTests(UnguardedApiFactory factory) : IClassFixture<UnguardedApiFactory>
{
    [Fact]
    public async Task Group_paths_may_lock_the_account_out_but_deprovisioning_is_still_refused()
    {
        var (account, owner, ownerMember, group) = await LockoutGuardTests.OwnerThroughGroupAsync(factory);

        await (await account.PatchOpsAsync($"/Users/{owner}", """[{"op":"replace","value":{"active":false}}]""")).AssertScimErrorAsync(
            HttpStatusCode.Conflict
        );
        Assert.Equal(
            HttpStatusCode.NoContent,
            (await account.PatchOpsAsync($"/Groups/{group}", $$"""[{"op":"remove","path":"members[value eq \"{{owner}}\"]"}]""")).StatusCode
        );
        Assert.Equal(["Minimal Account Access"], await account.EffectiveRolesAsync(owner));

        // Cloudflare's recovery: the SCIM token grants Super Administrator back.
        var restore = await account.Scim.PutAsync(
            $"{account.AdminBase}/members/{ownerMember}",
            TestAccount.Body("""{"roles":["33666b9c79b9a5273fc7344ff42f953d"]}""", "application/json")
        );
        await restore.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Contains("Super Administrator - All Privileges", (await account.EffectiveRolesAsync(owner))!);
    }

    [Fact]
    public async Task Role_changes_and_group_deletion_are_not_guarded()
    {
        var account = await factory.CreateAccountAsync();
        var owner = await account.OwnerUserIdAsync();
        var ownerMember = await account.MemberIdOfAsync(owner);
        await (await account.AdminPutAsync($"/members/{ownerMember}", """{"roles":[]}""")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(["Minimal Account Access"], await account.EffectiveRolesAsync(owner));
    }
}
