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

    /// <summary>
    /// The UTF-8 JSON of <see cref="Create(IEnumerable{JsonObject}, int, int)"/> for one resource already rendered
    /// (<see cref="ScimJsonResult.Render"/>), written the same way without parsing it again.
    /// </summary>
    public static byte[] RenderSingle(byte[] resource, int startIndex)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(resource.Length + 160);
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("schemas");
            writer.WriteStringValue(ScimSchemaUris.ListResponse);
            writer.WriteEndArray();
            writer.WriteNumber("totalResults", 1);
            writer.WriteNumber("startIndex", startIndex);
            writer.WriteNumber("itemsPerPage", 1);
            writer.WritePropertyName("Resources");
            writer.WriteStartArray();
            writer.WriteRawValue(resource, skipInputValidation: true);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
