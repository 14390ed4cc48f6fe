using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Hardening;

/// <summary>One wrong-typed value: where it goes (attribute path within the resource) and the JSON sent.</summary>
public sealed record WrongValue(
    string Resource,
    string SchemaId,
    bool Extension,
    string Attribute,
    string? SubAttribute,
    bool MultiValued,
    JsonNode Value
)
{
    public string Path => SubAttribute is null ? Attribute : $"{Attribute}.{SubAttribute}";

    public override string ToString() => $"{Resource} {(Extension ? SchemaId + ":" : "")}{Path} = {Value.ToJsonString()}";
}

/// <summary>
/// Issue 13: a value whose JSON type does not fit its attribute's schema is refused with 400 <c>invalidValue</c> naming
/// the attribute, on POST, PUT, PATCH and inside /Bulk, in both profiles, and nothing is stored. The cases come from the
/// server's own <c>/Schemas</c>: every writable attribute and sub-attribute × every JSON type that does not fit it, so
/// a new attribute is covered without anyone listing it.
/// </summary>
public abstract class WrongTypeTests(ScimApiFactory factory)
{
    private const string UserUrn = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string GroupUrn = "urn:ietf:params:scim:schemas:core:2.0:Group";

    protected abstract bool Standard { get; }

    /// <summary>Every wrong value /Schemas implies, for the User (core and extensions) and Group resources.</summary>
    private static async Task<List<WrongValue>> CasesAsync(TestAccount account)
    {
        var schemas = (await (await account.GetAsync("/Schemas")).AssertStatusAsync(HttpStatusCode.OK))["Resources"]!
            .AsArray()
            .Cast<JsonObject>()
            .ToList();
        var cases = new List<WrongValue>();
        foreach (var schema in schemas)
        {
            var id = schema["id"]!.GetValue<string>();
            var resource = id.EndsWith(":Group", StringComparison.Ordinal) ? "Group" : "User";
            var extension = id is not UserUrn and not GroupUrn;
            foreach (var attribute in schema["attributes"]!.AsArray().Cast<JsonObject>().Where(Writable))
            {
                var name = attribute["name"]!.GetValue<string>();
                var multiValued = attribute["multiValued"]!.GetValue<bool>();
                var complex = attribute["type"]!.GetValue<string>() == "complex";
                var subs = complex ? attribute["subAttributes"]!.AsArray().Cast<JsonObject>().ToList() : [];
                foreach (
                    var wrong in WrongFor(attribute, multiValued, hasValueSub: subs.Any(s => s["name"]!.GetValue<string>() == "value"))
                )
                {
                    cases.Add(new WrongValue(resource, id, extension, name, null, multiValued, wrong));
                }

                foreach (var sub in subs.Where(Writable))
                {
                    foreach (var wrong in WrongFor(sub, multiValued: false, hasValueSub: false))
                    {
                        cases.Add(new WrongValue(resource, id, extension, name, sub["name"]!.GetValue<string>(), multiValued, wrong));
                    }
                }
            }
        }

        return cases;
    }

    private static bool Writable(JsonObject attribute) => attribute["mutability"]!.GetValue<string>() != "readOnly";

    /// <summary>The JSON values whose type does not fit the attribute (RFC 7643 §2.3, §7).</summary>
    private static IEnumerable<JsonNode> WrongFor(JsonObject attribute, bool multiValued, bool hasValueSub)
    {
        if (multiValued)
        {
            // A multi-valued attribute is an array: a string, number, boolean or lone object is not one.
            return [JsonValue.Create("text"), JsonValue.Create(42), JsonValue.Create(true), new JsonObject { ["value"] = "x" }];
        }

        return attribute["type"]!.GetValue<string>() switch
        {
            // A bare string is read as {"value": …} only where a "value" sub-attribute exists (Entra's manager).
            "complex" => hasValueSub
                ? [JsonValue.Create(42), JsonValue.Create(true), new JsonArray("x")]
                : [JsonValue.Create("text"), JsonValue.Create(42), JsonValue.Create(true), new JsonArray("x")],
            "boolean" => [JsonValue.Create(42), JsonValue.Create("maybe"), new JsonArray(true), new JsonObject { ["x"] = true }],
            "integer" or "decimal" => [JsonValue.Create("text"), JsonValue.Create(true), new JsonArray(1), new JsonObject { ["x"] = 1 }],
            "dateTime" =>
            [
                JsonValue.Create(42),
                JsonValue.Create("not a date"),
                new JsonArray("2020-01-01T00:00:00Z"),
                new JsonObject { ["x"] = 1 },
            ],
            _ => [JsonValue.Create(42), JsonValue.Create(true), new JsonArray("x"), new JsonObject { ["x"] = "y" }],
        };
    }

    /// <summary>The attribute's value inside a resource body: a sub-attribute goes into its complex value (an element for a multi-valued
    /// one).</summary>
    private static JsonNode Placed(WrongValue wrong, string userName)
    {
        if (wrong.SubAttribute is null)
        {
            return wrong.Value.DeepClone();
        }

        var element = new JsonObject();
        // An element keeps its natural key so the wrong sub-attribute is what is refused.
        if (wrong.SubAttribute != "value")
        {
            element["value"] = wrong.Attribute == "emails" ? userName : "v";
        }

        element[wrong.SubAttribute] = wrong.Value.DeepClone();
        return wrong.MultiValued ? new JsonArray(element) : element;
    }

    private static JsonObject Body(WrongValue wrong, string userName, string? memberId)
    {
        JsonObject body =
            wrong.Resource == "User"
                ? new JsonObject
                {
                    ["schemas"] = new JsonArray(UserUrn, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"),
                    ["userName"] = userName,
                    ["name"] = new JsonObject { ["givenName"] = "Wrong", ["familyName"] = "Type" },
                    ["emails"] = new JsonArray(
                        new JsonObject
                        {
                            ["value"] = userName,
                            ["type"] = "work",
                            ["primary"] = true,
                        }
                    ),
                    ["active"] = true,
                }
                : new JsonObject { ["schemas"] = new JsonArray(GroupUrn), ["displayName"] = "Wrong " + userName };
        var placed = Placed(wrong, userName);
        if (wrong.Resource == "Group" && wrong.Attribute == "members" && wrong.SubAttribute is not null && wrong.SubAttribute != "value")
        {
            placed[0]!["value"] = memberId;
        }

        if (wrong.Extension)
        {
            body[wrong.SchemaId] = new JsonObject { [wrong.Attribute] = placed };
        }
        else
        {
            body[wrong.Attribute] = placed;
        }

        return body;
    }

    private static async Task<string?> RefusalProblemAsync(HttpResponseMessage response, WrongValue wrong)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.BadRequest)
        {
            return $"{(int)response.StatusCode} {text[..Math.Min(200, text.Length)]}";
        }

        var body = JsonNode.Parse(text)!;
        var detail = body["detail"]?.GetValue<string>() ?? "";
        if (body["scimType"]?.GetValue<string>() != "invalidValue")
        {
            return $"400 but scimType {body["scimType"]}: {detail}";
        }

        return detail.Contains(wrong.SubAttribute ?? wrong.Attribute, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"the detail does not name the attribute: {detail}";
    }

    [Fact]
    public async Task Every_wrong_typed_value_is_refused_naming_its_attribute_and_nothing_is_stored()
    {
        var account = await factory.CreateAccountAsync();
        var memberId = await account.CreateUserAsync("wrong-type-member@example.com");
        var userId = await account.CreateUserAsync("wrong-type-target@example.com");
        var groupId = await account.CreateGroupAsync("Wrong Type Target");
        var cases = await CasesAsync(account);
        Assert.True(cases.Count > 150, $"only {cases.Count} cases were derived from /Schemas");
        var problems = new List<string>();
        var n = 0;

        foreach (var wrong in cases)
        {
            var userName = $"wt{n++}@example.com";
            var body = Body(wrong, userName, memberId);
            var target = wrong.Resource == "User" ? $"/Users/{userId}" : $"/Groups/{groupId}";
            var collection = wrong.Resource == "User" ? "/Users" : "/Groups";
            var qualified = wrong.Extension ? $"{wrong.SchemaId}:{wrong.Attribute}" : wrong.Attribute;
            var requests = new List<(string Verb, Func<Task<HttpResponseMessage>> Send)>
            {
                ("POST", () => account.PostAsync(collection, body.ToJsonString())),
                ("PUT", () => account.PutAsync(target, body.ToJsonString())),
            };

            // PATCH sets the attribute by path; one element may stand for a multi-valued target (RFC 7644 §3.5.2.1),
            // and a member id may be a bare string, so those two shapes are not wrong there.
            var patchValue = wrong.SubAttribute is null ? wrong.Value : Placed(wrong, userName);
            var patchAllowed = !(
                wrong.MultiValued
                && wrong.SubAttribute is null
                && (wrong.Value is JsonObject || (wrong.Attribute == "members" && wrong.Value.GetValueKind() == JsonValueKind.String))
            );
            if (
                wrong.Resource == "Group"
                && wrong.Attribute == "members"
                && wrong.SubAttribute is not null
                && wrong.SubAttribute != "value"
            )
            {
                patchValue[0]!["value"] = memberId;
            }

            if (patchAllowed && (Standard || CloudflareChanges(wrong)))
            {
                var operations = new JsonArray(
                    new JsonObject
                    {
                        ["op"] = "replace",
                        ["path"] = qualified,
                        ["value"] = patchValue.DeepClone(),
                    }
                );
                requests.Add(
                    (
                        "PATCH",
                        () =>
                            account.PatchAsync(
                                target,
                                new JsonObject
                                {
                                    ["schemas"] = new JsonArray("urn:ietf:params:scim:api:messages:2.0:PatchOp"),
                                    ["Operations"] = operations,
                                }.ToJsonString()
                            )
                    )
                );
            }

            foreach (var (verb, send) in requests)
            {
                var before = await DatabaseSnapshot.TakeAsync(factory.Services);
                using var response = await send();
                if (await RefusalProblemAsync(response, wrong) is { } problem)
                {
                    problems.Add($"{verb} {wrong}: {problem}");
                }

                if (!before.SequenceEqual(await DatabaseSnapshot.TakeAsync(factory.Services)))
                {
                    problems.Add($"{verb} {wrong}: the database changed");
                }
            }

            if (Standard)
            {
                var bulk = new JsonObject
                {
                    ["schemas"] = new JsonArray("urn:ietf:params:scim:api:messages:2.0:BulkRequest"),
                    ["Operations"] = new JsonArray(
                        new JsonObject
                        {
                            ["method"] = "POST",
                            ["path"] = collection,
                            ["bulkId"] = "b1",
                            ["data"] = body.DeepClone(),
                        }
                    ),
                };
                var before = await DatabaseSnapshot.TakeAsync(factory.Services);
                var answer = await (await account.PostAsync("/Bulk", bulk.ToJsonString())).AssertStatusAsync(HttpStatusCode.OK);
                var operation = answer["Operations"]![0]!;
                var status = operation["status"]?.GetValue<string>();
                var scimType = operation["response"]?["scimType"]?.GetValue<string>();
                if (status != "400" || scimType != "invalidValue")
                {
                    problems.Add($"Bulk POST {wrong}: status {status} scimType {scimType}");
                }

                if (!before.SequenceEqual(await DatabaseSnapshot.TakeAsync(factory.Services)))
                {
                    problems.Add($"Bulk POST {wrong}: the database changed");
                }
            }
        }

        Assert.True(problems.Count == 0, $"{problems.Count} of {cases.Count} cases:\n" + string.Join('\n', problems.Take(80)));
    }

    /// <summary>What a Cloudflare-profile PATCH changes at all (everything else is ignored, as Cloudflare's API does).</summary>
    private static bool CloudflareChanges(WrongValue wrong) =>
        wrong.Resource == "Group"
        || (
            !wrong.Extension
            && (
                wrong.Attribute is "userName" or "active"
                || (wrong.Attribute == "name" && wrong.SubAttribute is null or "givenName" or "familyName")
            )
        );
}

public sealed class StandardWrongTypeTests(StandardApiFactory factory) : WrongTypeTests(factory), IClassFixture<StandardApiFactory>
{
    protected override bool Standard => true;
}

public sealed class CloudflareWrongTypeTests(CloudflareApiFactory factory) : WrongTypeTests(factory), IClassFixture<CloudflareApiFactory>
{
    protected override bool Standard => false;
}
