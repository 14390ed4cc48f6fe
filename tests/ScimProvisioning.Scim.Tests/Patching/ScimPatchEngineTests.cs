using System.Text.Json.Nodes;
using ScimProvisioning.Scim.Errors;
using ScimProvisioning.Scim.Patching;
using ScimProvisioning.Scim.Schemas;

namespace ScimProvisioning.Scim.Tests.Patching;

public sealed class ScimPatchEngineTests
{
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    private static readonly ScimPatchEngine Engine = new(CoreSchemas.UserResource);

    private static JsonObject User() =>
        JsonNode
            .Parse(
                """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1","userName":"a@x.com",
                 "name":{"givenName":"A","familyName":"X"},"active":true,
                 "emails":[{"value":"a@x.com","type":"work","primary":true},{"value":"a@home.example","type":"home"}]}
                """
            )!
            .AsObject();

    private static JsonObject Apply(JsonObject user, string operations)
    {
        Engine.Apply(user, PatchOperation.ReadRequest(JsonNode.Parse($$"""{"Operations":{{operations}}}"""), 100));
        return user;
    }

    [Theory]
    [InlineData("replace")]
    [InlineData("Replace")]
    [InlineData("REPLACE")]
    public void Op_is_matched_in_any_case(string op) =>
        Assert.Equal(
            "b@x.com",
            Apply(User(), $$"""[{"op":"{{op}}","path":"userName","value":"b@x.com"}]""")["userName"]!.GetValue<string>()
        );

    [Fact]
    public void String_booleans_are_coerced()
    {
        var user = Apply(User(), """[{"op":"Replace","path":"active","value":"False"}]""");
        Assert.False(user["active"]!.GetValue<bool>());
    }

    [Fact]
    public void Pathless_value_with_dotted_urn_and_ignored_keys()
    {
        var user = Apply(
            User(),
            $$"""
            [{"op":"replace","value":{"id":"u1","schemas":["x"],"meta":{"a":1},"name.givenName":"K",
            "{{Enterprise}}:employeeNumber":"42","displayName":"D"} } ]
            """
        );
        Assert.Equal("K", user["name"]!["givenName"]!.GetValue<string>());
        Assert.Equal("X", user["name"]!["familyName"]!.GetValue<string>());
        Assert.Equal("42", user[Enterprise]!["employeeNumber"]!.GetValue<string>());
        Assert.Equal("D", user["displayName"]!.GetValue<string>());
        Assert.Null(user["meta"]);
    }

    [Fact]
    public void Pathless_value_naming_another_id_is_a_mutability_error() =>
        Assert.Equal(
            ScimErrorTypes.Mutability,
            Assert.Throws<ScimException>(() => Apply(User(), """[{"op":"replace","value":{"id":"other"} } ]""")).ScimType
        );

    [Fact]
    public void Extension_object_in_a_pathless_value()
    {
        var user = Apply(User(), $$"""[{"op":"add","value":{"{{Enterprise}}":{"department":"Ops","manager":"m1"} } } ]""");
        Assert.Equal("Ops", user[Enterprise]!["department"]!.GetValue<string>());
        Assert.Equal("m1", user[Enterprise]!["manager"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public void Filtered_sub_attribute_replace_changes_only_the_match()
    {
        var user = Apply(User(), """[{"op":"replace","path":"emails[type eq \"work\"].value","value":"new@x.com"}]""");
        var emails = user["emails"]!.AsArray();
        Assert.Equal("new@x.com", emails[0]!["value"]!.GetValue<string>());
        Assert.True(emails[0]!["primary"]!.GetValue<bool>());
        Assert.Equal("a@home.example", emails[1]!["value"]!.GetValue<string>());
    }

    [Fact]
    public void Filtered_add_creates_the_value_seeded_from_the_filter()
    {
        var user = Apply(User(), """[{"op":"add","path":"phoneNumbers[type eq \"work\"].value","value":"+1 555"}]""");
        var phone = Assert.Single(user["phoneNumbers"]!.AsArray())!;
        Assert.Equal("work", phone["type"]!.GetValue<string>());
        Assert.Equal("+1 555", phone["value"]!.GetValue<string>());
    }

    [Fact]
    public void Filtered_replace_without_a_match_is_no_target() =>
        Assert.Equal(
            ScimErrorTypes.NoTarget,
            Assert
                .Throws<ScimException>(() => Apply(User(), """[{"op":"replace","path":"emails[type eq \"other\"].value","value":"z"}]"""))
                .ScimType
        );

    [Fact]
    public void Remove_with_filter_removes_only_matches()
    {
        var user = Apply(User(), """[{"op":"remove","path":"emails[type eq \"home\"]"}]""");
        Assert.Equal("a@x.com", Assert.Single(user["emails"]!.AsArray())!["value"]!.GetValue<string>());
    }

    [Fact]
    public void Remove_with_a_value_list_removes_only_listed_values()
    {
        var user = Apply(User(), """[{"op":"remove","path":"emails","value":[{"value":"a@home.example"}]}]""");
        Assert.Equal("a@x.com", Assert.Single(user["emails"]!.AsArray())!["value"]!.GetValue<string>());
    }

    [Fact]
    public void Adding_an_existing_value_is_a_no_op_and_a_new_primary_demotes_the_old()
    {
        var user = Apply(
            User(),
            """
            [{"op":"add","path":"emails","value":[{"value":"a@x.com","type":"work","primary":true}]},{"op":"add","path":"emails",
            "value":[{"value":"n@x.com","type":"other","primary":"True"}]}]
            """
        );
        var emails = user["emails"]!.AsArray();
        Assert.Equal(3, emails.Count);
        Assert.Single(emails, e => e!["primary"]?.GetValue<bool>() == true);
        Assert.True(emails[2]!["primary"]!.GetValue<bool>());
    }

    [Fact]
    public void Manager_as_bare_string_and_removal_by_empty_string()
    {
        var user = Apply(User(), $$"""[{"op":"Add","path":"{{Enterprise}}:manager","value":"m1"}]""");
        Assert.Equal("m1", user[Enterprise]!["manager"]!["value"]!.GetValue<string>());
        Apply(user, $$"""[{"op":"Replace","path":"{{Enterprise}}:manager","value":""}]""");
        Assert.Null(user[Enterprise]);
    }

    [Fact]
    public void Whole_extension_remove_and_replace()
    {
        var user = Apply(User(), $$"""[{"op":"add","path":"{{Enterprise}}","value":{"department":"A","division":"B"} } ]""");
        Apply(user, $$"""[{"op":"replace","path":"{{Enterprise}}","value":{"department":"C"} } ]""");
        Assert.Null(user[Enterprise]!["division"]);
        Assert.Equal("C", user[Enterprise]!["department"]!.GetValue<string>());
        Apply(user, $$"""[{"op":"remove","path":"{{Enterprise}}"}]""");
        Assert.Null(user[Enterprise]);
    }

    [Fact]
    public void Read_only_paths_are_mutability_errors_but_ignored_in_pathless_values()
    {
        Assert.Equal(
            ScimErrorTypes.Mutability,
            Assert.Throws<ScimException>(() => Apply(User(), """[{"op":"replace","path":"groups","value":[]}]""")).ScimType
        );
        var user = Apply(User(), """[{"op":"replace","value":{"groups":[{"value":"g"}],"title":"T"} } ]""");
        Assert.Null(user["groups"]);
        Assert.Equal("T", user["title"]!.GetValue<string>());
    }

    [Fact]
    public void Unknown_attribute_in_a_path_is_invalid_path_but_ignored_in_a_pathless_value()
    {
        Assert.Equal(
            ScimErrorTypes.InvalidPath,
            Assert.Throws<ScimException>(() => Apply(User(), """[{"op":"add","path":"shoeSize","value":"9"}]""")).ScimType
        );
        Apply(User(), """[{"op":"add","value":{"shoeSize":"9"} } ]""");
    }

    [Fact]
    public void Deferred_attributes_are_handed_back_in_order()
    {
        var engine = new ScimPatchEngine(CoreSchemas.GroupResource, new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "members" });
        var group = JsonNode.Parse("""{"id":"g1","displayName":"Eng"}""")!.AsObject();
        var deferred = engine.Apply(
            group,
            PatchOperation.ReadRequest(
                JsonNode.Parse(
                    """
                    {"Operations":[{"op":"remove","path":"members[value eq \"u2\"]"},{"op":"add","path":"members","value":[{"value":"u1"}]},
                    {"op":"replace","value":{"displayName":"Eng2","members":[]}}]}
                    """
                ),
                100
            )
        );
        Assert.Equal([PatchOp.Remove, PatchOp.Add, PatchOp.Replace], deferred.Select(d => d.Op));
        Assert.NotNull(deferred[0].ValueFilter);
        Assert.Equal("Eng2", group["displayName"]!.GetValue<string>());
    }

    [Fact]
    public void Too_many_operations_is_too_many()
    {
        var operations = string.Join(",", Enumerable.Repeat("""{"op":"add","path":"title","value":"x"}""", 5));
        var error = Assert.Throws<ScimException>(() =>
            PatchOperation.ReadRequest(JsonNode.Parse($$"""{"Operations":[{{operations}}]}"""), 4)
        );
        Assert.Equal(ScimErrorTypes.TooMany, error.ScimType);
    }
}
