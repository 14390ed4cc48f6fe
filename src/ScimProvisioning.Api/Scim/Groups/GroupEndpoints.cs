using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Api.Auth;
using ScimProvisioning.Domain;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Groups;
using ScimProvisioning.Domain.Persistence;
using ScimProvisioning.Scim;
using ScimProvisioning.Scim.Errors;
using ScimProvisioning.Scim.Filtering;
using ScimProvisioning.Scim.Patching;
using ScimProvisioning.Scim.Schemas;
using ScimProvisioning.Scim.Serialization;

namespace ScimProvisioning.Api.Scim.Groups;

/// <summary>/Groups (RFC 7644 §3; Cloudflare's /scim/v2/Groups): system groups and SCIM-managed user groups.</summary>
public static class GroupEndpoints
{
    private static readonly HashSet<string> Deferred = new(StringComparer.OrdinalIgnoreCase) { "members" };

    public static RouteGroupBuilder MapScimGroups(this RouteGroupBuilder scim)
    {
        var groups = scim.MapGroup("/Groups").WithTags("SCIM Groups");
        groups.MapGet("", ListGroups).RequireAuthorization(Policies.ScimRead)
            .WithName("ListScimGroups").WithSummary("List or filter groups (system groups and user groups); entries carry no members");
        groups.MapGet("/{id}", GetGroup).RequireAuthorization(Policies.ScimRead)
            .WithName("GetScimGroup").WithSummary("Get one group with its members ([] when empty)");
        groups.MapPost("", CreateGroup).RequireAuthorization(Policies.ScimWrite)
            .WithName("CreateScimGroup").WithSummary("Push a group: creates a SCIM-managed user group, or adopts an unmanaged one of the same name")
            .WithMetadata(new ScimRequestBody("Group"));
        groups.MapPut("/{id}", ReplaceGroup).RequireAuthorization(Policies.ScimWrite)
            .WithName("ReplaceScimGroup").WithSummary("Replace a group's name, externalId and members")
            .WithMetadata(new ScimRequestBody("Group"));
        groups.MapPatch("/{id}", PatchGroup).RequireAuthorization(Policies.ScimWrite)
            .WithName("PatchScimGroup").WithSummary("Change a group; 204 unless attributes are asked for")
            .WithMetadata(new ScimRequestBody("Group"));
        groups.MapDelete("/{id}", DeleteGroup).RequireAuthorization(Policies.ScimWrite)
            .WithName("DeleteScimGroup").WithSummary("Delete a user group and its policies (system groups cannot be deleted)");
        return groups;
    }

    private static async Task<ScimJsonResult> ListGroups([AsParameters] ScimListQuery query, ScimContext scim, ScimDbContext db)
    {
        var request = query.ToRequest(scim);
        var page = await SearchAsync(request, scim, db);
        return new ScimJsonResult(ListResponse.Create(page.Items, page.Total, request.StartIndex, request.UsesCursor, page.NextCursor));
    }

    /// <summary>A filtered, sorted page of groups (never with members): GET /Groups, POST /Groups/.search, root search.</summary>
    internal static async Task<ListPage<JsonObject>> SearchAsync(ListRequest request, ScimContext scim, ScimDbContext db)
    {
        var groups = db.UserGroups.AsNoTracking().Where(g => g.AccountId == scim.AccountId);
        if (request.Filter is not null)
        {
            var filter = ScimFilters.Parse(request.Filter, scim, ScimSchemaUris.Group, "displayName", "/Groups");
            groups = groups.Where(ScimFilterTranslator.ToPredicate(filter, GroupQueryMaps.Group));
        }

        var page = await ScimQueries.PageAsync(groups, g => g.Key, request, GroupQueryMaps.Group, q => q, scim.Aborted, $"groups|{scim.AccountId}");
        var resources = page.Items.Select(g => ScimDocument.Project(GroupResourceMapper.ToResource(g, scim.Profile, scim.BaseUrl, null), CoreSchemas.GroupResource, request.Attributes, request.ExcludedAttributes)).ToList();
        return new ListPage<JsonObject>(page.Total, resources, page.NextCursor);
    }

    private static async Task<IResult> GetGroup(string id, HttpRequest http, [AsParameters] ScimSingleQuery query, ScimContext scim, GroupProvisioning provisioning, ScimDbContext db)
    {
        var group = await FindAsync(provisioning, scim, id);
        if (ScimETags.IsNotModified(http, scim.Profile, group.Version))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        if (query.Attributes is null && query.ExcludedAttributes is null)
        {
            return new StreamedGroupResult(group, scim.Profile, scim.BaseUrl, db,
                scim.Profile == Configuration.ScimProfile.Standard ? ScimETags.Format(group.Version) : null);
        }

        return await RespondAsync(group, query, scim, db, StatusCodes.Status200OK);
    }

    private static async Task<ScimJsonResult> CreateGroup(HttpRequest request, [AsParameters] ScimSingleQuery query, ScimContext scim, GroupProvisioning provisioning, ScimDbContext db) =>
        await CreateAsync(await ScimWrite.ReadAsync(request, scim, query), scim, provisioning, db);

    private static async Task<ScimJsonResult> ReplaceGroup(string id, HttpRequest request, [AsParameters] ScimSingleQuery query, ScimContext scim, GroupProvisioning provisioning, ScimDbContext db) =>
        await ReplaceAsync(id, await ScimWrite.ReadAsync(request, scim, query), scim, provisioning, db);

    private static async Task<IResult> PatchGroup(string id, HttpRequest request, [AsParameters] ScimSingleQuery query, ScimContext scim, GroupProvisioning provisioning, ScimDbContext db) =>
        await PatchAsync(id, await ScimWrite.ReadAsync(request, scim, query), scim, provisioning, db);

    private static async Task<IResult> DeleteGroup(string id, HttpRequest request, ScimContext scim, GroupProvisioning provisioning) =>
        await DeleteAsync(id, await ScimWrite.ReadAsync(request, scim, new ScimSingleQuery(null, null), hasBody: false), scim, provisioning);

    internal static async Task<ScimJsonResult> CreateAsync(ScimWrite write, ScimContext scim, GroupProvisioning provisioning, ScimDbContext db)
    {
        var document = ScimDocument.Canonicalize(CoreSchemas.GroupResource, write.Body);
        var result = await provisioning.CreateFromScimAsync(scim.Actor, scim.AccountId, Text(document, "displayName") ?? "", Text(document, "externalId"),
            MemberIds(document["members"]), scim.Aborted);
        var response = await RespondAsync(result.Group, write.Query, scim, db, StatusCodes.Status201Created);
        return new ScimJsonResult(response.Body, StatusCodes.Status201Created, $"{scim.BaseUrl}/Groups/{result.Group.Id}", response.ETag);
    }

    internal static async Task<ScimJsonResult> ReplaceAsync(string id, ScimWrite write, ScimContext scim, GroupProvisioning provisioning, ScimDbContext db)
    {
        var group = await FindAsync(provisioning, scim, id);
        ScimETags.CheckIfMatch(write.IfMatch, scim.Profile, group.Version);
        var document = ScimDocument.Canonicalize(CoreSchemas.GroupResource, write.Body);
        var update = new GroupUpdate(Text(document, "displayName") ?? "", true, Text(document, "externalId"), [new ReplaceMembers(MemberIds(document["members"]))]);
        await provisioning.UpdateFromScimAsync(scim.Actor, group, update, AuditActions.UpdateScimGroup, scim.Aborted);
        return await RespondAsync(group, write.Query, scim, db, StatusCodes.Status200OK);
    }

    internal static async Task<IResult> PatchAsync(string id, ScimWrite write, ScimContext scim, GroupProvisioning provisioning, ScimDbContext db)
    {
        var group = await FindAsync(provisioning, scim, id);
        ScimETags.CheckIfMatch(write.IfMatch, scim.Profile, group.Version);
        var operations = PatchOperation.ReadRequest(write.Body, scim.Options.MaxPatchOperations);
        var document = GroupResourceMapper.ToDocument(group);
        var deferred = new ScimPatchEngine(CoreSchemas.GroupResource, Deferred).Apply(document, operations);
        var update = new GroupUpdate(Text(document, "displayName") ?? "", true, Text(document, "externalId"), deferred.Select(ToMembershipChange).ToList());
        await provisioning.UpdateFromScimAsync(scim.Actor, group, update, AuditActions.UpdateScimGroup, scim.Aborted);

        // Standard: 204, as Entra recommends, which keeps large groups cheap; a client asking for attributes gets them.
        // Cloudflare's OpenAPI declares 200 with the group: it streams, as a full GET does.
        if (write.Query.Attributes is null && write.Query.ExcludedAttributes is null)
        {
            return scim.Profile == Configuration.ScimProfile.Cloudflare
                ? new StreamedGroupResult(group, scim.Profile, scim.BaseUrl, db, null)
                : TypedResults.NoContent();
        }

        return await RespondAsync(group, write.Query, scim, db, StatusCodes.Status200OK);
    }

    internal static async Task<IResult> DeleteAsync(string id, ScimWrite write, ScimContext scim, GroupProvisioning provisioning)
    {
        var group = await FindAsync(provisioning, scim, id);
        ScimETags.CheckIfMatch(write.IfMatch, scim.Profile, group.Version);
        await provisioning.DeleteFromScimAsync(scim.Actor, group, scim.Aborted);
        return TypedResults.NoContent();
    }

    /// <summary>Turns a deferred PATCH of <c>members</c> into a set-based membership change.</summary>
    private static MembershipChange ToMembershipChange(DeferredPatch patch)
    {
        if (patch.SubAttribute is not null)
        {
            throw ScimException.InvalidPath($"members.{patch.SubAttribute} cannot be patched; add or remove members by value.");
        }

        return patch.Op switch
        {
            PatchOp.Add when patch.ValueFilter is null => new AddMembers(MemberIds(patch.Value)),
            // members[value eq "u"] (Okta, Entra, authentik) names the member: removed by key, whatever the group's size.
            PatchOp.Remove when patch.ValueFilter is ComparisonFilter { Operator: ComparisonOperator.Eq, Value.Kind: FilterValueKind.String, Path: { Name: var name, SubAttribute: null } } single
                && string.Equals(name, "value", StringComparison.OrdinalIgnoreCase) => new RemoveMembers([single.Value!.Text!]),
            PatchOp.Remove when patch.ValueFilter is not null => new RemoveMatchingMembers(ScimFilterTranslator.ToPredicate(patch.ValueFilter, GroupQueryMaps.Member)),
            // remove with a value list removes only the listed members (Entra's default shape), never all of them.
            PatchOp.Remove when patch.Value is not null and not JsonArray { Count: 0 } => new RemoveMembers(MemberIds(patch.Value)),
            PatchOp.Remove => new RemoveAllMembers(),
            PatchOp.Replace when patch.ValueFilter is null => new ReplaceMembers(MemberIds(patch.Value)),
            _ => throw ScimException.InvalidPath("members with a value filter can only be removed; use add or remove to change membership."),
        };
    }

    /// <summary>
    /// The <c>value</c> of each member entry, each entry checked against the schema's <c>members</c> (a wrong-typed
    /// sub-attribute is refused, never dropped). In a PATCH a bare string is read as the member id itself.
    /// </summary>
    private static IReadOnlyList<string> MemberIds(JsonNode? value)
    {
        var items = value switch
        {
            null => [],
            JsonArray array => array.ToList(),
            _ => [value],
        };
        var members = CoreSchemas.Group.FindAttribute("members")!;
        var ids = new List<string>(items.Count);
        foreach (var item in items)
        {
            var id = item switch
            {
                JsonObject member => Value(ScimValueCoercion.Coerce(members, member, asSingleValue: true) as JsonObject),
                JsonValue scalar when scalar.GetValueKind() == JsonValueKind.String => scalar.GetValue<string>(),
                null => null,
                _ => throw ScimException.InvalidValue("Attribute 'members' takes member objects with a 'value' naming a user id."),
            };
            if (id is not null)
            {
                ids.Add(id);
            }
        }

        return ids;

        static string Value(JsonObject? member) =>
            member?["value"]?.GetValue<string>() ?? throw ScimException.InvalidValue("A member entry of 'members' needs a 'value' naming a user id.");
    }

    private static async Task<ScimJsonResult> RespondAsync(UserGroup group, ScimSingleQuery query, ScimContext scim, ScimDbContext db, int status)
    {
        var attributes = ScimDocument.ParseAttributeList(query.Attributes);
        var excluded = ScimDocument.ParseAttributeList(query.ExcludedAttributes);
        var wantsMembers = attributes.Count > 0
            ? attributes.Any(a => string.Equals(a.Name, "members", StringComparison.OrdinalIgnoreCase))
            : !excluded.Any(a => string.Equals(a.Name, "members", StringComparison.OrdinalIgnoreCase) && a.SubAttribute is null);
        List<GroupMemberView>? members = null;
        if (wantsMembers)
        {
            members = await db.UserGroupMembers.AsNoTracking().Where(m => m.UserGroupKey == group.Key)
                .OrderBy(m => m.UserKey)
                .Select(m => new GroupMemberView(m.User.Id, m.User.UserName))
                .ToListAsync(scim.Aborted);
        }

        var resource = GroupResourceMapper.ToResource(group, scim.Profile, scim.BaseUrl, members);
        return new ScimJsonResult(ScimDocument.Project(resource, CoreSchemas.GroupResource, attributes, excluded), status, null,
            scim.Profile == Configuration.ScimProfile.Standard ? ScimETags.Format(group.Version) : null);
    }

    private static async Task<UserGroup> FindAsync(GroupProvisioning provisioning, ScimContext scim, string id) =>
        (id.Length <= 64 ? await provisioning.FindAsync(scim.AccountId, id, scim.Aborted) : null)
        ?? throw ScimException.NotFound($"Group '{ScimFilters.Truncate(id)}' not found.");

    private static string? Text(JsonObject document, string name) => JsonText.Of(document, name);
}
