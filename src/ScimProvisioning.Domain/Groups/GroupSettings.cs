namespace ScimProvisioning.Domain.Groups;

/// <summary>Limits on group writes (<c>Scim:MaxMembersPerRequest</c>).</summary>
public sealed record GroupSettings(int MaxMembersPerRequest = 10_000);
