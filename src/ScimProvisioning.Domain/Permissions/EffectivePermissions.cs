using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Domain.Permissions;

/// <summary>Why a member holds a role: the base grant, a direct policy, a group's policy or a system group.</summary>
public sealed record PermissionSource(string Type, string? PolicyId = null, string? GroupId = null, string? GroupName = null);

public sealed record EffectiveRole(PermissionGroup Role, ResourceGroup Scope, IReadOnlyList<PermissionSource> Sources);

/// <summary>
/// What a member really holds (SPEC §2.1 rule 5): Minimal Account Access ∪ roles of its policies, each at its scope;
/// a deny policy removes the role it names at that scope (an account-wide deny removes it everywhere).
/// </summary>
public sealed class EffectivePermissions(ScimDbContext db)
{
    public const string BaseGrant = "base_grant";
    public const string DirectPolicy = "direct_policy";
    public const string GroupPolicy = "group_policy";
    public const string SystemGroup = "system_group";

    public async Task<IReadOnlyList<EffectiveRole>?> ForMemberAsync(string accountId, string memberId, CancellationToken cancellationToken)
    {
        var member = await db
            .Members.AsNoTracking()
            .SingleOrDefaultAsync(m => m.AccountId == accountId && m.Id == memberId, cancellationToken);
        if (member is null)
        {
            return null;
        }

        var groups = await db
            .UserGroupMembers.AsNoTracking()
            .Where(gm => gm.UserKey == member.UserKey)
            .Join(
                db.UserGroups,
                gm => gm.UserGroupKey,
                g => g.Key,
                (gm, g) =>
                    new
                    {
                        g.Key,
                        g.Id,
                        g.Name,
                        g.SystemRoleId,
                    }
            )
            .ToListAsync(cancellationToken);
        var groupKeys = groups.Select(g => g.Key).ToList();
        var policies = await db
            .Policies.AsNoTracking()
            .Include(p => p.ResourceGroup)
            .Where(p =>
                p.AccountId == accountId && (p.MemberId == memberId || (p.UserGroupKey != null && groupKeys.Contains(p.UserGroupKey.Value)))
            )
            .ToListAsync(cancellationToken);
        var accountScope =
            await db
                .ResourceGroups.AsNoTracking()
                .FirstOrDefaultAsync(
                    r =>
                        r.AccountId == accountId
                        && r.ScopeKey == ResourceGroup.AccountScopeKey(accountId)
                        && r.Name == ResourceGroup.AccountScopeKey(accountId),
                    cancellationToken
                )
            ?? new ResourceGroup
            {
                Id = "",
                AccountId = accountId,
                Name = ResourceGroup.AccountScopeKey(accountId),
                ScopeKey = ResourceGroup.AccountScopeKey(accountId),
                ScopeObjects = ["*"],
            };

        var grants =
            new Dictionary<(string RoleId, string ScopeId), (PermissionGroup Role, ResourceGroup Scope, List<PermissionSource> Sources)>();
        void Grant(PermissionGroup role, ResourceGroup scope, PermissionSource source)
        {
            if (!grants.TryGetValue((role.Id, scope.Id), out var entry))
            {
                entry = (role, scope, []);
                grants[(role.Id, scope.Id)] = entry;
            }

            entry.Sources.Add(source);
        }

        Grant(PermissionGroupCatalog.MinimalAccountAccess, accountScope, new PermissionSource(BaseGrant));
        foreach (var group in groups.Where(g => g.SystemRoleId is not null))
        {
            if (PermissionGroupCatalog.Find(group.SystemRoleId!) is { } role)
            {
                Grant(role, accountScope, new PermissionSource(SystemGroup, GroupId: group.Id, GroupName: group.Name));
            }
        }

        foreach (var policy in policies.Where(p => p.Access == PolicyAccess.Allow))
        {
            var group = policy.UserGroupKey is null ? null : groups.First(g => g.Key == policy.UserGroupKey);
            var source = group is null
                ? new PermissionSource(DirectPolicy, policy.Id)
                : new PermissionSource(GroupPolicy, policy.Id, group.Id, group.Name);
            foreach (var role in policy.PermissionGroupIds.Select(PermissionGroupCatalog.Find).OfType<PermissionGroup>())
            {
                Grant(role, policy.ResourceGroup, source);
            }
        }

        foreach (var deny in policies.Where(p => p.Access == PolicyAccess.Deny))
        {
            foreach (var roleId in deny.PermissionGroupIds)
            {
                foreach (
                    var key in grants
                        .Keys.Where(k =>
                            k.RoleId == roleId && (k.ScopeId == deny.ResourceGroupId || deny.ResourceGroup.Kind == ScopeKind.Account)
                        )
                        .ToList()
                )
                {
                    if (roleId != PermissionGroupCatalog.MinimalAccountAccess.Id)
                    {
                        grants.Remove(key);
                    }
                }
            }
        }

        return grants
            .Values.OrderBy(g => g.Scope.Kind)
            .ThenBy(g => g.Role.Name, StringComparer.Ordinal)
            .Select(g => new EffectiveRole(g.Role, g.Scope, g.Sources))
            .ToList();
    }
}
