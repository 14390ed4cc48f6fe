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
        var users = db.Users.AsNoTracking().Where(u => u.AccountId == scim.AccountId);
        if (!string.IsNullOrWhiteSpace(query.Filter))
        {
            users = users.Where(ScimFilterTranslator.ToPredicate(ParseFilter(query.Filter, scim), UserQueryMap.Instance));
        }

        var startIndex = query.ParsedStartIndex;
        var count = query.PageSize(scim.Options.DefaultPageSize, scim.Options.EffectiveMaxPageSize);
        var (total, page) = await ScimQueries.PageAsync(users, u => u.Key, startIndex, count, q => q.Include(u => u.Emails), scim.Aborted);
        var attributes = ScimDocument.ParseAttributeList(query.Attributes);
        var excluded = ScimDocument.ParseAttributeList(query.ExcludedAttributes);
        var resources = page.Select(u => ScimDocument.Project(UserResourceMapper.ToResource(u, scim.Profile, scim.BaseUrl, []), CoreSchemas.UserResource, attributes, excluded));
        return new ScimJsonResult(ListResponse.Create(resources, total, startIndex));
    }

    private static async Task<ScimJsonResult> GetUser(string id, [AsParameters] ScimSingleQuery query, ScimContext scim, UserProvisioning provisioning)
    {
        var user = await FindAsync(provisioning, scim, id);
        return Respond(user, scim, query);
    }

    private static async Task<ScimJsonResult> CreateUser(HttpRequest request, ScimContext scim, UserProvisioning provisioning, IValidator<CloudflareUserDraft> cloudflareRules, [AsParameters] ScimSingleQuery query)
    {
        var document = ScimDocument.Canonicalize(CoreSchemas.UserResource, await ScimRequest.ReadJsonAsync(request, scim.Options.MaxRequestBodyBytes));
        if (scim.Profile == ScimProfile.Cloudflare)
        {
            await ValidateCloudflareAsync(cloudflareRules, document, isCreate: true, scim.Aborted);
        }

        var user = provisioning.NewUser(scim.AccountId);
        UserResourceMapper.Apply(document, user, defaultActive: true);
        await provisioning.CreateAsync(scim.Actor, user, scim.Aborted);
        var resource = Project(UserResourceMapper.ToResource(user, scim.Profile, scim.BaseUrl, []), query);
        return new ScimJsonResult(resource, StatusCodes.Status201Created, $"{scim.BaseUrl}/Users/{user.Id}");
    }

    private static async Task<ScimJsonResult> ReplaceUser(string id, HttpRequest request, ScimContext scim, UserProvisioning provisioning, IValidator<CloudflareUserDraft> cloudflareRules, [AsParameters] ScimSingleQuery query)
    {
        var user = await FindAsync(provisioning, scim, id);
        var document = ScimDocument.Canonicalize(CoreSchemas.UserResource, await ScimRequest.ReadJsonAsync(request, scim.Options.MaxRequestBodyBytes));
        if (scim.Profile == ScimProfile.Cloudflare)
        {
            await ValidateCloudflareAsync(cloudflareRules, document, isCreate: false, scim.Aborted);
        }

        // Cloudflare: an omitted `active` leaves it unchanged. Standard: an omitted `active` takes its default, true.
        UserResourceMapper.Apply(document, user, defaultActive: scim.Profile == ScimProfile.Cloudflare ? user.Active : true);
        await provisioning.UpdateAsync(scim.Actor, user, AuditActions.ReplaceScimUser, scim.Aborted);
        return Respond(user, scim, query);
    }

    private static async Task<ScimJsonResult> PatchUser(string id, HttpRequest request, ScimContext scim, UserProvisioning provisioning, [AsParameters] ScimSingleQuery query)
    {
        var user = await FindAsync(provisioning, scim, id);
        var operations = PatchOperation.ReadRequest(await ScimRequest.ReadJsonAsync(request, scim.Options.MaxRequestBodyBytes), scim.Options.MaxPatchOperations);
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
        return Respond(user, scim, query);
    }

    private static async Task<Results<NoContent, ScimJsonResult>> DeleteUser(string id, ScimContext scim, UserProvisioning provisioning)
    {
        if (scim.Profile == ScimProfile.Cloudflare)
        {
            return new ScimJsonResult(ScimErrorBody.Create(StatusCodes.Status405MethodNotAllowed, null,
                "Cloudflare's SCIM API has no DELETE /Users/{id}. Deprovision the user with PATCH or PUT setting \"active\": false."),
                StatusCodes.Status405MethodNotAllowed);
        }

        var user = await FindAsync(provisioning, scim, id);
        await provisioning.DeleteAsync(scim.Actor, user, scim.Aborted);
        return TypedResults.NoContent();
    }

    private static async Task<User> FindAsync(UserProvisioning provisioning, ScimContext scim, string id) =>
        (Identifiers.IsTag(id) ? await provisioning.FindAsync(scim.AccountId, id, scim.Aborted) : null)
        ?? throw ScimException.NotFound($"User '{Truncate(id)}' not found.");

    private static ScimJsonResult Respond(User user, ScimContext scim, ScimSingleQuery query) =>
        new(Project(UserResourceMapper.ToResource(user, scim.Profile, scim.BaseUrl, []), query));

    private static JsonObject Project(JsonObject resource, ScimSingleQuery query) =>
        ScimDocument.Project(resource, CoreSchemas.UserResource, ScimDocument.ParseAttributeList(query.Attributes), ScimDocument.ParseAttributeList(query.ExcludedAttributes));

    private static FilterNode ParseFilter(string text, ScimContext scim)
    {
        if (text.Length > scim.Options.MaxFilterLength)
        {
            throw ScimException.InvalidFilter($"The filter is longer than the maximum of {scim.Options.MaxFilterLength} characters.");
        }

        var filter = ScimFilterParser.Parse(text, scim.Options.MaxFilterDepth);
        var cloudflareShape = filter is ComparisonFilter { Operator: ComparisonOperator.Eq, Value.Kind: FilterValueKind.String, Path.SubAttribute: null } comparison
            && IsCoreUserName(comparison);
        if (scim.Profile == ScimProfile.Cloudflare && !cloudflareShape)
        {
            throw ScimException.InvalidFilter($"Cloudflare supports only filter=userName eq \"…\" on /Users; '{Truncate(text)}' is not supported (set Scim:Profile=Standard for the full filter language).");
        }

        return filter;
    }

    private static bool IsCoreUserName(ComparisonFilter filter) =>
        string.Equals(filter.Path.Name, "userName", StringComparison.OrdinalIgnoreCase) &&
        (filter.Path.SchemaUri is null || string.Equals(filter.Path.SchemaUri, ScimProvisioning.Scim.ScimSchemaUris.User, StringComparison.OrdinalIgnoreCase));

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

    internal static string Truncate(string text) => text.Length <= 100 ? text : text[..100] + "…";
}
