using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Changes;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Domain.Permissions;

/// <summary>
/// Scopes (resource groups) through the admin API: a scope is validated against its account, cannot change kind
/// (account, domains, resources) while policies use it, and cannot be deleted while they do.
/// </summary>
public sealed class ResourceGroupProvisioning(ScimDbContext db, AuditLog audit, TimeProvider clock)
{
    public const string ResourceType = "resource_group";

    public Task<ResourceGroup?> FindAsync(string accountId, string id, CancellationToken cancellationToken) =>
        db.ResourceGroups.SingleOrDefaultAsync(r => r.AccountId == accountId && r.Id == id, cancellationToken);

    public async Task<ResourceGroup> CreateAsync(
        Actor actor,
        string accountId,
        string? name,
        ScopeDraft scope,
        CancellationToken cancellationToken
    )
    {
        PolicyAssignments.ValidateScope(accountId, scope.Key, scope.Objects);
        var group = new ResourceGroup
        {
            Id = Identifiers.NewTag(),
            AccountId = accountId,
            Name = name ?? scope.Key,
            ScopeKey = scope.Key,
            ScopeObjects = [.. scope.Objects],
            Created = clock.GetUtcNow().UtcDateTime,
        };
        db.ResourceGroups.Add(group);
        audit.Record(Describe(actor, AuditActions.CreateResourceGroup, group) with { Details = new { objects = group.ScopeObjects } });
        await db.SaveChangesAsync(cancellationToken);
        return group;
    }

    /// <summary>Renames and/or re-scopes; null leaves a value as it is.</summary>
    public async Task<ResourceGroup> UpdateAsync(
        Actor actor,
        ResourceGroup group,
        string? name,
        ScopeDraft? scope,
        CancellationToken cancellationToken
    )
    {
        var changed = new List<string>();
        if (scope is not null)
        {
            PolicyAssignments.ValidateScope(group.AccountId, scope.Key, scope.Objects);
            var kind = new ResourceGroup
            {
                Id = "",
                AccountId = group.AccountId,
                Name = "",
                ScopeKey = scope.Key,
                ScopeObjects = [.. scope.Objects],
            }.Kind;
            if (kind != group.Kind && await db.Policies.AnyAsync(p => p.ResourceGroupId == group.Id, cancellationToken))
            {
                throw new DomainException(
                    DomainErrorKind.Conflict,
                    "Policies use this resource group; its scope cannot change kind (account, domains, resources) while they do."
                );
            }

            group.ScopeObjects = [.. scope.Objects];
            changed.Add(nameof(ResourceGroup.ScopeObjects));
        }

        if (name is not null && name != group.Name)
        {
            group.Name = name;
            changed.Add(nameof(ResourceGroup.Name));
        }

        audit.Record(
            Describe(actor, AuditActions.UpdateResourceGroup, group) with
            {
                Attributes = changed,
                Details = new { objects = group.ScopeObjects },
            }
        );
        await db.SaveChangesAsync(cancellationToken);
        return group;
    }

    public async Task<ChangeDescription> DeleteAsync(Actor actor, ResourceGroup group, CancellationToken cancellationToken)
    {
        if (await db.Policies.AnyAsync(p => p.ResourceGroupId == group.Id, cancellationToken))
        {
            throw new DomainException(DomainErrorKind.Conflict, "Policies still use this resource group; detach them first.");
        }

        db.ResourceGroups.Remove(group);
        var change = Describe(actor, AuditActions.DeleteResourceGroup, group);
        audit.Record(change);
        await db.SaveChangesAsync(cancellationToken);
        return change;
    }

    private static ChangeDescription Describe(Actor actor, string action, ResourceGroup group) =>
        new(group.AccountId, actor, action, ResourceType, group.Id) { ResourceName = group.Name };
}
