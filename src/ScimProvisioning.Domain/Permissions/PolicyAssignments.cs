using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Changes;
using ScimProvisioning.Domain.Groups;
using ScimProvisioning.Domain.Members;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Domain.Permissions;

/// <summary>A scope given inline: <c>{key: com.cloudflare.api.account.&lt;id&gt;, objects: [{key: "*"}]}</c>.</summary>
public sealed record ScopeDraft(string Key, IReadOnlyList<string> Objects);

/// <summary>A policy as requested: access, roles, and one scope (a resource group id or an inline scope).</summary>
public sealed record PolicyDraft(PolicyAccess Access, IReadOnlyList<string> PermissionGroupIds, string? ResourceGroupId, ScopeDraft? Scope);

/// <summary>
/// Attaches policies to members (direct, "traditional" policies) and to user groups. A policy has one scope, and the
/// scope decides which roles it may hold: account scope → account-scoped roles, domains → domain-scoped roles,
/// resources → resource-scoped roles. Replacing policies goes through the lockout guard.
/// </summary>
public sealed class PolicyAssignments(ScimDbContext db, AuditLog audit, SuperAdministratorGuard guard, TimeProvider clock)
{
    public async Task<List<Policy>> ReplaceMemberPoliciesAsync(
        Actor actor,
        Member member,
        IReadOnlyList<PolicyDraft> drafts,
        string action,
        CancellationToken cancellationToken
    )
    {
        var policies = await BuildAsync(member.AccountId, drafts, cancellationToken);
        foreach (var policy in policies)
        {
            policy.MemberId = member.Id;
        }

        var change = new ChangeDescription(member.AccountId, actor, action, "member", member.Id) { ResourceName = member.User?.UserName };
        await ReplaceGuardedAsync(change, p => p.MemberId == member.Id, policies, cancellationToken);
        return policies;
    }

    public async Task<List<Policy>> ReplaceGroupPoliciesAsync(
        Actor actor,
        UserGroup group,
        IReadOnlyList<PolicyDraft> drafts,
        string action,
        CancellationToken cancellationToken
    )
    {
        if (group.IsSystem)
        {
            throw new DomainException(DomainErrorKind.Immutable, "System groups grant their role by membership and carry no policies.");
        }

        var policies = await BuildAsync(group.AccountId, drafts, cancellationToken);
        foreach (var policy in policies)
        {
            policy.UserGroupKey = group.Key;
        }

        group.LastModified = clock.GetUtcNow().UtcDateTime;
        group.Version++;
        var change = new ChangeDescription(group.AccountId, actor, action, GroupProvisioning.ResourceType, group.Id)
        {
            ResourceName = group.Name,
        };
        await ReplaceGuardedAsync(change, p => p.UserGroupKey == group.Key, policies, cancellationToken);
        return policies;
    }

    /// <summary>What makes two policies the same grant: access, roles and scope.</summary>
    private static string Signature(Policy policy) =>
        $"{policy.Access}|{string.Join(',', policy.PermissionGroupIds.Order(StringComparer.Ordinal))}|{policy.ResourceGroupId}";

    /// <summary>Swaps the owner's policies for the new ones in one transaction, through the lockout guard.</summary>
    private async Task ReplaceGuardedAsync(
        ChangeDescription change,
        Expression<Func<Policy, bool>> owned,
        List<Policy> policies,
        CancellationToken cancellationToken
    )
    {
        var before = (await db.Policies.AsNoTracking().Where(owned).ToListAsync(cancellationToken)).Select(Signature).ToList();
        var after = policies.Select(Signature).ToList();
        change = change with
        {
            Attributes = ["Policies"],
            Details = Describe(policies),
            PoliciesAttached = after.Count(p => !before.Contains(p, StringComparer.Ordinal)),
            PoliciesDetached = before.Count(p => !after.Contains(p, StringComparer.Ordinal)),
        };
        await guard.CommitGuardedAsync(
            change,
            LockoutCheck.WhenLockoutPreventionIsOn,
            async ct =>
            {
                await db.Policies.Where(owned).ExecuteDeleteAsync(ct);
                db.Policies.AddRange(policies);
                audit.Record(change);
                await db.SaveChangesAsync(ct);
            },
            cancellationToken
        );
    }

    /// <summary>Validates drafts and builds unattached policies; inline scopes reuse an identical resource group or create one.</summary>
    public async Task<List<Policy>> BuildAsync(string accountId, IReadOnlyList<PolicyDraft> drafts, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var policies = new List<Policy>();
        foreach (var draft in drafts)
        {
            if (draft.PermissionGroupIds.Count == 0)
            {
                throw new DomainException(
                    DomainErrorKind.Invalid,
                    "A policy needs at least one permission group (role).",
                    "permission_groups"
                );
            }

            var roles = draft
                .PermissionGroupIds.Distinct(StringComparer.Ordinal)
                .Select(id =>
                    PermissionGroupCatalog.Find(id)
                    ?? throw new DomainException(
                        DomainErrorKind.Invalid,
                        $"Unknown permission group id '{Short(id)}'; see GET /accounts/{{account_id}}/iam/permission_groups.",
                        "permission_groups"
                    )
                )
                .ToList();
            var scope = await ResolveScopeAsync(accountId, draft, now, cancellationToken);
            var mismatched = roles.Where(r => r.Scope != scope.Kind).ToList();
            if (mismatched.Count > 0)
            {
                throw new DomainException(
                    DomainErrorKind.Invalid,
                    $"A policy scoped to {Describe(scope.Kind)} may hold only {scope.Kind.ToString().ToLowerInvariant()}-scoped roles; "
                        + $"{string.Join(", ", mismatched.Select(r => $"'{r.Name}' is {r.Scope.ToString().ToLowerInvariant()}-scoped"))}.",
                    "permission_groups"
                );
            }

            policies.Add(
                new Policy
                {
                    Id = Identifiers.NewTag(),
                    AccountId = accountId,
                    Access = draft.Access,
                    ResourceGroupId = scope.Id,
                    ResourceGroup = scope,
                    PermissionGroupIds = roles.Select(r => r.Id).ToList(),
                    Created = now,
                }
            );
        }

        return policies;
    }

    private async Task<ResourceGroup> ResolveScopeAsync(
        string accountId,
        PolicyDraft draft,
        DateTime now,
        CancellationToken cancellationToken
    )
    {
        if (draft.ResourceGroupId is not null)
        {
            return await db.ResourceGroups.SingleOrDefaultAsync(
                    r => r.AccountId == accountId && r.Id == draft.ResourceGroupId,
                    cancellationToken
                )
                ?? throw new DomainException(
                    DomainErrorKind.Invalid,
                    $"Resource group '{Short(draft.ResourceGroupId)}' does not exist in this account.",
                    "resource_groups"
                );
        }

        if (draft.Scope is null)
        {
            throw new DomainException(DomainErrorKind.Invalid, "A policy needs exactly one resource group (scope).", "resource_groups");
        }

        ValidateScope(accountId, draft.Scope.Key, draft.Scope.Objects);
        var candidates = await db
            .ResourceGroups.Where(r => r.AccountId == accountId && r.ScopeKey == draft.Scope.Key)
            .ToListAsync(cancellationToken);
        var match = candidates.FirstOrDefault(r =>
            r.ScopeObjects.Order(StringComparer.Ordinal).SequenceEqual(draft.Scope.Objects.Order(StringComparer.Ordinal))
        );
        if (match is not null)
        {
            return match;
        }

        var created = new ResourceGroup
        {
            Id = Identifiers.NewTag(),
            AccountId = accountId,
            Name = draft.Scope.Key,
            ScopeKey = draft.Scope.Key,
            ScopeObjects = [.. draft.Scope.Objects],
            Created = now,
        };
        db.ResourceGroups.Add(created);
        return created;
    }

    /// <summary>A scope belongs to its account and lists either "*", zone keys, or resource keys — not a mix.</summary>
    public static void ValidateScope(string accountId, string key, IReadOnlyList<string> objects)
    {
        if (key != ResourceGroup.AccountScopeKey(accountId))
        {
            throw new DomainException(DomainErrorKind.Invalid, $"scope.key must be '{ResourceGroup.AccountScopeKey(accountId)}'.", "scope");
        }

        if (objects.Count == 0 || objects.Any(string.IsNullOrWhiteSpace))
        {
            throw new DomainException(
                DomainErrorKind.Invalid,
                "scope.objects must list at least one key: \"*\" for the whole account, or zone keys "
                    + "com.cloudflare.api.account.zone.<zone id>.",
                "scope"
            );
        }

        var zones = objects.Count(o => o.StartsWith("com.cloudflare.api.account.zone.", StringComparison.Ordinal));
        var everything = objects.Count(o => o == "*");
        if ((everything > 0 && objects.Count > 1) || (zones > 0 && zones != objects.Count))
        {
            throw new DomainException(
                DomainErrorKind.Invalid,
                "A scope is either the whole account (\"*\"), a set of zones, or a set of resources — not a mix.",
                "scope"
            );
        }
    }

    private static string Describe(ScopeKind kind) =>
        kind switch
        {
            ScopeKind.Account => "the whole account",
            ScopeKind.Domain => "domains",
            _ => "specific resources",
        };

    private static object Describe(List<Policy> policies) =>
        new
        {
            policies = policies.Select(p => new
            {
                p.Id,
                access = p.Access.ToString().ToLowerInvariant(),
                roles = p.PermissionGroupIds,
                scope = p.ResourceGroupId,
            }),
        };

    private static string Short(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
