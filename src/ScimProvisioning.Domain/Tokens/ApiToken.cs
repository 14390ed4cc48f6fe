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

    /// <summary>Lists and reads tokens (never their values). Neither SCIM Provisioning nor Account Settings grants it.</summary>
    public const string AccountApiTokensRead = "Account API Tokens: Read";

    /// <summary>Creates and revokes tokens, within the permissions the caller holds itself.</summary>
    public const string AccountApiTokensWrite = "Account API Tokens: Write";

    public static IReadOnlyList<string> All { get; } =
    [ScimProvisioningEdit, AccountSettingsRead, AccountSettingsWrite, AccountApiTokensRead, AccountApiTokensWrite];

    /// <summary>
    /// What the CLI's <c>--permission</c> values mean: <c>scim</c> (SCIM Provisioning: Edit), <c>admin</c> (every
    /// permission, so it can issue any token), <c>read</c> (Account Settings: Read), <c>tokens</c> (Account API
    /// Tokens: Read and Write), or permission names separated by commas.
    /// </summary>
    public static IReadOnlyList<string>? ForShorthand(string shorthand)
    {
        switch (shorthand.Trim().ToLowerInvariant())
        {
            case "scim":
                return [ScimProvisioningEdit];
            case "admin":
                return All;
            case "read":
                return [AccountSettingsRead];
            case "tokens":
                return [AccountApiTokensRead, AccountApiTokensWrite];
        }

        var names = shorthand.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var known = names.Select(n => All.FirstOrDefault(p => string.Equals(p, n, StringComparison.OrdinalIgnoreCase))).ToList();
        return names.Length > 0 && known.All(p => p is not null) ? known.OfType<string>().Distinct(StringComparer.Ordinal).ToList() : null;
    }

    /// <summary>The permissions of <paramref name="requested"/> that <paramref name="held"/> lacks (a token issues only what it
    /// holds).</summary>
    public static IReadOnlyList<string> NotHeld(IEnumerable<string> requested, IReadOnlyCollection<string> held) =>
        requested.Where(p => !held.Contains(p, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
}

/// <summary>A server secret kept in the database (the development signing key when none is configured).</summary>
public sealed class ServerSecret
{
    public required string Name { get; init; }
    public required string Value { get; init; }
    public DateTime Created { get; init; }
}
