namespace ScimProvisioning.Domain.Audit;

/// <summary>One record per SCIM or admin write, with Cloudflare's action names (SPEC §7). Never holds a secret.</summary>
public sealed class AuditEvent
{
    public long Key { get; private set; }
    public required string Id { get; init; }
    public required string AccountId { get; init; }
    public DateTime OccurredAt { get; init; }
    public required string Action { get; init; }

    /// <summary>The token (jti) that made the request, or <c>system</c>.</summary>
    public required string ActorTokenId { get; init; }
    public required string ResourceType { get; init; }
    public string? ResourceId { get; init; }

    /// <summary><c>success</c> or <c>refused</c>.</summary>
    public required string Outcome { get; init; }
    public string? Summary { get; init; }
}

/// <summary>Cloudflare's audit action names (Audit Logs v2, SCIM audit logging changelog, 2026-03-18).</summary>
public static class AuditActions
{
    public const string CreateScimUser = "Create SCIM User";
    public const string ReplaceScimUser = "Replace SCIM User";
    public const string UpdateScimUser = "Update SCIM User";
    public const string DeleteScimUser = "Delete SCIM User";
    public const string CreateScimGroup = "Create SCIM Group";
    public const string UpdateScimGroup = "Update SCIM Group";
    public const string DeleteScimGroup = "Delete SCIM Group";
    public const string CreateToken = "Create API Token";
    public const string RevokeToken = "Revoke API Token";
    public const string CreateAccount = "Create Account";
    public const string AddMember = "Add Member";
    public const string UpdateMember = "Update Member";
    public const string RemoveMember = "Remove Member";
    public const string CreateUserGroup = "Create User Group";
    public const string UpdateUserGroup = "Update User Group";
    public const string DeleteUserGroup = "Delete User Group";
    public const string UpdateUserGroupMembers = "Update User Group Members";
    public const string CreateResourceGroup = "Create Resource Group";
    public const string UpdateResourceGroup = "Update Resource Group";
    public const string DeleteResourceGroup = "Delete Resource Group";

    public const string Success = "success";
    public const string Refused = "refused";
}

/// <summary>Who is acting: the token id for requests, <c>system</c> for bootstrap and the CLI.</summary>
public sealed record Actor(string TokenId)
{
    public static Actor System { get; } = new("system");
}
