using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Groups;
using ScimProvisioning.Domain.Members;
using ScimProvisioning.Domain.Permissions;
using ScimProvisioning.Domain.Tests.Infrastructure;
using ScimProvisioning.Domain.Users;

namespace ScimProvisioning.Domain.Tests.Permissions;

/// <summary>SPEC §2.1 rule 5: Minimal Account Access for every member, plus what its policies and groups grant.</summary>
public sealed class EffectivePermissionsTests
{
    private static readonly PermissionGroup Administrator = PermissionGroupCatalog.All.First(r => r.Name == "Administrator");

    /// <summary>Jane, provisioned and added to a hand-made group "Admins" whose policy grants Administrator account-wide.</summary>
    private static async Task<(Member Member, ResourceGroup Scope)> JaneInAdministratorsGroupAsync(DomainWorld world)
    {
        var jane = await world.ProvisionAsync("jane@example.com");
        var scope = await world.Db.ResourceGroups.FirstAsync(r => r.AccountId == world.AccountId);
        var group = await world.Groups.CreateCustomAsync(
            DomainWorld.Actor,
            world.AccountId,
            "Admins",
            [new PolicyDraft(PolicyAccess.Allow, [Administrator.Id], scope.Id, null)],
            world.Policies,
            CancellationToken.None
        );
        await world.Groups.ChangeMembersAsync(DomainWorld.Actor, group, new AddMembers([jane.Id]), null, CancellationToken.None);
        return (await world.MemberOfAsync("jane@example.com"), scope);
    }

    [Fact]
    public async Task A_provisioned_member_holds_minimal_account_access_as_its_base_grant_and_nothing_else()
    {
        await using var world = await DomainWorld.CreateAsync();
        await world.ProvisionAsync("jane@example.com");
        var member = await world.MemberOfAsync("jane@example.com");

        var roles = await world.Permissions.ForMemberAsync(world.AccountId, member.Id, CancellationToken.None);

        var role = Assert.Single(roles!);
        Assert.Equal("Minimal Account Access", role.Role.Name);
        Assert.Equal(EffectivePermissions.BaseGrant, Assert.Single(role.Sources).Type);
    }

    [Fact]
    public async Task A_group_policy_grants_its_role_at_its_scope_and_names_the_group_as_source()
    {
        await using var world = await DomainWorld.CreateAsync();
        var (member, _) = await JaneInAdministratorsGroupAsync(world);

        var roles = await world.Permissions.ForMemberAsync(world.AccountId, member.Id, CancellationToken.None);

        var granted = Assert.Single(roles!, r => r.Role.Id == Administrator.Id);
        var source = Assert.Single(granted.Sources);
        Assert.Equal(EffectivePermissions.GroupPolicy, source.Type);
        Assert.Equal("Admins", source.GroupName);
        Assert.Contains(roles!, r => r.Role.Name == "Minimal Account Access");
    }

    [Fact]
    public async Task A_deny_policy_removes_the_role_it_names()
    {
        await using var world = await DomainWorld.CreateAsync();
        var (member, scope) = await JaneInAdministratorsGroupAsync(world);
        await world.Policies.ReplaceMemberPoliciesAsync(
            DomainWorld.Actor,
            member,
            [new PolicyDraft(PolicyAccess.Deny, [Administrator.Id], scope.Id, null)],
            AuditActions.UpdateMember,
            CancellationToken.None
        );

        var roles = await world.Permissions.ForMemberAsync(world.AccountId, member.Id, CancellationToken.None);

        Assert.DoesNotContain(roles!, r => r.Role.Id == Administrator.Id);
    }

    [Fact]
    public async Task A_deprovisioned_user_has_no_member_and_so_no_permissions()
    {
        await using var world = await DomainWorld.CreateAsync();
        await world.ProvisionAsync("jane@example.com");
        var member = await world.MemberOfAsync("jane@example.com");
        var user = await world.TrackedUserAsync("jane@example.com");
        user.Active = false;
        await world.Users.UpdateAsync(
            DomainWorld.Actor,
            user,
            UserWriteKind.ScimPatch,
            AuditActions.UpdateScimUser,
            CancellationToken.None
        );

        Assert.Null(await world.Permissions.ForMemberAsync(world.AccountId, member.Id, CancellationToken.None));
    }
}
