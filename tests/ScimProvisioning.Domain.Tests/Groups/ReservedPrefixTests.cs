using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Domain.Changes;
using ScimProvisioning.Domain.Groups;
using ScimProvisioning.Domain.Tests.Infrastructure;

namespace ScimProvisioning.Domain.Tests.Groups;

/// <summary>SPEC §2.1 rule 4: group names beginning with "CF" — literally, case-sensitively — are reserved.</summary>
public sealed class ReservedPrefixTests
{
    [Theory]
    [InlineData("CF Admins")]
    [InlineData("CFO Office")]
    [InlineData("CF")]
    public void Names_beginning_with_CF_are_refused(string name)
    {
        var refusal = Assert.Throws<DomainException>(() => GroupProvisioning.ValidateName(name));

        Assert.Equal(DomainErrorKind.Invalid, refusal.Kind);
        Assert.Equal(ProvisioningRules.ReservedPrefix, refusal.Rule);
        Assert.Equal("displayName", refusal.Field);
    }

    [Theory]
    [InlineData("cf-lowercase")]
    [InlineData("Cf Mixed")]
    [InlineData("Team CF")]
    [InlineData(" CF leading space")]
    public void Other_names_are_accepted(string name) => GroupProvisioning.ValidateName(name);

    [Fact]
    public async Task A_pushed_CF_group_is_refused_on_every_entry_point_and_nothing_is_stored()
    {
        await using var world = await DomainWorld.CreateAsync();
        var before = await world.Db.UserGroups.CountAsync();

        await Assert.ThrowsAsync<DomainException>(() =>
            world.Groups.CreateFromScimAsync(DomainWorld.Actor, world.AccountId, "CF Admins", null, [], CancellationToken.None)
        );
        await Assert.ThrowsAsync<DomainException>(() =>
            world.Groups.CreateCustomAsync(DomainWorld.Actor, world.AccountId, "CFOs", [], world.Policies, CancellationToken.None)
        );
        var pushed = (
            await world.Groups.CreateFromScimAsync(DomainWorld.Actor, world.AccountId, "Engineers", null, [], CancellationToken.None)
        ).Group;
        await Assert.ThrowsAsync<DomainException>(() =>
            world.Groups.UpdateFromScimAsync(
                DomainWorld.Actor,
                pushed,
                new GroupUpdate("CF Engineers", false, null, []),
                Audit.AuditActions.UpdateScimGroup,
                CancellationToken.None
            )
        );

        world.Db.ChangeTracker.Clear();
        Assert.Equal(before + 1, await world.Db.UserGroups.CountAsync());
        Assert.Equal("Engineers", (await world.Db.UserGroups.SingleAsync(g => g.Id == pushed.Id)).Name);
    }
}
