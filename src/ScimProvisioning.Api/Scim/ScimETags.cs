using ScimProvisioning.Api.Scim.Profiles;
using ScimProvisioning.Scim.Errors;

namespace ScimProvisioning.Api.Scim;

/// <summary>
/// Versioning (RFC 7644 §3.14), in the profiles that are <see cref="IScimProfile.Versioned"/>: <c>meta.version</c> and the <c>ETag</c>
/// header carry a weak
/// ETag of the resource's version; <c>If-Match</c> that does not match is 412, <c>If-None-Match</c> that matches is 304.
/// </summary>
public static class ScimETags
{
    public static string Format(long version) => $"W/\"{version.ToString(System.Globalization.CultureInfo.InvariantCulture)}\"";

    /// <param name="ifMatch">The If-Match header, or a /Bulk operation's <c>version</c>.</param>
    public static void CheckIfMatch(string? ifMatch, IScimProfile profile, long version)
    {
        if (!profile.Versioned || ifMatch is null)
        {
            return;
        }

        if (!Matches(ifMatch, version))
        {
            throw new ScimException(
                StatusCodes.Status412PreconditionFailed,
                null,
                $"If-Match does not match the resource's current version {Format(version)}; read it again and retry."
            );
        }
    }

    public static bool IsNotModified(HttpRequest request, IScimProfile profile, long version) =>
        profile.Versioned && request.Headers.TryGetValue("If-None-Match", out var values) && Matches(values.ToString(), version);

    /// <summary>The ETag header and <c>meta.version</c> of a resource, or null when the profile has no versions.</summary>
    public static string? Of(IScimProfile profile, long version) => profile.Versioned ? Format(version) : null;

    private static bool Matches(string header, long version)
    {
        var current = Format(version);
        return header
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Any(tag => tag == "*" || tag == current || tag == current[2..]);
    }
}
