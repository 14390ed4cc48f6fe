using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Domain.Permissions;

public sealed record PermissionSource(string Type, string? Id, string? Name);

public sealed record EffectiveRole(PermissionGroup Role, ResourceGroup Scope, IReadOnlyList<PermissionSource> Sources);

/// <summary>
/// What a member really holds (SPEC §2.1 rule 5): Minimal Account Access ∪ roles of its policies, each at its scope;
/// a deny policy removes the role it names at that scope (an account-wide deny removes it everywhere).
/// </summary>
public sealed class EffectivePermissions(ScimDbContext db)
{
    public const string BaseGrant = "base_grant";
    public const string DirectPolicy = "direct_policy";

    public async Task<IReadOnlyList<EffectiveRole>?> ForMemberAsync(string accountId, string memberId, CancellationToken cancellationToken)
    {
        var member = await db.Members.AsNoTracking().SingleOrDefaultAsync(m => m.AccountId == accountId && m.Id == memberId, cancellationToken);
        if (member is null)
        {
            return null;
        }

        var policies = await db.Policies.AsNoTracking().Include(p => p.ResourceGroup)
            .Where(p => p.AccountId == accountId && p.MemberId == memberId)
            .ToListAsync(cancellationToken);
        var accountScope = await db.ResourceGroups.AsNoTracking()
            .FirstOrDefaultAsync(r => r.AccountId == accountId && r.ScopeKey == ResourceGroup.AccountScopeKey(accountId) && r.Name == ResourceGroup.AccountScopeKey(accountId), cancellationToken)
            ?? new ResourceGroup { Id = "", AccountId = accountId, Name = ResourceGroup.AccountScopeKey(accountId), ScopeKey = ResourceGroup.AccountScopeKey(accountId), ScopeObjects = ["*"] };

        var grants = new Dictionary<(string RoleId, string ScopeId), (PermissionGroup Role, ResourceGroup Scope, List<PermissionSource> Sources)>();
        void Grant(PermissionGroup role, ResourceGroup scope, PermissionSource source)
        {
            if (!grants.TryGetValue((role.Id, scope.Id), out var entry))
            {
                entry = (role, scope, []);
                grants[(role.Id, scope.Id)] = entry;
            }

            entry.Sources.Add(source);
        }

        Grant(PermissionGroupCatalog.MinimalAccountAccess, accountScope, new PermissionSource(BaseGrant, null, "Minimal Account Access is held by every member"));
        foreach (var policy in policies.Where(p => p.Access == PolicyAccess.Allow))
        {
            foreach (var role in policy.PermissionGroupIds.Select(PermissionGroupCatalog.Find).OfType<PermissionGroup>())
            {
                Grant(role, policy.ResourceGroup, new PermissionSource(DirectPolicy, policy.Id, null));
            }
        }

        foreach (var deny in policies.Where(p => p.Access == PolicyAccess.Deny))
        {
            foreach (var roleId in deny.PermissionGroupIds)
            {
                foreach (var key in grants.Keys.Where(k => k.RoleId == roleId && (k.ScopeId == deny.ResourceGroupId || deny.ResourceGroup.Kind == ScopeKind.Account)).ToList())
                {
                    if (roleId != PermissionGroupCatalog.MinimalAccountAccess.Id)
                    {
                        grants.Remove(key);
                    }
                }
            }
        }

        return grants.Values
            .OrderBy(g => g.Scope.Kind).ThenBy(g => g.Role.Name, StringComparer.Ordinal)
            .Select(g => new EffectiveRole(g.Role, g.Scope, g.Sources))
            .ToList();
    }
}
