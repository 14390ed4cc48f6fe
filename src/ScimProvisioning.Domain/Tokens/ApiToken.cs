namespace ScimProvisioning.Domain.Tokens;

/// <summary>
/// The server-side record of a bearer token: its id is the JWT's <c>jti</c>. The token value itself is never stored;
/// revocation and expiry are checked against this record.
/// </summary>
public sealed class ApiToken
{
    public required string Id { get; init; }
    public required string AccountId { get; init; }
    public required string Name { get; set; }
    public List<string> Permissions { get; set; } = [];
    public DateTime Created { get; init; }
    public DateTime? ExpiresOn { get; init; }
    public DateTime? RevokedOn { get; set; }

    public bool IsUsableAt(DateTime now) => RevokedOn is null && (ExpiresOn is null || ExpiresOn > now);
}

/// <summary>The permission groups an account token can carry (SPEC §6).</summary>
public static class TokenPermissions
{
    public const string ScimProvisioningEdit = "SCIM Provisioning: Edit";
    public const string AccountSettingsRead = "Account Settings: Read";
    public const string AccountSettingsWrite = "Account Settings: Write";

    public static IReadOnlyList<string> All { get; } = [ScimProvisioningEdit, AccountSettingsRead, AccountSettingsWrite];

    /// <summary>What the CLI's <c>--permission scim|admin</c> shorthands mean.</summary>
    public static IReadOnlyList<string>? ForShorthand(string shorthand) => shorthand.ToLowerInvariant() switch
    {
        "scim" => [ScimProvisioningEdit],
        "admin" => [AccountSettingsRead, AccountSettingsWrite],
        _ => null,
    };
}

/// <summary>A server secret kept in the database (the development signing key when none is configured).</summary>
public sealed class ServerSecret
{
    public required string Name { get; init; }
    public required string Value { get; init; }
    public DateTime Created { get; init; }
}
