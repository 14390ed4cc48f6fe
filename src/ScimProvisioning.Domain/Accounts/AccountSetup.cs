using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Changes;
using ScimProvisioning.Domain.Members;
using ScimProvisioning.Domain.Permissions;
using ScimProvisioning.Domain.Persistence;
using ScimProvisioning.Domain.Users;

namespace ScimProvisioning.Domain.Accounts;

/// <summary>Creates accounts: each with its account-wide scope and one Super Administrator member.</summary>
public sealed class AccountSetup(ScimDbContext db, AuditLog audit, Groups.GroupProvisioning groups, TimeProvider clock)
{
    public const string DefaultAccountName = "Default account";

    /// <summary>The oldest account, created with its Super Administrator when the database has none.</summary>
    public async Task<Account> EnsureDefaultAccountAsync(
        string superAdministratorEmail,
        CancellationToken cancellationToken,
        PersonName? superAdministratorName = null
    )
    {
        var existing = await db.Accounts.OrderBy(a => a.Created).ThenBy(a => a.Id).FirstOrDefaultAsync(cancellationToken);
        if (existing is null)
        {
            return await CreateAsync(DefaultAccountName, superAdministratorEmail, cancellationToken, superAdministratorName);
        }

        await groups.EnsureSystemGroupsAsync(existing.Id, cancellationToken); // accounts created before system groups existed
        return existing;
    }

    /// <summary>
    /// A new account with its scope, system groups and a Super Administrator who has a given and a family name (IdP
    /// test suites read the first listed user and expect a complete one).
    /// </summary>
    public async Task<Account> CreateAsync(
        string name,
        string superAdministratorEmail,
        CancellationToken cancellationToken,
        PersonName? superAdministratorName = null
    )
    {
        var person = superAdministratorName ?? PersonName.SuperAdministrator;
        var now = clock.GetUtcNow().UtcDateTime;
        var account = new Account
        {
            Id = Identifiers.NewTag(),
            Name = name,
            Created = now,
        };
        var accountScope = new ResourceGroup
        {
            Id = Identifiers.NewTag(),
            AccountId = account.Id,
            Name = ResourceGroup.AccountScopeKey(account.Id),
            ScopeKey = ResourceGroup.AccountScopeKey(account.Id),
            ScopeObjects = ["*"],
            Created = now,
        };
        var user = UserFactory.NewUser(account.Id, now, superAdministratorEmail);
        user.GivenName = person.GivenName;
        user.FamilyName = person.FamilyName;
        user.DisplayName = $"{person.GivenName} {person.FamilyName}".Trim();
        var member = UserFactory.NewMember(user, now);
        var policy = new Policy
        {
            Id = Identifiers.NewTag(),
            AccountId = account.Id,
            Member = member,
            Access = PolicyAccess.Allow,
            ResourceGroupId = accountScope.Id,
            ResourceGroup = accountScope,
            PermissionGroupIds = [PermissionGroupCatalog.SuperAdministratorId],
            Created = now,
        };

        db.Accounts.Add(account);
        db.ResourceGroups.Add(accountScope);
        db.Users.Add(user);
        db.Members.Add(member);
        db.Policies.Add(policy);
        audit.Record(
            new ChangeDescription(account.Id, Actor.System, AuditActions.CreateAccount, "account", account.Id)
            {
                ResourceName = name,
                Rules = [ProvisioningRules.MemberProvisioned],
                Details = new { superAdministrator = user.Id },
            }
        );
        await db.SaveChangesAsync(cancellationToken);
        await groups.EnsureSystemGroupsAsync(account.Id, cancellationToken);
        return account;
    }
}

/// <summary>A person's given and family name.</summary>
public sealed record PersonName(string GivenName, string FamilyName)
{
    public static PersonName SuperAdministrator { get; } = new("Super", "Administrator");
}
