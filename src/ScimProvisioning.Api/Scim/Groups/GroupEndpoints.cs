using Microsoft.AspNetCore.Http.HttpResults;
using ScimProvisioning.Api.Auth;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Api.Scim.Groups;

/// <summary>
/// /Groups (RFC 7644 §3; Cloudflare's /scim/v2/Groups): system groups and SCIM-managed user groups. Bind, call
/// <see cref="ScimGroups"/>, map the outcome.
/// </summary>
public static class GroupEndpoints
{
    public static RouteGroupBuilder MapScimGroups(this RouteGroupBuilder scim)
    {
        var groups = scim.MapGroup("/Groups").WithTags("SCIM Groups");
        groups
            .MapGet("", ListGroups)
            .RequireAuthorization(Policies.ScimRead)
            .WithName("ListScimGroups")
            .WithSummary("List or filter groups (system groups and user groups); entries carry no members");
        groups
            .MapGet("/{id}", GetGroup)
            .RequireAuthorization(Policies.ScimRead)
            .WithName("GetScimGroup")
            .WithSummary("Get one group with its members ([] when empty)");
        groups
            .MapPost("", CreateGroup)
            .RequireAuthorization(Policies.ScimWrite)
            .WithName("CreateScimGroup")
            .WithSummary("Push a group: creates a SCIM-managed user group, or adopts an unmanaged one of the same name")
            .WithMetadata(new ScimRequestBody("Group"));
        groups
            .MapPut("/{id}", ReplaceGroup)
            .RequireAuthorization(Policies.ScimWrite)
            .WithName("ReplaceScimGroup")
            .WithSummary("Replace a group's name, externalId and members")
            .WithMetadata(new ScimRequestBody("Group"));
        groups
            .MapPatch("/{id}", PatchGroup)
            .RequireAuthorization(Policies.ScimWrite)
            .WithName("PatchScimGroup")
            .WithSummary("Change a group; 204 unless attributes are asked for")
            .WithMetadata(new ScimRequestBody("Group"));
        groups
            .MapDelete("/{id}", DeleteGroup)
            .RequireAuthorization(Policies.ScimWrite)
            .WithName("DeleteScimGroup")
            .WithSummary("Delete a user group and its policies (system groups cannot be deleted)");
        return groups;
    }

    private static async Task<ScimJsonResult> ListGroups([AsParameters] ScimListQuery query, ScimContext scim, ScimGroups groups)
    {
        var request = query.ToRequest(scim);
        var page = await groups.SearchAsync(request);
        return new ScimJsonResult(ListResponse.Create(page.Items, page.Total, request.StartIndex, request.UsesCursor, page.NextCursor));
    }

    private static async Task<Results<StatusCodeHttpResult, StreamedGroupResult, ScimJsonResult>> GetGroup(
        string id,
        HttpRequest http,
        [AsParameters] ScimSingleQuery query,
        ScimContext scim,
        ScimGroups groups,
        ScimDbContext db
    )
    {
        var group = await groups.GetAsync(id);
        if (ScimETags.IsNotModified(http, scim.Profile, group.Version))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        if (query.Attributes is null && query.ExcludedAttributes is null)
        {
            return new StreamedGroupResult(group, scim.Profile, scim.BaseUrl, db, groups.Version(group));
        }

        return new ScimJsonResult(await groups.ResourceAsync(group, query), StatusCodes.Status200OK, null, groups.Version(group));
    }

    private static async Task<IResult> CreateGroup(
        HttpRequest request,
        [AsParameters] ScimSingleQuery query,
        ScimContext scim,
        ScimGroups groups,
        ScimDbContext db
    ) => ScimResponses.From(await groups.CreateAsync(await ScimWrite.ReadAsync(request, scim, query)), scim, db);

    private static async Task<IResult> ReplaceGroup(
        string id,
        HttpRequest request,
        [AsParameters] ScimSingleQuery query,
        ScimContext scim,
        ScimGroups groups,
        ScimDbContext db
    ) => ScimResponses.From(await groups.ReplaceAsync(id, await ScimWrite.ReadAsync(request, scim, query)), scim, db);

    private static async Task<IResult> PatchGroup(
        string id,
        HttpRequest request,
        [AsParameters] ScimSingleQuery query,
        ScimContext scim,
        ScimGroups groups,
        ScimDbContext db
    ) => ScimResponses.From(await groups.PatchAsync(id, await ScimWrite.ReadAsync(request, scim, query)), scim, db);

    private static async Task<IResult> DeleteGroup(string id, HttpRequest request, ScimContext scim, ScimGroups groups, ScimDbContext db) =>
        ScimResponses.From(
            await groups.DeleteAsync(id, await ScimWrite.ReadAsync(request, scim, new ScimSingleQuery(null, null), hasBody: false)),
            scim,
            db
        );
}
