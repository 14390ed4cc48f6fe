using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimProvisioning.Scim.Schemas;

namespace ScimProvisioning.Scim.Filtering;

/// <summary>
/// Evaluates a filter against one JSON object in memory. Used for PATCH value filters on the single resource
/// being patched (RFC 7644 §3.5.2) — list queries never come here; they are translated to SQL.
/// </summary>
public static class JsonFilterEvaluator
{
    /// <param name="target">The object the filter's attribute names are relative to.</param>
    /// <param name="definitions">The attribute definitions of that object, for caseExact and types.</param>
    public static bool Matches(JsonObject target, FilterNode filter, IReadOnlyList<ScimAttribute> definitions) =>
        filter switch
        {
            LogicalFilter { Operator: LogicalOperator.And } and => Matches(target, and.Left, definitions)
                && Matches(target, and.Right, definitions),
            LogicalFilter or => Matches(target, or.Left, definitions) || Matches(target, or.Right, definitions),
            NotFilter not => !Matches(target, not.Inner, definitions),
            ValuePathFilter valuePath => MatchesValuePath(target, valuePath, definitions),
            ComparisonFilter comparison => MatchesComparison(target, comparison, definitions),
            _ => false,
        };

    private static bool MatchesValuePath(JsonObject target, ValuePathFilter filter, IReadOnlyList<ScimAttribute> definitions)
    {
        var definition = Find(definitions, filter.Path.Name);
        var node = Get(target, filter.Path.Name);
        var subDefinitions = definition?.SubAttributes ?? [];
        return node switch
        {
            JsonArray array => array.OfType<JsonObject>().Any(e => Matches(e, filter.Inner, subDefinitions)),
            JsonObject single => Matches(single, filter.Inner, subDefinitions),
            _ => false,
        };
    }

    private static bool MatchesComparison(JsonObject target, ComparisonFilter filter, IReadOnlyList<ScimAttribute> definitions)
    {
        var definition = Find(definitions, filter.Path.Name);
        var node = Get(target, filter.Path.Name);
        if (filter.Path.SubAttribute is not null)
        {
            var subDefinition = definition?.FindSubAttribute(filter.Path.SubAttribute);
            var values = node switch
            {
                JsonArray array => array.OfType<JsonObject>().Select(e => Get(e, filter.Path.SubAttribute)),
                JsonObject single => [Get(single, filter.Path.SubAttribute)],
                _ => [],
            };
            var list = values.ToList();
            if (list.Count == 0 || node is JsonArray { Count: 0 })
            {
                return filter.Operator == ComparisonOperator.Ne; // no values: "not equal" to anything
            }

            return list.Any(v => Compare(v, filter, subDefinition));
        }

        if (node is JsonArray multi)
        {
            // A comparison on a multi-valued attribute without sub-attribute compares its values (RFC 7644 §3.4.2.2).
            var valueDefinition = definition?.FindSubAttribute("value");
            if (multi.Count == 0)
            {
                return filter.Operator == ComparisonOperator.Ne;
            }

            return multi.Any(e => Compare(e is JsonObject o ? Get(o, "value") : e, filter, valueDefinition ?? definition));
        }

        return Compare(node, filter, definition);
    }

    private static bool Compare(JsonNode? node, ComparisonFilter filter, ScimAttribute? definition)
    {
        var present =
            node is not null
            && !(node is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length == 0)
            && !(node is JsonArray { Count: 0 });
        if (filter.Operator == ComparisonOperator.Pr)
        {
            return present;
        }

        var value = filter.Value ?? FilterValue.Null;
        if (value.Kind == FilterValueKind.Null)
        {
            return filter.Operator switch
            {
                ComparisonOperator.Eq => !present,
                ComparisonOperator.Ne => present,
                _ => false,
            };
        }

        if (node is not JsonValue jsonValue)
        {
            return filter.Operator == ComparisonOperator.Ne;
        }

        switch (jsonValue.GetValueKind())
        {
            case JsonValueKind.True or JsonValueKind.False:
                var actualBool = jsonValue.GetValue<bool>();
                var wanted =
                    value.Kind == FilterValueKind.Boolean ? value.AsBoolean
                    : value.Kind == FilterValueKind.String && bool.TryParse(value.Text, out var parsed) ? parsed
                    : (bool?)null;
                return wanted is not null
                    && filter.Operator switch
                    {
                        ComparisonOperator.Eq => actualBool == wanted,
                        ComparisonOperator.Ne => actualBool != wanted,
                        _ => false,
                    };
            case JsonValueKind.Number:
                if (value.Kind != FilterValueKind.Number)
                {
                    return false;
                }

                var order = jsonValue.GetValue<decimal>().CompareTo(value.AsNumber);
                return Ordered(filter.Operator, order);
            case JsonValueKind.String:
                var actual = jsonValue.GetValue<string>();
                var expected = value.Text ?? string.Empty;
                if (value.Kind == FilterValueKind.Boolean && string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
                {
                    // "primary": "true" stored as a string by a lenient client still matches `primary eq true`.
                    return filter.Operator == ComparisonOperator.Eq;
                }

                var comparison = definition is { CaseExact: true } ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
                if (
                    definition?.Type == ScimType.DateTime
                    && DateTimeOffset.TryParse(actual, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var actualDate)
                    && DateTimeOffset.TryParse(expected, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expectedDate)
                )
                {
                    return Ordered(filter.Operator, actualDate.CompareTo(expectedDate));
                }

                return filter.Operator switch
                {
                    ComparisonOperator.Co => actual.Contains(expected, comparison),
                    ComparisonOperator.Sw => actual.StartsWith(expected, comparison),
                    ComparisonOperator.Ew => actual.EndsWith(expected, comparison),
                    // Case-insensitive order compares lower-cased text ordinally, exactly as the database does.
                    _ => Ordered(
                        filter.Operator,
                        comparison == StringComparison.Ordinal
                            ? string.CompareOrdinal(actual, expected)
                            : string.CompareOrdinal(actual.ToLowerInvariant(), expected.ToLowerInvariant())
                    ),
                };
            default:
                return false;
        }
    }

    private static bool Ordered(ComparisonOperator op, int order) =>
        op switch
        {
            ComparisonOperator.Eq => order == 0,
            ComparisonOperator.Ne => order != 0,
            ComparisonOperator.Gt => order > 0,
            ComparisonOperator.Ge => order >= 0,
            ComparisonOperator.Lt => order < 0,
            ComparisonOperator.Le => order <= 0,
            _ => false,
        };

    private static ScimAttribute? Find(IReadOnlyList<ScimAttribute> definitions, string name) =>
        definitions.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Attribute names are case-insensitive (RFC 7643 §2.1).</summary>
    public static JsonNode? Get(JsonObject target, string name)
    {
        if (target.TryGetPropertyValue(name, out var exact))
        {
            return exact;
        }

        foreach (var (key, value) in target)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }
}
