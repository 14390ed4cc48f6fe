using ScimProvisioning.Domain.Members;

namespace ScimProvisioning.Domain.Permissions;

public enum PolicyAccess
{
    Allow,
    Deny,
}

/// <summary>
/// allow/deny + one scope + roles, attached directly to a member ("traditional" policy) or to a user group.
/// </summary>
public sealed class Policy
{
    public required string Id { get; init; }
    public required string AccountId { get; init; }
    public string? MemberId { get; set; }
    public Member? Member { get; init; }

    /// <summary>The user group the policy is attached to (database key), when it is a group policy.</summary>
    public long? UserGroupKey { get; set; }
    public PolicyAccess Access { get; set; }
    public required string ResourceGroupId { get; set; }
    public ResourceGroup ResourceGroup { get; set; } = null!;

    /// <summary>Role ids from <see cref="PermissionGroupCatalog"/>.</summary>
    public List<string> PermissionGroupIds { get; set; } = [];
    public DateTime Created { get; init; }
}
