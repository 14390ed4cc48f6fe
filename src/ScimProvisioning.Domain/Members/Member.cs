using ScimProvisioning.Domain.Users;

namespace ScimProvisioning.Domain.Members;

/// <summary>A user's membership of the account (Cloudflare "account member"). Exists while the user is active.</summary>
public sealed class Member
{
    public required string Id { get; init; }
    public required string AccountId { get; init; }
    public long UserKey { get; init; }
    public User User { get; init; } = null!;

    /// <summary>Cloudflare's member status; provisioned members are accepted at once.</summary>
    public string Status { get; set; } = "accepted";
    public DateTime Created { get; init; }
}
