using System.Net;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.IdpReplay.Authentik;

/// <summary>reference/idps.md §8 — authentik's SCIM provider (released and newest), against the Standard profile.</summary>
public sealed class AuthentikReplayTests(StandardApiFactory factory) : IClassFixture<StandardApiFactory>
{
    private const string BobCreate = """
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bob",
         "name":{"formatted":"Bob B","givenName":"Bob","familyName":"B"},"displayName":"Bob B","active":true,
         "emails":[{"value":"bob@x","type":"other","primary":true}],"externalId":"0123456789abcdef0123456789abcdef01234567"}
        """;

    [Fact]
    public async Task S13_discovery_pages_without_count_use_the_default_page_size()
    {
        var account = await factory.CreateAccountAsync();
        for (var i = 0; i < 119; i++)
        {
            await account.CreateUserAsync($"ak{i:D3}@example.com");
        }

        var first = await (await account.GetAsync("/Users")).AssertStatusAsync(HttpStatusCode.OK);
        var seen = first["Resources"]!.AsArray().Count;
        Assert.Equal(100, seen);
        Assert.Equal(120, first["totalResults"]!.GetValue<int>());
        var next = await (await account.GetAsync($"/Users?startIndex={seen + 1}")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(20, next["Resources"]!.AsArray().Count);
        Assert.Equal(120, next["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task S21_create_answers_201_with_an_id()
    {
        var account = await factory.CreateAccountAsync();
        var response = await account.PostAsync("/Users", BobCreate);
        var body = await response.AssertStatusAsync(HttpStatusCode.Created);
        Assert.Matches("^[0-9a-f]{32}$", body["id"]!.GetValue<string>());
        Assert.Equal("other", body["emails"]![0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task S22_conflict_then_adopt_by_filter_quoted_or_unquoted()
    {
        var account = await factory.CreateAccountAsync();
        var id = (await (await account.PostAsync("/Users", BobCreate)).ReadJsonAsync())["id"]!.GetValue<string>();
        await (await account.PostAsync("/Users", BobCreate)).AssertScimErrorAsync(HttpStatusCode.Conflict, "uniqueness");

        var quoted = await (await account.GetAsync("/Users?filter=userName%20eq%20%22bob%22")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(id, quoted["Resources"]![0]!["id"]!.GetValue<string>());
        var unquoted = await (await account.GetAsync("/Users?filter=userName%20eq%20bob")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(id, unquoted["Resources"]![0]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task S27_update_by_put_with_id_returns_the_full_resource()
    {
        var account = await factory.CreateAccountAsync();
        var id = (await (await account.PostAsync("/Users", BobCreate)).ReadJsonAsync())["id"]!.GetValue<string>();
        var body = await (
            await account.PutAsync(
                $"/Users/{id}",
                $$"""
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"{{id}}","userName":"bob",
                 "name":{"formatted":"Bob Builder","givenName":"Bob","familyName":"Builder"},"displayName":"Bob Builder","active":true,
                 "emails":[{"value":"bob@x","type":"other","primary":true}],"externalId":"0123456789abcdef0123456789abcdef01234567"}
                """
            )
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("Builder", body["name"]!["familyName"]!.GetValue<string>());
        Assert.Equal(id, body["id"]!.GetValue<string>());
        Assert.NotNull(body["meta"]);
    }

    [Fact]
    public async Task S36_pathless_replace_with_schemas_and_id_is_applied_and_they_are_ignored()
    {
        var account = await factory.CreateAccountAsync();
        var id = (await (await account.PostAsync("/Users", BobCreate)).ReadJsonAsync())["id"]!.GetValue<string>();
        await (
            await account.PatchOpsAsync(
                $"/Users/{id}",
                $$"""
                [{"op":"replace","value":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"{{id}}","userName":"bob",
                "active":true,"displayName":"Bobby"} } ]
                """
            )
        ).AssertStatusAsync(HttpStatusCode.OK);
        var user = await account.GetUserAsync(id);
        Assert.Equal("Bobby", user["displayName"]!.GetValue<string>());
        Assert.Equal(id, user["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task S42_deactivate_and_reactivate_by_full_put()
    {
        var account = await factory.CreateAccountAsync();
        var id = (await (await account.PostAsync("/Users", BobCreate)).ReadJsonAsync())["id"]!.GetValue<string>();
        var off = await (
            await account.PutAsync($"/Users/{id}", BobCreate.Replace("\"active\":true", "\"active\":false", StringComparison.Ordinal))
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.False(off["active"]!.GetValue<bool>());
        Assert.Null(await account.MemberIdOfAsync(id));
        var on = await (await account.PutAsync($"/Users/{id}", BobCreate)).AssertStatusAsync(HttpStatusCode.OK);
        Assert.True(on["active"]!.GetValue<bool>());
        Assert.NotNull(await account.MemberIdOfAsync(id));
    }

    [Fact]
    public async Task S43_S44_delete_twice_and_stale_ids_are_404()
    {
        var account = await factory.CreateAccountAsync();
        var id = (await (await account.PostAsync("/Users", BobCreate)).ReadJsonAsync())["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.NoContent, (await account.DeleteAsync($"/Users/{id}")).StatusCode);
        await (await account.DeleteAsync($"/Users/{id}")).AssertScimErrorAsync(HttpStatusCode.NotFound);
        await (await account.PutAsync($"/Users/{id}", BobCreate)).AssertScimErrorAsync(HttpStatusCode.NotFound);
        await (await account.PatchOpsAsync($"/Users/{id}", """[{"op":"replace","path":"displayName","value":"x"}]""")).AssertScimErrorAsync(
            HttpStatusCode.NotFound
        );
        // authentik then re-POSTs, which must work.
        await (await account.PostAsync("/Users", BobCreate)).AssertStatusAsync(HttpStatusCode.Created);
    }
}
