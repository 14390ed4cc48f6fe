using System.Text.Json.Nodes;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Admin;

/// <summary>
/// Every admin route of the route table declares its answer in Swagger: a Cloudflare envelope whose <c>result</c> is
/// a declared object (or a list of one), with Cloudflare's snake_case names — never an anonymous object.
/// </summary>
public sealed class AdminSchemaTests(CloudflareApiFactory factory) : IClassFixture<CloudflareApiFactory>
{
    private const string AccountPrefix = "/client/v4/accounts/{account_id}";

    [Fact]
    public async Task Every_admin_route_declares_an_envelope_with_a_declared_result()
    {
        using var client = factory.CreateClient();
        var document = (JsonObject)await (await client.GetAsync("/swagger/v1/swagger.json")).ReadJsonAsync();
        var schemas = document["components"]!["schemas"]!.AsObject();
        var routes = RouteTable
            .Of(factory.Services)
            .Where(r =>
                r.Pattern.StartsWith(AccountPrefix + "/", StringComparison.Ordinal)
                && !r.Pattern.Contains("/scim/v2", StringComparison.Ordinal)
            )
            .ToList();
        Assert.True(routes.Count >= 25, $"only {routes.Count} admin routes found");

        var problems = new List<string>();
        foreach (var (method, pattern) in routes)
        {
            var operation = document["paths"]?[pattern]?[method.ToLowerInvariant()];
            if (operation?["responses"]?["200"]?["content"]?["application/x-ndjson"] is not null)
            {
                continue; // a declared JSON-lines stream (the provisioning log's export), not an enveloped result
            }

            if (pattern.EndsWith("/poll", StringComparison.Ordinal))
            {
                continue; // RFC 8936 defines the poll answer ({sets, moreAvailable}); it is not enveloped
            }

            var reference = operation?["responses"]?["200"]?["content"]?["application/json"]?["schema"]?["$ref"]?.GetValue<string>();
            if (reference is null)
            {
                problems.Add($"{method} {pattern}: no declared 200 schema");
                continue;
            }

            var envelope = Resolve(schemas, reference);
            var properties = envelope["properties"]?.AsObject();
            if (
                properties is null
                || !properties.ContainsKey("success")
                || !properties.ContainsKey("result_info")
                || properties["result"] is not { } result
            )
            {
                problems.Add($"{method} {pattern}: {reference} is not the snake_case Cloudflare envelope");
                continue;
            }

            var declared = result["$ref"] ?? result["items"]?["$ref"] ?? result["allOf"]?[0]?["$ref"];
            if (declared is null || Resolve(schemas, declared.GetValue<string>())["properties"] is not JsonObject { Count: > 0 } fields)
            {
                problems.Add($"{method} {pattern}: the result of {reference} is not a declared object");
                continue;
            }

            problems.AddRange(
                fields
                    .Select(f => f.Key)
                    .Where(name => name.Any(char.IsUpper))
                    .Select(name => $"{method} {pattern}: '{name}' is not snake_case")
            );
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public async Task Lookups_by_id_declare_their_404_envelope()
    {
        using var client = factory.CreateClient();
        var document = (JsonObject)await (await client.GetAsync("/swagger/v1/swagger.json")).ReadJsonAsync();
        foreach (var pattern in new[] { "/members/{member_id}", "/iam/resource_groups/{resource_group_id}", "/tokens/{token_id}" })
        {
            Assert.NotNull(document["paths"]![AccountPrefix + pattern]!["get"]!["responses"]!["404"]);
        }
    }

    private static JsonObject Resolve(JsonObject schemas, string reference) =>
        schemas[reference[(reference.LastIndexOf('/') + 1)..]]!.AsObject();
}
