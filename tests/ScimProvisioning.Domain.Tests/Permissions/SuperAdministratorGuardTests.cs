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
}
