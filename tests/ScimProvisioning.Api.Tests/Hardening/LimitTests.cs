using System.Net;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Hardening;

/// <summary>A server with every limit set low, to prove each is enforced with a clear error and advertised where SCIM can.</summary>
public sealed class LowLimitsFactory : ScimApiFactory
{
    protected override string Profile => "Standard";

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [
            .. base.Settings(),
            new("Scim:MaxMembersPerRequest", "3"),
            new("Scim:MaxPatchOperations", "2"),
            new("Scim:MaxFilterLength", "40"),
            new("Scim:MaxFilterDepth", "3"),
            new("Scim:MaxPageSize", "5"),
            new("Scim:MaxRequestBodyBytes", "2000"),
            new("Scim:BulkMaxOperations", "2"),
            new("Scim:BulkMaxPayloadBytes", "3000"),
        ];
}

public sealed class LimitTests(LowLimitsFactory factory) : IClassFixture<LowLimitsFactory>
{
    [Fact]
    public async Task Members_per_request_are_limited_and_nothing_is_stored_beyond_it()
    {
        var account = await factory.CreateAccountAsync();
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await account.CreateUserAsync($"limited{i}@example.com"));
        }

        var before = await DatabaseSnapshot.TakeAsync(factory.Services);
        var members = string.Join(",", ids.Select(id => $$"""{"value":"{{id}}"}"""));
        var body = await (
            await account.PostAsync("/Groups", $$"""{"displayName":"Too Many","members":[{{members}}]}""")
        ).AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidValue");
        Assert.Contains("MaxMembersPerRequest", body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, await DatabaseSnapshot.TakeAsync(factory.Services));

        var group = await account.CreateGroupAsync("Just Enough");
        await (
            await account.PatchOpsAsync($"/Groups/{group}", $$"""[{"op":"add","path":"members","value":[{{members}}]}]""")
        ).AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidValue");
        var three = string.Join(",", ids.Take(3).Select(id => $$"""{"value":"{{id}}"}"""));
        Assert.True(
            (
                await account.PatchOpsAsync($"/Groups/{group}", $$"""[{"op":"add","path":"members","value":[{{three}}]}]""")
            ).IsSuccessStatusCode
        );
    }

    [Fact]
    public async Task Patch_operations_filter_length_and_depth_are_limited()
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateUserAsync("ops@example.com");
        await (
            await account.PatchOpsAsync(
                $"/Users/{id}",
                """
                [{"op":"replace","path":"title","value":"a"},{"op":"replace","path":"title","value":"b"},{"op":"replace","path":"title",
                "value":"c"}]
                """
            )
        ).AssertScimErrorAsync(HttpStatusCode.BadRequest, "tooMany");
        await (
            await account.GetAsync("/Users?filter=" + Uri.EscapeDataString("userName eq \"" + new string('x', 40) + "\""))
        ).AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidFilter");
        await (await account.GetAsync("/Users?filter=" + Uri.EscapeDataString("((((title pr))))"))).AssertScimErrorAsync(
            HttpStatusCode.BadRequest,
            "invalidFilter"
        );
        Assert.Equal(HttpStatusCode.OK, (await account.GetAsync("/Users?filter=" + Uri.EscapeDataString("(title pr)"))).StatusCode);
    }

    [Fact]
    public async Task Body_and_bulk_sizes_are_413_and_count_is_clamped()
    {
        var account = await factory.CreateAccountAsync();
        await (
            await account.PostAsync("/Users", "{\"userName\":\"big@example.com\",\"title\":\"" + new string('t', 2100) + "\"}")
        ).AssertScimErrorAsync(HttpStatusCode.RequestEntityTooLarge);
        var three = string.Join(
            ",",
            Enumerable
                .Range(0, 3)
                .Select(i => $$"""{"method":"POST","path":"/Users","bulkId":"b{{i}}","data":{"userName":"b{{i}}@example.com"} }""")
        );
        await (
            await account.PostAsync(
                "/Bulk",
                $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{{three}}]}"""
            )
        ).AssertScimErrorAsync(HttpStatusCode.RequestEntityTooLarge);
        var page = await (await account.GetAsync("/Users?count=500")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.True(page["itemsPerPage"]!.GetValue<int>() <= 5);
    }

    [Fact]
    public async Task Limits_scim_has_fields_for_are_advertised()
    {
        var account = await factory.CreateAccountAsync();
        var config = await (await account.GetAsync("/ServiceProviderConfig")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(5, config["filter"]!["maxResults"]!.GetValue<int>());
        Assert.Equal(2, config["bulk"]!["maxOperations"]!.GetValue<int>());
        Assert.Equal(3000, config["bulk"]!["maxPayloadSize"]!.GetValue<int>());
    }
}
