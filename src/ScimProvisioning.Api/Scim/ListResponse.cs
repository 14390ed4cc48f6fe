using System.Text.Json.Nodes;
using ScimProvisioning.Scim;

namespace ScimProvisioning.Api.Scim;

/// <summary>RFC 7644 §3.4.2 ListResponse; <c>Resources</c> is present even when empty.</summary>
public static class ListResponse
{
    public static JsonObject Create(IEnumerable<JsonObject> resources, int totalResults, int startIndex)
    {
        var items = new JsonArray(resources.Select(r => (JsonNode)r).ToArray());
        return new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemaUris.ListResponse),
            ["totalResults"] = totalResults,
            ["startIndex"] = startIndex,
            ["itemsPerPage"] = items.Count,
            ["Resources"] = items,
        };
    }
}
