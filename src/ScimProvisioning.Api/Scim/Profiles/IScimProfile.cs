using System.Text.Json.Nodes;
using ScimProvisioning.Api.Configuration;
using ScimProvisioning.Domain.Users;
using ScimProvisioning.Scim.Filtering;
using ScimProvisioning.Scim.Patching;
using ScimProvisioning.Scim.Schemas;

namespace ScimProvisioning.Api.Scim.Profiles;

/// <summary>
/// A compatibility profile (<c>Scim:Profile</c>): everything that differs between what Cloudflare's API accepts and
/// what RFC 7643/7644 allow, one member per row of docs/profiles.md. Nothing outside the two implementations asks
/// which profile is running; the business rules are the same in both.
/// </summary>
public interface IScimProfile
{
    ScimProfile Name { get; }

    // --- Discovery -----------------------------------------------------------------------------------------------

    /// <summary>What ServiceProviderConfig advertises.</summary>
    ServiceProviderFeatures Features { get; }

    /// <summary>The User schema /Schemas serves (Cloudflare: <c>groups</c> are id strings).</summary>
    ScimSchema UserSchema { get; }

    // --- Lists and queries ---------------------------------------------------------------------------------------

    int MaxPageSize(ScimOptions options);

    /// <summary>Refuses a filter the profile does not serve on <paramref name="target"/>.</summary>
    void CheckFilter(FilterNode filter, string text, FilterTarget target);

    /// <summary>Refuses list parameters the profile does not serve (sorting, cursors).</summary>
    void CheckListParameters(string? sortBy, string? sortOrder, string? cursor);

    /// <summary>Refuses POST /.search when the profile does not serve it.</summary>
    void EnsureSearchServed();

    /// <summary>Refuses /Bulk when the profile does not serve it.</summary>
    void EnsureBulkServed();

    // --- Versions (RFC 7644 §3.14) -------------------------------------------------------------------------------

    /// <summary>Whether resources carry <c>meta.version</c> and ETags, and If-Match / If-None-Match are honoured.</summary>
    bool Versioned { get; }

    // --- Users ---------------------------------------------------------------------------------------------------

    /// <summary>The profile's rules on a user's values, asked by <see cref="UserProvisioning"/> on every path.</summary>
    IUserRules UserRules { get; }

    /// <summary>The <c>active</c> a PUT that omits it leaves the user with.</summary>
    bool ActiveWhenOmitted(User user);

    /// <summary>Applies PATCH operations to the user through its SCIM document, as the profile reads them.</summary>
    void PatchUser(User user, IReadOnlyList<PatchOperation> operations);

    /// <summary>Refuses DELETE /Users/{id} when the profile does not serve it.</summary>
    void EnsureUserDeleteServed();

    /// <summary>Adds what the profile shows beyond the stored attributes: the user's groups, derived values.</summary>
    void ShapeUser(JsonObject resource, User user, IReadOnlyList<(string Id, string Display)> groups, string baseUrl);

    // --- Groups --------------------------------------------------------------------------------------------------

    /// <summary>Whether member entries carry <c>$ref</c> and <c>type</c> besides value and display.</summary>
    bool LinksGroupMembers { get; }

    /// <summary>Whether PATCH /Groups/{id} answers with the group (200) rather than 204, when no attributes are asked for.</summary>
    bool AnswersGroupPatchWithGroup { get; }

    // --- The flight recorder (docs/recorder.md) ----------------------------------------------------------------------

    /// <summary>Whether a user PATCH changes anything only through <c>replace</c> (the log notes the others as no-ops).</summary>
    bool OnlyReplaceChangesUsers { get; }

    /// <summary>Would Cloudflare's API accept a request this profile served (status below 500), and why.</summary>
    Recording.CompatibilityVerdict CloudflareVerdict(Recording.CompatibilityRequest request);
}

/// <summary>The resource a list filter runs on, and the one attribute Cloudflare filters it by.</summary>
public sealed record FilterTarget(string CoreSchema, string CloudflareAttribute, string Endpoint)
{
    public static FilterTarget Users { get; } = new(ScimProvisioning.Scim.ScimSchemaUris.User, "userName", "/Users");

    public static FilterTarget Groups { get; } = new(ScimProvisioning.Scim.ScimSchemaUris.Group, "displayName", "/Groups");
}

/// <summary>The optional features of RFC 7643 §5 a profile serves.</summary>
/// <param name="SecurityEvents">RFC 9967 §4: advertise <c>securityEvents</c> (the events of docs/events.md).</param>
public sealed record ServiceProviderFeatures(
    bool Bulk,
    bool ChangePassword,
    bool Sort,
    bool ETag,
    bool CursorPaging,
    bool SecurityEvents = false
);
