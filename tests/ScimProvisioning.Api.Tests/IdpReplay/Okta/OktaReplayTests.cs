using System.Net;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.IdpReplay.Okta;

/// <summary>
/// reference/idps.md §8 — what Okta's "SCIM 2.0 Test App (OAuth Bearer Token)" and the Cloudflare Dashboard OIN app
/// send, replayed against the Cloudflare profile (the one Okta admins point at Cloudflare).
/// </summary>
public sealed class OktaReplayTests(CloudflareApiFactory factory) : IClassFixture<CloudflareApiFactory>
{
    private const string OktaCreate = """
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"test.user@okta.local",
         "name":{"givenName":"Test","familyName":"User"},
         "emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],
         "displayName":"Test User","locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7","groups":[],"password":"1mz050nq","active":true}
        """;

    [Fact]
    public async Task S07_pre_create_lookup_with_paging_params_is_an_empty_list_with_integers()
    {
        var account = await factory.CreateAccountAsync();
        var body = await (
            await account.GetAsync("/Users?filter=userName%20eq%20%22new%40x.com%22&startIndex=1&count=100")
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(0, body["totalResults"]!.GetValue<int>());
        Assert.Equal(1, body["startIndex"]!.GetValue<int>());
        Assert.Equal(0, body["itemsPerPage"]!.GetValue<int>());
        Assert.Empty(body["Resources"]!.AsArray());
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:ListResponse", body["schemas"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task S08_spec_test_first_user_has_the_fields_okta_checks()
    {
        var account = await factory.CreateAccountAsync();
        await account.CreateUserAsync("seed@example.com", "Seed", "User");
        var body = await (await account.GetAsync("/Users?count=1&startIndex=1")).AssertStatusAsync(HttpStatusCode.OK);
        var first = body["Resources"]![0]!;
        Assert.Single(body["Resources"]!.AsArray());
        Assert.NotNull(first["id"]);
        Assert.NotNull(first["userName"]);
        Assert.True(first["active"]!.GetValue<bool>());
        Assert.NotNull(first["emails"]![0]!["value"]);
        Assert.Equal(2, body["totalResults"]!.GetValue<int>()); // the account's Super Administrator is a SCIM user too
    }

    [Fact]
    public async Task S09_S10_get_by_id_and_unknown_id()
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateUserAsync("get@example.com");
        Assert.Equal(id, (await account.GetUserAsync(id))["id"]!.GetValue<string>());
        await (await account.GetAsync("/Users/010101001010101011001010101011")).AssertScimErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task S11_user_name_lookup_is_case_insensitive()
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateUserAsync("alice@example.com");
        var body = await (await account.GetAsync("/Users?filter=userName%20eq%20%22ALICE@EXAMPLE.COM%22")).AssertStatusAsync(
            HttpStatusCode.OK
        );
        Assert.Equal(1, body["totalResults"]!.GetValue<int>());
        Assert.Equal(id, body["Resources"]![0]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task S12_import_pages_of_100_without_overlap()
    {
        var account = await factory.CreateAccountAsync();
        for (var i = 0; i < 149; i++)
        {
            await account.CreateUserAsync($"user{i:D3}@example.com");
        }

        var first = await (await account.GetAsync("/Users?startIndex=1&count=100")).AssertStatusAsync(HttpStatusCode.OK);
        var second = await (await account.GetAsync("/Users?startIndex=101&count=100")).AssertStatusAsync(HttpStatusCode.OK);

        Assert.Equal(150, first["totalResults"]!.GetValue<int>());
        Assert.Equal(150, second["totalResults"]!.GetValue<int>());
        Assert.Equal(100, first["Resources"]!.AsArray().Count);
        Assert.Equal(50, second["Resources"]!.AsArray().Count);
        Assert.Equal(101, second["startIndex"]!.GetValue<int>());
        var ids = first["Resources"]!.AsArray().Concat(second["Resources"]!.AsArray()).Select(r => r!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(150, ids.Distinct().Count());
    }

    [Fact]
    public async Task S17_create_echoes_the_user_and_ignores_groups_and_password()
    {
        var account = await factory.CreateAccountAsync();
        var response = await account.PostAsync("/Users", OktaCreate);
        var body = await response.AssertStatusAsync(HttpStatusCode.Created);
        Assert.False(string.IsNullOrEmpty(body["id"]!.GetValue<string>()));
        Assert.Equal("test.user@okta.local", body["userName"]!.GetValue<string>());
        Assert.Equal("Test", body["name"]!["givenName"]!.GetValue<string>());
        Assert.Equal("User", body["name"]!["familyName"]!.GetValue<string>());
        Assert.True(body["active"]!.GetValue<bool>());
        Assert.Equal("00ujl29u0le5T6Aj10h7", body["externalId"]!.GetValue<string>());
        Assert.Equal("User", body["meta"]!["resourceType"]!.GetValue<string>());
        Assert.Null(body["password"]);
        Assert.Empty(body["groups"]!.AsArray());
    }

    [Fact]
    public async Task S18_repeating_the_create_is_409_uniqueness()
    {
        var account = await factory.CreateAccountAsync();
        await (await account.PostAsync("/Users", OktaCreate)).AssertStatusAsync(HttpStatusCode.Created);
        await (await account.PostAsync("/Users", OktaCreate)).AssertScimErrorAsync(HttpStatusCode.Conflict, "uniqueness");
    }

    [Fact]
    public async Task S26_profile_update_by_put_with_id_and_meta()
    {
        var account = await factory.CreateAccountAsync();
        var created = await (await account.PostAsync("/Users", OktaCreate)).AssertStatusAsync(HttpStatusCode.Created);
        var id = created["id"]!.GetValue<string>();
        var current = await account.GetUserAsync(id);
        current["name"]!["middleName"] = "Excited";

        var body = await (await account.PutAsync($"/Users/{id}", current.ToJsonString())).AssertStatusAsync(HttpStatusCode.OK);

        Assert.Equal("Excited", body["name"]!["middleName"]!.GetValue<string>());
        Assert.Equal(id, body["id"]!.GetValue<string>());
        Assert.True(body["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task S37_S38_S39_deactivate_find_and_reactivate_by_pathless_patch()
    {
        var account = await factory.CreateAccountAsync();
        var id = (await (await account.PostAsync("/Users", OktaCreate)).ReadJsonAsync())["id"]!.GetValue<string>();

        var off = await (await account.PatchOpsAsync($"/Users/{id}", """[{"op":"replace","value":{"active":false}}]""")).AssertStatusAsync(
            HttpStatusCode.OK
        );
        Assert.False(off["active"]!.GetValue<bool>());
        Assert.Null(await account.MemberIdOfAsync(id));

        var found = await (await account.GetAsync("/Users?filter=userName%20eq%20%22test.user%40okta.local%22")).AssertStatusAsync(
            HttpStatusCode.OK
        );
        Assert.Equal(1, found["totalResults"]!.GetValue<int>());
        Assert.False(found["Resources"]![0]!["active"]!.GetValue<bool>());

        var on = await (await account.PatchOpsAsync($"/Users/{id}", """[{"op":"replace","value":{"active":true}}]""")).AssertStatusAsync(
            HttpStatusCode.OK
        );
        Assert.True(on["active"]!.GetValue<bool>());
        Assert.NotNull(await account.MemberIdOfAsync(id));
    }

    [Fact]
    public async Task S42_aiw_app_deactivates_with_a_full_put()
    {
        var account = await factory.CreateAccountAsync();
        var id = (await (await account.PostAsync("/Users", OktaCreate)).ReadJsonAsync())["id"]!.GetValue<string>();
        var current = await account.GetUserAsync(id);
        current["active"] = false;

        var body = await (await account.PutAsync($"/Users/{id}", current.ToJsonString())).AssertStatusAsync(HttpStatusCode.OK);

        Assert.False(body["active"]!.GetValue<bool>());
        Assert.Null(await account.MemberIdOfAsync(id));
    }

    [Fact]
    public async Task S71_create_without_content_type_is_accepted()
    {
        var account = await factory.CreateAccountAsync();
        var response = await account.PostAsync("/Users", OktaCreate, contentType: null!);
        await response.AssertStatusAsync(HttpStatusCode.Created);
    }
}
