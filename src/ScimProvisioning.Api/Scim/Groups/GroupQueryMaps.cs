using ScimProvisioning.Domain.Groups;
using ScimProvisioning.Scim;
using ScimProvisioning.Scim.Filtering;

namespace ScimProvisioning.Api.Scim.Groups;

/// <summary>Which column each filterable Group attribute lives in.</summary>
public static class GroupQueryMaps
{
    /// <summary>A member of a group: <c>value</c> is the user's id, <c>display</c> its userName.</summary>
    public static ScimQueryMap<UserGroupMember> Member { get; } =
        new ScimQueryMap<UserGroupMember>(ScimSchemaUris.Group)
            .String("value", m => m.User.Id, caseExact: true)
            .String("display", m => m.User.UserName, foldedColumn: m => m.User.UserNameKey);

    public static ScimQueryMap<UserGroup> Group { get; } =
        new ScimQueryMap<UserGroup>(ScimSchemaUris.Group)
            .String("id", g => g.Id, caseExact: true)
            .String("externalId", g => g.ExternalId, caseExact: true)
            .String("displayName", g => g.Name, foldedColumn: g => g.NameKey)
            .String("meta.resourceType", g => "Group", caseExact: true)
            .DateTime("meta.created", g => g.Created)
            .DateTime("meta.lastModified", g => g.LastModified)
            .Collection("members", g => g.Members, Member);
}
