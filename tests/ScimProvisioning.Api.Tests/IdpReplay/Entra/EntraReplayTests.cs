using System.Net;
using System.Text.Json.Nodes;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.IdpReplay.Entra;

/// <summary>
/// reference/idps.md §8 — Microsoft Entra ID's provisioning service (default and <c>aadOptscim062020</c>), the
/// Microsoft SCIM Validator and the AzureAD reference Postman collection, replayed against the Standard profile.
/// </summary>
public sealed class EntraReplayTests(StandardApiFactory factory) : IClassFixture<StandardApiFactory>
{
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    private static string EntraCreate(string userName, string externalId) =>
        $$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
             "externalId":"{{externalId}}","userName":"{{userName}}","active":true,"displayName":"Test User",
             "emails":[{"primary":true,"type":"work","value":"{{userName}}"}],"meta":{"resourceType":"User"},
             "name":{"formatted":"Test User","familyName":"User","givenName":"Test"},"roles":[],
             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Eng"} }
            """;

    private static async Task<string> CreateEntraUserAsync(
        TestAccount account,
        string userName,
        string externalId = "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"
    )
    {
        var response = await account.PostAsync("/Users", EntraCreate(userName, externalId), "application/scim+json; charset=utf-8");
        return (await response.AssertStatusAsync(HttpStatusCode.Created))["id"]!.GetValue<string>();
    }

    [Fact]
    public async Task S04_test_connection_with_a_random_guid_is_an_empty_list()
    {
        var account = await factory.CreateAccountAsync();
        var body = await (
            await account.GetAsync("/Users?filter=userName%20eq%20%223f1c5c8e-6a71-4f42-9e5f-8a5c3b0f1b7d%22")
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(0, body["totalResults"]!.GetValue<int>());
        Assert.Empty(body["Resources"]!.AsArray());
        Assert.IsType<int>(body["itemsPerPage"]!.GetValue<int>());
    }

    [Fact]
    public async Task S14_match_by_work_email_value_path()
    {
        var account = await factory.CreateAccountAsync();
        var id = await CreateEntraUserAsync(account, "a@x.com");
        var body = await (
            await account.GetAsync("/Users?filter=" + Uri.EscapeDataString("emails[type eq \"work\"].value eq \"A@X.com\""))
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(id, Assert.Single(body["Resources"]!.AsArray())!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task S15_unquoted_external_id_is_read_leniently_as_a_string()
    {
        var account = await factory.CreateAccountAsync();
        var id = await CreateEntraUserAsync(account, "jy@x.com", "jyoung");
        var body = await (await account.GetAsync("/Users?filter=externalId%20eq%20jyoung")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(id, Assert.Single(body["Resources"]!.AsArray())!["id"]!.GetValue<string>());
        var caseExact = await (await account.GetAsync("/Users?filter=externalId%20eq%20JYOUNG")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(0, caseExact["totalResults"]!.GetValue<int>()); // externalId is caseExact
    }

    [Fact]
    public async Task S19_create_with_charset_meta_roles_and_enterprise_extension()
    {
        var account = await factory.CreateAccountAsync();
        var id = await CreateEntraUserAsync(account, "entra@x.com");
        var user = await account.GetUserAsync(id);
        Assert.Equal("Eng", user[Enterprise]!["department"]!.GetValue<string>());
        Assert.Null(user["roles"]);
        Assert.Equal("User", user["meta"]!["resourceType"]!.GetValue<string>());
    }

    [Fact]
    public async Task S20_legacy_create_with_explicit_nulls()
    {
        var account = await factory.CreateAccountAsync();
        var body = await (
            await account.PostAsync(
                "/Users",
                """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"nulls@x.com","active":true,
                 "addresses":null,"phoneNumbers":null,"title":null,"manager":null,"emails":[{"value":"nulls@x.com","primary":true,
                 "type":"work"}]}
                """
            )
        ).AssertStatusAsync(HttpStatusCode.Created);
        Assert.Null(body["title"]);
        Assert.Null(body["addresses"]);
    }

    [Fact]
    public async Task S28_replace_work_email_in_place_and_family_name()
    {
        var account = await factory.CreateAccountAsync();
        var id = await CreateEntraUserAsync(account, "old@x.com");
        var body = await (
            await account.PatchOpsAsync(
                $"/Users/{id}",
                """
                [{"op":"Replace","path":"emails[type eq \"work\"].value","value":"new@x.com"},{"op":"Replace","path":"name.familyName",
                "value":"F2"}]
                """
            )
        ).AssertStatusAsync(HttpStatusCode.OK);
        var email = Assert.Single(body["emails"]!.AsArray())!;
        Assert.Equal("new@x.com", email["value"]!.GetValue<string>());
        Assert.Equal("work", email["type"]!.GetValue<string>());
        Assert.True(email["primary"]!.GetValue<bool>());
        Assert.Equal("F2", body["name"]!["familyName"]!.GetValue<string>());
        Assert.Equal("Test", body["name"]!["givenName"]!.GetValue<string>());
        Assert.DoesNotContain("emails[", body.ToJsonString());
    }

    [Fact]
    public async Task S29_replace_user_name_and_find_it_by_the_new_name()
    {
        var account = await factory.CreateAccountAsync();
        var id = await CreateEntraUserAsync(account, "before@x.com");
        await (
            await account.PatchOpsAsync($"/Users/{id}", """[{"op":"Replace","path":"userName","value":"renamed@x.com"}]""")
        ).AssertStatusAsync(HttpStatusCode.OK);
        var body = await (await account.GetAsync("/Users?filter=userName%20eq%20%22renamed@x.com%22")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(id, Assert.Single(body["Resources"]!.AsArray())!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task S30_add_creates_a_missing_work_email_and_a_nick_name()
    {
        var account = await factory.CreateAccountAsync();
        var id = (
            await (
                await account.PostAsync("/Users", """{"userName":"nowork@x.com","emails":[{"value":"home@x.com","type":"home"}]}""")
            ).ReadJsonAsync()
        )["id"]!.GetValue<string>();
        var body = await (
            await account.PatchOpsAsync(
                $"/Users/{id}",
                """
                [{"op":"Add","path":"emails[type eq \"work\"].value","value":"w@x.com"},{"op":"Add","path":"nickName","value":"Babs"}]
                """
            )
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Contains(
            body["emails"]!.AsArray(),
            e => e!["type"]!.GetValue<string>() == "work" && e["value"]!.GetValue<string>() == "w@x.com"
        );
        Assert.Contains(body["emails"]!.AsArray(), e => e!["type"]!.GetValue<string>() == "home");
        Assert.Equal("Babs", body["nickName"]!.GetValue<string>());
    }

    [Fact]
    public async Task S31_flagged_pathless_replace_with_dotted_and_urn_keys()
    {
        var account = await factory.CreateAccountAsync();
        var id = await CreateEntraUserAsync(account, "flag@x.com");
        var body = await (
            await account.PatchOpsAsync(
                $"/Users/{id}",
                """
                [{"op":"replace","value":{"displayName":"B","name.givenName":"K","name.familyName":"U",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"42"}}]
                """
            )
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("B", body["displayName"]!.GetValue<string>());
        Assert.Equal("K", body["name"]!["givenName"]!.GetValue<string>());
        Assert.Equal("U", body["name"]!["familyName"]!.GetValue<string>());
        Assert.Equal("Test User", body["name"]!["formatted"]!.GetValue<string>());
        Assert.Equal("42", body[Enterprise]!["employeeNumber"]!.GetValue<string>());
        Assert.Equal("Eng", body[Enterprise]!["department"]!.GetValue<string>());
    }

    [Fact]
    public async Task S32_replace_an_enterprise_attribute_by_urn_path()
    {
        var account = await factory.CreateAccountAsync();
        var id = await CreateEntraUserAsync(account, "dept@x.com");
        var body = await (
            await account.PatchOpsAsync(
                $"/Users/{id}",
                """
                [{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":"Ops"}]
                """
            )
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("Ops", body[Enterprise]!["department"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"op":"Remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"}""")]
    [InlineData("""{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":""}""")]
    public async Task S33_manager_as_bare_string_then_removed(string removal)
    {
        var account = await factory.CreateAccountAsync();
        var manager = await CreateEntraUserAsync(account, "mgr@x.com");
        var id = await CreateEntraUserAsync(account, "report@x.com");

        var added = await (
            await account.PatchOpsAsync(
                $"/Users/{id}",
                $$"""
                [{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"{{manager}}"}]
                """
            )
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(manager, added[Enterprise]!["manager"]!["value"]!.GetValue<string>());

        var removed = await (await account.PatchOpsAsync($"/Users/{id}", $"[{removal}]")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Null(removed[Enterprise]?["manager"]);
        Assert.Equal("Eng", removed[Enterprise]!["department"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("\"False\"", "\"True\"")]
    [InlineData("false", "true")]
    [InlineData("\"false\"", "\"TRUE\"")]
    public async Task S40_S41_disable_and_enable_with_string_or_boolean_values(string off, string on)
    {
        var account = await factory.CreateAccountAsync();
        var id = await CreateEntraUserAsync(account, "toggle@x.com");

        var disabled = await (
            await account.PatchOpsAsync($"/Users/{id}", $$"""[{"op":"Replace","path":"active","value":{{off}}}]""")
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.False(disabled["active"]!.GetValue<bool>());
        Assert.Null(await account.MemberIdOfAsync(id));

        var enabled = await (
            await account.PatchOpsAsync($"/Users/{id}", $$"""[{"op":"replace","path":"active","value":{{on}}}]""")
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.True(enabled["active"]!.GetValue<bool>());
        Assert.NotNull(await account.MemberIdOfAsync(id));
    }

    [Fact]
    public async Task S43_hard_delete_then_404_and_filter_finds_nothing()
    {
        var account = await factory.CreateAccountAsync();
        var id = await CreateEntraUserAsync(account, "del@x.com");
        var response = await account.DeleteAsync($"/Users/{id}");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        await (await account.GetAsync($"/Users/{id}")).AssertScimErrorAsync(HttpStatusCode.NotFound);
        var list = await (await account.GetAsync("/Users?filter=userName%20eq%20%22del@x.com%22")).ReadJsonAsync();
        Assert.Equal(0, list["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task S16_postman_attributes_projection_keeps_id_and_schemas()
    {
        var account = await factory.CreateAccountAsync();
        await CreateEntraUserAsync(account, "proj@x.com");
        var body = await (await account.GetAsync("/Users?attributes=userName,emails")).AssertStatusAsync(HttpStatusCode.OK);
        foreach (var resource in body["Resources"]!.AsArray().Cast<JsonObject>())
        {
            Assert.Equal(["emails", "id", "schemas", "userName"], resource.Select(p => p.Key).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task S23_postman_string_active_is_stored_as_a_boolean()
    {
        var account = await factory.CreateAccountAsync();
        var body = await (
            await account.PostAsync(
                "/Users",
                """{"userName":"str@x.com","active":"True","emails":[{"value":"str@x.com","primary":"true"}]}"""
            )
        ).AssertStatusAsync(HttpStatusCode.Created);
        Assert.True(body["active"]!.GetValue<bool>());
        Assert.True(body["emails"]![0]!["primary"]!.GetValue<bool>());
    }

    [Fact]
    public async Task S24_postman_missing_user_name_and_junk_json_are_400()
    {
        var account = await factory.CreateAccountAsync();
        await (await account.PostAsync("/Users", """{"displayName":"no name"}""")).AssertScimErrorAsync(
            HttpStatusCode.BadRequest,
            "invalidValue"
        );
        await (await account.PostAsync("/Users", "this is not json")).AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidSyntax");
    }

    [Fact]
    public async Task S34_validator_pathless_user_name_replace()
    {
        var account = await factory.CreateAccountAsync();
        var id = await CreateEntraUserAsync(account, "emilio.old@x.com");
        var body = await (
            await account.PatchOpsAsync($"/Users/{id}", """[{"op":"replace","value":{"userName":"emilio@x.com"}}]""")
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("emilio@x.com", body["userName"]!.GetValue<string>());
    }

    [Fact]
    public async Task S35_validator_primary_filter_path_on_a_string_primary()
    {
        var account = await factory.CreateAccountAsync();
        var id = (
            await (
                await account.PostAsync(
                    "/Users",
                    """
                    {"userName":"prim@x.com","emails":[{"value":"prim@x.com","type":"work","primary":"true"},{"value":"other@x.com",
                    "type":"home"}]}
                    """
                )
            ).ReadJsonAsync()
        )["id"]!.GetValue<string>();
        var body = await (
            await account.PatchOpsAsync($"/Users/{id}", """[{"op":"replace","path":"emails[primary eq true].value","value":"p@x.com"}]""")
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(
            "p@x.com",
            body["emails"]!.AsArray().Single(e => e!["primary"]?.GetValue<bool>() == true)!["value"]!.GetValue<string>()
        );
        Assert.Contains(body["emails"]!.AsArray(), e => e!["value"]!.GetValue<string>() == "other@x.com");
    }

    [Fact]
    public async Task Postman_misspelled_attribute_on_put_is_ignored()
    {
        var account = await factory.CreateAccountAsync();
        var id = await CreateEntraUserAsync(account, "typo@x.com");
        var body = await (
            await account.PutAsync($"/Users/{id}", """{"userName":"typo@x.com","adreses":[{"street":"x"}],"active":true}""")
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Null(body["adreses"]);
    }

    [Fact]
    public async Task Postman_capitalised_attribute_names_and_trailing_slash_filter()
    {
        var account = await factory.CreateAccountAsync();
        var id = (
            await (await account.PostAsync("/Users", """{"userName":"bob.amazing@x.com","displayName":"BobIsAmazing"}""")).ReadJsonAsync()
        )["id"]!.GetValue<string>();
        var body = await (
            await account.GetAsync("/Users?filter=" + Uri.EscapeDataString("DisplayName eq \"BobIsAmazing\""))
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(id, Assert.Single(body["Resources"]!.AsArray())!["id"]!.GetValue<string>());
        var combined = await (
            await account.GetAsync("/Users?filter=" + Uri.EscapeDataString("USERNAME eq \"bob.amazing@x.com\" and id eq \"" + id + "\""))
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(1, combined["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task Emails_value_filter_without_a_type_matches_any_email()
    {
        var account = await factory.CreateAccountAsync();
        var id = (
            await (
                await account.PostAsync("/Users", """{"userName":"multi@x.com","emails":[{"value":"Second@Home.example","type":"home"}]}""")
            ).ReadJsonAsync()
        )["id"]!.GetValue<string>();
        var body = await (
            await account.GetAsync("/Users?filter=" + Uri.EscapeDataString("emails.value eq \"second@home.example\""))
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(id, Assert.Single(body["Resources"]!.AsArray())!["id"]!.GetValue<string>());
    }
}
