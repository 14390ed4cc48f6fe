using System.Text.Json;
using System.Text.Json.Nodes;
using ScimProvisioning.Scim.Errors;
using ScimProvisioning.Scim.Filtering;
using ScimProvisioning.Scim.Schemas;
using ScimProvisioning.Scim.Serialization;

namespace ScimProvisioning.Scim.Patching;

/// <summary>
/// An operation on an attribute the engine does not apply to the document itself (a group's <c>members</c>), handed
/// back to the caller in request order so it can be applied set-based in the database.
/// </summary>
public sealed record DeferredPatch(PatchOp Op, string Attribute, FilterNode? ValueFilter, string? SubAttribute, JsonNode? Value);

/// <summary>
/// The one PATCH engine (RFC 7644 §3.5.2): applies operations to a resource's JSON document in its canonical shape,
/// driven by the resource type's schema. Operations are applied in order to the caller's copy, so a failure in any of
/// them leaves the stored resource untouched (atomic PATCH).
/// </summary>
public sealed class ScimPatchEngine(ScimResourceType resourceType, IReadOnlySet<string>? deferredAttributes = null)
{
    private static readonly HashSet<string> IgnoredPathlessKeys = new(StringComparer.OrdinalIgnoreCase) { "schemas", "meta" };

    public IReadOnlyList<DeferredPatch> Apply(JsonObject resource, IEnumerable<PatchOperation> operations)
    {
        var deferred = new List<DeferredPatch>();
        foreach (var operation in operations)
        {
            if (operation.Path is null)
            {
                ApplyPathless(resource, operation, deferred);
            }
            else
            {
                ApplyPath(resource, operation.Op, operation.Path, operation.Value, deferred, fromPathless: false);
            }
        }

        return deferred;
    }

    /// <summary>
    /// A value object without path: each key is a path of its own — plain, dotted (<c>name.givenName</c>) or
    /// URN-qualified — and an extension URN key holds an object of that extension's attributes.
    /// </summary>
    private void ApplyPathless(JsonObject resource, PatchOperation operation, List<DeferredPatch> deferred)
    {
        foreach (var (key, value) in (JsonObject)operation.Value!)
        {
            if (IgnoredPathlessKeys.Contains(key))
            {
                continue;
            }

            if (string.Equals(key, "id", StringComparison.OrdinalIgnoreCase))
            {
                // Okta and authentik echo the id in the value; tolerated when it names this resource.
                var id = resource["id"]?.GetValue<string>();
                if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String && id is not null && v.GetValue<string>() != id)
                {
                    throw ScimException.Mutability("'id' is read-only and differs from the id of the resource being patched.");
                }

                continue;
            }

            var extension = resourceType.Extensions.FirstOrDefault(e => string.Equals(e.Id, key, StringComparison.OrdinalIgnoreCase));
            if (extension is not null && value is JsonObject extensionValues)
            {
                foreach (var (extensionKey, extensionValue) in extensionValues)
                {
                    ApplyPath(
                        resource,
                        operation.Op,
                        $"{extension.Id}:{extensionKey}",
                        extensionValue?.DeepClone(),
                        deferred,
                        fromPathless: true
                    );
                }

                continue;
            }

            ApplyPath(resource, operation.Op, key, value?.DeepClone(), deferred, fromPathless: true);
        }
    }

    private void ApplyPath(
        JsonObject resource,
        PatchOp op,
        string pathText,
        JsonNode? value,
        List<DeferredPatch> deferred,
        bool fromPathless
    )
    {
        var wholeExtension = resourceType.Extensions.FirstOrDefault(e => string.Equals(e.Id, pathText, StringComparison.OrdinalIgnoreCase));
        if (wholeExtension is not null)
        {
            ApplyWholeExtension(resource, op, wholeExtension, value, deferred);
            return;
        }

        var (path, valueFilter, subAttribute) = ScimFilterParser.ParsePatchPath(pathText);
        subAttribute ??= path.SubAttribute;
        var schema = path.SchemaUri is null ? resourceType.Schema : resourceType.FindSchema(path.SchemaUri);
        var attribute = schema is null ? null : resourceType.FindAttribute(schema, path.Name);
        if (schema is null || attribute is null)
        {
            if (fromPathless)
            {
                return; // unknown attributes in a value object are ignored, like on POST and PUT
            }

            throw ScimException.InvalidPath($"'{pathText}' does not name an attribute of the {resourceType.Name} resource.");
        }

        ScimAttribute? sub = null;
        if (subAttribute is not null)
        {
            sub = attribute.FindSubAttribute(subAttribute);
            if (sub is null)
            {
                if (fromPathless)
                {
                    return;
                }

                throw ScimException.InvalidPath($"'{pathText}': '{attribute.Name}' has no sub-attribute '{subAttribute}'.");
            }
        }

        if (valueFilter is not null && !attribute.MultiValued)
        {
            throw ScimException.InvalidPath($"'{pathText}': a value filter needs a multi-valued attribute.");
        }

        if (deferredAttributes?.Contains(attribute.Name) == true)
        {
            deferred.Add(new DeferredPatch(op, attribute.Name, valueFilter, sub?.Name, value));
            return;
        }

        if (attribute.Mutability == Mutability.ReadOnly || sub?.Mutability == Mutability.ReadOnly)
        {
            if (fromPathless)
            {
                return; // read-only parts of a value object (groups, meta) are ignored
            }

            throw ScimException.Mutability($"'{pathText}' is read-only.");
        }

        var container = ContainerFor(resource, schema, create: op != PatchOp.Remove);
        if (container is null)
        {
            if (valueFilter is not null && op == PatchOp.Replace)
            {
                throw ScimException.NoTarget($"No value of '{pathText}' matches the filter.");
            }

            return;
        }

        if (attribute.MultiValued)
        {
            ApplyMultiValued(container, op, attribute, valueFilter, sub, value, pathText);
        }
        else if (sub is not null)
        {
            ApplySubAttribute(container, op, attribute, sub, value);
        }
        else
        {
            ApplySingle(container, op, attribute, value);
        }

        if (!ReferenceEquals(container, resource) && container.Count == 0)
        {
            resource.Remove(schema.Id);
        }
    }

    private void ApplyWholeExtension(JsonObject resource, PatchOp op, ScimSchema extension, JsonNode? value, List<DeferredPatch> deferred)
    {
        if (op == PatchOp.Remove)
        {
            resource.Remove(extension.Id);
            return;
        }

        if (value is not JsonObject values)
        {
            throw ScimException.InvalidValue($"The value for '{extension.Id}' must be an object of its attributes.");
        }

        if (op == PatchOp.Replace)
        {
            resource.Remove(extension.Id);
        }

        foreach (var (key, item) in values)
        {
            ApplyPath(
                resource,
                op == PatchOp.Replace ? PatchOp.Add : op,
                $"{extension.Id}:{key}",
                item?.DeepClone(),
                deferred,
                fromPathless: true
            );
        }
    }

    private static JsonObject? ContainerFor(JsonObject resource, ScimSchema schema, bool create)
    {
        if (schema.Id == ScimSchemaUris.User || schema.Id == ScimSchemaUris.Group)
        {
            return resource;
        }

        if (resource[schema.Id] is JsonObject existing)
        {
            return existing;
        }

        if (!create)
        {
            return null;
        }

        var created = new JsonObject();
        resource[schema.Id] = created;
        return created;
    }

    private static void ApplySingle(JsonObject container, PatchOp op, ScimAttribute attribute, JsonNode? value)
    {
        if (attribute.Mutability == Mutability.Immutable && container[attribute.Name] is not null && op != PatchOp.Add)
        {
            throw ScimException.Mutability($"'{attribute.Name}' is immutable.");
        }

        var coerced = op == PatchOp.Remove ? null : ScimValueCoercion.Coerce(attribute, value);
        if (coerced is null)
        {
            // remove, or add/replace with null or "" (Entra removes the manager this way)
            container.Remove(attribute.Name);
            return;
        }

        if (attribute.Type == ScimType.Complex && container[attribute.Name] is JsonObject existing && coerced is JsonObject incoming)
        {
            // RFC 7644 §3.5.2.1 / §3.5.2.3: sub-attributes not given are left unchanged.
            foreach (var (key, subValue) in incoming)
            {
                existing[key] = subValue?.DeepClone();
            }

            return;
        }

        container[attribute.Name] = coerced;
    }

    private static void ApplySubAttribute(JsonObject container, PatchOp op, ScimAttribute attribute, ScimAttribute sub, JsonNode? value)
    {
        var target = container[attribute.Name] as JsonObject;
        var coerced = op == PatchOp.Remove ? null : ScimValueCoercion.Coerce(sub, value);
        if (coerced is null)
        {
            target?.Remove(sub.Name);
            if (target is { Count: 0 })
            {
                container.Remove(attribute.Name);
            }

            return;
        }

        if (target is null)
        {
            target = new JsonObject();
            container[attribute.Name] = target;
        }

        target[sub.Name] = coerced;
    }

    private static void ApplyMultiValued(
        JsonObject container,
        PatchOp op,
        ScimAttribute attribute,
        FilterNode? filter,
        ScimAttribute? sub,
        JsonNode? value,
        string pathText
    )
    {
        var items = container[attribute.Name] as JsonArray;
        var matches =
            items is null ? []
            : filter is null ? items.OfType<JsonObject>().ToList()
            : items.OfType<JsonObject>().Where(e => JsonFilterEvaluator.Matches(e, filter, attribute.SubAttributes)).ToList();

        if (op == PatchOp.Remove)
        {
            RemoveMultiValued(container, attribute, filter, sub, value, items, matches);
            return;
        }

        if (sub is not null)
        {
            var coerced = ScimValueCoercion.Coerce(sub, value);
            if (matches.Count == 0)
            {
                if (op == PatchOp.Replace && filter is not null)
                {
                    throw ScimException.NoTarget($"No value of '{pathText}' matches the filter.");
                }

                // add (or replace without a filter on an empty attribute) creates the value, seeded from the filter's
                // equality tests: emails[type eq "work"].value → {"type": "work", "value": …}.
                var created = SeedFromFilter(filter, attribute);
                if (coerced is not null)
                {
                    created[sub.Name] = coerced;
                }

                Append(container, attribute, created);
                return;
            }

            foreach (var match in matches)
            {
                if (coerced is null)
                {
                    match.Remove(sub.Name);
                }
                else
                {
                    match[sub.Name] = coerced.DeepClone();
                }
            }

            if (sub.Name == "primary" && coerced is JsonValue primary && primary.GetValue<bool>())
            {
                KeepOnePrimary(items!, matches[^1]);
            }

            return;
        }

        if (filter is not null)
        {
            // attr[filter] with an object value: merge it into every matching value (or create one on add).
            if (ScimValueCoercion.Coerce(attribute, value, asSingleValue: true) is not JsonObject patch)
            {
                throw ScimException.InvalidValue($"The value for '{pathText}' must be an object.");
            }

            if (matches.Count == 0)
            {
                if (op == PatchOp.Replace)
                {
                    throw ScimException.NoTarget($"No value of '{pathText}' matches the filter.");
                }

                var created = SeedFromFilter(filter, attribute);
                foreach (var (key, item) in patch)
                {
                    created[key] = item?.DeepClone();
                }

                Append(container, attribute, created);
                return;
            }

            foreach (var match in matches)
            {
                foreach (var (key, item) in patch)
                {
                    match[key] = item?.DeepClone();
                }
            }

            return;
        }

        var incoming = (JsonArray?)ScimValueCoercion.Coerce(attribute, value, single: true) ?? [];
        if (op == PatchOp.Replace)
        {
            container.Remove(attribute.Name);
        }

        foreach (var item in incoming.ToList())
        {
            incoming.Remove(item);
            Append(container, attribute, item!);
        }
    }

    private static void RemoveMultiValued(
        JsonObject container,
        ScimAttribute attribute,
        FilterNode? filter,
        ScimAttribute? sub,
        JsonNode? value,
        JsonArray? items,
        List<JsonObject> matches
    )
    {
        if (items is null)
        {
            return;
        }

        if (sub is not null)
        {
            foreach (var match in matches)
            {
                match.Remove(sub.Name);
            }
        }
        else if (filter is null && value is not null)
        {
            // remove with a value list removes only the listed values (Entra's default member removal shape).
            var listed = ((JsonArray?)ScimValueCoercion.Coerce(attribute, value, single: true) ?? [])
                .OfType<JsonObject>()
                .Select(v => v["value"]?.ToJsonString())
                .Where(v => v is not null)
                .ToHashSet(StringComparer.Ordinal);
            foreach (var item in items.OfType<JsonObject>().Where(i => listed.Contains(i["value"]?.ToJsonString())).ToList())
            {
                items.Remove(item);
            }
        }
        else
        {
            foreach (var match in matches)
            {
                items.Remove(match);
            }
        }

        if (items.Count == 0)
        {
            container.Remove(attribute.Name);
        }
    }

    /// <summary>Appends a value unless an equal one is there (adding an existing value is a no-op, RFC 7644 §3.5.2.1).</summary>
    private static void Append(JsonObject container, ScimAttribute attribute, JsonNode item)
    {
        if (container[attribute.Name] is not JsonArray items)
        {
            items = [];
            container[attribute.Name] = items;
        }

        if (items.Any(existing => JsonNode.DeepEquals(existing, item)))
        {
            return;
        }

        items.Add(item);
        if (item is JsonObject obj && obj["primary"] is JsonValue primary && primary.GetValueKind() == JsonValueKind.True)
        {
            KeepOnePrimary(items, obj);
        }
    }

    /// <summary>At most one value of a multi-valued attribute is primary (RFC 7643 §2.4): the newest wins.</summary>
    private static void KeepOnePrimary(JsonArray items, JsonObject winner)
    {
        foreach (var other in items.OfType<JsonObject>())
        {
            if (!ReferenceEquals(other, winner) && other["primary"] is JsonValue p && p.GetValueKind() == JsonValueKind.True)
            {
                other["primary"] = false;
            }
        }
    }

    private static JsonObject SeedFromFilter(FilterNode? filter, ScimAttribute attribute)
    {
        var seed = new JsonObject();
        Collect(filter);
        return seed;

        void Collect(FilterNode? node)
        {
            switch (node)
            {
                case LogicalFilter { Operator: LogicalOperator.And } and:
                    Collect(and.Left);
                    Collect(and.Right);
                    break;
                case ComparisonFilter { Operator: ComparisonOperator.Eq, Value: not null } eq when eq.Path.SubAttribute is null:
                    var sub = attribute.FindSubAttribute(eq.Path.Name);
                    if (sub is not null && eq.Value.Kind != FilterValueKind.Null)
                    {
                        seed[sub.Name] = ScimValueCoercion.Coerce(
                            sub,
                            eq.Value.Kind switch
                            {
                                FilterValueKind.String => JsonValue.Create(eq.Value.Text),
                                FilterValueKind.Boolean => JsonValue.Create(eq.Value.AsBoolean),
                                _ => JsonValue.Create(eq.Value.AsNumber),
                            }
                        );
                    }

                    break;
            }
        }
    }
}
