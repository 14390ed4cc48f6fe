using Microsoft.AspNetCore.Http.HttpResults;
using ScimProvisioning.Api.Auth;
using ScimProvisioning.Api.Persistence;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Api.Scim.Users;

/// <summary>/Users (RFC 7644 §3; Cloudflare's /scim/v2/Users). Bind, call <see cref="ScimUsers"/>, map the outcome.</summary>
public static class UserEndpoints
{
    public static RouteGroupBuilder MapScimUsers(this RouteGroupBuilder scim)
    {
        var users = scim.MapGroup("/Users").WithTags("SCIM Users");
        users
            .MapGet("", ListUsers)
            .RequireAuthorization(Policies.ScimRead)
            .WithName("ListScimUsers")
            .WithSummary("List or filter users (account members as SCIM users)");
        users
            .MapGet("/{id}", GetUser)
            .RequireAuthorization(Policies.ScimRead)
            .WithName("GetScimUser")
            .WithSummary("Get one user by its 32-hex id");
        users
            .MapPost("", CreateUser)
            .RequireAuthorization(Policies.ScimWrite)
            .WithName("CreateScimUser")
            .WithSummary("Provision a user: creates the account member with Minimal Account Access")
            .WithMetadata(new ScimRequestBody("User"));
        users
            .MapPut("/{id}", ReplaceUser)
            .RequireAuthorization(Policies.ScimWrite)
            .WithName("ReplaceScimUser")
            .WithSummary("Replace a user; active:false deprovisions the member")
            .WithMetadata(new ScimRequestBody("User"));
        users
            .MapPatch("/{id}", PatchUser)
            .RequireAuthorization(Policies.ScimWrite)
            .WithName("PatchScimUser")
            .WithSummary("Update a user with a PatchOp; active:false deprovisions the member")
            .WithMetadata(new ScimRequestBody("User"));
        users
            .MapDelete("/{id}", DeleteUser)
            .RequireAuthorization(Policies.ScimWrite)
            .WithName("DeleteScimUser")
            .WithSummary("Deprovision and delete a user (Standard profile only)");
        return users;
    }

    private static async Task<ScimJsonResult> ListUsers(
        [AsParameters] ScimListQuery query,
        HttpContext http,
        ScimContext scim,
        ResourceReadCache cache
    )
    {
        var request = query.ToRequest(scim);
        if (ScimUsers.AnswerFromCache(request, scim, cache) is { } answer)
        {
            return answer;
        }

        var users = http.RequestServices.GetRequiredService<ScimUsers>();
        var page = await users.SearchAsync(request);
        return new ScimJsonResult(ListResponse.Create(page.Items, page.Total, request.StartIndex, request.UsesCursor, page.NextCursor));
    }

    private static async Task<Results<StatusCodeHttpResult, ScimJsonResult>> GetUser(
        string id,
        HttpContext http,
        [AsParameters] ScimSingleQuery query,
        ScimContext scim,
        ResourceReadCache cache
    )
    {
        // A copy the read cache holds answers without a database session (or the services a write needs), and the full
        // resource is rendered once per copy.
        var kept = cache.Kept(scim.AccountId, id);
        var view = kept?.View ?? await http.RequestServices.GetRequiredService<ScimUsers>().GetAsync(id);
        var version = view.User.Version;
        if (ScimETags.IsNotModified(http.Request, scim.Profile, version))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        var etag = ScimETags.Of(scim.Profile, version);
        if (kept is not null && query is { Attributes: null, ExcludedAttributes: null })
        {
            return ScimJsonResult.FromRendered(ScimUsers.RenderedResource(kept, scim), StatusCodes.Status200OK, null, etag);
        }

        return new ScimJsonResult(ScimUsers.Resource(view, scim, query), StatusCodes.Status200OK, null, etag);
    }

    private static async Task<IResult> CreateUser(
        HttpRequest request,
        [AsParameters] ScimSingleQuery query,
        ScimContext scim,
        ScimUsers users,
        ScimDbContext db
    ) => ScimResponses.From(await users.CreateAsync(await ScimWrite.ReadAsync(request, scim, query)), scim, db);

    private static async Task<IResult> ReplaceUser(
        string id,
        HttpRequest request,
        [AsParameters] ScimSingleQuery query,
        ScimContext scim,
        ScimUsers users,
        ScimDbContext db
    ) => ScimResponses.From(await users.ReplaceAsync(id, await ScimWrite.ReadAsync(request, scim, query)), scim, db);

    private static async Task<IResult> PatchUser(
        string id,
        HttpRequest request,
        [AsParameters] ScimSingleQuery query,
        ScimContext scim,
        ScimUsers users,
        ScimDbContext db
    ) => ScimResponses.From(await users.PatchAsync(id, await ScimWrite.ReadAsync(request, scim, query)), scim, db);

    private static async Task<IResult> DeleteUser(string id, HttpRequest request, ScimContext scim, ScimUsers users, ScimDbContext db) =>
        ScimResponses.From(
            await users.DeleteAsync(id, await ScimWrite.ReadAsync(request, scim, new ScimSingleQuery(null, null), hasBody: false)),
            scim,
            db
        );
}
