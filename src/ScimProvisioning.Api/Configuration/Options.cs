namespace ScimProvisioning.Api.Configuration;

public enum ScimProfile
{
    Cloudflare,
    Standard,
}

/// <summary><c>Scim:*</c> — which dialect the SCIM endpoints speak and their limits.</summary>
public sealed class ScimOptions
{
    public const string Section = "Scim";

    /// <summary><c>Cloudflare</c> (default): what Cloudflare's API accepts. <c>Standard</c>: RFC 7643/7644.</summary>
    public ScimProfile Profile { get; set; } = ScimProfile.Cloudflare;

    /// <summary>Page size when a list request has no <c>count</c>.</summary>
    public int DefaultPageSize { get; set; } = 100;

    /// <summary>Largest page in the Standard profile (the Cloudflare profile is fixed at 100).</summary>
    public int MaxPageSize { get; set; } = 1000;

    public int MaxPatchOperations { get; set; } = 1000;

    /// <summary>Most group members one request may name (POST/PUT members, PATCH member values, admin member lists).</summary>
    public int MaxMembersPerRequest { get; set; } = 10_000;
    public int MaxFilterLength { get; set; } = 4096;
    public int MaxFilterDepth { get; set; } = 32;

    /// <summary>Largest request body accepted, in bytes (413 above).</summary>
    public long MaxRequestBodyBytes { get; set; } = 1_048_576;

    /// <summary>Most operations in one /Bulk request (413 above; advertised as bulk.maxOperations).</summary>
    public int BulkMaxOperations { get; set; } = 1000;

    /// <summary>Largest /Bulk request body in bytes (413 above; advertised as bulk.maxPayloadSize).</summary>
    public long BulkMaxPayloadBytes { get; set; } = 1_048_576;
}

/// <summary><c>Database:*</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary><c>Sqlite</c> (default). <c>Postgres</c> is planned.</summary>
    public string Provider { get; set; } = "Sqlite";

    /// <summary>Apply EF Core migrations when the server starts.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>
    /// SQLite's <c>synchronous</c> setting. <c>Normal</c> (default, with WAL): a commit survives the process being
    /// killed; the last commits before a power loss may not. <c>Full</c>: every commit is fsynced, at a large cost in writes/s.
    /// </summary>
    public string SqliteSynchronous { get; set; } = "Normal";

    /// <summary>
    /// How long a user read by <c>GET /Users/{id}</c> or <c>filter=userName eq</c> may be served again from memory while
    /// nothing it is read from has been written (any such write retires every copy at once;
    /// <see cref="Persistence.ResourceReadCache"/>). The limit bounds what the change count cannot see: on SQLite a
    /// writer in another process, on PostgreSQL a notification that has not arrived. 0 turns the copies off.
    /// </summary>
    public int ReadCacheSeconds { get; set; } = 5;

    /// <summary>The most users kept by <see cref="ReadCacheSeconds"/>.</summary>
    public int ReadCacheEntries { get; set; } = 10_000;
}

/// <summary><c>Auth:*</c> — how bearer tokens are signed and checked.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>HMAC-SHA256 key (at least 32 bytes; base64 or plain text). When empty a key is generated once and kept in the
    /// database.</summary>
    public string? SigningKey { get; set; }
    public string Issuer { get; set; } = "scim-provisioning";
    public string Audience { get; set; } = "scim-provisioning";

    /// <summary>How long a token's revocation state may be cached per instance.</summary>
    public int RevocationCacheSeconds { get; set; } = 2;
}

/// <summary><c>RateLimit:*</c> — Cloudflare's 1,200 requests per 5 minutes per token.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimit";
    public bool Enabled { get; set; } = true;
    public int PermitLimit { get; set; } = 1200;
    public int WindowSeconds { get; set; } = 300;
}

/// <summary><c>Bootstrap:*</c> — the default account created on an empty database.</summary>
public sealed class BootstrapOptions
{
    public const string Section = "Bootstrap";
    public string SuperAdministratorEmail { get; set; } = "admin@example.com";

    /// <summary>The Super Administrator's name.givenName and name.familyName.</summary>
    public string SuperAdministratorGivenName { get; set; } = "Super";

    public string SuperAdministratorFamilyName { get; set; } = "Administrator";

    public Domain.Accounts.PersonName SuperAdministratorName => new(SuperAdministratorGivenName, SuperAdministratorFamilyName);

    /// <summary>Print the SCIM base URL and fresh tokens when the server starts.</summary>
    public bool PrintTokensOnStartup { get; set; } = true;
}
