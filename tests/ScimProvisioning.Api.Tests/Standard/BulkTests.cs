using System.Net;
using System.Text.Json.Nodes;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Standard;

/// <summary>/Bulk (RFC 7644 §3.7).</summary>
public sealed class BulkTests(StandardApiFactory factory) : IClassFixture<StandardApiFactory>
{
    private static string Bulk(string operations, string extra = "") =>
        $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"]{{extra}},"Operations":{{operations}}}""";

    [Fact]
    public async Task Operations_run_in_order_and_bulk_ids_resolve_even_forward()
    {
        var account = await factory.CreateAccountAsync();
        var response = await account.PostAsync(
            "/Bulk",
            Bulk(
                """
                [{"method":"POST","path":"/Groups","bulkId":"g1","data":{"displayName":"Bulk team","members":[{"value":"bulkId:u1"}]}},
                 {"method":"POST","path":"/Users","bulkId":"u1","data":{"userName":"bulk1@example.com"}},
                 {"method":"PATCH","path":"/Users/bulkId:u1","data":{"Operations":[{"op":"add","path":"title","value":"Lead"}]}}]
                """
            )
        );
        var body = await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:BulkResponse", body["schemas"]![0]!.GetValue<string>());
        var results = body["Operations"]!.AsArray();
        Assert.Equal(["200", "201", "201"], results.Select(r => r!["status"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var user = results.Single(r => r!["bulkId"]?.GetValue<string>() == "u1")!;
        var userId = user["location"]!.GetValue<string>().Split('/')[^1];
        var group = results.Single(r => r!["bulkId"]?.GetValue<string>() == "g1")!["location"]!.GetValue<string>().Split('/')[^1];
        Assert.Equal([userId], await account.MemberValuesAsync(group));
        Assert.Equal("Lead", (await account.GetUserAsync(userId))["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_group_created_filled_and_deleted_in_one_request_goes_through_every_step()
    {
        // One request, one unit of work: member rows written by an earlier operation must not trip a later deletion.
        var account = await factory.CreateAccountAsync();
        var body = await (
            await account.PostAsync(
                "/Bulk",
                Bulk(
                    """
                    [{"method":"POST","path":"/Users","bulkId":"u1","data":{"userName":"first@example.com"}},
                     {"method":"POST","path":"/Users","bulkId":"u2","data":{"userName":"second@example.com"}},
                     {"method":"POST","path":"/Groups","bulkId":"g","data":{"displayName":"Short-lived","members":[{"value":"bulkId:u1"}]}},
                     {"method":"PATCH","path":"/Groups/bulkId:g","data":{"Operations":[{"op":"add","path":"members",
                     "value":[{"value":"bulkId:u2"}]}]}},
                     {"method":"DELETE","path":"/Groups/bulkId:g"}]
                    """
                )
            )
        ).AssertStatusAsync(HttpStatusCode.OK);

        Assert.Equal(["201", "201", "201", "204", "204"], body["Operations"]!.AsArray().Select(r => r!["status"]!.GetValue<string>()));
        var groups = await (await account.GetAsync("/Groups?filter=displayName%20eq%20%22Short-lived%22")).ReadJsonAsync();
        Assert.Equal(0, groups["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task Circular_and_unknown_references_fail_with_409_and_do_not_block_the_rest()
    {
        var account = await factory.CreateAccountAsync();
        var body = await (
            await account.PostAsync(
                "/Bulk",
                Bulk(
                    """
                    [{"method":"POST","path":"/Groups","bulkId":"a","data":{"displayName":"A","members":[{"value":"bulkId:b"}]}},
                     {"method":"POST","path":"/Groups","bulkId":"b","data":{"displayName":"B","members":[{"value":"bulkId:a"}]}},
                     {"method":"POST","path":"/Groups","bulkId":"c","data":{"displayName":"C","members":[{"value":"bulkId:nowhere"}]}},
                     {"method":"POST","path":"/Users","bulkId":"ok","data":{"userName":"fine@example.com"}}]
                    """
                )
            )
        ).AssertStatusAsync(HttpStatusCode.OK);
        var byId = body["Operations"]!.AsArray().ToDictionary(r => r!["bulkId"]!.GetValue<string>(), r => r!);
        Assert.Equal("409", byId["a"]["status"]!.GetValue<string>());
        Assert.Equal("409", byId["b"]["status"]!.GetValue<string>());
        Assert.Contains("Circular", byId["a"]["response"]!["detail"]!.GetValue<string>());
        Assert.Equal("409", byId["c"]["status"]!.GetValue<string>());
        Assert.Equal("201", byId["ok"]["status"]!.GetValue<string>());
        var groups = await (await account.GetAsync("/Groups?filter=displayName%20eq%20%22A%22")).ReadJsonAsync();
        Assert.Equal(0, groups["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task Fail_on_errors_stops_after_that_many_errors()
    {
        var account = await factory.CreateAccountAsync();
        var body = await (
            await account.PostAsync(
                "/Bulk",
                Bulk(
                    """
                    [{"method":"POST","path":"/Users","bulkId":"x1","data":{"displayName":"no userName"}},
                     {"method":"DELETE","path":"/Users/0123456789abcdef0123456789abcdef"},
                     {"method":"POST","path":"/Users","bulkId":"x3","data":{"userName":"never@example.com"}}]
                    """,
                    ""","failOnErrors":2"""
                )
            )
        ).AssertStatusAsync(HttpStatusCode.OK);
        var results = body["Operations"]!.AsArray();
        Assert.Equal(["400", "404"], results.Select(r => r!["status"]!.GetValue<string>()));
        Assert.Equal("invalidValue", results[0]!["response"]!["scimType"]!.GetValue<string>());
        var never = await (await account.GetAsync("/Users?filter=userName%20eq%20%22never%40example.com%22")).ReadJsonAsync();
        Assert.Equal(0, never["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task Versions_in_operations_are_checked()
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateUserAsync("bulkver@example.com");
        var body = await (
            await account.PostAsync(
                "/Bulk",
                Bulk(
                    $$"""
                    [{"method":"PUT","path":"/Users/{{id}}","version":"W/\"999\"","data":{"userName":"bulkver@example.com"} } ]
                    """
                )
            )
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("412", body["Operations"]![0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Too_many_operations_or_too_large_a_payload_is_413()
    {
        var account = await factory.CreateAccountAsync();
        var many = "[" + string.Join(",", Enumerable.Range(0, 1001).Select(i => $$"""{"method":"DELETE","path":"/Users/{{i}}"}""")) + "]";
        await (await account.PostAsync("/Bulk", Bulk(many))).AssertScimErrorAsync(HttpStatusCode.RequestEntityTooLarge);
        var huge = Bulk(
            $$"""
            [{"method":"POST","path":"/Users","bulkId":"h","data":{"userName":"h@x","displayName":"{{new string('x', 1_100_000)}}"} } ]
            """
        );
        await (await account.PostAsync("/Bulk", huge)).AssertScimErrorAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("""{"Operations":[{"method":"GET","path":"/Users"}]}""")]
    [InlineData("""{"Operations":[{"method":"POST","path":"/Users","data":{"userName":"nobulkid@x"}}]}""")]
    [InlineData("""{"Operations":"nope"}""")]
    [InlineData("""{"failOnErrors":0,"Operations":[]}""")]
    public async Task Malformed_bulk_requests_are_400(string body)
    {
        var account = await factory.CreateAccountAsync();
        var response = await account.PostAsync("/Bulk", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
