namespace ScimProvisioning.Domain.Users;

/// <summary>
/// A SCIM User. Stays after deprovisioning (<see cref="Active"/> false) so IdPs can find and reactivate it; its
/// <see cref="Members.Member"/> exists only while it is active.
/// </summary>
public sealed class User
{
    /// <summary>Database key; gives a stable creation order for paging.</summary>
    public long Key { get; internal set; }

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

    public List<UserEmail> Emails { get; init; } = [];

    /// <summary>The other multi-valued attributes (phoneNumbers, ims, photos, addresses, entitlements, roles, x509Certificates).</summary>
    public List<UserMultiValue> MultiValues { get; init; } = [];

    /// <summary>The groups (user groups and system groups) the user is in; never loaded as a whole.</summary>
    public List<Groups.UserGroupMember> GroupMemberships { get; init; } = [];

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

    /// <summary>The client sent <c>primary</c> explicitly, so an explicit false is returned as false.</summary>
    public bool PrimarySent { get; set; }
    public int Position { get; set; }
}

/// <summary>
/// One value of a multi-valued attribute other than emails, in a row of its own so filters on it run in the database.
/// The address columns are used by <c>addresses</c> only.
/// </summary>
public sealed class UserMultiValue
{
    public long Key { get; private set; }
    public long UserKey { get; set; }
    public required string Attribute { get; init; }
    public int Position { get; set; }
    public string? Value { get; init; }

    /// <summary>The value folded for case-insensitive filtering.</summary>
    public string? ValueKey { get; init; }
    public string? Type { get; init; }
    public string? Display { get; init; }
    public bool Primary { get; init; }

    /// <summary>The client sent <c>primary</c> explicitly, so an explicit false is returned as false.</summary>
    public bool PrimarySent { get; init; }
    public string? Formatted { get; init; }
    public string? StreetAddress { get; init; }
    public string? Locality { get; init; }
    public string? Region { get; init; }
    public string? PostalCode { get; init; }
    public string? Country { get; init; }
}
