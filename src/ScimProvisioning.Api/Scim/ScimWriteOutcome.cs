using System.Text.Json.Nodes;
using ScimProvisioning.Domain.Changes;
using ScimProvisioning.Domain.Groups;

namespace ScimProvisioning.Api.Scim;

/// <summary>
/// What a SCIM write produced, before it is an HTTP response or a /Bulk operation result: the status, where the
/// resource lives, its version (when the profile has versions) and the change description the domain made.
/// </summary>
public abstract record ScimWriteOutcome(int Status, string ResourceId, string Location, string? Version, ChangeDescription Change);

/// <summary>The resource as the client asked to see it (projected by <c>attributes</c>/<c>excludedAttributes</c>).</summary>
public sealed record ResourceWritten(
    JsonObject Resource,
    int Status,
    string ResourceId,
    string Location,
    string? Version,
    ChangeDescription Change
) : ScimWriteOutcome(Status, ResourceId, Location, Version, Change);

/// <summary>A group answered in full, its members streamed from the database as they are written (200).</summary>
public sealed record GroupToStream(UserGroup Group, string Location, string? Version, ChangeDescription Change)
    : ScimWriteOutcome(StatusCodes.Status200OK, Group.Id, Location, Version, Change);

/// <summary>A write answered without a body (204): a DELETE, or a Standard-profile group PATCH.</summary>
public sealed record NoContentWritten(string ResourceId, string Location, ChangeDescription Change)
    : ScimWriteOutcome(StatusCodes.Status204NoContent, ResourceId, Location, null, Change);
