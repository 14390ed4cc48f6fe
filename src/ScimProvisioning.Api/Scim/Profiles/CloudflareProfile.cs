using System.Text.Json.Nodes;
using ScimProvisioning.Api.Configuration;
using ScimProvisioning.Api.Scim.Users;
using ScimProvisioning.Domain.Users;
using ScimProvisioning.Scim.Errors;
using ScimProvisioning.Scim.Filtering;
using ScimProvisioning.Scim.Patching;
using ScimProvisioning.Scim.Schemas;

namespace ScimProvisioning.Api.Scim.Profiles;

/// <summary>What Cloudflare's dashboard SCIM API accepts and how it answers (docs/profiles.md, left column).</summary>
public sealed class CloudflareProfile : IScimProfile
{
    public const int PageSize = 100;

    public static CloudflareProfile Instance { get; } = new();

    public ScimProfile Name => ScimProfile.Cloudflare;

    public ServiceProviderFeatures Features { get; } =
        new(Bulk: false, ChangePassword: false, Sort: false, ETag: false, CursorPaging: false);

    public ScimSchema UserSchema => CoreSchemas.CloudflareUser;

    public int MaxPageSize(ScimOptions options) => PageSize;

    /// <summary>Cloudflare filters each resource by one attribute, with <c>eq</c> only.</summary>
    public void CheckFilter(FilterNode filter, string text, FilterTarget target)
    {
        var supported =
            filter
                is ComparisonFilter
                {
                    Operator: ComparisonOperator.Eq,
                    Value.Kind: FilterValueKind.String,
                    Path.SubAttribute: null
                } comparison
            && string.Equals(comparison.Path.Name, target.CloudflareAttribute, StringComparison.OrdinalIgnoreCase)
            && (
                comparison.Path.SchemaUri is null
                || string.Equals(comparison.Path.SchemaUri, target.CoreSchema, StringComparison.OrdinalIgnoreCase)
            );
        if (!supported)
        {
            throw ScimException.InvalidFilter(
                $"Cloudflare supports only filter={target.CloudflareAttribute} eq \"…\" on {target.Endpoint}; "
                    + $"'{ScimFilters.Truncate(text)}' "
                    + "is not supported (set Scim:Profile=Standard for the full filter language)."
            );
        }
    }

    public void CheckListParameters(string? sortBy, string? sortOrder, string? cursor)
    {
        if (!string.IsNullOrEmpty(sortBy) || !string.IsNullOrEmpty(sortOrder))
        {
            throw ScimException.InvalidValue(
                "Cloudflare does not support sortBy/sortOrder; results come in creation order (set Scim:Profile=Standard to sort)."
            );
        }

        if (cursor is not null)
        {
            throw ScimException.InvalidValue(
                "Cloudflare does not support cursor pagination; page with startIndex and count (set Scim:Profile=Standard for RFC 9865 "
                    + "cursors)."
            );
        }
    }

    public void EnsureSearchServed() =>
        throw new ScimException(
            StatusCodes.Status501NotImplemented,
            null,
            "Cloudflare does not support POST /.search; query with GET /Users?filter=userName eq \"…\" "
                + "or GET /Groups?filter=displayName eq \"…\"."
        );

    public void EnsureBulkServed() =>
        throw new ScimException(
            StatusCodes.Status501NotImplemented,
            null,
            "Cloudflare does not support /Bulk (bulk.supported is false); send each POST, PUT, PATCH or DELETE on its own."
        );

    public bool Versioned => false;

    public IUserRules UserRules { get; } = new CloudflareUserRules();

    /// <summary>An omitted <c>active</c> leaves the user as it is.</summary>
    public bool ActiveWhenOmitted(User user) => user.Active;

    /// <summary>
    /// Only <c>replace</c> changes anything, and only userName, name.givenName, name.familyName and active
    /// (<see cref="CloudflarePatch"/>); the primary email follows userName.
    /// </summary>
    public void PatchUser(User user, IReadOnlyList<PatchOperation> operations)
    {
        var document = UserResourceMapper.ToDocument(user);
        new ScimPatchEngine(CoreSchemas.UserResource).Apply(document, CloudflarePatch.Effective(operations));
        UserResourceMapper.ApplyCloudflarePatch(document, user);
    }

    public void EnsureUserDeleteServed() =>
        throw new ScimException(
            StatusCodes.Status405MethodNotAllowed,
            null,
            "Cloudflare's SCIM API has no DELETE /Users/{id}. Deprovision the user with PATCH or PUT setting \"active\": false."
        );

    /// <summary>displayName falls back to the formatted name, then userName; groups are plain id strings.</summary>
    public void ShapeUser(JsonObject resource, User user, IReadOnlyList<(string Id, string Display)> groups, string baseUrl)
    {
        resource["displayName"] ??= user.FormattedName ?? user.UserName;
        resource["groups"] = new JsonArray(groups.Select(g => (JsonNode)JsonValue.Create(g.Id)!).ToArray());
    }

    public bool LinksGroupMembers => false;

    /// <summary>Cloudflare's OpenAPI declares 200 with the group; it streams, as a full GET does.</summary>
    public bool AnswersGroupPatchWithGroup => true;

    public bool OnlyReplaceChangesUsers => true;

    /// <summary>This profile is Cloudflare's rules: its own answer is the verdict.</summary>
    public Recording.CompatibilityVerdict CloudflareVerdict(Recording.CompatibilityRequest request) =>
        request.Status < 400
            ? new(Recording.CompatibilityVerdicts.Accepted, ["served by the Cloudflare profile, which accepted it"])
            : new(
                Recording.CompatibilityVerdicts.Rejected,
                [$"served by the Cloudflare profile, which refused it ({request.Status}): {request.ErrorDetail}"]
            );
}
