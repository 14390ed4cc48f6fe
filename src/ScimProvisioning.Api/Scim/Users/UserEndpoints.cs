using System.Text.Json.Nodes;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Api.Auth;
using ScimProvisioning.Api.Configuration;
using ScimProvisioning.Domain;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Persistence;
using ScimProvisioning.Domain.Users;
using ScimProvisioning.Scim.Errors;
using ScimProvisioning.Scim.Filtering;
using ScimProvisioning.Scim.Patching;
using ScimProvisioning.Scim.Schemas;
using ScimProvisioning.Scim.Serialization;

namespace ScimProvisioning.Api.Scim.Users;

/// <summary>/Users (RFC 7644 §3; Cloudflare's /scim/v2/Users). Thin: bind, call the domain, map the result.</summary>
public static class UserEndpoints
{
    public static RouteGroupBuilder MapScimUsers(this RouteGroupBuilder scim)
    {
        var users = scim.MapGroup("/Users").WithTags("SCIM Users");
        users.MapGet("", ListUsers).RequireAuthorization(Policies.ScimRead)
            .WithName("ListScimUsers").WithSummary("List or filter users (account members as SCIM users)");
        users.MapGet("/{id}", GetUser).RequireAuthorization(Policies.ScimRead)
            .WithName("GetScimUser").WithSummary("Get one user by its 32-hex id");
        users.MapPost("", CreateUser).RequireAuthorization(Policies.ScimWrite)
            .WithName("CreateScimUser").WithSummary("Provision a user: creates the account member with Minimal Account Access")
            .WithMetadata(new ScimRequestBody("User"));
        users.MapPut("/{id}", ReplaceUser).RequireAuthorization(Policies.ScimWrite)
            .WithName("ReplaceScimUser").WithSummary("Replace a user; active:false deprovisions the member")
            .WithMetadata(new ScimRequestBody("User"));
        users.MapPatch("/{id}", PatchUser).RequireAuthorization(Policies.ScimWrite)
            .WithName("PatchScimUser").WithSummary("Update a user with a PatchOp; active:false deprovisions the member")
            .WithMetadata(new ScimRequestBody("User"));
        users.MapDelete("/{id}", DeleteUser).RequireAuthorization(Policies.ScimWrite)
            .WithName("DeleteScimUser").WithSummary("Deprovision and delete a user (Standard profile only)");
        return users;
    }

    private static async Task<ScimJsonResult> ListUsers([AsParameters] ScimListQuery query, ScimContext scim, ScimDbContext db)
    {
        var request = query.ToRequest(scim);
        var page = await SearchAsync(request, scim, db);
        return new ScimJsonResult(ListResponse.Create(page.Items, page.Total, request.StartIndex, request.UsesCursor, page.NextCursor));
    }

    /// <summary>A filtered, sorted page of users as SCIM resources: GET /Users, POST /Users/.search and the root search.</summary>
    internal static async Task<ListPage<JsonObject>> SearchAsync(ListRequest request, ScimContext scim, ScimDbContext db)
    {
        var users = db.Users.AsNoTracking().Where(u => u.AccountId == scim.AccountId);
        if (request.Filter is not null)
        {
            var filter = ScimFilters.Parse(request.Filter, scim, ScimProvisioning.Scim.ScimSchemaUris.User, "userName", "/Users");
            users = users.Where(ScimFilterTranslator.ToPredicate(filter, UserQueryMap.Instance));
        }

        var page = await ScimQueries.PageAsync(users, u => u.Key, request, UserQueryMap.Instance,
            q => q.Include(u => u.Emails).Include(u => u.MultiValues).AsSplitQuery(), scim.Aborted, $"users|{scim.AccountId}");
        var groups = await GroupsOfAsync(db, page.Items.Select(u => u.Key).ToList(), scim.Aborted);
        var resources = page.Items.Select(u => ScimDocument.Project(UserResourceMapper.ToResource(u, scim.Profile, scim.BaseUrl, groups[u.Key].ToList()), CoreSchemas.UserResource, request.Attributes, request.ExcludedAttributes)).ToList();
        return new ListPage<JsonObject>(page.Total, resources, page.NextCursor);
    }

    private static async Task<IResult> GetUser(string id, HttpRequest http, [AsParameters] ScimSingleQuery query, ScimContext scim, ScimDbContext db)
    {
        var view = (Identifiers.IsTag(id) ? await UserReads.ReadAsync(db, scim.AccountId, id, scim.Aborted) : null) ?? throw NotFound(id);
        if (ScimETags.IsNotModified(http, scim.Profile, view.User.Version))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return Respond(view.User, view.Groups, scim, query);
    }

    private static async Task<ScimJsonResult> CreateUser(HttpRequest request, ScimContext scim, UserProvisioning provisioning, ScimDbContext db, IValidator<CloudflareUserDraft> cloudflareRules, [AsParameters] ScimSingleQuery query) =>
        await CreateAsync(await ScimWrite.ReadAsync(request, scim, query), scim, provisioning, db, cloudflareRules);

    private static async Task<ScimJsonResult> ReplaceUser(string id, HttpRequest request, ScimContext scim, UserProvisioning provisioning, ScimDbContext db, IValidator<CloudflareUserDraft> cloudflareRules, [AsParameters] ScimSingleQuery query) =>
        await ReplaceAsync(id, await ScimWrite.ReadAsync(request, scim, query), scim, provisioning, db, cloudflareRules);

    private static async Task<ScimJsonResult> PatchUser(string id, HttpRequest request, ScimContext scim, UserProvisioning provisioning, ScimDbContext db, [AsParameters] ScimSingleQuery query) =>
        await PatchAsync(id, await ScimWrite.ReadAsync(request, scim, query), scim, provisioning, db);

    private static async Task<IResult> DeleteUser(string id, HttpRequest request, ScimContext scim, UserProvisioning provisioning) =>
        await DeleteAsync(id, await ScimWrite.ReadAsync(request, scim, new ScimSingleQuery(null, null), hasBody: false), scim, provisioning);

    internal static async Task<ScimJsonResult> CreateAsync(ScimWrite write, ScimContext scim, UserProvisioning provisioning, ScimDbContext db, IValidator<CloudflareUserDraft> cloudflareRules)
    {
        var document = ScimDocument.Canonicalize(CoreSchemas.UserResource, write.Body);
        if (scim.Profile == ScimProfile.Cloudflare)
        {
            await ValidateCloudflareAsync(cloudflareRules, document, isCreate: true, scim.Aborted);
        }

        var user = provisioning.NewUser(scim.AccountId);
        UserResourceMapper.Apply(document, user, defaultActive: true);
        await provisioning.CreateAsync(scim.Actor, user, scim.Aborted);
        // A user just created belongs to no group yet: nothing to look up.
        return Respond(user, [], scim, write.Query, StatusCodes.Status201Created, $"{scim.BaseUrl}/Users/{user.Id}");
    }

    internal static async Task<ScimJsonResult> ReplaceAsync(string id, ScimWrite write, ScimContext scim, UserProvisioning provisioning, ScimDbContext db, IValidator<CloudflareUserDraft> cloudflareRules)
    {
        var user = await FindAsync(provisioning, scim, id);
        ScimETags.CheckIfMatch(write.IfMatch, scim.Profile, user.Version);
        var document = ScimDocument.Canonicalize(CoreSchemas.UserResource, write.Body);
        if (scim.Profile == ScimProfile.Cloudflare)
        {
            await ValidateCloudflareAsync(cloudflareRules, document, isCreate: false, scim.Aborted);
        }

        // Cloudflare: an omitted `active` leaves it unchanged. Standard: an omitted `active` takes its default, true.
        UserResourceMapper.Apply(document, user, defaultActive: scim.Profile == ScimProfile.Cloudflare ? user.Active : true);
        await provisioning.UpdateAsync(scim.Actor, user, AuditActions.ReplaceScimUser, scim.Aborted);
        return await RespondAsync(user, scim, db, write.Query);
    }

    /// <summary>
    /// A PATCH that loses an optimistic-concurrency race to another writer is applied again to the fresh resource
    /// (its operations are relative, so re-applying them is what the client asked for); with If-Match it is not.
    /// </summary>
    internal static async Task<ScimJsonResult> PatchAsync(string id, ScimWrite write, ScimContext scim, UserProvisioning provisioning, ScimDbContext db)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await PatchOnceAsync(id, write, scim, provisioning, db);
            }
            catch (DomainException e) when (e.Kind == DomainErrorKind.PreconditionFailed && write.IfMatch is null && attempt < 5)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    private static async Task<ScimJsonResult> PatchOnceAsync(string id, ScimWrite write, ScimContext scim, UserProvisioning provisioning, ScimDbContext db)
    {
        var user = await FindAsync(provisioning, scim, id);
        ScimETags.CheckIfMatch(write.IfMatch, scim.Profile, user.Version);
        var operations = PatchOperation.ReadRequest(write.Body, scim.Options.MaxPatchOperations);
        var document = UserResourceMapper.ToDocument(user);
        if (scim.Profile == ScimProfile.Cloudflare)
        {
            new ScimPatchEngine(CoreSchemas.UserResource).Apply(document, CloudflarePatch.Effective(operations));
            UserResourceMapper.ApplyCloudflarePatch(document, user);
        }
        else
        {
            new ScimPatchEngine(CoreSchemas.UserResource).Apply(document, operations);
            UserResourceMapper.Apply(document, user, defaultActive: user.Active);
        }

        await provisioning.UpdateAsync(scim.Actor, user, AuditActions.UpdateScimUser, scim.Aborted);
        return await RespondAsync(user, scim, db, write.Query);
    }

    internal static async Task<IResult> DeleteAsync(string id, ScimWrite write, ScimContext scim, UserProvisioning provisioning)
    {
        if (scim.Profile == ScimProfile.Cloudflare)
        {
            throw new ScimException(StatusCodes.Status405MethodNotAllowed, null,
                "Cloudflare's SCIM API has no DELETE /Users/{id}. Deprovision the user with PATCH or PUT setting \"active\": false.");
        }

        var user = await FindAsync(provisioning, scim, id);
        ScimETags.CheckIfMatch(write.IfMatch, scim.Profile, user.Version);
        await provisioning.DeleteAsync(scim.Actor, user, scim.Aborted);
        return TypedResults.NoContent();
    }

    /// <summary>The user, tracked to be changed; SCIM 404 when unknown.</summary>
    private static async Task<User> FindAsync(UserProvisioning provisioning, ScimContext scim, string id) =>
        (Identifiers.IsTag(id) ? await provisioning.FindAsync(scim.AccountId, id, scim.Aborted) : null) ?? throw NotFound(id);

    private static ScimException NotFound(string id) => ScimException.NotFound($"User '{ScimFilters.Truncate(id)}' not found.");

    private static async Task<ScimJsonResult> RespondAsync(User user, ScimContext scim, ScimDbContext db, ScimSingleQuery query, int status = StatusCodes.Status200OK, string? location = null)
    {
        var groups = new List<(string Id, string Display)>();
        await foreach (var group in GroupsOfUser(db, user.Key).WithCancellation(scim.Aborted))
        {
            groups.Add((group.Id, group.Name));
        }

        return Respond(user, groups, scim, query, status, location);
    }

    private static ScimJsonResult Respond(User user, IReadOnlyList<(string Id, string Display)> groups, ScimContext scim, ScimSingleQuery query, int status = StatusCodes.Status200OK, string? location = null) =>
        new(Project(UserResourceMapper.ToResource(user, scim.Profile, scim.BaseUrl, groups), query), status, location,
            scim.Profile == ScimProfile.Standard ? ScimETags.Format(user.Version) : null);

    /// <summary>The groups of one user (every single-user response), compiled once.</summary>
    private static readonly Func<ScimDbContext, long, IAsyncEnumerable<UserGroupRef>> GroupsOfUser =
        EF.CompileAsyncQuery<ScimDbContext, long, UserGroupRef>((db, userKey) => db.UserGroupMembers.AsNoTracking().Where(m => m.UserKey == userKey)
            .Join(db.UserGroups, m => m.UserGroupKey, g => g.Key, (m, g) => g)
            .OrderBy(g => g.Key).Select(g => new UserGroupRef(g.Id, g.Name)));

    private sealed record UserGroupRef(string Id, string Name);

    /// <summary>The groups (user groups and system groups) of a page of users, in one query.</summary>
    private static async Task<ILookup<long, (string Id, string Display)>> GroupsOfAsync(ScimDbContext db, List<long> userKeys, CancellationToken cancellationToken)
    {
        var rows = await db.UserGroupMembers.AsNoTracking().Where(m => userKeys.Contains(m.UserKey))
            .Join(db.UserGroups, m => m.UserGroupKey, g => g.Key, (m, g) => new { m.UserKey, g.Key, g.Id, g.Name })
            .OrderBy(r => r.Key)
            .ToListAsync(cancellationToken);
        return rows.ToLookup(r => r.UserKey, r => (r.Id, r.Name));
    }

    private static JsonObject Project(JsonObject resource, ScimSingleQuery query) =>
        ScimDocument.Project(resource, CoreSchemas.UserResource, ScimDocument.ParseAttributeList(query.Attributes), ScimDocument.ParseAttributeList(query.ExcludedAttributes));

    private static async Task ValidateCloudflareAsync(IValidator<CloudflareUserDraft> rules, JsonObject document, bool isCreate, CancellationToken cancellationToken)
    {
        var draft = new CloudflareUserDraft(
            document["userName"]?.GetValue<string>(),
            UserResourceMapper.PrimaryEmail(document),
            document["emails"] is JsonArray { Count: > 0 },
            document["active"] is JsonValue active ? active.GetValue<bool>() : null,
            isCreate);
        var result = await rules.ValidateAsync(draft, cancellationToken);
        if (!result.IsValid)
        {
            throw ScimException.InvalidValue(string.Join(" ", result.Errors.Select(e => e.ErrorMessage).Distinct(StringComparer.Ordinal)));
        }
    }

}
