using System.Text.Json;
using System.Text.Json.Nodes;
using ScimProvisioning.Domain.Groups;
using ScimProvisioning.Scim.Errors;
using ScimProvisioning.Scim.Filtering;
using ScimProvisioning.Scim.Patching;
using ScimProvisioning.Scim.Schemas;
using ScimProvisioning.Scim.Serialization;

namespace ScimProvisioning.Api.Scim.Groups;

/// <summary>Reads SCIM <c>members</c> values and PATCH operations on them as the domain's membership changes.</summary>
public static class GroupMembers
{
    /// <summary>Turns a deferred PATCH of <c>members</c> into a set-based membership change.</summary>
    public static MembershipChange ToMembershipChange(DeferredPatch patch)
    {
        if (patch.SubAttribute is not null)
        {
            throw ScimException.InvalidPath($"members.{patch.SubAttribute} cannot be patched; add or remove members by value.");
        }

        return patch.Op switch
        {
            PatchOp.Add when patch.ValueFilter is null => new AddMembers(Ids(patch.Value)),
            // members[value eq "u"] (Okta, Entra, authentik) names the member: removed by key, whatever the group's size.
            PatchOp.Remove when IsSingleMember(patch.ValueFilter, out var member) => new RemoveMembers([member]),
            PatchOp.Remove when patch.ValueFilter is not null => new RemoveMatchingMembers(
                ScimFilterTranslator.ToPredicate(patch.ValueFilter, GroupQueryMaps.Member)
            ),
            // remove with a value list removes only the listed members (Entra's default shape), never all of them.
            PatchOp.Remove when patch.Value is not null and not JsonArray { Count: 0 } => new RemoveMembers(Ids(patch.Value)),
            PatchOp.Remove => new RemoveAllMembers(),
            PatchOp.Replace when patch.ValueFilter is null => new ReplaceMembers(Ids(patch.Value)),
            _ => throw ScimException.InvalidPath(
                "members with a value filter can only be removed; use add or remove to change membership."
            ),
        };
    }

    /// <summary>
    /// The <c>value</c> of each member entry, each entry checked against the schema's <c>members</c> (a wrong-typed
    /// sub-attribute is refused, never dropped). In a PATCH a bare string is read as the member id itself.
    /// </summary>
    public static IReadOnlyList<string> Ids(JsonNode? value)
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
            member?["value"]?.GetValue<string>()
            ?? throw ScimException.InvalidValue("A member entry of 'members' needs a 'value' naming a user id.");
    }

    private static bool IsSingleMember(FilterNode? filter, out string userId)
    {
        if (
            filter
                is ComparisonFilter
                {
                    Operator: ComparisonOperator.Eq,
                    Value.Kind: FilterValueKind.String,
                    Path: { Name: var name, SubAttribute: null }
                } single
            && string.Equals(name, "value", StringComparison.OrdinalIgnoreCase)
        )
        {
            userId = single.Value!.Text!;
            return true;
        }

        userId = "";
        return false;
    }
}
