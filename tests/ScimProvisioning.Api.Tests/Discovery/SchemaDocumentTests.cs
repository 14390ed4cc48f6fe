using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Discovery;

/// <summary>
/// The whole <c>/Schemas</c> document against RFC 7643 §7 (and §2.1's attribute-name grammar), on both profiles: a
/// strict client that builds its models from it must not fail on any attribute.
/// </summary>
public sealed partial class SchemaDocumentTests
{
    private static readonly string[] Types = ["string", "boolean", "decimal", "integer", "dateTime", "binary", "reference", "complex"];
    private static readonly string[] Mutabilities = ["readOnly", "readWrite", "immutable", "writeOnly"];
    private static readonly string[] Returns = ["always", "never", "default", "request"];
    private static readonly string[] Uniquenesses = ["none", "server", "global"];

    [GeneratedRegex("^(\\$ref|[A-Za-z][A-Za-z0-9_-]*)$")]
    private static partial Regex AttributeName();

    public static TheoryData<string> Profiles() => ["Cloudflare", "Standard"];

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task Every_schema_and_every_attribute_satisfies_rfc_7643_section_7(string profile)
    {
        await using ScimApiFactory factory = profile == "Standard" ? new StandardApiFactory() : new CloudflareApiFactory();
        var account = await factory.CreateAccountAsync();
        var list = await (await account.GetAsync("/Schemas")).AssertStatusAsync(HttpStatusCode.OK);
        var problems = new List<string>();

        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:ListResponse", list["schemas"]![0]!.GetValue<string>());
        var schemas = list["Resources"]!.AsArray();
        Assert.Equal(schemas.Count, list["totalResults"]!.GetValue<int>());
        Assert.Contains(schemas, s => s!["id"]!.GetValue<string>() == "urn:ietf:params:scim:schemas:core:2.0:User");
        Assert.Contains(schemas, s => s!["id"]!.GetValue<string>() == "urn:ietf:params:scim:schemas:core:2.0:Group");
        Assert.Contains(schemas, s => s!["id"]!.GetValue<string>() == "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User");

        foreach (var schema in schemas.Cast<JsonObject>())
        {
            var id = Text(schema, "id", schema.ToJsonString(), problems) ?? "?";
            if (
                schema["schemas"] is not JsonArray { Count: 1 } kinds
                || kinds[0]?.GetValue<string>() != "urn:ietf:params:scim:schemas:core:2.0:Schema"
            )
            {
                problems.Add($"{id}: schemas must be [\"urn:ietf:params:scim:schemas:core:2.0:Schema\"]");
            }

            if (!id.StartsWith("urn:", StringComparison.Ordinal))
            {
                problems.Add($"{id}: id must be a URN");
            }

            Text(schema, "name", id, problems);
            Text(schema, "description", id, problems);
            if (
                schema["meta"] is not JsonObject meta
                || meta["resourceType"]?.GetValue<string>() != "Schema"
                || meta["location"]?.GetValue<string>() is not { } location
                || !location.EndsWith("/Schemas/" + id, StringComparison.Ordinal)
            )
            {
                problems.Add($"{id}: meta must carry resourceType \"Schema\" and its location");
            }

            if (schema["attributes"] is not JsonArray { Count: > 0 } attributes)
            {
                problems.Add($"{id}: attributes must be a non-empty array");
                continue;
            }

            CheckLevel(attributes, id, depth: 0, problems);

            // The single schema equals its entry in the list.
            var one = await (await account.GetAsync("/Schemas/" + Uri.EscapeDataString(id))).AssertStatusAsync(HttpStatusCode.OK);
            if (!JsonNode.DeepEquals(one, schema))
            {
                problems.Add($"{id}: /Schemas/{{id}} differs from its entry in /Schemas");
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Theory]
    [InlineData("Cloudflare", "string")]
    [InlineData("Standard", "complex")]
    public async Task The_user_groups_attribute_describes_what_the_profile_returns(string profile, string type)
    {
        await using ScimApiFactory factory = profile == "Standard" ? new StandardApiFactory() : new CloudflareApiFactory();
        var account = await factory.CreateAccountAsync();
        var user = await account.CreateUserAsync("groups-shape@example.com");
        var group = await account.CreateGroupAsync("Shape Group", user);

        var schema = await (await account.GetAsync("/Schemas/urn:ietf:params:scim:schemas:core:2.0:User")).AssertStatusAsync(
            HttpStatusCode.OK
        );
        var groups = schema["attributes"]!.AsArray().Single(a => a!["name"]!.GetValue<string>() == "groups")!;
        var returned = (await account.GetUserAsync(user))["groups"]![0]!;

        Assert.Equal(type, groups["type"]!.GetValue<string>());
        Assert.True(groups["multiValued"]!.GetValue<bool>());
        Assert.Equal(type == "string" ? JsonValueKind.String : JsonValueKind.Object, returned.GetValueKind());
        Assert.Equal(group, type == "string" ? returned.GetValue<string>() : returned["value"]!.GetValue<string>());
    }

    private static void CheckLevel(JsonArray attributes, string where, int depth, List<string> problems)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var node in attributes)
        {
            if (node is not JsonObject attribute)
            {
                problems.Add($"{where}: every attribute must be an object");
                continue;
            }

            var name = Text(attribute, "name", where, problems) ?? "?";
            var path = $"{where}/{name}";
            if (!AttributeName().IsMatch(name))
            {
                problems.Add($"{path}: the name does not follow RFC 7643 §2.1's ATTRNAME grammar");
            }

            if (!names.Add(name))
            {
                problems.Add($"{path}: the name appears twice at this level");
            }

            var type = OneOf(attribute, "type", Types, path, problems);
            Bool(attribute, "multiValued", path, problems);
            Text(attribute, "description", path, problems);
            Bool(attribute, "required", path, problems);
            Bool(attribute, "caseExact", path, problems);
            OneOf(attribute, "mutability", Mutabilities, path, problems);
            OneOf(attribute, "returned", Returns, path, problems);
            OneOf(attribute, "uniqueness", Uniquenesses, path, problems);

            if (
                attribute["canonicalValues"] is { } canonical
                && (canonical is not JsonArray values || values.Any(v => v?.GetValueKind() != JsonValueKind.String))
            )
            {
                problems.Add($"{path}: canonicalValues must be an array of strings");
            }

            if (type == "reference")
            {
                if (
                    attribute["referenceTypes"] is not JsonArray { Count: > 0 } references
                    || references.Any(r => r?.GetValueKind() != JsonValueKind.String)
                )
                {
                    problems.Add($"{path}: a reference attribute needs referenceTypes, a non-empty array of strings (§7)");
                }
            }
            else if (attribute["referenceTypes"] is not null)
            {
                problems.Add($"{path}: referenceTypes belongs to reference attributes only");
            }

            if (type == "complex")
            {
                if (depth > 0)
                {
                    problems.Add($"{path}: a sub-attribute must not be complex (§2.3.8)");
                }

                if (attribute["subAttributes"] is JsonArray { Count: > 0 } subAttributes)
                {
                    CheckLevel(subAttributes, path, depth + 1, problems);
                }
                else
                {
                    problems.Add($"{path}: a complex attribute needs subAttributes");
                }
            }
            else if (attribute["subAttributes"] is not null)
            {
                problems.Add($"{path}: subAttributes belongs to complex attributes only");
            }
        }
    }

    private static string? Text(JsonObject node, string key, string where, List<string> problems)
    {
        if (node[key] is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Length > 0)
        {
            return value.GetValue<string>();
        }

        problems.Add($"{where}: '{key}' must be a non-empty string");
        return null;
    }

    private static void Bool(JsonObject node, string key, string where, List<string> problems)
    {
        if (node[key]?.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            problems.Add($"{where}: '{key}' must be a boolean");
        }
    }

    private static string? OneOf(JsonObject node, string key, string[] allowed, string where, List<string> problems)
    {
        var text = node[key] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
        if (text is null || !allowed.Contains(text, StringComparer.Ordinal))
        {
            problems.Add($"{where}: '{key}' must be one of {string.Join(", ", allowed)}");
        }

        return text;
    }
}
