using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Changes;
using ScimProvisioning.Domain.Tests.Infrastructure;
using ScimProvisioning.Domain.Users;

namespace ScimProvisioning.Domain.Tests.Users;

/// <summary>SPEC §2.1 rules 1–3 and 9, the profile's user rules on every path, and the change description of each write.</summary>
public sealed class UserProvisioningTests
{
    [Fact]
    public async Task Provisioning_creates_the_member_and_describes_it()
    {
        await using var world = await DomainWorld.CreateAsync();
        var user = world.Users.NewUser(world.AccountId, "jane@example.com");

        var result = await world.Users.CreateAsync(DomainWorld.Actor, user, UserWriteKind.ScimCreate, CancellationToken.None);

        Assert.Equal([ProvisioningRules.MemberProvisioned], result.Change.Rules);
        Assert.Equal(
            ("user", user.Id, "jane@example.com"),
            (result.Change.ResourceType, result.Change.ResourceId, result.Change.ResourceName)
        );
        Assert.True(await world.IsMemberAsync("jane@example.com"));
        var audited = (await world.AuditAsync()).Last();
        Assert.Equal((AuditActions.CreateScimUser, AuditActions.Success), (audited.Action, audited.Outcome));
        Assert.Contains(ProvisioningRules.MemberProvisioned, audited.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unchanged_update_changes_nothing_and_keeps_the_version()
    {
        await using var world = await DomainWorld.CreateAsync();
        await world.ProvisionAsync("jane@example.com");
        var user = await world.TrackedUserAsync("jane@example.com");
        var version = user.Version;

        var result = await world.Users.UpdateAsync(
            DomainWorld.Actor,
            user,
            UserWriteKind.ScimReplace,
            AuditActions.ReplaceScimUser,
            CancellationToken.None
        );

        Assert.True(result.Change.IsEmpty);
        Assert.Equal(version, result.User.Version);
    }

    [Fact]
    public async Task Deactivating_removes_the_member_and_reactivating_restores_it()
    {
        await using var world = await DomainWorld.CreateAsync();
        await world.ProvisionAsync("jane@example.com");
        var user = await world.TrackedUserAsync("jane@example.com");
        user.Active = false;
        user.Title = "Former";

        var off = await world.Users.UpdateAsync(
            DomainWorld.Actor,
            user,
            UserWriteKind.ScimPatch,
            AuditActions.UpdateScimUser,
            CancellationToken.None
        );
        Assert.False(await world.IsMemberAsync("jane@example.com"));
        user.Active = true;
        var on = await world.Users.UpdateAsync(
            DomainWorld.Actor,
            user,
            UserWriteKind.ScimPatch,
            AuditActions.UpdateScimUser,
            CancellationToken.None
        );

        Assert.Equal([ProvisioningRules.MemberDeprovisioned], off.Change.Rules);
        Assert.Contains(nameof(User.Active), off.Change.Attributes);
        Assert.Contains(nameof(User.Title), off.Change.Attributes);
        Assert.Equal([ProvisioningRules.MemberProvisioned], on.Change.Rules);
        Assert.True(await world.IsMemberAsync("jane@example.com"));
    }

    [Fact]
    public async Task A_taken_user_name_is_refused_case_insensitively()
    {
        await using var world = await DomainWorld.CreateAsync();
        await world.ProvisionAsync("jane@example.com");
        var twin = world.Users.NewUser(world.AccountId, "JANE@example.com");

        var refusal = await Assert.ThrowsAsync<DomainException>(() =>
            world.Users.CreateAsync(DomainWorld.Actor, twin, UserWriteKind.ScimCreate, CancellationToken.None)
        );

        Assert.Equal((DomainErrorKind.Conflict, ProvisioningRules.UniqueName), (refusal.Kind, refusal.Rule));
    }

    [Theory]
    [InlineData(UserWriteKind.ScimCreate)]
    [InlineData(UserWriteKind.ScimReplace)]
    [InlineData(UserWriteKind.ScimPatch)]
    public async Task The_profile_rules_are_asked_on_every_scim_path(UserWriteKind kind)
    {
        var rules = new RefuseUserNamesWithout("@");
        await using var world = await DomainWorld.CreateAsync(rules: rules);
        await world.ProvisionAsync("jane@example.com");

        var refusal = await Assert.ThrowsAsync<DomainException>(async () =>
        {
            if (kind == UserWriteKind.ScimCreate)
            {
                await world.Users.CreateAsync(
                    DomainWorld.Actor,
                    world.Users.NewUser(world.AccountId, "not-an-email"),
                    kind,
                    CancellationToken.None
                );
                return;
            }

            var user = await world.TrackedUserAsync("jane@example.com");
            user.SetUserName("not-an-email");
            await world.Users.UpdateAsync(DomainWorld.Actor, user, kind, AuditActions.UpdateScimUser, CancellationToken.None);
        });

        Assert.Equal(ProvisioningRules.ProfileRule, refusal.Rule);
        Assert.Contains(kind, rules.Asked);
        world.Db.ChangeTracker.Clear();
        Assert.False(await world.Db.Users.AnyAsync(u => u.UserName == "not-an-email"));
    }

    [Fact]
    public async Task The_admin_path_is_not_held_to_the_profile_rules()
    {
        var rules = new RefuseUserNamesWithout("#");
        await using var world = await DomainWorld.CreateAsync(rules: rules);

        await world.Users.CreateAsync(
            DomainWorld.Actor,
            world.Users.NewUser(world.AccountId, "jane@example.com"),
            UserWriteKind.Admin,
            CancellationToken.None,
            AuditActions.AddMember
        );

        Assert.True(await world.IsMemberAsync("jane@example.com"));
    }

    [Fact]
    public void The_factory_makes_an_active_user_whose_email_is_its_user_name_and_primary_email()
    {
        var now = new DateTime(2026, 12, 2, 0, 0, 0, DateTimeKind.Utc);
        var user = UserFactory.NewUser("a".PadLeft(32, 'a'), now, "Jane@Example.com");
        var member = UserFactory.NewMember(user, now);

        Assert.True(user.Active);
        Assert.True(Identifiers.IsTag(user.Id));
        Assert.Equal(("Jane@Example.com", "jane@example.com"), (user.UserName, user.UserNameKey));
        var email = Assert.Single(user.Emails);
        Assert.Equal(("Jane@Example.com", "jane@example.com", true, "work"), (email.Value, email.ValueKey, email.Primary, email.Type));
        Assert.Equal((user.AccountId, now), (member.AccountId, member.Created));
        Assert.Same(user, member.User);
    }

    /// <summary>A profile rule for the test: userNames must contain a marker; remembers which paths asked.</summary>
    private sealed class RefuseUserNamesWithout(string marker) : IUserRules
    {
        public List<UserWriteKind> Asked { get; } = [];

        public void Check(User user, UserWriteKind kind)
        {
            if (kind == UserWriteKind.Admin)
            {
                return;
            }

            Asked.Add(kind);
            if (!user.UserName.Contains(marker, StringComparison.Ordinal))
            {
                throw new DomainException(
                    DomainErrorKind.Invalid,
                    $"userName must contain '{marker}'.",
                    "userName",
                    ProvisioningRules.ProfileRule
                );
            }
        }
    }
}
