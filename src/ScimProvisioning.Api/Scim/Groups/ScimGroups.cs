using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Groups;
using ScimProvisioning.Domain.Persistence;
using ScimProvisioning.Scim.Errors;
using ScimProvisioning.Scim.Filtering;
using ScimProvisioning.Scim.Patching;
using ScimProvisioning.Scim.Schemas;
using ScimProvisioning.Scim.Serialization;

namespace ScimProvisioning.Api.Scim.Groups;

/// <summary>
/// The SCIM group application service: one method per read or write of /Groups, shared by the endpoints and /Bulk.
/// It turns the request into a <see cref="GroupUpdate"/> (members as set-based changes), hands it to
/// <see cref="GroupProvisioning"/> (the rules, the guard and the commit) and returns a typed outcome.
/// </summary>
public sealed class ScimGroups(ScimContext scim, GroupProvisioning provisioning, ScimDbContext db)
{
    private static readonly HashSet<string> Deferred = new(StringComparer.OrdinalIgnoreCase) { "members" };

    /// <summary>A filtered, sorted page of groups (never with members): GET /Groups, POST /Groups/.search, root search.</summary>
    public async Task<ListPage<JsonObject>> SearchAsync(ListRequest request)
    {
        var groups = db.UserGroups.AsNoTracking().Where(g => g.AccountId == scim.AccountId);
        if (request.Filter is not null)
        {
            var filter = ScimFilters.Parse(request.Filter, scim, Profiles.FilterTarget.Groups);
            groups = groups.Where(ScimFilterTranslator.ToPredicate(filter, GroupQueryMaps.Group));
        }

        var page = await ScimQueries.PageAsync(
            groups,
            g => g.Key,
            request,
            GroupQueryMaps.Group,
            q => q,
            scim.Aborted,
            $"groups|{scim.AccountId}"
        );
        var resources = page
            .Items.Select(g =>
                ScimDocument.Project(
                    GroupResourceMapper.ToResource(g, scim.Profile, scim.BaseUrl, null),
                    CoreSchemas.GroupResource,
                    request.Attributes,
                    request.ExcludedAttributes
                )
            )
            .ToList();
        return new ListPage<JsonObject>(page.Total, resources, page.NextCursor);
    }

    /// <summary>The group, tracked so a write can change it; SCIM 404 when unknown.</summary>
    public async Task<UserGroup> GetAsync(string id) =>
        (id.Length <= 64 ? await provisioning.FindAsync(scim.AccountId, id, scim.Aborted) : null)
        ?? throw ScimException.NotFound($"Group '{ScimFilters.Truncate(id)}' not found.");

    public string? Version(UserGroup group) => ScimETags.Of(scim.Profile, group.Version);

    public string Location(UserGroup group) => $"{scim.BaseUrl}/Groups/{group.Id}";

    /// <summary>The group as the query asks to see it; members are read only when they are shown.</summary>
    public async Task<JsonObject> ResourceAsync(UserGroup group, ScimSingleQuery query)
    {
        var attributes = ScimDocument.ParseAttributeList(query.Attributes);
        var excluded = ScimDocument.ParseAttributeList(query.ExcludedAttributes);
        var wantsMembers =
            attributes.Count > 0
                ? attributes.Any(a => string.Equals(a.Name, "members", StringComparison.OrdinalIgnoreCase))
                : !excluded.Any(a => string.Equals(a.Name, "members", StringComparison.OrdinalIgnoreCase) && a.SubAttribute is null);
        List<GroupMemberView>? members = null;
        if (wantsMembers)
        {
            members = await db
                .UserGroupMembers.AsNoTracking()
                .Where(m => m.UserGroupKey == group.Key)
                .OrderBy(m => m.UserKey)
                .Select(m => new GroupMemberView(m.User.Id, m.User.UserName))
                .ToListAsync(scim.Aborted);
        }

        var resource = GroupResourceMapper.ToResource(group, scim.Profile, scim.BaseUrl, members);
        return ScimDocument.Project(resource, CoreSchemas.GroupResource, attributes, excluded);
    }

    public async Task<ScimWriteOutcome> CreateAsync(ScimWrite write)
    {
        var document = ScimDocument.Canonicalize(CoreSchemas.GroupResource, write.Body);
        scim.Recording?.Normalised(document);
        var result = await provisioning.CreateFromScimAsync(
            scim.Actor,
            scim.AccountId,
            Text(document, "displayName") ?? "",
            Text(document, "externalId"),
            GroupMembers.Ids(document["members"]),
            scim.Aborted
        );
        return await WrittenAsync(result, write.Query, StatusCodes.Status201Created);
    }

    public async Task<ScimWriteOutcome> ReplaceAsync(string id, ScimWrite write)
    {
        var group = await GetAsync(id);
        ScimETags.CheckIfMatch(write.IfMatch, scim.Profile, group.Version);
        var document = ScimDocument.Canonicalize(CoreSchemas.GroupResource, write.Body);
        scim.Recording?.Normalised(document);
        var update = new GroupUpdate(
            Text(document, "displayName") ?? "",
            true,
            Text(document, "externalId"),
            [new ReplaceMembers(GroupMembers.Ids(document["members"]))]
        );
        var result = await provisioning.UpdateFromScimAsync(scim.Actor, group, update, AuditActions.UpdateScimGroup, scim.Aborted);
        return await WrittenAsync(result, write.Query, StatusCodes.Status200OK);
    }

    /// <summary>
    /// Attributes are patched on the group's document; <c>members</c> operations are deferred by the PATCH engine and
    /// become set-based membership changes, so a PATCH costs what it names, whatever the group's size.
    /// </summary>
    public async Task<ScimWriteOutcome> PatchAsync(string id, ScimWrite write)
    {
        var group = await GetAsync(id);
        ScimETags.CheckIfMatch(write.IfMatch, scim.Profile, group.Version);
        var operations = PatchOperation.ReadRequest(write.Body, scim.Options.MaxPatchOperations);
        scim.Recording?.Normalised(operations);
        var document = GroupResourceMapper.ToDocument(group);
        var deferred = new ScimPatchEngine(CoreSchemas.GroupResource, Deferred).Apply(document, operations);
        var update = new GroupUpdate(
            Text(document, "displayName") ?? "",
            true,
            Text(document, "externalId"),
            deferred.Select(GroupMembers.ToMembershipChange).ToList()
        );
        var result = await provisioning.UpdateFromScimAsync(scim.Actor, group, update, AuditActions.UpdateScimGroup, scim.Aborted);
        if (write.Query.Attributes is not null || write.Query.ExcludedAttributes is not null)
        {
            return await WrittenAsync(result, write.Query, StatusCodes.Status200OK);
        }

        return scim.Profile.AnswersGroupPatchWithGroup
            ? new GroupToStream(group, Location(group), Version(group), result.Change)
            : new NoContentWritten(group.Id, Location(group), result.Change);
    }

    public async Task<ScimWriteOutcome> DeleteAsync(string id, ScimWrite write)
    {
        var group = await GetAsync(id);
        ScimETags.CheckIfMatch(write.IfMatch, scim.Profile, group.Version);
        var change = await provisioning.DeleteFromScimAsync(scim.Actor, group, scim.Aborted);
        return new NoContentWritten(group.Id, Location(group), change);
    }

    private async Task<ResourceWritten> WrittenAsync(GroupWriteResult result, ScimSingleQuery query, int status) =>
        new(
            await ResourceAsync(result.Group, query),
            status,
            result.Group.Id,
            Location(result.Group),
            Version(result.Group),
            result.Change
        );

    private static string? Text(JsonObject document, string name) => JsonText.Of(document, name);
}
