using System.Net;
using System.Text.Json.Nodes;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Standard;

/// <summary>The server behaves as /Schemas describes it.</summary>
public sealed class SchemaConformanceTests(StandardApiFactory factory) : IClassFixture<StandardApiFactory>
{
    private static readonly HashSet<string> NotFilterable = new(StringComparer.Ordinal)
    {
        "password", // writeOnly, returned never: never matched against
        "manager.displayName", // derived, not stored
        "groups.type",
    };

    [Fact]
    public async Task Every_described_attribute_that_is_returned_can_be_filtered()
    {
        var account = await factory.CreateAccountAsync();
        var schemas = (await (await account.GetAsync("/Schemas")).ReadJsonAsync())["Resources"]!.AsArray();
        foreach (var schema in schemas.Where(s => s!["id"]!.GetValue<string>().Contains(":User", StringComparison.Ordinal)))
        {
            var prefix = schema!["id"]!.GetValue<string>().Contains("extension", StringComparison.Ordinal)
                ? schema["id"]!.GetValue<string>() + ":"
                : "";
            foreach (var attribute in schema["attributes"]!.AsArray().Cast<JsonObject>())
            {
                var name = attribute["name"]!.GetValue<string>();
                var paths =
                    attribute["type"]!.GetValue<string>() == "complex"
                        ? attribute["subAttributes"]!
                            .AsArray()
                            .Select(s => $"{name}.{s!["name"]!.GetValue<string>()}")
                            .Where(p => !p.EndsWith(".$ref", StringComparison.Ordinal))
                        : [name];
                foreach (var path in paths.Where(p => !NotFilterable.Contains(p)))
                {
                    var response = await account.GetAsync("/Users?filter=" + Uri.EscapeDataString($"{prefix}{path} pr"));
                    Assert.True(
                        response.StatusCode == HttpStatusCode.OK,
                        $"{prefix}{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}"
                    );
                }
            }
        }
    }

    [Fact]
    public async Task Returned_never_and_read_only_attributes_behave_as_described()
    {
        var account = await factory.CreateAccountAsync();
        var id = (
            await (
                await account.PostAsync(
                    "/Users",
                    """
                    {"userName":"described@example.com","password":"p4ss!","groups":[{"value":"x"}],
                    "meta":{"created":"1999-01-01T00:00:00Z"}}
                    """
                )
            ).ReadJsonAsync()
        )["id"]!.GetValue<string>();
        var user = await account.GetUserAsync(id);
        Assert.Null(user["password"]);
        Assert.Null(user["groups"]);
        Assert.NotEqual("1999-01-01T00:00:00Z", user["meta"]!["created"]!.GetValue<string>());
        var onlyPassword = await account.GetUserAsync(id + "?attributes=password");
        Assert.Null(onlyPassword["password"]);
        Assert.Equal(id, onlyPassword["id"]!.GetValue<string>());
        await (await account.GetAsync("/Users?filter=" + Uri.EscapeDataString("password eq \"p4ss!\""))).AssertScimErrorAsync(
            HttpStatusCode.BadRequest,
            "invalidFilter"
        );
        await (
            await account.PatchOpsAsync($"/Users/{id}", """[{"op":"replace","path":"meta.created","value":"2000-01-01T00:00:00Z"}]""")
        ).AssertScimErrorAsync(HttpStatusCode.BadRequest, "mutability");
    }
}
