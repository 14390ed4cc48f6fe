using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Domain;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Groups;
using ScimProvisioning.Domain.Permissions;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Api.Admin;

/// <summary>
/// The user-groups API's application service. Account member ids become user ids here; the rules — the CF prefix,
/// the SCIM-managed lock, the lockout guard — are the domain's (<see cref="GroupProvisioning"/>,
/// <see cref="PolicyAssignments"/>), so nothing here checks them.
/// </summary>
public sealed class AccountUserGroups(GroupProvisioning groups, PolicyAssignments assignments, ScimDbContext db)
{
    /// <summary>A user group of the account (system groups are not shown here); Cloudflare's 404 otherwise.</summary>
    public async Task<UserGroup> FindAsync(string accountId, string id, CancellationToken cancellationToken) =>
        await groups.FindAsync(accountId, id, cancellationToken) is { IsSystem: false } group
            ? group
            : throw DomainException.NotFound("User group not found.");

    public Task<UserGroup> CreateAsync(
        Actor actor,
        string accountId,
        string name,
        IReadOnlyList<PolicyDraft> policies,
        CancellationToken cancellationToken
    ) => groups.CreateCustomAsync(actor, accountId, name, policies, assignments, cancellationToken);

    /// <summary>Renames (not SCIM-managed groups) and/or replaces the policies as a whole; null leaves either as it is.</summary>
    public async Task UpdateAsync(
        Actor actor,
        UserGroup group,
        string? name,
        IReadOnlyList<PolicyDraft>? policies,
        CancellationToken cancellationToken
    )
    {
        if (name is not null)
        {
            await groups.RenameAsync(actor, group, name, cancellationToken);
        }

        if (policies is not null)
        {
            await assignments.ReplaceGroupPoliciesAsync(actor, group, policies, AuditActions.UpdateUserGroup, cancellationToken);
        }
    }

    public Task DeleteAsync(Actor actor, UserGroup group, CancellationToken cancellationToken) =>
        groups.DeleteCustomAsync(actor, group, cancellationToken);

    /// <summary>Adds or replaces members named by account member ids; every id must be a member of the account.</summary>
    public async Task ChangeMembersAsync(
        Actor actor,
        UserGroup group,
        IReadOnlyList<string> memberIds,
        Func<IReadOnlyList<string>, MembershipChange> change,
        CancellationToken cancellationToken
    )
    {
        var userIds = await UserIdsOfMembersAsync(group.AccountId, memberIds, cancellationToken);
        if (userIds.Count != memberIds.Distinct(StringComparer.Ordinal).Count())
        {
            throw new DomainException(DomainErrorKind.Invalid, "Every id must be an account member id of this account.", "members");
        }

        await groups.ChangeMembersAsync(actor, group, change(userIds), new { memberIds }, cancellationToken);
    }

    /// <summary>Removes one member; false when the id names no member of the account.</summary>
    public async Task<bool> RemoveMemberAsync(Actor actor, UserGroup group, string memberId, CancellationToken cancellationToken)
    {
        var userIds = await UserIdsOfMembersAsync(group.AccountId, [memberId], cancellationToken);
        if (userIds.Count == 0)
        {
            return false;
        }

        await groups.ChangeMembersAsync(actor, group, new RemoveMembers(userIds), new { removedMemberId = memberId }, cancellationToken);
        return true;
    }

    public async Task<UserGroupView> ViewAsync(UserGroup group, CancellationToken cancellationToken)
    {
        var policies = await db
            .Policies.AsNoTracking()
            .Include(p => p.ResourceGroup)
            .Where(p => p.UserGroupKey == group.Key)
            .OrderBy(p => p.Created)
            .ToListAsync(cancellationToken);
        var memberCount = await db.UserGroupMembers.CountAsync(m => m.UserGroupKey == group.Key, cancellationToken);
        return UserGroupView.From(group, memberCount, policies);
    }

    private Task<List<string>> UserIdsOfMembersAsync(
        string accountId,
        IReadOnlyList<string> memberIds,
        CancellationToken cancellationToken
    ) =>
        db
            .Members.AsNoTracking()
            .Where(m => m.AccountId == accountId && memberIds.Contains(m.Id))
            .Select(m => m.User.Id)
            .ToListAsync(cancellationToken);
}
