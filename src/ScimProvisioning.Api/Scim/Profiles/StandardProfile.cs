using System.Text.Json.Nodes;
using ScimProvisioning.Api.Configuration;
using ScimProvisioning.Api.Scim.Users;
using ScimProvisioning.Domain.Users;
using ScimProvisioning.Scim.Filtering;
using ScimProvisioning.Scim.Patching;
using ScimProvisioning.Scim.Schemas;

namespace ScimProvisioning.Api.Scim.Profiles;

/// <summary>RFC 7643/7644 as written: the full filter language, sorting, cursors, ETags, /Bulk and /.search.</summary>
public sealed class StandardProfile : IScimProfile
{
    public static StandardProfile Instance { get; } = new();

    public ScimProfile Name => ScimProfile.Standard;

    public ServiceProviderFeatures Features { get; } =
        new(Bulk: true, ChangePassword: true, Sort: true, ETag: true, CursorPaging: true, SecurityEvents: true);

    public ScimSchema UserSchema => CoreSchemas.User;

    public int MaxPageSize(ScimOptions options) => options.MaxPageSize;

    public void CheckFilter(FilterNode filter, string text, FilterTarget target) { }

    public void CheckListParameters(string? sortBy, string? sortOrder, string? cursor) { }

    public void EnsureSearchServed() { }

    public void EnsureBulkServed() { }

    public bool Versioned => true;

    public IUserRules UserRules => NoUserRules.Instance;

    /// <summary>RFC 7644 §3.5.1: an omitted attribute takes its default; <c>active</c> defaults to true.</summary>
    public bool ActiveWhenOmitted(User user) => true;

    public void PatchUser(User user, IReadOnlyList<PatchOperation> operations)
    {
        var document = UserResourceMapper.ToDocument(user);
        new ScimPatchEngine(CoreSchemas.UserResource).Apply(document, operations);
        UserResourceMapper.Apply(document, user, defaultActive: user.Active);
    }

    public void EnsureUserDeleteServed() { }

    /// <summary>Groups as RFC complex values, omitted when there are none.</summary>
    public void ShapeUser(JsonObject resource, User user, IReadOnlyList<(string Id, string Display)> groups, string baseUrl)
    {
        if (groups.Count > 0)
        {
            resource["groups"] = new JsonArray(
                groups
                    .Select(g =>
                        (JsonNode)
                            new JsonObject
                            {
                                ["value"] = g.Id,
                                ["$ref"] = $"{baseUrl}/Groups/{g.Id}",
                                ["display"] = g.Display,
                                ["type"] = "direct",
                            }
                    )
                    .ToArray()
            );
        }
    }

    public bool LinksGroupMembers => true;

    /// <summary>204, as Entra recommends, which keeps large groups cheap.</summary>
    public bool AnswersGroupPatchWithGroup => false;

    public bool OnlyReplaceChangesUsers => false;

    /// <summary>Evaluated by the Cloudflare profile's rules, without side effects.</summary>
    public Recording.CompatibilityVerdict CloudflareVerdict(Recording.CompatibilityRequest request) =>
        Recording.CloudflareCompatibility.Evaluate(request);
}
