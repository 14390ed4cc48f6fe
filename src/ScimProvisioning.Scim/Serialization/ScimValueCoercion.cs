using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimProvisioning.Scim.Errors;
using ScimProvisioning.Scim.Schemas;

namespace ScimProvisioning.Scim.Serialization;

/// <summary>
/// Brings a client-sent value into the shape its attribute definition says: canonical attribute names,
/// booleans from "True"/"false" strings (Entra, the Microsoft validator), a bare string where a complex value is
/// expected read as <c>{"value": …}</c> (Entra's manager), a lone object where an array is expected wrapped.
/// Explicit nulls and unknown sub-attributes are dropped. Returns null when the value means "absent".
/// </summary>
public static class ScimValueCoercion
{
    public static JsonNode? Coerce(ScimAttribute attribute, JsonNode? value, bool asSingleValue = false)
    {
        if (value is null)
        {
            return null;
        }

        if (attribute.MultiValued && !asSingleValue)
        {
            var items = value is JsonArray array ? array.ToList() : [value];
            var result = new JsonArray();
            foreach (var item in items)
            {
                var coerced = Coerce(attribute, item, asSingleValue: true);
                if (coerced is not null)
                {
                    result.Add(coerced);
                }
            }

            return result;
        }

        if (attribute.Type == ScimType.Complex)
        {
            if (value is JsonValue scalar && scalar.GetValueKind() == JsonValueKind.String)
            {
                var text = scalar.GetValue<string>();
                return text.Length == 0 ? null : new JsonObject { ["value"] = text };
            }

            if (value is not JsonObject obj)
            {
                throw ScimException.InvalidValue($"Attribute '{attribute.Name}' must be a complex value (a JSON object).");
            }

            var complex = new JsonObject();
            foreach (var (key, subValue) in obj)
            {
                var sub = attribute.FindSubAttribute(key);
                if (sub is null)
                {
                    continue; // unknown sub-attributes are ignored
                }

                var coerced = Coerce(sub, subValue);
                if (coerced is not null)
                {
                    complex[sub.Name] = coerced;
                }
            }

            return complex.Count == 0 ? null : complex;
        }

        return CoerceSimple(attribute, value);
    }

    private static JsonNode? CoerceSimple(ScimAttribute attribute, JsonNode value)
    {
        if (value is not JsonValue scalar)
        {
            throw ScimException.InvalidValue($"Attribute '{attribute.Name}' must be a single {Describe(attribute.Type)} value.");
        }

        var kind = scalar.GetValueKind();
        switch (attribute.Type)
        {
            case ScimType.Boolean:
                if (kind is JsonValueKind.True or JsonValueKind.False)
                {
                    return JsonValue.Create(scalar.GetValue<bool>());
                }

                if (kind == JsonValueKind.String && bool.TryParse(scalar.GetValue<string>().Trim(), out var parsed))
                {
                    return JsonValue.Create(parsed);
                }

                throw ScimException.InvalidValue($"Attribute '{attribute.Name}' must be a boolean.");
            case ScimType.Integer or ScimType.Decimal:
                if (kind == JsonValueKind.Number)
                {
                    return scalar.DeepClone();
                }

                if (kind == JsonValueKind.String && decimal.TryParse(scalar.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    return JsonValue.Create(number);
                }

                throw ScimException.InvalidValue($"Attribute '{attribute.Name}' must be a number.");
            case ScimType.DateTime:
                if (kind == JsonValueKind.String &&
                    DateTimeOffset.TryParse(scalar.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _))
                {
                    return scalar.DeepClone();
                }

                throw ScimException.InvalidValue($"Attribute '{attribute.Name}' must be an xsd:dateTime string.");
            default:
                return kind switch
                {
                    JsonValueKind.String => scalar.DeepClone(),
                    // Lenient: a number or boolean where a string is expected keeps its JSON text ("employeeNumber": 42).
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => JsonValue.Create(scalar.ToJsonString()),
                    _ => throw ScimException.InvalidValue($"Attribute '{attribute.Name}' must be a string."),
                };
        }
    }

    private static string Describe(ScimType type) => type switch
    {
        ScimType.Boolean => "boolean",
        ScimType.Integer or ScimType.Decimal => "number",
        _ => "string",
    };
}
