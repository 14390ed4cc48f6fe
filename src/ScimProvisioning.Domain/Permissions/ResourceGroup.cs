namespace ScimProvisioning.Domain.Permissions;

/// <summary>
/// A scope a policy applies to: the whole account (<c>{key: com.cloudflare.api.account.&lt;id&gt;, objects: [{key: "*"}]}</c>),
/// one or more domains (zone keys) or specific resources.
/// </summary>
public sealed class ResourceGroup
{
    public required string Id { get; init; }
    public required string AccountId { get; init; }
    public required string Name { get; set; }
    public required string ScopeKey { get; set; }

    /// <summary>The scope's object keys, e.g. <c>*</c> or <c>com.cloudflare.api.account.zone.&lt;zoneId&gt;</c>.</summary>
    public List<string> ScopeObjects { get; set; } = [];
    public DateTime Created { get; init; }

    public static string AccountScopeKey(string accountId) => $"com.cloudflare.api.account.{accountId}";

    public ScopeKind Kind =>
        ScopeObjects.Count == 1 && ScopeObjects[0] == "*" ? ScopeKind.Account
        : ScopeObjects.All(o => o.StartsWith("com.cloudflare.api.account.zone.", StringComparison.Ordinal)) ? ScopeKind.Domain
        : ScopeKind.Resource;
}
