using System.Text.Json;
using System.Text.Json.Nodes;
using ScimProvisioning.Scim.Errors;
using ScimProvisioning.Scim.Filtering;
using ScimProvisioning.Scim.Schemas;

namespace ScimProvisioning.Scim.Serialization;

/// <summary>
/// Reading and shaping whole resource documents: the canonical form of a POST/PUT body, and the
/// <c>attributes</c>/<c>excludedAttributes</c> projection of RFC 7644 §3.4.2.5 on responses.
/// </summary>
public static class ScimDocument
{
    /// <summary>
    /// A client's resource body in canonical form: attribute names as the schema spells them, values coerced,
    /// extension attributes under their URN, and read-only (<c>id</c>, <c>meta</c>, <c>groups</c>), unknown and null
    /// attributes dropped — IdPs send all of those (Entra's <c>roles: []</c> and nulls, Okta's <c>meta</c>).
    /// </summary>
    public static JsonObject Canonicalize(ScimResourceType resourceType, JsonNode? body)
    {
        if (body is not JsonObject source)
        {
            throw ScimException.InvalidSyntax($"The request body must be a JSON object describing a {resourceType.Name}.");
        }

        var result = new JsonObject();
        foreach (var (key, value) in source)
        {
            var extension = resourceType.Extensions.FirstOrDefault(e => string.Equals(e.Id, key, StringComparison.OrdinalIgnoreCase));
            if (extension is not null)
            {
                if (value is JsonObject extensionValues)
                {
                    var canonical = CanonicalizeAttributes(extension, extensionValues);
                    if (canonical.Count > 0)
                    {
                        Merge(result, extension.Id, canonical);
                    }
                }
                else if (value is not null)
                {
                    throw ScimException.InvalidValue($"'{extension.Id}' must be a JSON object holding that schema's attributes.");
                }

                continue;
            }

            // URN-qualified core or extension attribute at top level ("urn:…:enterprise:2.0:User:department").
            var path = AttributePath.TryParse(key);
            if (path?.SchemaUri is not null && path.SubAttribute is null)
            {
                var schema = resourceType.FindSchema(path.SchemaUri);
                if (schema is not null && Writable(resourceType.FindAttribute(schema, path.Name)) is { } qualified)
                {
                    var coerced = ScimValueCoercion.Coerce(qualified, value);
                    if (coerced is not null)
                    {
                        if (schema == resourceType.Schema)
                        {
                            result[qualified.Name] = coerced;
                        }
                        else
                        {
                            Merge(result, schema.Id, new JsonObject { [qualified.Name] = coerced });
                        }
                    }
                }

                continue;
            }

            if (Writable(resourceType.FindAttribute(resourceType.Schema, key)) is { } attribute)
            {
                var coerced = ScimValueCoercion.Coerce(attribute, value);
                if (coerced is not null)
                {
                    result[attribute.Name] = coerced;
                }
            }
        }

        EnsureOnePrimary(resourceType.Schema, result);
        return result;
    }

    /// <summary>"primary": true may appear at most once per multi-valued attribute (RFC 7643 §2.4).</summary>
    private static void EnsureOnePrimary(ScimSchema schema, JsonObject document)
    {
        foreach (var attribute in schema.Attributes.Where(a => a.MultiValued && a.FindSubAttribute("primary") is not null))
        {
            if (
                document[attribute.Name] is JsonArray values
                && values.Count(v =>
                    v is JsonObject o && o["primary"] is JsonValue p && p.GetValueKind() == System.Text.Json.JsonValueKind.True
                ) > 1
            )
            {
                throw ScimException.InvalidValue($"At most one value of '{attribute.Name}' may be primary.");
            }
        }
    }

    private static ScimAttribute? Writable(ScimAttribute? attribute) =>
        attribute is null || attribute.Mutability == Mutability.ReadOnly ? null : attribute;

    private static JsonObject CanonicalizeAttributes(ScimSchema schema, JsonObject values)
    {
        var result = new JsonObject();
        foreach (var (key, value) in values)
        {
            if (Writable(schema.FindAttribute(key)) is { } attribute && ScimValueCoercion.Coerce(attribute, value) is { } coerced)
            {
                result[attribute.Name] = coerced;
            }
        }

        return result;
    }

    private static void Merge(JsonObject result, string key, JsonObject values)
    {
        if (result[key] is not JsonObject target)
        {
            target = [];
            result[key] = target;
        }

        foreach (var (name, value) in values)
        {
            target[name] = value?.DeepClone();
        }
    }

    /// <summary>Parses a comma-separated <c>attributes</c> / <c>excludedAttributes</c> list.</summary>
    public static IReadOnlyList<AttributePath> ParseAttributeList(string? list)
    {
        if (string.IsNullOrWhiteSpace(list))
        {
            return [];
        }

        var paths = new List<AttributePath>();
        foreach (var item in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var text = item;
            var bracket = text.IndexOf('[', StringComparison.Ordinal);
            if (bracket > 0)
            {
                text = text[..bracket]; // attributes=emails[type eq "work"] selects the attribute (Postman collection)
            }

            paths.Add(
                AttributePath.TryParse(text)
                    ?? throw ScimException.InvalidValue($"'{item}' is not a valid attribute name in attributes/excludedAttributes.")
            );
        }

        return paths;
    }

    /// <summary>
    /// Applies <c>attributes</c> (keep only these, plus <c>id</c> and <c>schemas</c>, which are always returned) or
    /// else <c>excludedAttributes</c> (drop these; <c>id</c> and <c>schemas</c> cannot be excluded).
    /// </summary>
    public static JsonObject Project(
        JsonObject resource,
        ScimResourceType resourceType,
        IReadOnlyList<AttributePath> attributes,
        IReadOnlyList<AttributePath> excluded
    )
    {
        if (attributes.Count > 0)
        {
            var projected = new JsonObject();
            foreach (var (key, value) in resource)
            {
                if (key is "schemas" or "id")
                {
                    projected[key] = value?.DeepClone();
                    continue;
                }

                var extension = resourceType.FindSchema(key);
                if (extension is not null && value is JsonObject extensionValues)
                {
                    var kept = new JsonObject();
                    foreach (var (name, item) in extensionValues)
                    {
                        var selected = Select(attributes, extension.Id, name);
                        if (selected is not null)
                        {
                            kept[name] = Narrow(item, selected);
                        }
                    }

                    if (
                        kept.Count > 0
                        || attributes.Any(a => string.Equals(a.ToString(), extension.Id, StringComparison.OrdinalIgnoreCase))
                    )
                    {
                        projected[key] = kept.Count > 0 ? kept : value.DeepClone();
                    }

                    continue;
                }

                var match = Select(attributes, resourceType.Schema.Id, key);
                if (match is not null)
                {
                    projected[key] = Narrow(value, match);
                }
            }

            return projected;
        }

        if (excluded.Count == 0)
        {
            return resource;
        }

        var result = (JsonObject)resource.DeepClone();
        foreach (var path in excluded)
        {
            var container =
                path.SchemaUri is null || string.Equals(path.SchemaUri, resourceType.Schema.Id, StringComparison.OrdinalIgnoreCase)
                    ? result
                    : result[resourceType.FindSchema(path.SchemaUri)?.Id ?? ""] as JsonObject;
            if (container is null || path.Name is "id" or "schemas")
            {
                continue;
            }

            var key = container.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, path.Name, StringComparison.OrdinalIgnoreCase));
            if (key is null)
            {
                continue;
            }

            if (path.SubAttribute is null)
            {
                container.Remove(key);
            }
            else
            {
                foreach (
                    var obj in container[key] is JsonArray array ? array.OfType<JsonObject>()
                    : container[key] is JsonObject single ? [single]
                    : []
                )
                {
                    var sub = obj.Select(p => p.Key)
                        .FirstOrDefault(k => string.Equals(k, path.SubAttribute, StringComparison.OrdinalIgnoreCase));
                    if (sub is not null)
                    {
                        obj.Remove(sub);
                    }
                }
            }
        }

        return result;
    }

    /// <summary>The requested paths that select <paramref name="name"/> of schema <paramref name="schemaId"/>; empty sub list = whole
    /// attribute.</summary>
    private static List<string>? Select(IReadOnlyList<AttributePath> attributes, string schemaId, string name)
    {
        List<string>? subs = null;
        var whole = false;
        foreach (var path in attributes)
        {
            var schemaMatches = path.SchemaUri is null ? true : string.Equals(path.SchemaUri, schemaId, StringComparison.OrdinalIgnoreCase);
            if (!schemaMatches || !string.Equals(path.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (path.SubAttribute is null)
            {
                whole = true;
            }
            else
            {
                (subs ??= []).Add(path.SubAttribute);
            }
        }

        return whole ? [] : subs;
    }

    private static JsonNode? Narrow(JsonNode? value, List<string> subs)
    {
        if (subs.Count == 0 || value is null)
        {
            return value?.DeepClone();
        }

        JsonObject Keep(JsonObject obj)
        {
            var kept = new JsonObject();
            foreach (var (k, v) in obj)
            {
                if (subs.Contains(k, StringComparer.OrdinalIgnoreCase))
                {
                    kept[k] = v?.DeepClone();
                }
            }

            return kept;
        }

        return value switch
        {
            JsonArray array => new JsonArray(array.OfType<JsonObject>().Select(o => (JsonNode)Keep(o)).ToArray()),
            JsonObject obj => Keep(obj),
            _ => value.DeepClone(),
        };
    }

    /// <summary>Parses JSON text strictly: one document, duplicate keys refused, bounded depth, valid UTF-8.</summary>
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8, int maxDepth = 64)
    {
        // System.Text.Json checks the UTF-8 of a string only when it is read, long after parsing: check it all first.
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
        {
            throw ScimException.InvalidSyntax("The request body is not valid UTF-8.");
        }

        try
        {
            return JsonNode.Parse(utf8, documentOptions: new JsonDocumentOptions { MaxDepth = maxDepth, AllowDuplicateProperties = false });
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            var where = e is JsonException { LineNumber: not null } json
                ? $" (line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1})"
                : "";
            throw ScimException.InvalidSyntax(
                $"The request body is not valid JSON{where}: it must be one well-formed UTF-8 JSON document without duplicate property "
                    + $"names."
            );
        }
    }
}
