using ScimProvisioning.Domain.Members;

namespace ScimProvisioning.Domain.Users;

/// <summary>
/// The one place a user and its account member are made: SCIM provisioning, the admin API's member invitation, the
/// bootstrap Super Administrator and the benchmark seeder all start here.
/// </summary>
public static class UserFactory
{
    /// <summary>An active user with a fresh id at version 1; with an email, that email is its userName and primary work email.</summary>
    public static User NewUser(string accountId, DateTime now, string? email = null)
    {
        var user = new User
        {
            Id = Identifiers.NewTag(),
            AccountId = accountId,
            Active = true,
            Created = now,
            LastModified = now,
            Version = 1,
        };
        if (email is not null)
        {
            user.SetUserName(email);
            user.Emails.Add(
                new UserEmail
                {
                    Value = email,
                    ValueKey = Identifiers.NormalizeKey(email),
                    Type = "work",
                    Primary = true,
                }
            );
        }

        return user;
    }

    /// <summary>
    /// The account member of an active user (SPEC §2.1 rule 1). It holds no policy of its own: Minimal Account Access is
    /// the base grant every member has (<see cref="Permissions.EffectivePermissions"/>).
    /// </summary>
    public static Member NewMember(User user, DateTime now) =>
        new()
        {
            Id = Identifiers.NewTag(),
            AccountId = user.AccountId,
            UserKey = user.Key,
            User = user,
            Created = now,
        };
}
