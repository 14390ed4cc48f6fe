using ScimProvisioning.Domain.Permissions;
using ScimProvisioning.Domain.Users;

namespace ScimProvisioning.Domain.Groups;

/// <summary>
/// A user group: a set of users whose group's policies apply to each of them while they are active members.
/// System groups (<c>cloudflare-v1-&lt;roleId&gt;</c>) are Cloudflare's legacy virtual groups: one per account-scoped
/// role, membership grants that role, and only their membership can change.
/// </summary>
public sealed class UserGroup
{
    public const string SystemIdPrefix = "cloudflare-v1-";

    /// <summary>Database key.</summary>
    public long Key { get; private set; }

    /// <summary>The id clients see: a 32-hex tag, or <c>cloudflare-v1-&lt;roleId&gt;</c> for a system group.</summary>
    public required string Id { get; init; }
    public required string AccountId { get; init; }
    public string Name { get; private set; } = "";

    /// <summary>The name folded for case-insensitive uniqueness and lookups (unique per account).</summary>
    public string NameKey { get; private set; } = "";
    public string? ExternalId { get; set; }

    /// <summary>Created or adopted by SCIM: name, membership and existence change only through SCIM.</summary>
    public bool IsScimManaged { get; set; }

    /// <summary>For a system group, the role its membership grants.</summary>
    public string? SystemRoleId { get; init; }

    public bool IsSystem => SystemRoleId is not null;

    public List<UserGroupMember> Members { get; init; } = [];
    public DateTime Created { get; init; }
    public DateTime LastModified { get; set; }
    public long Version { get; set; }

    public void Rename(string name)
    {
        Name = name;
        NameKey = Identifiers.NormalizeKey(name);
    }

    public static string SystemGroupId(string roleId) => SystemIdPrefix + roleId;

    /// <summary>Cloudflare's legacy name: <c>CF-&lt;accountId&gt; - &lt;Role Name&gt;</c>.</summary>
    public static string SystemGroupName(string accountId, PermissionGroup role) => $"CF-{accountId} - {role.Name}";
}

/// <summary>One user in one group. Kept when the user is deprovisioned, so it counts again on reactivation.</summary>
public sealed class UserGroupMember
{
    public long UserGroupKey { get; init; }
    public UserGroup Group { get; init; } = null!;
    public long UserKey { get; init; }
    public User User { get; init; } = null!;
    public DateTime Added { get; init; }
}
