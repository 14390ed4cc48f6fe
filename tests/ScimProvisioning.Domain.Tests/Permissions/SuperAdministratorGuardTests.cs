using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Changes;
using ScimProvisioning.Domain.Groups;
using ScimProvisioning.Domain.Permissions;
using ScimProvisioning.Domain.Tests.Infrastructure;
using ScimProvisioning.Domain.Users;

namespace ScimProvisioning.Domain.Tests.Permissions;

/// <summary>SPEC §2.1 rule 7: the last active Super Administrator can never be removed, whichever path tries.</summary>
public sealed class SuperAdministratorGuardTests
{
    private const string Owner = "owner@example.com";

    [Fact]
    public async Task Deprovisioning_the_only_super_administrator_is_refused_and_the_refusal_audited()
    {
        await using var world = await DomainWorld.CreateAsync();
        var owner = await world.TrackedUserAsync(Owner);
        owner.Active = false;

        var refusal = await Assert.ThrowsAsync<DomainException>(() =>
            world.Users.UpdateAsync(DomainWorld.Actor, owner, UserWriteKind.ScimPatch, AuditActions.UpdateScimUser, CancellationToken.None)
        );

        Assert.Equal(DomainErrorKind.LockoutRefused, refusal.Kind);
        Assert.Equal(ProvisioningRules.LockoutGuard, refusal.Rule);
        Assert.Equal((Owner, SuperAdministratorGuard.RefusalDetail), (refusal.Refusal?.ResourceName, refusal.Refusal?.Refusal));
        world.Db.ChangeTracker.Clear();
        Assert.True(await world.IsMemberAsync(Owner));
        Assert.True((await world.TrackedUserAsync(Owner)).Active);
        var refused = Assert.Single(await world.AuditAsync(AuditActions.Refused));
        Assert.Contains(ProvisioningRules.LockoutGuard, refused.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deprovisioning_one_of_two_super_administrators_is_allowed()
    {
        await using var world = await DomainWorld.CreateAsync();
        var second = await world.ProvisionAsync("second@example.com");
        var superGroup = await world.Db.UserGroups.SingleAsync(g =>
            g.AccountId == world.AccountId && g.SystemRoleId == PermissionGroupCatalog.SuperAdministratorId
        );
        await world.Groups.UpdateFromScimAsync(
            DomainWorld.Actor,
            superGroup,
            new GroupUpdate(null, false, null, [new AddMembers([second.Id])]),
            AuditActions.UpdateScimGroup,
            CancellationToken.None
        );
        Assert.True(await world.Guard.HasSuperAdministratorAsync(world.AccountId, CancellationToken.None));

        var owner = await world.TrackedUserAsync(Owner);
        owner.Active = false;
        var result = await world.Users.UpdateAsync(
            DomainWorld.Actor,
            owner,
            UserWriteKind.ScimPatch,
            AuditActions.UpdateScimUser,
            CancellationToken.None
        );

        Assert.Contains(ProvisioningRules.MemberDeprovisioned, result.Change.Rules);
        Assert.False(await world.IsMemberAsync(Owner));
        Assert.True(await world.Guard.HasSuperAdministratorAsync(world.AccountId, CancellationToken.None));
    }

    [Fact]
    public async Task Removing_the_last_super_administrator_policy_is_refused_while_lockout_prevention_is_on()
    {
        await using var world = await DomainWorld.CreateAsync();
        var owner = await world.MemberOfAsync(Owner);

        var refusal = await Assert.ThrowsAsync<DomainException>(() =>
            world.Policies.ReplaceMemberPoliciesAsync(DomainWorld.Actor, owner, [], AuditActions.UpdateMember, CancellationToken.None)
        );

        Assert.Equal(DomainErrorKind.LockoutRefused, refusal.Kind);
        world.Db.ChangeTracker.Clear();
        Assert.True(await world.Guard.HasSuperAdministratorAsync(world.AccountId, CancellationToken.None));
    }

    [Fact]
    public async Task With_lockout_prevention_off_only_deprovisioning_is_guarded()
    {
        await using var world = await DomainWorld.CreateAsync(new GuardSettings { PreventSuperAdminLockout = false });
        var owner = await world.MemberOfAsync(Owner);
        await world.Policies.ReplaceMemberPoliciesAsync(DomainWorld.Actor, owner, [], AuditActions.UpdateMember, CancellationToken.None);

        Assert.False(await world.Guard.HasSuperAdministratorAsync(world.AccountId, CancellationToken.None));
    }

    [Fact]
    public async Task Deleting_the_only_super_administrator_is_refused()
    {
        await using var world = await DomainWorld.CreateAsync(new GuardSettings { PreventSuperAdminLockout = false });
        var owner = await world.TrackedUserAsync(Owner);

        var refusal = await Assert.ThrowsAsync<DomainException>(() =>
            world.Users.DeleteAsync(DomainWorld.Actor, owner, CancellationToken.None)
        );

        Assert.Equal(DomainErrorKind.LockoutRefused, refusal.Kind);
        world.Db.ChangeTracker.Clear();
        Assert.True(await world.Db.Users.AnyAsync(u => u.UserName == Owner));
    }

    /// <summary>Second, the only Super Administrator left, holding the role only through <paramref name="group"/>.</summary>
    private static async Task<User> OnlySuperAdministratorThroughAsync(DomainWorld world, UserGroup group)
    {
        var second = await world.ProvisionAsync("second@example.com");
        await ChangeAsync(world, group, new AddMembers([second.Id]));
        var owner = await world.MemberOfAsync(Owner);
        await world.Policies.ReplaceMemberPoliciesAsync(DomainWorld.Actor, owner, [], AuditActions.UpdateMember, CancellationToken.None);
        world.Db.ChangeTracker.Clear();
        Assert.True(await world.Guard.HasSuperAdministratorAsync(world.AccountId, CancellationToken.None));
        return second;
    }

    /// <summary>A SCIM PATCH of the group's members.</summary>
    private static Task<GroupWriteResult> ChangeAsync(DomainWorld world, UserGroup group, MembershipChange change) =>
        world.Groups.UpdateFromScimAsync(
            DomainWorld.Actor,
            group,
            new GroupUpdate(null, false, null, [change]),
            AuditActions.UpdateScimGroup,
            CancellationToken.None
        );

    private static Task<UserGroup> SuperAdministratorSystemGroupAsync(DomainWorld world) =>
        world.Db.UserGroups.SingleAsync(g =>
            g.AccountId == world.AccountId && g.SystemRoleId == PermissionGroupCatalog.SuperAdministratorId
        );

    private static async Task<UserGroup> HandMadeGroupAsync(DomainWorld world, string name, PolicyAccess? superAdministrator)
    {
        var scope = await world.Db.ResourceGroups.FirstAsync(r => r.AccountId == world.AccountId);
        IReadOnlyList<PolicyDraft> policies = superAdministrator is { } access
            ? [new PolicyDraft(access, [PermissionGroupCatalog.SuperAdministratorId], scope.Id, null)]
            : [];
        return await world.Groups.CreateCustomAsync(
            DomainWorld.Actor,
            world.AccountId,
            name,
            policies,
            world.Policies,
            CancellationToken.None
        );
    }

    [Theory]
    [InlineData("system group")]
    [InlineData("allow policy")]
    public async Task Taking_the_last_super_administrator_out_of_the_group_that_grants_the_role_is_refused(string grantedBy)
    {
        await using var world = await DomainWorld.CreateAsync();
        var group =
            grantedBy == "system group"
                ? await SuperAdministratorSystemGroupAsync(world)
                : await HandMadeGroupAsync(world, "Owners", PolicyAccess.Allow);
        var second = await OnlySuperAdministratorThroughAsync(world, group);
        group = await world.Db.UserGroups.SingleAsync(g => g.Key == group.Key);

        var refusal = await Assert.ThrowsAsync<DomainException>(() => ChangeAsync(world, group, new RemoveMembers([second.Id])));

        Assert.Equal(DomainErrorKind.LockoutRefused, refusal.Kind);
        world.Db.ChangeTracker.Clear();
        Assert.True(await world.Db.UserGroupMembers.AnyAsync(m => m.UserGroupKey == group.Key && m.UserKey == second.Key));
        Assert.True(await world.Guard.HasSuperAdministratorAsync(world.AccountId, CancellationToken.None));
    }

    [Fact]
    public async Task Taking_the_last_super_administrator_out_of_a_group_that_grants_nothing_is_allowed()
    {
        await using var world = await DomainWorld.CreateAsync();
        var second = await OnlySuperAdministratorThroughAsync(world, await SuperAdministratorSystemGroupAsync(world));
        var plain = await HandMadeGroupAsync(world, "Everyone", superAdministrator: null);
        await ChangeAsync(world, plain, new AddMembers([second.Id]));

        var result = await ChangeAsync(world, plain, new RemoveMembers([second.Id]));

        Assert.Equal(1, result.Change.MembersRemoved);
        Assert.True(await world.Guard.HasSuperAdministratorAsync(world.AccountId, CancellationToken.None));
    }

    [Fact]
    public async Task Only_a_group_that_allows_super_administrator_is_said_to_grant_it()
    {
        await using var world = await DomainWorld.CreateAsync();
        var groups = new Dictionary<string, UserGroup>
        {
            ["system"] = await SuperAdministratorSystemGroupAsync(world),
            ["allow"] = await HandMadeGroupAsync(world, "Owners", PolicyAccess.Allow),
            ["deny"] = await HandMadeGroupAsync(world, "Contractors", PolicyAccess.Deny),
            ["plain"] = await HandMadeGroupAsync(world, "Everyone", superAdministrator: null),
        };

        var grants = new Dictionary<string, bool>();
        foreach (var (name, group) in groups)
        {
            grants[name] = await world.Guard.GroupGrantsSuperAdministratorAsync(group.Key, CancellationToken.None);
        }

        Assert.Equal(
            new Dictionary<string, bool>
            {
                ["system"] = true,
                ["allow"] = true,
                ["deny"] = false,
                ["plain"] = false,
            },
            grants
        );
    }
}
