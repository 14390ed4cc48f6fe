using System.Text.Json;
using System.Text.Json.Nodes;
using ScimProvisioning.Scim.Filtering;

namespace ScimProvisioning.Scim.Serialization;

/// <summary>Reads a string member of a JSON object, matching the name case-insensitively (RFC 7643 §2.1).</summary>
public static class JsonText
{
    public static string? Of(JsonNode? node, string name) =>
        node is JsonObject obj && JsonFilterEvaluator.Get(obj, name) is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : null;
}
