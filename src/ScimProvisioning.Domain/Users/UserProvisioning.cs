using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Changes;
using ScimProvisioning.Domain.Members;
using ScimProvisioning.Domain.Permissions;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Domain.Users;

/// <summary>A user write's result: the user as stored and what the write did.</summary>
public sealed record UserWriteResult(User User, ChangeDescription Change);

/// <summary>
/// The user lifecycle of SPEC §2.1: provision (rule 1), deprovision (2), reactivate (3), uniqueness (9), delete (10),
/// guarded by the last-Super-Administrator rule (7), and the profile's userName rules (<see cref="IUserRules"/>).
/// POST, PUT, PATCH, /Bulk and the admin API — every path — go through here.
/// </summary>
public sealed class UserProvisioning(
    ScimDbContext db,
    AuditLog audit,
    SuperAdministratorGuard guard,
    TimeProvider clock,
    IInsertUnits inserts,
    IUserRules rules
)
{
    public const string ResourceType = "user";

    public Task<User?> FindAsync(string accountId, string userId, CancellationToken cancellationToken) =>
        db
            .Users.Include(u => u.Emails)
            .Include(u => u.MultiValues)
            .AsSplitQuery()
            .SingleOrDefaultAsync(u => u.AccountId == accountId && u.Id == userId, cancellationToken);

    /// <summary>A new user with a fresh id, to be filled in by the caller and passed to <see cref="CreateAsync"/>.</summary>
    public User NewUser(string accountId, string? email = null) => UserFactory.NewUser(accountId, clock.GetUtcNow().UtcDateTime, email);

    /// <summary>
    /// Provisions the user (SPEC §2.1 rule 1): the user, its emails and other multi-valued rows, an account member with
    /// Minimal Account Access when active, and the audit event, in one transaction. Written as plain INSERTs
    /// (<see cref="RowInserts"/>, committed by <see cref="IInsertUnits"/>) — a new-hire wave is the hottest write an
    /// IdP makes — so the user is not tracked afterwards; its <see cref="User.Key"/> is set. A taken userName is refused by the unique
    /// index, race-free.
    /// </summary>
    public async Task<UserWriteResult> CreateAsync(
        Actor actor,
        User user,
        UserWriteKind kind,
        CancellationToken cancellationToken,
        string action = AuditActions.CreateScimUser
    )
    {
        Validate(user, kind);
        NormalizeEmails(user);
        var change = Describe(actor, action, user) with { Rules = user.Active ? [ProvisioningRules.MemberProvisioned] : [] };
        var recorded = audit.Rows(change).ToList();
        try
        {
            // The user, then the rows that name it (their UserKey takes its new key), then the audit and outbox rows.
            var rows = new List<object>(user.Emails.Count + user.MultiValues.Count + recorded.Count + 2) { user };
            rows.AddRange(user.Emails);
            rows.AddRange(user.MultiValues);
            if (user.Active)
            {
                rows.Add(UserFactory.NewMember(user, user.Created));
            }

            rows.AddRange(recorded);
            await inserts.InsertTreeAsync(db, rows, cancellationToken);
        }
        catch (Exception e) when (UniqueViolation.IsUniqueViolation(e))
        {
            // The unique index on (account, folded userName) decides (SPEC §2.1 rule 9), also between racing requests.
            throw UserNameTaken(user.UserName);
        }

        return new UserWriteResult(user, change);
    }

    /// <summary>
    /// Stores changes the caller made to a tracked user (PUT, PATCH, the admin API), applying the consequences of a
    /// change of <c>active</c>: false removes the member and its direct policies, true re-creates it with Minimal
    /// Account Access. The profile's rules are asked first, on every path.
    /// </summary>
    public async Task<UserWriteResult> UpdateAsync(
        Actor actor,
        User user,
        UserWriteKind kind,
        string action,
        CancellationToken cancellationToken
    )
    {
        Validate(user, kind);
        var entry = db.Entry(user);
        if (entry.Property(u => u.UserNameKey).IsModified && entry.Property(u => u.UserNameKey).OriginalValue != user.UserNameKey)
        {
            await EnsureUserNameFreeAsync(user, cancellationToken);
        }

        NormalizeEmails(user);
        var member = await db.Members.SingleOrDefaultAsync(m => m.UserKey == user.Key, cancellationToken);
        var fired = new List<string>();
        var check = LockoutCheck.WhenLockoutPreventionIsOn;
        if (!user.Active && member is not null)
        {
            check = LockoutCheck.Always;
            db.Members.Remove(member);
            fired.Add(ProvisioningRules.MemberDeprovisioned);
        }
        else if (user.Active && member is null)
        {
            db.Members.Add(UserFactory.NewMember(user, clock.GetUtcNow().UtcDateTime));
            fired.Add(ProvisioningRules.MemberProvisioned);
        }

        var changed = entry
            .Properties.Where(p => p.IsModified && p.Metadata.Name is not nameof(User.PasswordHash) and not nameof(User.UserNameKey))
            .Select(p => p.Metadata.Name)
            .ToList();
        if (db.ChangeTracker.Entries<UserEmail>().Any(e => e.State is EntityState.Added or EntityState.Deleted or EntityState.Modified))
        {
            changed.Add("Emails");
        }

        if (
            db.ChangeTracker.Entries<UserMultiValue>().Any(e => e.State is EntityState.Added or EntityState.Deleted or EntityState.Modified)
        )
        {
            changed.Add("MultiValues");
        }

        if (entry.Property(u => u.PasswordHash).IsModified)
        {
            changed.Add("Password"); // its name only: the value never reaches a change description
        }

        // A PUT or PATCH that changes nothing keeps version and lastModified, so the client's ETag stays valid.
        if (changed.Count > 0 || fired.Count > 0)
        {
            user.LastModified = clock.GetUtcNow().UtcDateTime;
            user.Version++;
        }

        var change = Describe(actor, action, user) with { Attributes = changed, Rules = fired };
        audit.Record(change);
        if (check == LockoutCheck.Always)
        {
            await guard.CommitGuardedAsync(change, check, ct => SaveAsync(user, ct), cancellationToken);
        }
        else
        {
            await SaveAsync(user, cancellationToken); // nothing here can take a role away
        }

        return new UserWriteResult(user, change);
    }

    /// <summary>Deprovisions and removes the user (Standard profile's DELETE); later requests for the id get 404.</summary>
    public async Task<ChangeDescription> DeleteAsync(Actor actor, User user, CancellationToken cancellationToken)
    {
        var member = await db.Members.SingleOrDefaultAsync(m => m.UserKey == user.Key, cancellationToken);
        db.Users.Remove(user);
        var change = Describe(actor, AuditActions.DeleteScimUser, user) with
        {
            Rules = member is null ? [] : [ProvisioningRules.MemberDeprovisioned],
        };
        audit.Record(change);
        await guard.CommitGuardedAsync(change, LockoutCheck.Always, ct => db.SaveChangesAsync(ct), cancellationToken);
        return change;
    }

    private static ChangeDescription Describe(Actor actor, string action, User user) =>
        new(user.AccountId, actor, action, ResourceType, user.Id) { ResourceName = user.UserName };

    private void Validate(User user, UserWriteKind kind)
    {
        Identifiers.CheckText(user.UserName, "userName");
        Identifiers.CheckText(user.ExternalId, "externalId", required: false);
        rules.Check(user, kind);
    }

    private static void NormalizeEmails(User user)
    {
        for (var i = 0; i < user.Emails.Count; i++)
        {
            user.Emails[i].ValueKey = Identifiers.NormalizeKey(user.Emails[i].Value);
            user.Emails[i].Position = i;
        }
    }

    private async Task EnsureUserNameFreeAsync(User user, CancellationToken cancellationToken)
    {
        if (await UserNameTakenQuery(db, user.AccountId, user.UserNameKey, user.Key, cancellationToken))
        {
            throw UserNameTaken(user.UserName);
        }
    }

    // Compiled once: every create and rename asks it.
    private static readonly Func<ScimDbContext, string, string, long, CancellationToken, Task<bool>> UserNameTakenQuery =
        EF.CompileAsyncQuery(
            (ScimDbContext db, string accountId, string userNameKey, long key, CancellationToken _) =>
                db.Users.Any(u => u.AccountId == accountId && u.UserNameKey == userNameKey && u.Key != key)
        );

    private static DomainException UserNameTaken(string userName) =>
        new(
            DomainErrorKind.Conflict,
            $"A user with userName '{userName}' already exists in this account (userName is compared case-insensitively).",
            "userName",
            ProvisioningRules.UniqueName
        );

    private async Task SaveAsync(User user, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainException(
                DomainErrorKind.PreconditionFailed,
                "The user was changed by another request; read it again and retry."
            );
        }
        catch (DbUpdateException e) when (UniqueViolation.IsUniqueViolation(e))
        {
            // Two requests raced past the check: the unique index decides (SPEC §2.1 rule 9).
            throw UserNameTaken(user.UserName);
        }
    }
}
