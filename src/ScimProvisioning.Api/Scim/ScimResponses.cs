using ScimProvisioning.Api.Scim.Groups;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Api.Scim;

/// <summary>Maps a write's outcome to its HTTP response; /Bulk maps the same outcome to an operation result instead.</summary>
public static class ScimResponses
{
    public static IResult From(ScimWriteOutcome outcome, ScimContext scim, ScimDbContext db)
    {
        scim.Recording?.Applied(outcome.Change);
        return outcome switch
        {
            ResourceWritten written => new ScimJsonResult(
                written.Resource,
                written.Status,
                written.Status == StatusCodes.Status201Created ? written.Location : null,
                written.Version
            ),
            GroupToStream stream => new StreamedGroupResult(stream.Group, scim.Profile, scim.BaseUrl, db, stream.Version),
            _ => TypedResults.NoContent(),
        };
    }
}
