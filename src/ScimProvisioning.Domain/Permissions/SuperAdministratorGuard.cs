using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Domain.Members;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Domain.Permissions;

/// <summary>
/// The last-Super-Administrator guard (SPEC §2.1 rule 7): an account never loses its last active member holding
/// "Super Administrator - All Privileges". Every path that removes a member or a grant asks this one class.
/// </summary>
public sealed class SuperAdministratorGuard(ScimDbContext db)
{
    public const string RefusalDetail =
        "Refused: this member is the account's only active Super Administrator; removing it would lock everyone out of the account. Grant Super Administrator to another member first.";

    /// <summary>The active members of an account that hold Super Administrator (allowed and not denied).</summary>
    public IQueryable<Member> SuperAdministrators(string accountId)
    {
        var role = PermissionGroupCatalog.SuperAdministratorId;
        return db.Members.Where(m => m.AccountId == accountId &&
            db.Policies.Any(p => p.MemberId == m.Id && p.Access == PolicyAccess.Allow && p.PermissionGroupIds.Contains(role)) &&
            !db.Policies.Any(p => p.MemberId == m.Id && p.Access == PolicyAccess.Deny && p.PermissionGroupIds.Contains(role)));
    }

    /// <summary>True when removing the member (or its grants) would leave the account without a Super Administrator.</summary>
    public async Task<bool> WouldLockOutAsync(string accountId, string memberId, CancellationToken cancellationToken)
    {
        var holders = await SuperAdministrators(accountId).Select(m => m.Id).Take(2).ToListAsync(cancellationToken);
        return holders.Count == 1 && holders[0] == memberId;
    }
}
