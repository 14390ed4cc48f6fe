using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Standard;

/// <summary>Sorting, projection, /.search, ETags and cursors (RFC 7644 §3.4, §3.14; RFC 9865).</summary>
public sealed class QueryFeatureTests(StandardApiFactory factory) : IClassFixture<StandardApiFactory>
{
    private static async Task<TestAccount> SeedAsync(ScimApiFactory factory)
    {
        var account = await factory.CreateAccountAsync("zed@example.com");
        await account.PostAsync("/Users", """{"userName":"carol@example.com","title":"b-title"}""");
        await account.PostAsync("/Users", """{"userName":"Alice@example.com","title":"C-title"}""");
        await account.PostAsync("/Users", """{"userName":"bob@example.com"}""");
        return account;
    }

    private static List<string> Names(JsonObject list) =>
        list["Resources"]!.AsArray().Select(r => r!["userName"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task Sort_by_user_name_is_case_insensitive_in_both_directions()
    {
        var account = await SeedAsync(factory);
        var ascending = await (await account.GetAsync("/Users?sortBy=userName")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(["Alice@example.com", "bob@example.com", "carol@example.com", "zed@example.com"], Names(ascending));
        var descending = await (await account.GetAsync("/Users?sortBy=userName&sortOrder=descending")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(["zed@example.com", "carol@example.com", "bob@example.com", "Alice@example.com"], Names(descending));
    }

    [Fact]
    public async Task Unset_values_sort_last_in_both_directions_and_pages_are_stable()
    {
        var account = await SeedAsync(factory);
        var ascending = await (await account.GetAsync("/Users?sortBy=title")).ReadJsonAsync();
        Assert.Equal(["carol@example.com", "Alice@example.com"], Names((JsonObject)ascending).Take(2));
        var descending = await (await account.GetAsync("/Users?sortBy=title&sortOrder=DESCENDING")).ReadJsonAsync();
        Assert.Equal(["Alice@example.com", "carol@example.com"], Names((JsonObject)descending).Take(2));
        var first = Names(await (await account.GetAsync("/Users?sortBy=title&startIndex=3&count=1")).AssertStatusAsync(HttpStatusCode.OK));
        var second = Names(await (await account.GetAsync("/Users?sortBy=title&startIndex=4&count=1")).AssertStatusAsync(HttpStatusCode.OK));
        Assert.Equal(["zed@example.com", "bob@example.com"], first.Concat(second)); // unset titles tie-break by creation order
    }

    [Theory]
    [InlineData("/Users?sortBy=shoeSize")]
    [InlineData("/Users?sortBy=userName&sortOrder=sideways")]
    [InlineData("/Users?cursor=garbage!")]
    [InlineData("/Users?cursor=&sortBy=userName")]
    public async Task Bad_sort_or_cursor_parameters_are_400(string path)
    {
        var account = await factory.CreateAccountAsync();
        var response = await account.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Attributes_apply_to_write_responses_with_id_and_schemas_always_returned()
    {
        var account = await factory.CreateAccountAsync();
        var response = await account.PostAsync("/Users?attributes=userName", """{"userName":"proj@example.com","title":"T"}""");
        var body = await response.AssertStatusAsync(HttpStatusCode.Created);
        Assert.Equal(["id", "schemas", "userName"], body.Select(p => p.Key).Order(StringComparer.Ordinal));
        var id = body["id"]!.GetValue<string>();
        var patched = await (
            await account.PatchAsync(
                $"/Users/{id}?excludedAttributes=title,meta,id",
                """{"Operations":[{"op":"replace","path":"title","value":"U"}]}"""
            )
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Null(patched["title"]);
        Assert.Null(patched["meta"]);
        Assert.Equal(id, patched["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Search_by_post_on_resources_and_the_root()
    {
        var account = await SeedAsync(factory);
        var group = await account.CreateGroupAsync("bob fans");
        var users = await (
            await account.PostAsync(
                "/Users/.search",
                """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"userName sw \"b\"","attributes":["userName"],
                "startIndex":1,"count":10}
                """
            )
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(["bob@example.com"], Names(users));
        Assert.Null(users["Resources"]![0]!["title"]);

        var groups = await (await account.PostAsync("/Groups/.search", """{"filter":"displayName co \"FANS\""}""")).AssertStatusAsync(
            HttpStatusCode.OK
        );
        Assert.Equal(group, Assert.Single(groups["Resources"]!.AsArray())!["id"]!.GetValue<string>());

        var root = await (
            await account.PostAsync("/.search", """{"filter":"meta.created gt \"2000-01-01T00:00:00Z\"","count":1000}""")
        ).AssertStatusAsync(HttpStatusCode.OK);
        var types = root["Resources"]!.AsArray().Select(r => r!["meta"]!["resourceType"]!.GetValue<string>()).ToList();
        Assert.Equal(4, types.Count(t => t == "User"));
        Assert.Contains("Group", types);
        Assert.Equal(types.Count, root["totalResults"]!.GetValue<int>());

        var onlyUsers = await (await account.PostAsync("/.search", """{"filter":"userName eq \"bob@example.com\""}""")).AssertStatusAsync(
            HttpStatusCode.OK
        );
        Assert.Equal(1, onlyUsers["totalResults"]!.GetValue<int>());
        await (await account.PostAsync("/.search", """{"filter":"shoeSize eq 1"}""")).AssertScimErrorAsync(
            HttpStatusCode.BadRequest,
            "invalidFilter"
        );
        await (await account.PostAsync("/Users/.search", """{"count":"many"}""")).AssertScimErrorAsync(
            HttpStatusCode.BadRequest,
            "invalidValue"
        );
    }

    [Fact]
    public async Task Versions_change_on_every_write_and_drive_conditional_requests()
    {
        var account = await factory.CreateAccountAsync();
        var created = await account.PostAsync("/Users", """{"userName":"etag@example.com"}""");
        var body = await created.AssertStatusAsync(HttpStatusCode.Created);
        var id = body["id"]!.GetValue<string>();
        var v1 = body["meta"]!["version"]!.GetValue<string>();
        Assert.Equal(v1, created.Headers.ETag!.ToString());

        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"{account.ScimBase}/Users/{id}");
        conditional.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(v1));
        Assert.Equal(HttpStatusCode.NotModified, (await account.Scim.SendAsync(conditional)).StatusCode);

        var patched = await (
            await account.PatchOpsAsync($"/Users/{id}", """[{"op":"add","path":"title","value":"x"}]""")
        ).AssertStatusAsync(HttpStatusCode.OK);
        var v2 = patched["meta"]!["version"]!.GetValue<string>();
        Assert.NotEqual(v1, v2);

        using var stale = new HttpRequestMessage(HttpMethod.Put, $"{account.ScimBase}/Users/{id}")
        {
            Content = TestAccount.Body("""{"userName":"etag@example.com"}""", "application/scim+json"),
        };
        stale.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(v1));
        await (await account.Scim.SendAsync(stale)).AssertScimErrorAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal("x", (await account.GetUserAsync(id))["title"]!.GetValue<string>());

        using var fresh = new HttpRequestMessage(HttpMethod.Delete, $"{account.ScimBase}/Users/{id}");
        fresh.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(v2));
        Assert.Equal(HttpStatusCode.NoContent, (await account.Scim.SendAsync(fresh)).StatusCode);

        var group = await account.CreateGroupAsync("Versioned");
        var g1 = (await account.GetGroupAsync(group))["meta"]!["version"]!.GetValue<string>();
        await account.PatchOpsAsync($"/Groups/{group}", """[{"op":"replace","path":"externalId","value":"e"}]""");
        Assert.NotEqual(g1, (await account.GetGroupAsync(group))["meta"]!["version"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cursor_pagination_walks_every_user_once()
    {
        var account = await factory.CreateAccountAsync();
        for (var i = 0; i < 11; i++)
        {
            await account.CreateUserAsync($"cursor{i:D2}@example.com");
        }

        var seen = new List<string>();
        var cursor = "";
        var pages = 0;
        while (cursor is not null)
        {
            var page = await (await account.GetAsync($"/Users?count=5&cursor={Uri.EscapeDataString(cursor)}")).AssertStatusAsync(
                HttpStatusCode.OK
            );
            Assert.Null(page["startIndex"]);
            Assert.Equal(12, page["totalResults"]!.GetValue<int>());
            seen.AddRange(page["Resources"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()));
            cursor = page["nextCursor"]?.GetValue<string>();
            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Equal(12, seen.Distinct().Count());
        var invalid = await account.GetAsync("/Users?cursor=bm9wZQ");
        await invalid.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidCursor");
    }

    [Fact]
    public async Task Service_provider_config_advertises_what_the_standard_profile_does()
    {
        var account = await factory.CreateAccountAsync();
        var config = await (await account.GetAsync("/ServiceProviderConfig")).ReadJsonAsync();
        Assert.True(config["sort"]!["supported"]!.GetValue<bool>());
        Assert.True(config["etag"]!["supported"]!.GetValue<bool>());
        Assert.True(config["bulk"]!["supported"]!.GetValue<bool>());
        Assert.Equal(1000, config["bulk"]!["maxOperations"]!.GetValue<int>());
        Assert.Equal(1048576, config["bulk"]!["maxPayloadSize"]!.GetValue<int>());
        Assert.True(config["pagination"]!["cursor"]!.GetValue<bool>());
        Assert.True(config["pagination"]!["index"]!.GetValue<bool>());
    }

    [Fact]
    public async Task At_most_one_primary_value_per_attribute()
    {
        var account = await factory.CreateAccountAsync();
        await (
            await account.PostAsync(
                "/Users",
                """{"userName":"two@example.com","emails":[{"value":"a@x","primary":true},{"value":"b@x","primary":"True"}]}"""
            )
        ).AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidValue");
    }
}

/// <summary>The Cloudflare profile stays narrow, and says what Cloudflare supports instead.</summary>
public sealed class CloudflareNarrowTests(CloudflareApiFactory factory) : IClassFixture<CloudflareApiFactory>
{
    [Theory]
    [InlineData("GET", "/Users?sortBy=userName", 400, "creation order")]
    [InlineData("GET", "/Users?cursor=", 400, "startIndex")]
    [InlineData("GET", "/Groups?filter=displayName%20co%20%22x%22", 400, "displayName eq")]
    [InlineData("POST", "/Users/.search", 501, "GET /Users?filter=userName eq")]
    [InlineData("POST", "/.search", 501, "GET /Users?filter=userName eq")]
    [InlineData("POST", "/Bulk", 501, "send each")]
    public async Task Refusals_name_what_cloudflare_supports(string method, string path, int status, string hint)
    {
        var account = await factory.CreateAccountAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), account.ScimBase + path);
        if (method == "POST")
        {
            request.Content = TestAccount.Body("""{"Operations":[]}""", "application/scim+json");
        }

        var error = await (await account.Scim.SendAsync(request)).AssertScimErrorAsync((HttpStatusCode)status);
        Assert.Contains(hint, error["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task No_versions_are_emitted_or_checked()
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateUserAsync("nover@example.com");
        var response = await account.GetAsync($"/Users/{id}");
        Assert.Null(response.Headers.ETag);
        Assert.Null((await response.ReadJsonAsync())["meta"]!["version"]);
    }
}
