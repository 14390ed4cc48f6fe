using System.Net;
using System.Text.Json.Nodes;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Discovery;

public sealed class CloudflareDiscoveryTests(CloudflareApiFactory factory) : IClassFixture<CloudflareApiFactory>
{
    [Fact]
    public async Task Service_provider_config_is_complete_with_cloudflare_values_and_integer_limits()
    {
        var account = await factory.CreateAccountAsync();
        var body = await (await account.GetAsync("/ServiceProviderConfig")).AssertStatusAsync(HttpStatusCode.OK);

        Assert.Equal("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig", body["schemas"]![0]!.GetValue<string>());
        Assert.True(body["patch"]!["supported"]!.GetValue<bool>());
        Assert.False(body["bulk"]!["supported"]!.GetValue<bool>());
        Assert.Equal(0, body["bulk"]!["maxOperations"]!.GetValue<int>());
        Assert.Equal(0, body["bulk"]!["maxPayloadSize"]!.GetValue<int>());
        Assert.True(body["filter"]!["supported"]!.GetValue<bool>());
        Assert.Equal(100, body["filter"]!["maxResults"]!.GetValue<int>());
        Assert.False(body["sort"]!["supported"]!.GetValue<bool>());
        Assert.False(body["etag"]!["supported"]!.GetValue<bool>());
        Assert.False(body["changePassword"]!["supported"]!.GetValue<bool>());
        var scheme = Assert.Single(body["authenticationSchemes"]!.AsArray());
        Assert.Equal("oauthbearertoken", scheme!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Schemas_lists_user_enterprise_user_and_group_with_full_attribute_definitions()
    {
        var account = await factory.CreateAccountAsync();
        var body = await (await account.GetAsync("/Schemas")).AssertStatusAsync(HttpStatusCode.OK);

        var schemas = body["Resources"]!.AsArray();
        var user = schemas.Single(s => s!["id"]!.GetValue<string>() == "urn:ietf:params:scim:schemas:core:2.0:User")!;
        Assert.Equal("User Account", user["description"]!.GetValue<string>());
        Assert.Contains(schemas, s => s!["id"]!.GetValue<string>() == "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User");
        var group = schemas.Single(s => s!["id"]!.GetValue<string>() == "urn:ietf:params:scim:schemas:core:2.0:Group")!;
        var members = group["attributes"]!.AsArray().Single(a => a!["name"]!.GetValue<string>() == "members")!;
        Assert.True(members["multiValued"]!.GetValue<bool>());
        Assert.Equal(
            "immutable",
            members["subAttributes"]!.AsArray().Single(a => a!["name"]!.GetValue<string>() == "value")!["mutability"]!.GetValue<string>()
        );
        var userName = user["attributes"]!.AsArray().Single(a => a!["name"]!.GetValue<string>() == "userName")!;
        Assert.Equal("string", userName["type"]!.GetValue<string>());
        Assert.True(userName["required"]!.GetValue<bool>());
        Assert.False(userName["caseExact"]!.GetValue<bool>());
        Assert.Equal("server", userName["uniqueness"]!.GetValue<string>());
        Assert.Equal("readWrite", userName["mutability"]!.GetValue<string>());
        var password = user["attributes"]!.AsArray().Single(a => a!["name"]!.GetValue<string>() == "password")!;
        Assert.Equal("never", password["returned"]!.GetValue<string>());
        Assert.Equal("writeOnly", password["mutability"]!.GetValue<string>());
        var emails = user["attributes"]!.AsArray().Single(a => a!["name"]!.GetValue<string>() == "emails")!;
        Assert.True(emails["multiValued"]!.GetValue<bool>());
        Assert.Contains(
            emails["subAttributes"]!.AsArray(),
            s => s!["name"]!.GetValue<string>() == "primary" && s["type"]!.GetValue<string>() == "boolean"
        );

        var single = await (
            await account.GetAsync("/Schemas/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Contains(single["attributes"]!.AsArray(), a => a!["name"]!.GetValue<string>() == "manager");
        await (await account.GetAsync("/Schemas/urn:nope")).AssertScimErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Resource_types_name_the_users_and_groups_endpoints()
    {
        var account = await factory.CreateAccountAsync();
        var body = await (await account.GetAsync("/ResourceTypes")).AssertStatusAsync(HttpStatusCode.OK);
        var user = body["Resources"]!.AsArray().Single(r => r!["endpoint"]!.GetValue<string>() == "/Users")!;
        Assert.Equal("urn:ietf:params:scim:schemas:core:2.0:User", user["schema"]!.GetValue<string>());
        Assert.Equal(
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
            user["schemaExtensions"]![0]!["schema"]!.GetValue<string>()
        );
        await (await account.GetAsync("/ResourceTypes/User")).AssertStatusAsync(HttpStatusCode.OK);
        var group = body["Resources"]!.AsArray().Single(r => r!["endpoint"]!.GetValue<string>() == "/Groups")!;
        Assert.Equal("urn:ietf:params:scim:schemas:core:2.0:Group", group["schema"]!.GetValue<string>());
        await (await account.GetAsync("/ResourceTypes/Printer")).AssertScimErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Unknown_scim_path_is_a_scim_404()
    {
        var account = await factory.CreateAccountAsync();
        await (await account.GetAsync("/Printers")).AssertScimErrorAsync(HttpStatusCode.NotFound);
    }
}

public sealed class StandardDiscoveryTests(StandardApiFactory factory) : IClassFixture<StandardApiFactory>
{
    [Fact]
    public async Task Service_provider_config_reports_the_standard_profile_limits()
    {
        var account = await factory.CreateAccountAsync();
        var body = await (await account.GetAsync("/ServiceProviderConfig")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(1000, body["filter"]!["maxResults"]!.GetValue<int>());
        Assert.True(body["changePassword"]!["supported"]!.GetValue<bool>());
        Assert.IsType<int>(body["bulk"]!["maxOperations"]!.GetValue<int>());
    }

    [Fact]
    public async Task Swagger_documents_the_scim_endpoints_with_the_bearer_scheme()
    {
        using var client = factory.CreateClient();
        var document = (JsonObject)await (await client.GetAsync("/swagger/v1/swagger.json")).ReadJsonAsync();
        Assert.NotNull(document["paths"]!["/client/v4/accounts/{account_id}/scim/v2/Users"]);
        Assert.NotNull(document["paths"]!["/client/v4/accounts/{account_id}/members/{member_id}/effective_permissions"]);
        Assert.Equal("bearer", document["components"]!["securitySchemes"]!["bearer"]!["scheme"]!.GetValue<string>());
    }
}
