using ScimProvisioning.Scim.Errors;

namespace ScimProvisioning.Api.Admin;

/// <summary>
/// The <c>errors[].code</c> of the admin API's Cloudflare envelope: one code per kind of error, the same on every
/// endpoint (a missing resource is 1003 wherever it is missing). docs/security.md lists them.
/// </summary>
public static class AdminErrorCodes
{
    public const int Internal = 1000;
    public const int InvalidJson = 1001;
    public const int InvalidValue = 1002;
    public const int NotFound = 1003;
    public const int Conflict = 1004;
    public const int LockoutRefused = 1005;
    public const int Immutable = 1006;
    public const int PreconditionFailed = 1007;
    public const int PayloadTooLarge = 1008;
    public const int UnsupportedMediaType = 1009;
    public const int Cancelled = 1010;
    public const int MethodNotAllowed = 1011;

    /// <summary>Cloudflare's own code for a missing or bad credential.</summary>
    public const int Unauthenticated = 10000;

    /// <summary>Cloudflare's own code for a token without the permission an operation needs.</summary>
    public const int Forbidden = 9109;

    /// <summary>Cloudflare's own code for a rate-limited client.</summary>
    public const int RateLimited = 971;

    /// <summary>The code of a protocol-level refusal by its HTTP status (and SCIM type, which tells bad JSON from a bad value).</summary>
    public static int ForStatus(int status, string? scimType) =>
        status switch
        {
            400 when scimType == ScimErrorTypes.InvalidSyntax => InvalidJson,
            400 => InvalidValue,
            401 => Unauthenticated,
            403 => Forbidden,
            404 => NotFound,
            405 => MethodNotAllowed,
            409 => Conflict,
            412 => PreconditionFailed,
            413 => PayloadTooLarge,
            415 => UnsupportedMediaType,
            429 => RateLimited,
            499 => Cancelled,
            >= 500 => Internal,
            _ => InvalidValue,
        };
}
