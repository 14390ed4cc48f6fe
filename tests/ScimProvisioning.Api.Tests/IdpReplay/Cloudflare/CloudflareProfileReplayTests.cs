using System.Net;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.IdpReplay.Cloudflare;

/// <summary>What the Cloudflare profile accepts and refuses (SPEC §4), with IdP-shaped requests.</summary>
public sealed class CloudflareProfileReplayTests(CloudflareApiFactory factory) : IClassFixture<CloudflareApiFactory>
{
    [Fact]
    public async Task S01_discovery_is_what_authentik_parses_strictly()
    {
        var account = await factory.CreateAccountAsync();
        var body = await (await account.GetAsync("/ServiceProviderConfig")).AssertStatusAsync(HttpStatusCode.OK);
        foreach (var member in new[] { "patch", "bulk", "filter", "changePassword", "sort", "etag", "authenticationSchemes" })
        {
            Assert.NotNull(body[member]);
        }
    }

    [Theory]
    [InlineData("alice", "alice@example.com")]
    [InlineData("alice@example.com", "someone.else@example.com")]
    public async Task S25_user_name_must_be_an_email_equal_to_the_primary_email(string userName, string email)
    {
        var account = await factory.CreateAccountAsync();
        var error = await (
            await account.PostAsync(
                "/Users",
                $$"""{"userName":"{{userName}}","emails":[{"value":"{{email}}","primary":true,"type":"work"}],"active":true}"""
            )
        ).AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidValue");
        Assert.Contains("userName", error["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_requires_emails_and_active_true()
    {
        var account = await factory.CreateAccountAsync();
        await (await account.PostAsync("/Users", """{"userName":"noemail@example.com","active":true}""")).AssertScimErrorAsync(
            HttpStatusCode.BadRequest,
            "invalidValue"
        );
        await (
            await account.PostAsync(
                "/Users",
                """{"userName":"off@example.com","emails":[{"value":"off@example.com","primary":true}],"active":false}"""
            )
        ).AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidValue");
        Assert.Equal(1, await account.MemberCountAsync());
    }

    [Theory]
    [InlineData("externalId eq \"x\"")]
    [InlineData("emails[type eq \"work\"].value eq \"a@x.com\"")]
    [InlineData("userName co \"a\"")]
    [InlineData("userName eq \"a@x.com\" and active eq true")]
    public async Task Filters_other_than_user_name_eq_are_refused_naming_what_cloudflare_supports(string filter)
    {
        var account = await factory.CreateAccountAsync();
        var error = await (await account.GetAsync("/Users?filter=" + Uri.EscapeDataString(filter))).AssertScimErrorAsync(
            HttpStatusCode.BadRequest,
            "invalidFilter"
        );
        Assert.Contains("userName eq", error["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Entra_default_disable_with_string_false_deprovisions()
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateUserAsync("entra@example.com");
        var body = await (
            await account.PatchOpsAsync($"/Users/{id}", """[{"op":"Replace","path":"active","value":"False"}]""")
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.False(body["active"]!.GetValue<bool>());
        Assert.Null(await account.MemberIdOfAsync(id));
    }

    [Fact]
    public async Task Patch_add_and_remove_are_accepted_and_ignored_and_only_updatable_attributes_change()
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateUserAsync("narrow@example.com", "Old", "Name");
        var body = await (
            await account.PatchOpsAsync(
                $"/Users/{id}",
                """
                [{"op":"add","path":"nickName","value":"Nick"},{"op":"remove","path":"name.givenName"},
                 {"op":"replace","path":"displayName","value":"Ignored"},{"op":"replace","path":"name.familyName","value":"New"}]
                """
            )
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Null(body["nickName"]);
        Assert.Equal("Old", body["name"]!["givenName"]!.GetValue<string>());
        Assert.Equal("New", body["name"]!["familyName"]!.GetValue<string>());
        Assert.NotEqual("Ignored", body["displayName"]?.GetValue<string>());
    }

    [Fact]
    public async Task Work_email_path_is_an_alias_of_user_name()
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateUserAsync("alias@example.com");
        var body = await (
            await account.PatchOpsAsync(
                $"/Users/{id}",
                """[{"op":"Replace","path":"emails[type eq \"work\"].value","value":"renamed@example.com"}]"""
            )
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("renamed@example.com", body["userName"]!.GetValue<string>());
        Assert.Equal("renamed@example.com", body["emails"]![0]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Put_without_active_leaves_it_unchanged()
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateUserAsync("putkeep@example.com");
        await account.PatchOpsAsync($"/Users/{id}", """[{"op":"replace","value":{"active":false}}]""");
        var body = await (
            await account.PutAsync(
                $"/Users/{id}",
                """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"putkeep@example.com","name":{"givenName":"P",
                "familyName":"K"}}
                """
            )
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.False(body["active"]!.GetValue<bool>());
        Assert.Equal("P", body["name"]!["givenName"]!.GetValue<string>());
    }

    [Fact]
    public async Task S43_delete_is_405_pointing_at_deprovisioning()
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateUserAsync("nodelete@example.com");
        var error = await (await account.DeleteAsync($"/Users/{id}")).AssertScimErrorAsync(HttpStatusCode.MethodNotAllowed);
        Assert.Contains("active", error["detail"]!.GetValue<string>());
        Assert.NotNull(await account.MemberIdOfAsync(id));
    }

    [Fact]
    public async Task Groups_on_a_user_are_plain_id_strings_and_display_name_falls_back()
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateUserAsync("shape@example.com");
        var user = await account.GetUserAsync(id);
        Assert.Equal(System.Text.Json.JsonValueKind.Array, user["groups"]!.GetValueKind());
        Assert.Equal("shape@example.com", user["displayName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Page_size_is_capped_at_100()
    {
        var account = await factory.CreateAccountAsync();
        for (var i = 0; i < 101; i++)
        {
            await account.CreateUserAsync($"cap{i:D3}@example.com");
        }

        var body = await (await account.GetAsync("/Users?count=500")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(100, body["itemsPerPage"]!.GetValue<int>());
        Assert.Equal(102, body["totalResults"]!.GetValue<int>());
        var zero = await (await account.GetAsync("/Users?count=0")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Empty(zero["Resources"]!.AsArray());
        Assert.Equal(102, zero["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task S06_S72_every_response_is_scim_json_including_errors()
    {
        var account = await factory.CreateAccountAsync();
        var responses = new[]
        {
            await account.GetAsync("/Users"),
            await account.GetAsync("/Users/0123456789abcdef0123456789abcdef"),
            await account.PostAsync("/Users", "{"),
            await factory.CreateClient().GetAsync($"{account.ScimBase}/Users"),
            await account.GetAsync("/Schemas"),
        };
        Assert.All(responses, r => Assert.Equal("application/scim+json", r.Content.Headers.ContentType?.MediaType));
    }
}
