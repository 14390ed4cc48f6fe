using System.Text.Json.Nodes;
using ScimProvisioning.Api.Scim.Profiles;
using ScimProvisioning.Api.Scim.Users;
using ScimProvisioning.Domain.Groups;
using ScimProvisioning.Scim;

namespace ScimProvisioning.Api.Scim.Groups;

/// <summary>A group member as the SCIM document shows it.</summary>
public sealed record GroupMemberView(string UserId, string UserName);

/// <summary>Translates between the UserGroup entity and its SCIM Group document.</summary>
public static class GroupResourceMapper
{
    /// <summary>The attributes the PATCH engine edits in place; members are applied set-based by the domain.</summary>
    public static JsonObject ToDocument(UserGroup group)
    {
        var document = new JsonObject { ["schemas"] = new JsonArray(ScimSchemaUris.Group), ["id"] = group.Id };
        if (group.ExternalId is not null)
        {
            document["externalId"] = group.ExternalId;
        }

        document["displayName"] = group.Name;
        return document;
    }

    /// <param name="members">Null when members were not asked for (lists, <c>excludedAttributes=members</c>).</param>
    public static JsonObject ToResource(UserGroup group, IScimProfile profile, string baseUrl, IEnumerable<GroupMemberView>? members)
    {
        var resource = ToDocument(group);
        if (members is not null)
        {
            // Always present on a single read, [] when empty: authentik computes no additions without the key.
            resource["members"] = new JsonArray(
                members
                    .Select(m =>
                    {
                        var member = new JsonObject { ["value"] = m.UserId, ["display"] = m.UserName };
                        if (profile.LinksGroupMembers)
                        {
                            member["$ref"] = $"{baseUrl}/Users/{m.UserId}";
                            member["type"] = "User";
                        }

                        return (JsonNode)member;
                    })
                    .ToArray()
            );
        }

        var meta = new JsonObject
        {
            ["resourceType"] = "Group",
            ["created"] = UserResourceMapper.Timestamp(group.Created),
            ["lastModified"] = UserResourceMapper.Timestamp(group.LastModified),
            ["location"] = $"{baseUrl}/Groups/{group.Id}",
        };
        if (ScimETags.Of(profile, group.Version) is { } version)
        {
            meta["version"] = version;
        }

        resource["meta"] = meta;
        return resource;
    }
}
