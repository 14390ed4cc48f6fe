using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Events;
using ScimProvisioning.Domain.Permissions;
using ScimProvisioning.Domain.Tests.Infrastructure;
using ScimProvisioning.Domain.Users;

namespace ScimProvisioning.Domain.Tests.Events;

/// <summary>The transactional outbox: each committed change writes its events with it; a refused change writes none.</summary>
public sealed class OutboxTests
{
    private static async Task<List<string>> TypesAsync(DomainWorld world, string? resourceId = null) =>
        await world
            .Db.OutboxEvents.AsNoTracking()
            .Where(e => e.AccountId == world.AccountId && (resourceId == null || e.ResourceId == resourceId))
            .OrderBy(e => e.Key)
            .Select(e => e.Type)
            .ToListAsync();

    /// <summary>Registers an event receiver (its events are not delivered here): creations store their events only then.</summary>
    private static async Task AddReceiverAsync(DomainWorld world)
    {
        world.Db.EventReceivers.Add(
            new EventReceiver
            {
                Id = Identifiers.NewTag(),
                AccountId = world.AccountId,
                Name = "test",
                Kind = EventReceiverKinds.Poll,
                Secret = "receiver-secret-0123456789",
                Mode = "notice",
            }
        );
        await world.Db.SaveChangesAsync();
        world.Db.ChangeTracker.Clear();
    }

    [Fact]
    public async Task A_creation_stores_its_events_only_while_the_account_has_a_receiver()
    {
        await using var world = await DomainWorld.CreateAsync();

        // Nobody could read them: a receiver registered later starts after them.
        var unseen = await world.ProvisionAsync("before@example.com");
        Assert.Empty(await TypesAsync(world, unseen.Id));
        Assert.Single(await world.AuditAsync(), e => e.ResourceId == unseen.Id);

        await AddReceiverAsync(world);
        var seen = await world.ProvisionAsync("after@example.com");
        Assert.Equal([ProvisioningEvents.Create, ProvisioningEvents.MemberProvisioned], await TypesAsync(world, seen.Id));

        // Another account's receiver does not count.
        var other = await world.Accounts.CreateAsync("Other", "owner@other.example", default);
        var elsewhere = world.Users.NewUser(other.Id, "elsewhere@example.com");
        await world.Users.CreateAsync(DomainWorld.Actor, elsewhere, UserWriteKind.ScimCreate, default);
        Assert.Empty(await world.Db.OutboxEvents.AsNoTracking().Where(e => e.ResourceId == elsewhere.Id).ToListAsync());
    }

    [Fact]
    public async Task A_user_lifecycle_writes_create_deactivate_activate_and_member_events_in_order()
    {
        await using var world = await DomainWorld.CreateAsync();
        await AddReceiverAsync(world);
        var created = await world.ProvisionAsync("jane@example.com");
        var user = await world.TrackedUserAsync("jane@example.com");
        user.Active = false;
        await world.Users.UpdateAsync(DomainWorld.Actor, user, UserWriteKind.ScimPatch, AuditActions.UpdateScimUser, default);
        user.Active = true;
        user.Title = "Engineer";
        await world.Users.UpdateAsync(DomainWorld.Actor, user, UserWriteKind.ScimReplace, AuditActions.ReplaceScimUser, default);

        Assert.Equal(
            [
                ProvisioningEvents.Create,
                ProvisioningEvents.MemberProvisioned,
                ProvisioningEvents.Patch,
                ProvisioningEvents.Deactivate,
                ProvisioningEvents.MemberDeprovisioned,
                ProvisioningEvents.Put,
                ProvisioningEvents.Activate,
                ProvisioningEvents.MemberProvisioned,
            ],
            await TypesAsync(world, created.Id)
        );
        var events = await world.Db.OutboxEvents.AsNoTracking().Where(e => e.ResourceId == created.Id).ToListAsync();
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
        Assert.Equal(3, events.Select(e => e.Txn).Distinct().Count()); // one per write
        Assert.Contains("Title", events.Single(e => e.Type == ProvisioningEvents.Put).Attributes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unchanged_write_and_a_refused_one_announce_nothing_but_the_guard_refusal()
    {
        await using var world = await DomainWorld.CreateAsync();
        var user = await world.ProvisionAsync("jane@example.com");
        var before = (await TypesAsync(world)).Count;
        var tracked = await world.TrackedUserAsync("jane@example.com");
        await world.Users.UpdateAsync(DomainWorld.Actor, tracked, UserWriteKind.ScimReplace, AuditActions.ReplaceScimUser, default);
        Assert.Equal(before, (await TypesAsync(world)).Count);

        await Assert.ThrowsAsync<DomainException>(() =>
            world.Groups.CreateFromScimAsync(DomainWorld.Actor, world.AccountId, "CF Team", null, [user.Id], default)
        );
        Assert.Equal(before, (await TypesAsync(world)).Count);

        var owner = await world.TrackedUserAsync("owner@example.com");
        owner.Active = false;
        await Assert.ThrowsAsync<DomainException>(() =>
            world.Users.UpdateAsync(DomainWorld.Actor, owner, UserWriteKind.ScimPatch, AuditActions.UpdateScimUser, default)
        );
        world.Db.ChangeTracker.Clear();
        Assert.Equal([ProvisioningEvents.LockoutRefused], (await TypesAsync(world)).Skip(before));
    }

    [Fact]
    public async Task Deleting_an_inactive_user_is_announced_although_nothing_else_changes()
    {
        await using var world = await DomainWorld.CreateAsync();
        var created = await world.ProvisionAsync("gone@example.com");
        var user = await world.TrackedUserAsync("gone@example.com");
        user.Active = false;
        await world.Users.UpdateAsync(DomainWorld.Actor, user, UserWriteKind.ScimPatch, AuditActions.UpdateScimUser, default);

        await world.Users.DeleteAsync(DomainWorld.Actor, await world.TrackedUserAsync("gone@example.com"), default);

        Assert.Equal(ProvisioningEvents.Delete, (await TypesAsync(world, created.Id)).Last());
    }

    [Fact]
    public async Task Replacing_a_members_policies_announces_what_was_attached_and_detached()
    {
        await using var world = await DomainWorld.CreateAsync();
        await world.ProvisionAsync("jane@example.com");
        var member = await world.MemberOfAsync("jane@example.com");
        var scope = await world.Db.ResourceGroups.FirstAsync(r => r.AccountId == world.AccountId);
        var administrator = PermissionGroupCatalog.All.First(r => r.Name == "Administrator");
        PolicyDraft[] allow = [new(PolicyAccess.Allow, [administrator.Id], scope.Id, null)];
        var before = (await TypesAsync(world)).Count;

        await world.Policies.ReplaceMemberPoliciesAsync(DomainWorld.Actor, member, allow, AuditActions.UpdateMember, default);
        await world.Policies.ReplaceMemberPoliciesAsync(DomainWorld.Actor, member, allow, AuditActions.UpdateMember, default);
        await world.Policies.ReplaceMemberPoliciesAsync(DomainWorld.Actor, member, [], AuditActions.UpdateMember, default);

        Assert.Equal([ProvisioningEvents.PolicyAttached, ProvisioningEvents.PolicyDetached], (await TypesAsync(world)).Skip(before));
    }

    [Fact]
    public async Task A_pushed_group_announces_its_creation_and_membership_changes()
    {
        await using var world = await DomainWorld.CreateAsync();
        var jane = await world.ProvisionAsync("jane@example.com");
        var group = (
            await world.Groups.CreateFromScimAsync(DomainWorld.Actor, world.AccountId, "Engineering", null, [jane.Id], default)
        ).Group;

        var events = await world.Db.OutboxEvents.AsNoTracking().Where(e => e.ResourceId == group.Id).ToListAsync();
        var created = Assert.Single(events);
        Assert.Equal((ProvisioningEvents.Create, "group", "Engineering"), (created.Type, created.ResourceType, created.ResourceName));
        Assert.Contains("\"membersAdded\":1", created.Details, StringComparison.Ordinal);
    }
}
