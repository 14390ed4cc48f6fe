namespace ScimProvisioning.Domain.Changes;

/// <summary>The names of the rules a write can fire (SPEC §2.1), as change descriptions and refusals carry them.</summary>
public static class ProvisioningRules
{
    /// <summary>Rule 1: an active provisioned user becomes an account member with Minimal Account Access.</summary>
    public const string MemberProvisioned = "member-provisioned";

    /// <summary>Rule 2: <c>active: false</c> (or deletion) removes the member and its direct policies.</summary>
    public const string MemberDeprovisioned = "member-deprovisioned";

    /// <summary>Rule 4: group names beginning with <c>CF</c> are reserved.</summary>
    public const string ReservedPrefix = "cf-prefix";

    /// <summary>Rule 6: a pushed group whose name matches an unmanaged user group adopts it.</summary>
    public const string GroupAdopted = "group-adopted";

    /// <summary>Rule 7: the last active Super Administrator cannot be removed.</summary>
    public const string LockoutGuard = "lockout-guard";

    /// <summary>Rule 8: a SCIM-managed group's name, members and existence change only through SCIM.</summary>
    public const string ScimManagedLock = "scim-managed-lock";

    /// <summary>System groups cannot be renamed or deleted.</summary>
    public const string SystemGroup = "system-group";

    /// <summary>Rule 9: userName and group names are unique per account, case-insensitively.</summary>
    public const string UniqueName = "unique-name";

    /// <summary>Member ids naming no user of the account are ignored.</summary>
    public const string IgnoredUnknownMembers = "ignored-unknown-members";

    /// <summary>The compatibility profile refused a value (Cloudflare's userName and email rules).</summary>
    public const string ProfileRule = "profile-rule";

    /// <summary>Identifiers: 1 to 1024 characters, no control characters.</summary>
    public const string IdentifierText = "identifier-text";

    /// <summary>At most <c>Scim:MaxMembersPerRequest</c> members per request.</summary>
    public const string MemberLimit = "member-limit";
}
