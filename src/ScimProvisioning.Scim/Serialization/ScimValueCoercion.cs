using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimProvisioning.Scim.Errors;
using ScimProvisioning.Scim.Schemas;

namespace ScimProvisioning.Scim.Serialization;

/// <summary>
/// Checks a client-sent value against its attribute definition and brings it into canonical form. A value whose JSON
/// type does not fit the schema is refused with 400 <c>invalidValue</c> naming the attribute — never stored as
/// something else, never dropped. The only coercions are the ones real identity providers need (docs/profiles.md):
/// <list type="bullet">
/// <item>booleans as the strings "True"/"False" in any case (Entra's default PATCH, the Microsoft validator's
/// <c>"primary": "true"</c>);</item>
/// <item>a bare string where a single-valued complex attribute with a <c>value</c> sub-attribute belongs, read as
/// <c>{"value": …}</c>, and "" as absent (Entra's enterprise <c>manager</c>);</item>
/// <item>in PATCH only, a single value where a multi-valued attribute is the target (RFC 7644 §3.5.2.1 adds "a new
/// value"; Okta and Entra send one member object), see <paramref name="single"/>.</item>
/// </list>
/// Explicit nulls mean absent, and unknown sub-attributes are ignored (both are what IdPs send, not wrong types).
/// </summary>
public static class ScimValueCoercion
{
    /// <param name="attribute">The attribute definition.</param>
    /// <param name="value">The client's value.</param>
    /// <param name="asSingleValue">Read one element of a multi-valued attribute.</param>
    /// <param name="single">A PATCH target: a multi-valued attribute may be given one element instead of an array.</param>
    /// <param name="path">The attribute's path for error messages (defaults to its name).</param>
    public static JsonNode? Coerce(
        ScimAttribute attribute,
        JsonNode? value,
        bool asSingleValue = false,
        bool single = false,
        string? path = null
    )
    {
        path ??= attribute.Name;
        if (value is null)
        {
            return null;
        }

        if (attribute.MultiValued && !asSingleValue)
        {
            if (value is not JsonArray && !(single && value is JsonObject))
            {
                throw ScimException.InvalidValue(
                    $"Attribute '{path}' is multi-valued: it must be a JSON "
                        + $"array{(single ? " (or one value)" : "")}, not {Describe(value)}."
                );
            }

            var items = value is JsonArray array ? array.ToList() : [value];
            var result = new JsonArray();
            foreach (var item in items)
            {
                var coerced = Coerce(attribute, item, asSingleValue: true, path: path);
                if (coerced is not null)
                {
                    result.Add(coerced);
                }
            }

            return result;
        }

        if (attribute.Type == ScimType.Complex)
        {
            if (
                value is JsonValue scalar
                && scalar.GetValueKind() == JsonValueKind.String
                && !attribute.MultiValued
                && attribute.FindSubAttribute("value") is not null
            )
            {
                var text = scalar.GetValue<string>();
                return text.Length == 0 ? null : new JsonObject { ["value"] = text };
            }

            if (value is not JsonObject obj)
            {
                throw ScimException.InvalidValue($"Attribute '{path}' must be a complex value (a JSON object), not {Describe(value)}.");
            }

            var complex = new JsonObject();
            foreach (var (key, subValue) in obj)
            {
                var sub = attribute.FindSubAttribute(key);
                if (sub is null)
                {
                    continue; // unknown sub-attributes are ignored
                }

                var coerced = Coerce(sub, subValue, path: $"{path}.{sub.Name}");
                if (coerced is not null)
                {
                    complex[sub.Name] = coerced;
                }
            }

            return complex.Count == 0 ? null : complex;
        }

        return CoerceSimple(attribute, value, path);
    }

    private static JsonNode CoerceSimple(ScimAttribute attribute, JsonNode value, string path)
    {
        var kind = value.GetValueKind();
        switch (attribute.Type)
        {
            case ScimType.Boolean:
                if (kind is JsonValueKind.True or JsonValueKind.False)
                {
                    return JsonValue.Create(kind == JsonValueKind.True);
                }

                if (kind == JsonValueKind.String && bool.TryParse(value.GetValue<string>().Trim(), out var parsed))
                {
                    return JsonValue.Create(parsed);
                }

                throw ScimException.InvalidValue($"Attribute '{path}' must be a boolean, not {Describe(value)}.");
            case ScimType.Integer:
                if (kind == JsonValueKind.Number && value.AsValue().TryGetValue<long>(out _))
                {
                    return value.DeepClone();
                }

                throw ScimException.InvalidValue($"Attribute '{path}' must be an integer, not {Describe(value)}.");
            case ScimType.Decimal:
                if (kind == JsonValueKind.Number)
                {
                    return value.DeepClone();
                }

                throw ScimException.InvalidValue($"Attribute '{path}' must be a number, not {Describe(value)}.");
            case ScimType.DateTime:
                if (
                    kind == JsonValueKind.String
                    && DateTimeOffset.TryParse(value.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _)
                )
                {
                    return value.DeepClone();
                }

                throw ScimException.InvalidValue($"Attribute '{path}' must be an xsd:dateTime string, not {Describe(value)}.");
            default:
                // string, reference, binary: a JSON string and nothing else (a number is not silently made text).
                if (kind == JsonValueKind.String)
                {
                    return value.DeepClone();
                }

                throw ScimException.InvalidValue($"Attribute '{path}' must be a string, not {Describe(value)}.");
        }
    }

    private static string Describe(JsonNode value) =>
        value.GetValueKind() switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => "null",
        };
}
