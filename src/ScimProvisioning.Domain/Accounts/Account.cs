namespace ScimProvisioning.Domain.Accounts;

/// <summary>A tenant. Everything else belongs to exactly one account.</summary>
public sealed class Account
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public DateTime Created { get; init; }
}
