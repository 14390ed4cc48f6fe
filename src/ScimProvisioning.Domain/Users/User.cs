namespace ScimProvisioning.Domain.Users;

/// <summary>
/// A SCIM User. Stays after deprovisioning (<see cref="Active"/> false) so IdPs can find and reactivate it; its
/// <see cref="Members.Member"/> exists only while it is active.
/// </summary>
public sealed class User
{
    /// <summary>Database key; gives a stable creation order for paging.</summary>
    public long Key { get; private set; }

    /// <summary>The 32-hex "user tag" SCIM clients see as <c>id</c>.</summary>
    public required string Id { get; init; }
    public required string AccountId { get; init; }

    public string UserName { get; private set; } = "";

    /// <summary>userName folded for case-insensitive uniqueness and lookups (unique per account).</summary>
    public string UserNameKey { get; private set; } = "";

    public string? ExternalId { get; set; }
    public string? DisplayName { get; set; }
    public string? NickName { get; set; }
    public string? ProfileUrl { get; set; }
    public string? Title { get; set; }
    public string? UserType { get; set; }
    public string? PreferredLanguage { get; set; }
    public string? Locale { get; set; }
    public string? Timezone { get; set; }

    public string? GivenName { get; set; }
    public string? FamilyName { get; set; }
    public string? MiddleName { get; set; }
    public string? FormattedName { get; set; }
    public string? HonorificPrefix { get; set; }
    public string? HonorificSuffix { get; set; }

    public bool Active { get; set; }

    /// <summary>A salted hash; the clear password is never stored or returned.</summary>
    public string? PasswordHash { get; set; }

    public string? EmployeeNumber { get; set; }
    public string? CostCenter { get; set; }
    public string? Organization { get; set; }
    public string? Division { get; set; }
    public string? Department { get; set; }
    public string? ManagerId { get; set; }

    /// <summary>Multi-valued attributes other than emails (phoneNumbers, addresses, …) as a JSON object.</summary>
    public string? ExtraAttributesJson { get; set; }

    public List<UserEmail> Emails { get; init; } = [];

    public DateTime Created { get; init; }
    public DateTime LastModified { get; set; }

    /// <summary>Incremented on every write; the optimistic concurrency token.</summary>
    public long Version { get; set; }

    public void SetUserName(string userName)
    {
        UserName = userName;
        UserNameKey = Identifiers.NormalizeKey(userName);
    }
}

public sealed class UserEmail
{
    public long Key { get; private set; }
    public long UserKey { get; set; }
    public required string Value { get; set; }

    /// <summary>The value folded for case-insensitive filtering.</summary>
    public string ValueKey { get; set; } = "";
    public string? Type { get; set; }
    public string? Display { get; set; }
    public bool Primary { get; set; }
    public int Position { get; set; }
}
