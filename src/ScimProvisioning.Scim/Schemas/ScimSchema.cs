using System.Text.Json.Nodes;

namespace ScimProvisioning.Scim.Schemas;

/// <summary>A schema of RFC 7643 §7: a URN and its attributes.</summary>
public sealed record ScimSchema(string Id, string Name, string Description, IReadOnlyList<ScimAttribute> Attributes)
{
    public ScimAttribute? FindAttribute(string name) =>
        Attributes.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));

    public JsonObject ToJson(string location) =>
        new()
        {
            ["schemas"] = new JsonArray(ScimSchemaUris.Schema),
            ["id"] = Id,
            ["name"] = Name,
            ["description"] = Description,
            ["attributes"] = new JsonArray(Attributes.Select(a => (JsonNode)a.ToJson()).ToArray()),
            ["meta"] = new JsonObject { ["resourceType"] = "Schema", ["location"] = location },
        };
}

/// <summary>A resource type of RFC 7643 §6: its core schema and the extensions it may carry.</summary>
public sealed record ScimResourceType(
    string Name,
    string Endpoint,
    string Description,
    ScimSchema Schema,
    IReadOnlyList<ScimSchema> Extensions
)
{
    public IEnumerable<ScimSchema> AllSchemas => Extensions.Prepend(Schema);

    /// <summary>id, externalId and meta belong to every resource without being part of its schema (RFC 7643 §3.1).</summary>
    public static IReadOnlyList<ScimAttribute> CommonAttributes { get; } = [CoreSchemas.Id, CoreSchemas.ExternalId, CoreSchemas.Meta];

    /// <summary>An attribute of <paramref name="schema"/>; for the core schema, the common attributes too.</summary>
    public ScimAttribute? FindAttribute(ScimSchema schema, string name) =>
        schema.FindAttribute(name)
        ?? (
            schema == Schema ? CommonAttributes.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase)) : null
        );

    public ScimSchema? FindSchema(string uri) =>
        AllSchemas.FirstOrDefault(s => string.Equals(s.Id, uri, StringComparison.OrdinalIgnoreCase));

    public JsonObject ToJson(string location) =>
        new()
        {
            ["schemas"] = new JsonArray(ScimSchemaUris.ResourceType),
            ["id"] = Name,
            ["name"] = Name,
            ["endpoint"] = Endpoint,
            ["description"] = Description,
            ["schema"] = Schema.Id,
            ["schemaExtensions"] = new JsonArray(
                Extensions.Select(e => (JsonNode)new JsonObject { ["schema"] = e.Id, ["required"] = false }).ToArray()
            ),
            ["meta"] = new JsonObject { ["resourceType"] = "ResourceType", ["location"] = location },
        };
}
