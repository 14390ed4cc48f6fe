using System.Net;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Users;

/// <summary>Bad input gets the documented SCIM error and changes nothing (SPEC §3 errors).</summary>
public sealed class BadInputTests(StandardApiFactory factory) : IClassFixture<StandardApiFactory>
{
    [Theory]
    [InlineData("{", "invalidSyntax")]
    [InlineData("{\"userName\":\"a@b.c\"", "invalidSyntax")]
    [InlineData("[]", "invalidSyntax")]
    [InlineData("\"text\"", "invalidSyntax")]
    [InlineData("{\"userName\":\"a@b.c\",\"userName\":\"b@b.c\"}", "invalidSyntax")]
    [InlineData("{\"userName\":42}", null)]
    [InlineData("{\"userName\":\"\"}", "invalidValue")]
    [InlineData("{\"name\":{\"givenName\":\"x\"}}", "invalidValue")]
    [InlineData("{\"userName\":\"x@y.z\",\"active\":\"maybe\"}", "invalidValue")]
    [InlineData("{\"userName\":\"x@y.z\",\"name\":\"flat\"}", null)]
    [InlineData("{\"userName\":\"x@y.z\",\"emails\":[{\"value\":{\"nested\":1}}]}", "invalidValue")]
    [InlineData("{\"userName\":[\"x@y.z\"]}", "invalidValue")]
    public async Task Bad_create_bodies_are_400_and_store_nothing(string body, string? scimType)
    {
        var account = await factory.CreateAccountAsync();
        var snapshot = await account.SnapshotAsync();

        var response = await account.PostAsync("/Users", body);

        if (response.StatusCode == HttpStatusCode.Created)
        {
            // {"userName":42} and {"name":"flat"}: a number where a string goes is kept as its text; a string where a
            // complex value goes is read as its "value" sub-attribute, which name has not: both are lenient, not errors.
            Assert.Null(scimType);
            return;
        }

        await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, scimType);
        Assert.Equal(snapshot, await account.SnapshotAsync());
    }

    [Theory]
    [InlineData("""{"Operations":[]}""", "invalidSyntax")]
    [InlineData("""{"Operations":[{"op":"jump","path":"userName","value":"x"}]}""", "invalidSyntax")]
    [InlineData("""{"Operations":[{"op":"replace","path":"nosuch","value":"x"}]}""", "invalidPath")]
    [InlineData("""{"Operations":[{"op":"replace","path":"emails[type eq ","value":"x"}]}""", "invalidPath")]
    [InlineData("""{"Operations":[{"op":"replace","path":"name.nosuch","value":"x"}]}""", "invalidPath")]
    [InlineData("""{"Operations":[{"op":"remove"}]}""", "noTarget")]
    [InlineData("""{"Operations":[{"op":"replace","path":"id","value":"0123456789abcdef0123456789abcdef"}]}""", "mutability")]
    [InlineData("""{"Operations":[{"op":"replace","path":"emails[type eq \"home\"].value","value":"h@x.com"}]}""", "noTarget")]
    [InlineData("""{"Operations":[{"op":"replace","path":"active","value":"sometimes"}]}""", "invalidValue")]
    [InlineData("""{"Operations":[{"op":"replace","value":"not an object"}]}""", "invalidValue")]
    [InlineData("""{"schemas":["urn:wrong"],"Operations":[{"op":"replace","path":"title","value":"x"}]}""", "invalidSyntax")]
    [InlineData(
        """{"Operations":[{"op":"replace","path":"title","value":"ok"},{"op":"replace","path":"nosuch","value":"x"}]}""",
        "invalidPath"
    )]
    public async Task Bad_patches_are_400_and_change_nothing(string body, string scimType)
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateUserAsync("patchme@example.com");
        var snapshot = await account.SnapshotAsync();

        var response = await account.PatchAsync($"/Users/{id}", body);

        await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, scimType);
        Assert.Equal(snapshot, await account.SnapshotAsync());
    }

    [Theory]
    [InlineData("userName eq")]
    [InlineData("userName xx \"a\"")]
    [InlineData("(userName eq \"a\"")]
    [InlineData("userName eq \"a\" and")]
    [InlineData("nosuch eq \"a\"")]
    [InlineData("emails[type eq \"work\"")]
    [InlineData("userName eq \"unterminated")]
    [InlineData("active eq \"banana\"")]
    [InlineData("meta.created gt \"not a date\"")]
    [InlineData("userName eq \"a\" or 1=1 --")]
    [InlineData("userName eq \"a'; DROP TABLE Users; --\" extra")]
    public async Task Bad_filters_are_400_invalid_filter(string filter)
    {
        var account = await factory.CreateAccountAsync();
        var response = await account.GetAsync("/Users?filter=" + Uri.EscapeDataString(filter));
        await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidFilter");
    }

    [Fact]
    public async Task Injection_in_a_quoted_value_is_just_a_value()
    {
        var account = await factory.CreateAccountAsync();
        await account.CreateUserAsync("safe@example.com");
        var response = await account.GetAsync("/Users?filter=" + Uri.EscapeDataString("userName eq \"x' OR '1'='1\""));
        var body = await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(0, body["totalResults"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("GET", "/Users/0123456789abcdef0123456789abcdef")]
    [InlineData("GET", "/Users/not-an-id")]
    [InlineData("GET", "/Users/%3Cscript%3Ealert(1)%3C%2Fscript%3E")]
    [InlineData("PUT", "/Users/0123456789abcdef0123456789abcdef")]
    [InlineData("PATCH", "/Users/0123456789abcdef0123456789abcdef")]
    [InlineData("DELETE", "/Users/0123456789abcdef0123456789abcdef")]
    public async Task Unknown_ids_are_scim_404(string method, string path)
    {
        var account = await factory.CreateAccountAsync();
        var body =
            method == "PATCH" ? """{"Operations":[{"op":"replace","path":"title","value":"x"}]}""" : """{"userName":"u@example.com"}""";
        using var request = new HttpRequestMessage(new HttpMethod(method), account.ScimBase + path);
        if (method is "PUT" or "PATCH")
        {
            request.Content = TestAccount.Body(body, "application/scim+json");
        }

        var response = await account.Scim.SendAsync(request);

        await response.AssertScimErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Unsupported_content_type_is_415()
    {
        var account = await factory.CreateAccountAsync();
        var response = await account.PostAsync("/Users", "userName=x", "application/x-www-form-urlencoded");
        await response.AssertScimErrorAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Oversized_body_is_413_and_stores_nothing()
    {
        var account = await factory.CreateAccountAsync();
        var snapshot = await account.SnapshotAsync();
        var huge = "{\"userName\":\"big@example.com\",\"displayName\":\"" + new string('x', 2_000_000) + "\"}";

        var response = await account.PostAsync("/Users", huge);

        await response.AssertScimErrorAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(snapshot, await account.SnapshotAsync());
    }

    [Fact]
    public async Task Deeply_nested_json_is_400()
    {
        var account = await factory.CreateAccountAsync();
        var nested =
            "{\"userName\":\"deep@example.com\",\"x\":"
            + string.Concat(Enumerable.Repeat("[", 200))
            + string.Concat(Enumerable.Repeat("]", 200))
            + "}";
        await (await account.PostAsync("/Users", nested)).AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidSyntax");
    }

    [Fact]
    public async Task Non_integer_paging_is_400_and_absurd_values_are_clamped()
    {
        var account = await factory.CreateAccountAsync();
        await (await account.GetAsync("/Users?count=lots")).AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidValue");
        var clamped = await (await account.GetAsync("/Users?startIndex=-5&count=99999999999999999999")).AssertStatusAsync(
            HttpStatusCode.OK
        );
        Assert.Equal(1, clamped["startIndex"]!.GetValue<int>());
        var beyond = await (await account.GetAsync("/Users?startIndex=99999999999")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Empty(beyond["Resources"]!.AsArray());
    }
}
