using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Changes;
using ScimProvisioning.Domain.Permissions;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Domain.Groups;

/// <summary>
/// SCIM groups and user groups (SPEC §2.1 rules 4–8, 10): the reserved <c>CF</c> prefix, system groups, adoption by
/// name, uniqueness, the SCIM-managed lock (enforced here for every admin write), and set-based membership changes,
/// every one through the lockout guard. SCIM writes are the <c>…FromScimAsync</c> methods, admin writes the rest.
/// </summary>
public sealed class GroupProvisioning(
    ScimDbContext db,
    AuditLog audit,
    SuperAdministratorGuard guard,
    TimeProvider clock,
    GroupSettings settings
)
{
    public const string ResourceType = "group";

    /// <summary>Cloudflare reserves group names beginning with "CF" — literally and case-sensitively ("CFO Office" too).</summary>
    public const string ReservedPrefix = "CF";

    public Task<UserGroup?> FindAsync(string accountId, string id, CancellationToken cancellationToken) =>
        GroupById(db, accountId, id, cancellationToken);

    // Compiled once, the queries of the PATCH an IdP sends for every user it assigns to a group.
    private static readonly Func<ScimDbContext, string, string, CancellationToken, Task<UserGroup?>> GroupById = EF.CompileAsyncQuery(
        (ScimDbContext db, string accountId, string id, CancellationToken _) =>
            db.UserGroups.SingleOrDefault(g => g.AccountId == accountId && g.Id == id)
    );

    private static readonly Func<ScimDbContext, string, IEnumerable<string>, IAsyncEnumerable<UserKey>> UserKeys = EF.CompileAsyncQuery(
        (ScimDbContext db, string accountId, IEnumerable<string> ids) =>
            db.Users.AsNoTracking().Where(u => u.AccountId == accountId && ids.Contains(u.Id)).Select(u => new UserKey(u.Id, u.Key))
    );

    private static readonly Func<ScimDbContext, long, IEnumerable<long>, IAsyncEnumerable<long>> PresentMembers = EF.CompileAsyncQuery(
        (ScimDbContext db, long groupKey, IEnumerable<long> keys) =>
            db.UserGroupMembers.Where(m => m.UserGroupKey == groupKey && keys.Contains(m.UserKey)).Select(m => m.UserKey)
    );

    private static readonly Func<ScimDbContext, long, CancellationToken, Task<StoredVersion>> VersionOf = EF.CompileAsyncQuery(
        (ScimDbContext db, long groupKey, CancellationToken _) =>
            db.UserGroups.Where(g => g.Key == groupKey).Select(g => new StoredVersion(g.Version, g.LastModified)).Single()
    );

    private sealed record StoredVersion(long Version, DateTime LastModified);

    private sealed record UserKey(string Id, long Key);

    /// <summary>Creates the account's system groups that are missing: one per account-scoped role.</summary>
    public async Task EnsureSystemGroupsAsync(string accountId, CancellationToken cancellationToken)
    {
        var existing = await db
            .UserGroups.Where(g => g.AccountId == accountId && g.SystemRoleId != null)
            .Select(g => g.SystemRoleId!)
            .ToListAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var role in PermissionGroupCatalog.All.Where(r => r.Scope == ScopeKind.Account && !existing.Contains(r.Id)))
        {
            var group = new UserGroup
            {
                Id = UserGroup.SystemGroupId(role.Id),
                AccountId = accountId,
                SystemRoleId = role.Id,
                IsScimManaged = true,
                Created = now,
                LastModified = now,
                Version = 1,
            };
            group.Rename(UserGroup.SystemGroupName(accountId, role));
            db.UserGroups.Add(group);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// SCIM POST /Groups: creates a SCIM-managed group, or adopts an existing group of the same name (any case) that is
    /// not SCIM-managed (rule 8) — Entra and Okta link groups this way. A SCIM-managed namesake is 409.
    /// </summary>
    public async Task<GroupWriteResult> CreateFromScimAsync(
        Actor actor,
        string accountId,
        string name,
        string? externalId,
        IReadOnlyList<string> memberUserIds,
        CancellationToken cancellationToken
    )
    {
        ValidateName(name);
        CheckMemberCount(memberUserIds.Count);
        var existing = await db.UserGroups.SingleOrDefaultAsync(
            g => g.AccountId == accountId && g.NameKey == Identifiers.NormalizeKey(name),
            cancellationToken
        );
        if (existing is { IsScimManaged: true })
        {
            throw NameTaken(name);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var group =
            existing
            ?? new UserGroup
            {
                Id = Identifiers.NewTag(),
                AccountId = accountId,
                Created = now,
                Version = 0,
            };
        if (existing is null)
        {
            group.Rename(name);
            db.UserGroups.Add(group);
        }

        group.IsScimManaged = true;
        group.ExternalId = externalId;
        group.LastModified = now;
        group.Version++;
        var (resolved, ignored) = await ResolveUsersAsync(accountId, memberUserIds, cancellationToken);
        ChangeDescription change;
        try
        {
            // Creating or adopting a group takes no role away, so it needs a transaction but not the lockout guard.
            await using var transaction = await db.Database.BeginWriteAsync(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            var added = await AddAsync(group, resolved.Values, cancellationToken);
            change = Describe(actor, AuditActions.CreateScimGroup, group) with
            {
                MembersAdded = added,
                IgnoredMemberIds = ignored,
                Rules = Fired(
                    (existing is not null, ProvisioningRules.GroupAdopted),
                    (ignored.Count > 0, ProvisioningRules.IgnoredUnknownMembers)
                ),
            };
            audit.Record(change);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (UniqueViolation.IsUniqueViolation(e))
        {
            throw NameTaken(name);
        }

        return new GroupWriteResult(group, change);
    }

    /// <summary>SCIM PUT or PATCH /Groups/{id}: rename, externalId and membership changes in request order.</summary>
    public async Task<GroupWriteResult> UpdateFromScimAsync(
        Actor actor,
        UserGroup group,
        GroupUpdate update,
        string action,
        CancellationToken cancellationToken
    )
    {
        if (update.Name is not null && update.Name != group.Name)
        {
            if (group.IsSystem)
            {
                throw new DomainException(
                    DomainErrorKind.Immutable,
                    $"'{group.Name}' is a Cloudflare system group: it cannot be renamed; only its members can change.",
                    "displayName",
                    ProvisioningRules.SystemGroup
                );
            }

            ValidateName(update.Name);
            if (
                Identifiers.NormalizeKey(update.Name) != group.NameKey
                && await db.UserGroups.AnyAsync(
                    g => g.AccountId == group.AccountId && g.NameKey == Identifiers.NormalizeKey(update.Name),
                    cancellationToken
                )
            )
            {
                throw NameTaken(update.Name);
            }

            group.Rename(update.Name);
        }

        if (update.ExternalIdGiven && !group.IsSystem)
        {
            group.ExternalId = update.ExternalId;
        }

        return await ApplyMembershipAsync(actor, group, update.Membership, action, null, cancellationToken);
    }

    /// <summary>SCIM DELETE /Groups/{id}: custom groups and their policies go; system groups cannot be deleted.</summary>
    public async Task<ChangeDescription> DeleteFromScimAsync(Actor actor, UserGroup group, CancellationToken cancellationToken)
    {
        if (group.IsSystem)
        {
            throw new DomainException(
                DomainErrorKind.Immutable,
                $"'{group.Name}' is a Cloudflare system group and cannot be deleted; remove its members instead.",
                rule: ProvisioningRules.SystemGroup
            );
        }

        return await DeleteAsync(actor, group, AuditActions.DeleteScimGroup, cancellationToken);
    }

    /// <summary>Admin API: a membership change of a group that is not SCIM-managed (the lock is enforced here).</summary>
    public async Task<GroupWriteResult> ChangeMembersAsync(
        Actor actor,
        UserGroup group,
        MembershipChange change,
        object? details,
        CancellationToken cancellationToken
    )
    {
        ScimManagedLock.EnsureAdminMayChange(group, "membership");
        return await ApplyMembershipAsync(actor, group, [change], AuditActions.UpdateUserGroupMembers, details, cancellationToken);
    }

    /// <summary>Admin API: deletes a group that is not SCIM-managed, with its policies (the lock is enforced here).</summary>
    public async Task<ChangeDescription> DeleteCustomAsync(Actor actor, UserGroup group, CancellationToken cancellationToken)
    {
        ScimManagedLock.EnsureAdminMayChange(group, "existence");
        return await DeleteAsync(actor, group, AuditActions.DeleteUserGroup, cancellationToken);
    }

    /// <summary>The membership changes, set-based, in one guarded transaction; ids are resolved before it starts.</summary>
    private async Task<GroupWriteResult> ApplyMembershipAsync(
        Actor actor,
        UserGroup group,
        IReadOnlyList<MembershipChange> changes,
        string action,
        object? details,
        CancellationToken cancellationToken
    )
    {
        var named = changes
            .SelectMany(c =>
                c switch
                {
                    AddMembers add => add.UserIds,
                    RemoveMembers remove => remove.UserIds,
                    ReplaceMembers replace => replace.UserIds,
                    _ => [],
                }
            )
            .ToList();
        CheckMemberCount(named.Count);
        var (resolved, ignored) = await ResolveUsersAsync(group.AccountId, named, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        // A rename or externalId change is an optimistic-concurrency write of the group row; membership changes are
        // set-based and commute, so they only bump the version in SQL and never conflict with each other.
        var entry = db.Entry(group);
        var attributesChanged = entry.State == EntityState.Modified;
        var changedAttributes = attributesChanged
            ? entry
                .Properties.Where(p => p.IsModified && p.Metadata.Name is not nameof(UserGroup.NameKey))
                .Select(p => p.Metadata.Name)
                .ToList()
            : [];
        if (attributesChanged)
        {
            group.LastModified = now;
            group.Version++;
        }

        var added = 0;
        var removed = 0;
        StoredVersion? bumped = null;
        var change = Describe(actor, action, group) with { IgnoredMemberIds = ignored, Details = details };
        try
        {
            // Adding members and renaming take no role away: the two counts of Super Administrators are skipped (two of
            // the round trips of the PATCH an IdP sends for every user it assigns).
            await guard.CommitGuardedAsync(
                change,
                changes.All(c => c is AddMembers) ? LockoutCheck.Never : LockoutCheck.WhenLockoutPreventionIsOn,
                async ct =>
                {
                    foreach (var membership in changes)
                    {
                        switch (membership)
                        {
                            case AddMembers add:
                                added += await AddAsync(group, Keys(add.UserIds), ct);
                                break;
                            case RemoveMembers remove:
                                var keys = Keys(remove.UserIds).ToList();
                                removed += await db
                                    .UserGroupMembers.Where(m => m.UserGroupKey == group.Key && keys.Contains(m.UserKey))
                                    .ExecuteDeleteAsync(ct);
                                break;
                            case RemoveMatchingMembers matching:
                                removed += await db
                                    .UserGroupMembers.Where(m => m.UserGroupKey == group.Key)
                                    .Where(matching.Predicate)
                                    .ExecuteDeleteAsync(ct);
                                break;
                            case RemoveAllMembers:
                                removed += await db.UserGroupMembers.Where(m => m.UserGroupKey == group.Key).ExecuteDeleteAsync(ct);
                                break;
                            case ReplaceMembers replace:
                                var wanted = Keys(replace.UserIds).ToHashSet();
                                removed += await db
                                    .UserGroupMembers.Where(m => m.UserGroupKey == group.Key && !wanted.Contains(m.UserKey))
                                    .ExecuteDeleteAsync(ct);
                                added += await AddAsync(group, wanted, ct);
                                break;
                        }
                    }

                    // A request that changes nothing keeps version and lastModified, so the client's ETag stays valid.
                    if (!attributesChanged && added + removed > 0)
                    {
                        await db
                            .UserGroups.Where(g => g.Key == group.Key)
                            .ExecuteUpdateAsync(
                                g => g.SetProperty(x => x.Version, x => x.Version + 1).SetProperty(x => x.LastModified, now),
                                ct
                            );
                        // Read back as stored (PostgreSQL keeps microseconds), for the answer's version and ETag.
                        bumped = await VersionOf(db, group.Key, ct);
                    }

                    change = change with
                    {
                        Attributes = changedAttributes,
                        MembersAdded = added,
                        MembersRemoved = removed,
                        Rules = Fired((ignored.Count > 0, ProvisioningRules.IgnoredUnknownMembers)),
                    };
                    audit.Record(change);
                    await db.SaveChangesAsync(ct);
                },
                cancellationToken,
                // Members taken out of a group that grants no Super Administrator take the role from no one.
                mayTakeRole: ct => guard.GroupGrantsSuperAdministratorAsync(group.Key, ct)
            );
            if (bumped is { } stored)
            {
                // As a reload would: the tracked group takes the stored values and stays unchanged.
                entry.Property(g => g.Version).OriginalValue = entry.Property(g => g.Version).CurrentValue = stored.Version;
                entry.Property(g => g.LastModified).OriginalValue = entry.Property(g => g.LastModified).CurrentValue = stored.LastModified;
            }
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainException(
                DomainErrorKind.PreconditionFailed,
                "The group was changed by another request; read it again and retry."
            );
        }
        catch (DbUpdateException e) when (UniqueViolation.IsUniqueViolation(e))
        {
            throw NameTaken(group.Name);
        }

        return new GroupWriteResult(group, change);

        IEnumerable<long> Keys(IEnumerable<string> ids) => ids.Where(resolved.ContainsKey).Select(id => resolved[id]).Distinct();
    }

    private async Task<ChangeDescription> DeleteAsync(Actor actor, UserGroup group, string action, CancellationToken cancellationToken)
    {
        var change = Describe(actor, action, group);
        await guard.CommitGuardedAsync(
            change,
            LockoutCheck.WhenLockoutPreventionIsOn,
            async ct =>
            {
                // Set-based: a group of 100,000 members is deleted without loading them.
                change = change with
                {
                    MembersRemoved = await db.UserGroupMembers.Where(m => m.UserGroupKey == group.Key).ExecuteDeleteAsync(ct),
                };
                await db.Policies.Where(p => p.UserGroupKey == group.Key).ExecuteDeleteAsync(ct);
                foreach (var tracked in db.ChangeTracker.Entries<UserGroupMember>().Where(e => e.Entity.UserGroupKey == group.Key).ToList())
                {
                    tracked.State = EntityState.Detached; // already deleted above
                }

                db.UserGroups.Remove(group);
                audit.Record(change);
                await db.SaveChangesAsync(ct);
            },
            cancellationToken
        );
        return change;
    }

    /// <summary>Admin API: a user group created by hand (not SCIM-managed), with its policies, in one transaction.</summary>
    public async Task<UserGroup> CreateCustomAsync(
        Actor actor,
        string accountId,
        string name,
        IReadOnlyList<PolicyDraft> policies,
        PolicyAssignments assignments,
        CancellationToken cancellationToken
    )
    {
        ValidateName(name);
        if (await db.UserGroups.AnyAsync(g => g.AccountId == accountId && g.NameKey == Identifiers.NormalizeKey(name), cancellationToken))
        {
            throw new DomainException(DomainErrorKind.Conflict, $"A group named '{name}' already exists in this account.", "name");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var group = new UserGroup
        {
            Id = Identifiers.NewTag(),
            AccountId = accountId,
            Created = now,
            LastModified = now,
            Version = 1,
        };
        group.Rename(name);
        var built = await assignments.BuildAsync(accountId, policies, cancellationToken);
        await using var transaction = await db.Database.BeginWriteAsync(cancellationToken);
        db.UserGroups.Add(group);
        await db.SaveChangesAsync(cancellationToken);
        foreach (var policy in built)
        {
            policy.UserGroupKey = group.Key;
        }

        db.Policies.AddRange(built);
        audit.Record(Describe(actor, AuditActions.CreateUserGroup, group) with { Details = new { policies = built.Count } });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (UniqueViolation.IsUniqueViolation(e))
        {
            throw new DomainException(DomainErrorKind.Conflict, $"A group named '{name}' already exists in this account.", "name");
        }

        await transaction.CommitAsync(cancellationToken);
        return group;
    }

    /// <summary>Admin API: rename a group that is not SCIM-managed.</summary>
    public async Task RenameAsync(Actor actor, UserGroup group, string name, CancellationToken cancellationToken)
    {
        if (name == group.Name)
        {
            return;
        }

        ScimManagedLock.EnsureAdminMayChange(group, "name");
        ValidateName(name);
        if (
            await db.UserGroups.AnyAsync(
                g => g.AccountId == group.AccountId && g.Key != group.Key && g.NameKey == Identifiers.NormalizeKey(name),
                cancellationToken
            )
        )
        {
            throw new DomainException(DomainErrorKind.Conflict, $"A group named '{name}' already exists in this account.", "name");
        }

        var before = group.Name;
        group.Rename(name);
        group.LastModified = clock.GetUtcNow().UtcDateTime;
        group.Version++;
        audit.Record(
            Describe(actor, AuditActions.UpdateUserGroup, group) with
            {
                Attributes = [nameof(UserGroup.Name)],
                Details = new { renamedFrom = before },
            }
        );
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Inserts the users not yet in the group; returns how many were added.</summary>
    private async Task<int> AddAsync(UserGroup group, IEnumerable<long> userKeys, CancellationToken cancellationToken)
    {
        var keys = userKeys.Distinct().ToList();
        if (keys.Count == 0)
        {
            return 0;
        }

        var present = group.Key == 0 ? [] : await PresentMembers(db, group.Key, keys).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var missing = keys.Except(present)
            .Select(k => new UserGroupMember
            {
                UserGroupKey = group.Key,
                UserKey = k,
                Added = now,
            })
            .ToList();
        db.UserGroupMembers.AddRange(missing);
        await db.SaveChangesAsync(cancellationToken);
        // Membership is changed set-based from here on: rows left tracked would be deleted twice by a later group
        // deletion in the same unit of work (a /Bulk request), and would hold a 100,000-member push in memory.
        foreach (var member in missing)
        {
            db.Entry(member).State = EntityState.Detached;
        }

        return missing.Count;
    }

    /// <summary>Maps SCIM user ids to users of the account; ids that name none are returned separately, to be ignored.</summary>
    public async Task<(Dictionary<string, long> Resolved, IReadOnlyList<string> Ignored)> ResolveUsersAsync(
        string accountId,
        IEnumerable<string> userIds,
        CancellationToken cancellationToken
    )
    {
        var ids = userIds.Distinct(StringComparer.Ordinal).ToList();
        var resolved = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var chunk in ids.Where(Identifiers.IsTag).Chunk(5000))
        {
            await foreach (var user in UserKeys(db, accountId, chunk).WithCancellation(cancellationToken))
            {
                resolved[user.Id] = user.Key;
            }
        }

        return (resolved, ids.Where(id => !resolved.ContainsKey(id)).ToList());
    }

    /// <summary>Rule 4: the reserved prefix, and the text rules every identifier obeys.</summary>
    public static void ValidateName(string? name)
    {
        Identifiers.CheckText(name, "displayName");
        if (name!.StartsWith(ReservedPrefix, StringComparison.Ordinal))
        {
            throw new DomainException(
                DomainErrorKind.Invalid,
                $"Group names beginning with \"{ReservedPrefix}\" are reserved for Cloudflare's system groups; choose another name "
                    + "(for example \"Cloudflare-Admins\").",
                "displayName",
                ProvisioningRules.ReservedPrefix
            );
        }
    }

    private void CheckMemberCount(int named)
    {
        if (named > settings.MaxMembersPerRequest)
        {
            throw new DomainException(
                DomainErrorKind.Invalid,
                $"The request names {named} members; at most {settings.MaxMembersPerRequest} are accepted per request "
                    + "(Scim:MaxMembersPerRequest). Send the members in several PATCH requests.",
                "members",
                ProvisioningRules.MemberLimit
            );
        }
    }

    private static DomainException NameTaken(string name) =>
        new(
            DomainErrorKind.Conflict,
            $"A group named '{name}' already exists in this account and is managed by SCIM (group names are compared case-insensitively).",
            "displayName",
            ProvisioningRules.UniqueName
        );

    private static ChangeDescription Describe(Actor actor, string action, UserGroup group) =>
        new(group.AccountId, actor, action, ResourceType, group.Id) { ResourceName = group.Name };

    private static List<string> Fired(params (bool Fired, string Rule)[] rules) => rules.Where(r => r.Fired).Select(r => r.Rule).ToList();
}
