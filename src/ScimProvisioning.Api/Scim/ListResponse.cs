using System.Buffers;
using System.Text.Json;
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

    private static readonly byte[] SingleHeadAtOne = SingleHead(1);

    private static readonly byte[] SingleTail = "]}"u8.ToArray();

    /// <summary>
    /// The answer <see cref="Create(IEnumerable{JsonObject}, int, int)"/> gives for one resource already rendered
    /// (<see cref="ScimJsonResult.Render"/>): the same JSON, written around the resource without parsing or copying it.
    /// </summary>
    public static ScimJsonResult Single(byte[] resource, int startIndex) =>
        ScimJsonResult.FromRendered(startIndex == 1 ? SingleHeadAtOne : SingleHead(startIndex), resource, SingleTail);

    /// <summary>A one-resource list up to its resource, as <see cref="Create(IEnumerable{JsonObject}, int, int)"/> writes it.</summary>
    private static byte[] SingleHead(int startIndex)
    {
        var buffer = new ArrayBufferWriter<byte>(160);
        using (var writer = new Utf8JsonWriter(buffer))
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
        }

        return buffer.WrittenSpan.ToArray();
    }
}
