using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Changes;
using ScimProvisioning.Domain.Groups;
using ScimProvisioning.Domain.Tests.Infrastructure;

namespace ScimProvisioning.Domain.Tests.Groups;

/// <summary>
/// SPEC §2.1 rule 8: a SCIM-managed group's name, members and existence change only through SCIM. The lock lives in
/// <see cref="GroupProvisioning"/>, so every admin entry point is refused without the caller checking anything.
/// </summary>
public sealed class ScimManagedLockTests
{
    [Fact]
    public async Task Admin_membership_changes_rename_and_deletion_of_a_scim_managed_group_are_refused()
    {
        await using var world = await DomainWorld.CreateAsync();
        var jane = await world.ProvisionAsync("jane@example.com");
        var pushed = (
            await world.Groups.CreateFromScimAsync(DomainWorld.Actor, world.AccountId, "Engineers", null, [jane.Id], CancellationToken.None)
        ).Group;

        var refusals = new[]
        {
            await Assert.ThrowsAsync<DomainException>(() =>
                world.Groups.ChangeMembersAsync(DomainWorld.Actor, pushed, new RemoveMembers([jane.Id]), null, CancellationToken.None)
            ),
            await Assert.ThrowsAsync<DomainException>(() =>
                world.Groups.ChangeMembersAsync(DomainWorld.Actor, pushed, new AddMembers([jane.Id]), null, CancellationToken.None)
            ),
            await Assert.ThrowsAsync<DomainException>(() =>
                world.Groups.RenameAsync(DomainWorld.Actor, pushed, "Builders", CancellationToken.None)
            ),
            await Assert.ThrowsAsync<DomainException>(() =>
                world.Groups.DeleteCustomAsync(DomainWorld.Actor, pushed, CancellationToken.None)
            ),
        };

        Assert.All(refusals, r => Assert.Equal((DomainErrorKind.Immutable, ProvisioningRules.ScimManagedLock), (r.Kind, r.Rule)));
        world.Db.ChangeTracker.Clear();
        var stored = await world.Db.UserGroups.SingleAsync(g => g.Id == pushed.Id);
        Assert.Equal("Engineers", stored.Name);
        Assert.Equal(1, await world.Db.UserGroupMembers.CountAsync(m => m.UserGroupKey == stored.Key));
    }

    [Fact]
    public async Task Scim_changes_the_same_group_freely()
    {
        await using var world = await DomainWorld.CreateAsync();
        var jane = await world.ProvisionAsync("jane@example.com");
        var pushed = (
            await world.Groups.CreateFromScimAsync(DomainWorld.Actor, world.AccountId, "Engineers", null, [], CancellationToken.None)
        ).Group;

        var result = await world.Groups.UpdateFromScimAsync(
            DomainWorld.Actor,
            pushed,
            new GroupUpdate("Builders", false, null, [new AddMembers([jane.Id])]),
            AuditActions.UpdateScimGroup,
            CancellationToken.None
        );

        Assert.Equal(1, result.Change.MembersAdded);
        Assert.Contains(nameof(UserGroup.Name), result.Change.Attributes);
        Assert.Equal("Builders", result.Group.Name);
    }

    [Fact]
    public async Task A_hand_made_group_is_changed_through_the_admin_entry_points()
    {
        await using var world = await DomainWorld.CreateAsync();
        var jane = await world.ProvisionAsync("jane@example.com");
        var group = await world.Groups.CreateCustomAsync(
            DomainWorld.Actor,
            world.AccountId,
            "Contractors",
            [],
            world.Policies,
            CancellationToken.None
        );

        var added = await world.Groups.ChangeMembersAsync(
            DomainWorld.Actor,
            group,
            new AddMembers([jane.Id]),
            null,
            CancellationToken.None
        );
        await world.Groups.RenameAsync(DomainWorld.Actor, group, "Vendors", CancellationToken.None);
        var deleted = await world.Groups.DeleteCustomAsync(DomainWorld.Actor, group, CancellationToken.None);

        Assert.Equal(1, added.Change.MembersAdded);
        Assert.Equal(1, deleted.MembersRemoved);
        Assert.False(await world.Db.UserGroups.AnyAsync(g => g.Id == group.Id));
    }

    [Fact]
    public async Task Adopting_a_hand_made_group_by_name_makes_it_scim_managed()
    {
        await using var world = await DomainWorld.CreateAsync();
        var group = await world.Groups.CreateCustomAsync(
            DomainWorld.Actor,
            world.AccountId,
            "Contractors",
            [],
            world.Policies,
            CancellationToken.None
        );

        var pushed = await world.Groups.CreateFromScimAsync(
            DomainWorld.Actor,
            world.AccountId,
            "contractors",
            null,
            [],
            CancellationToken.None
        );

        Assert.Equal(group.Id, pushed.Group.Id);
        Assert.Contains(ProvisioningRules.GroupAdopted, pushed.Change.Rules);
        await Assert.ThrowsAsync<DomainException>(() =>
            world.Groups.DeleteCustomAsync(DomainWorld.Actor, pushed.Group, CancellationToken.None)
        );
    }
}
