namespace ScimProvisioning.Domain.Permissions;

public enum ScopeKind
{
    Account,
    Domain,
    Resource,
}

/// <summary>A Cloudflare role ("permission group").</summary>
public sealed record PermissionGroup(string Id, string Name, ScopeKind Scope, string Description)
{
    public string Label =>
        Name.ToLowerInvariant()
            .Replace(" - ", "_", StringComparison.Ordinal)
            .Replace(' ', '_')
            .Replace("(", "", StringComparison.Ordinal)
            .Replace(")", "", StringComparison.Ordinal)
            .Replace(",", "", StringComparison.Ordinal)
            .Replace("/", "_", StringComparison.Ordinal);
}
