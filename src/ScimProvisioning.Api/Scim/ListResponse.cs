using System.Text.Json.Nodes;
using ScimProvisioning.Scim;

namespace ScimProvisioning.Api.Scim;

/// <summary>RFC 7644 §3.4.2 ListResponse; <c>Resources</c> is present even when empty.</summary>
public static class ListResponse
{
    public static JsonObject Create(IEnumerable<JsonObject> resources, int totalResults, int startIndex) =>
        Create(resources, totalResults, startIndex, usesCursor: false, nextCursor: null);

    /// <summary>With cursor paging (RFC 9865) there is no startIndex, and <c>nextCursor</c> names the next page.</summary>
    public static JsonObject Create(
        IEnumerable<JsonObject> resources,
        int totalResults,
        int startIndex,
        bool usesCursor,
        string? nextCursor
    )
    {
        var items = new JsonArray(resources.Select(r => (JsonNode)r).ToArray());
        var list = new JsonObject { ["schemas"] = new JsonArray(ScimSchemaUris.ListResponse), ["totalResults"] = totalResults };
        if (!usesCursor)
        {
            list["startIndex"] = startIndex;
        }

        list["itemsPerPage"] = items.Count;
        if (nextCursor is not null)
        {
            list["nextCursor"] = nextCursor;
        }

        list["Resources"] = items;
        return list;
    }
}
