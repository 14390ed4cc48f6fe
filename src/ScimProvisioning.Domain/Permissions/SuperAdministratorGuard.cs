using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Changes;
using ScimProvisioning.Domain.Groups;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Domain.Permissions;

/// <summary><c>Guards:*</c>.</summary>
public sealed class GuardSettings
{
    /// <summary>
    /// True (default): any change that would leave no active Super Administrator is refused. False: only the case
    /// Cloudflare documents — deprovisioning or deleting the last one — is refused.
    /// </summary>
    public bool PreventSuperAdminLockout { get; set; } = true;
}

/// <summary>Which rule a guarded change falls under.</summary>
public enum LockoutCheck
{
    /// <summary>Deprovisioning or deleting a user: always guarded (Cloudflare's documented guardrail).</summary>
    Always,

    /// <summary>Group membership, group deletion, policy and role changes: guarded when PreventSuperAdminLockout is on.</summary>
    WhenLockoutPreventionIsOn,

    /// <summary>A change that can only add roles (members added to groups, a rename): nothing to count.</summary>
    Never,
}

/// <summary>
/// The last-Super-Administrator guard (SPEC §2.1 rule 7), the one place every path asks. A guarded change is written
/// inside a transaction, the account's active Super Administrators are counted afterwards, and the transaction is
/// rolled back (and the refusal audited) when the change took the last one away — so each path is judged by its
/// real effect, however it reaches the role (direct policy, group policy or system group).
/// </summary>
public sealed class SuperAdministratorGuard(ScimDbContext db, AuditLog audit, GuardSettings settings, IAccountLock accountLock)
{
    public const string RefusalDetail =
        "Refused: this change would leave the account without an active Super Administrator and lock everyone out. "
        + "Grant Super Administrator - All Privileges to another member first.";

    /// <summary>
    /// Whether any active member holds Super Administrator. Asked from the small side — direct policies naming the role
    /// and the members of groups granting it — so the cost does not grow with the number of members.
    /// </summary>
    public async Task<bool> HasSuperAdministratorAsync(string accountId, CancellationToken cancellationToken)
    {
        var role = PermissionGroupCatalog.SuperAdministratorId;
        var deniedGroups = db
            .UserGroups.Where(g =>
                g.AccountId == accountId
                && db.Policies.Any(p => p.UserGroupKey == g.Key && p.Access == PolicyAccess.Deny && p.PermissionGroupIds.Contains(role))
            )
            .Select(g => g.Key);
        var direct = db
            .Policies.Where(p =>
                p.AccountId == accountId && p.MemberId != null && p.Access == PolicyAccess.Allow && p.PermissionGroupIds.Contains(role)
            )
            .Select(p => p.Member!);
        var grantingGroups = GroupsGrantingSuperAdministrator().Where(g => g.AccountId == accountId).Select(g => g.Key);
        var viaGroups = db
            .UserGroupMembers.Where(gm => grantingGroups.Contains(gm.UserGroupKey))
            .Join(db.Members, gm => gm.UserKey, m => m.UserKey, (gm, m) => m);
        return await direct
            .Concat(viaGroups)
            .AnyAsync(
                m =>
                    !db.Policies.Any(p => p.MemberId == m.Id && p.Access == PolicyAccess.Deny && p.PermissionGroupIds.Contains(role))
                    && !db.UserGroupMembers.Any(gm => gm.UserKey == m.UserKey && deniedGroups.Contains(gm.UserGroupKey)),
                cancellationToken
            );
    }

    /// <summary>
    /// Whether the group grants Super Administrator to its members (it is the system group of the role, or one of its
    /// policies allows it). Only then can taking members out of it take the role from anyone: a group that grants
    /// nothing, or only denies the role, cannot lock the account out by losing members.
    /// </summary>
    public Task<bool> GroupGrantsSuperAdministratorAsync(long groupKey, CancellationToken cancellationToken) =>
        GroupsGrantingSuperAdministrator().AnyAsync(g => g.Key == groupKey, cancellationToken);

    /// <summary>
    /// The groups whose members hold Super Administrator: the role's system group and groups with an allow policy naming it.
    /// </summary>
    private IQueryable<UserGroup> GroupsGrantingSuperAdministrator()
    {
        var role = PermissionGroupCatalog.SuperAdministratorId;
        return db.UserGroups.Where(g =>
            g.SystemRoleId == role
            || db.Policies.Any(p => p.UserGroupKey == g.Key && p.Access == PolicyAccess.Allow && p.PermissionGroupIds.Contains(role))
        );
    }

    /// <summary>
    /// Runs <paramref name="write"/> (which saves its changes) in a transaction and commits it unless it removed the
    /// account's last active Super Administrator; then it rolls back, audits the refusal (the description of
    /// <paramref name="subject"/> with the reason) and throws. <paramref name="mayTakeRole"/>, when given, says whether
    /// this change can take the role from anyone at all; when it cannot, the two counts are skipped.
    /// </summary>
    /// <remarks>
    /// Both questions are asked inside the transaction, after the account's lock: no other guarded change can grant or
    /// take the role between them and the commit.
    /// </remarks>
    public async Task CommitGuardedAsync(
        ChangeDescription subject,
        LockoutCheck check,
        Func<CancellationToken, Task> write,
        CancellationToken cancellationToken,
        Func<CancellationToken, Task<bool>>? mayTakeRole = null
    )
    {
        var guarded = check switch
        {
            LockoutCheck.Always => true,
            LockoutCheck.Never => false,
            _ => settings.PreventSuperAdminLockout,
        };
        await using var transaction = await db.Database.BeginWriteAsync(cancellationToken);
        await accountLock.LockAsync(db, subject.AccountId, cancellationToken);
        var hadOne =
            guarded
            && (mayTakeRole is null || await mayTakeRole(cancellationToken))
            && await HasSuperAdministratorAsync(subject.AccountId, cancellationToken);
        await write(cancellationToken);
        if (hadOne && !await HasSuperAdministratorAsync(subject.AccountId, cancellationToken))
        {
            await transaction.RollbackAsync(cancellationToken);
            var refusal = subject.WithRule(ProvisioningRules.LockoutGuard) with { Refusal = RefusalDetail };
            await audit.RecordRefusalAsync(refusal, cancellationToken);
            throw new DomainException(DomainErrorKind.LockoutRefused, RefusalDetail, rule: ProvisioningRules.LockoutGuard)
            {
                Refusal = refusal,
            };
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
