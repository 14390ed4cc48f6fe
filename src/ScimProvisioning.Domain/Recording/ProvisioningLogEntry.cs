namespace ScimProvisioning.Domain.Recording;

/// <summary>
/// One SCIM request as the flight recorder kept it (docs/recorder.md): who sent it and as which IdP it read, what was
/// sent and answered (secrets redacted, bodies truncated), how the server normalised and applied it, the rules that
/// fired, and whether Cloudflare's API would have accepted it. Written off the request path; never holds a secret.
/// </summary>
public sealed class ProvisioningLogEntry
{
    public long Key { get; private set; }
    public required string Id { get; init; }
    public required string AccountId { get; init; }
    public DateTime OccurredAt { get; init; }

    /// <summary>The token's id (jti) and name, as the admin API lists tokens.</summary>
    public string? TokenId { get; init; }
    public string? TokenName { get; init; }

    /// <summary>
    /// <c>okta</c>, <c>entra</c>, <c>entra-aadoptscim062020</c>, <c>authentik</c> or <c>unknown</c>; the reasons are a
    /// JSON array.
    /// </summary>
    public required string Dialect { get; init; }
    public required string DialectReasons { get; init; }
    public string? UserAgent { get; init; }

    /// <summary>The profile that served the request (<c>Cloudflare</c> or <c>Standard</c>).</summary>
    public required string Profile { get; init; }
    public required string Method { get; init; }

    /// <summary>The path below the SCIM base (<c>/Users/…</c>), so a session replays against any base URL.</summary>
    public required string Path { get; init; }
    public string? Query { get; init; }

    /// <summary><c>User</c>, <c>Group</c>, <c>Bulk</c>, <c>Search</c>, <c>Discovery</c> or <c>Other</c>.</summary>
    public required string Resource { get; init; }
    public string? ResourceId { get; init; }

    /// <summary>What kind of request it was, in words (<c>PATCH /Users/{id} replace active</c>): the report's key.</summary>
    public required string Shape { get; init; }
    public int Status { get; init; }

    /// <summary><c>success</c> (2xx, 3xx), <c>refused</c> (4xx) or <c>failed</c> (5xx).</summary>
    public required string Outcome { get; init; }
    public double DurationMs { get; init; }
    public string? RequestBody { get; init; }
    public bool RequestTruncated { get; init; }
    public string? ResponseBody { get; init; }
    public bool ResponseTruncated { get; init; }

    /// <summary>JSON: the operations or document as the server normalised them, and the coercions it applied.</summary>
    public string? Interpretation { get; init; }

    /// <summary>JSON array: the change descriptions of what was applied (or refused).</summary>
    public string? Changes { get; init; }

    /// <summary>JSON array of rule names that fired (<c>cf-prefix</c>, <c>lockout-guard</c>, …).</summary>
    public string? Rules { get; init; }

    /// <summary><c>accepted</c>, <c>accepted-differently</c>, <c>rejected</c> or <c>unknown</c> on Cloudflare.</summary>
    public required string Verdict { get; init; }

    /// <summary>JSON array: why (Cloudflare's refusal, or how its answer would differ).</summary>
    public string? VerdictReasons { get; init; }
}
