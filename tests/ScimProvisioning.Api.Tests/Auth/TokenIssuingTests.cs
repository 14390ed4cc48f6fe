using System.Net;
using System.Text.Json.Nodes;
using ScimProvisioning.Api.Tests.Infrastructure;
using ScimProvisioning.Domain.Tokens;

namespace ScimProvisioning.Api.Tests.Auth;

/// <summary>SPEC §6: tokens are managed with permissions of their own, and no token issues or revokes more than it holds.</summary>
public sealed class TokenIssuingTests(CloudflareApiFactory factory) : IClassFixture<CloudflareApiFactory>
{
    private static string CreateBody(params string[] permissions) =>
        new JsonObject { ["name"] = "issued", ["permissions"] = new JsonArray([.. permissions.Select(p => (JsonNode)p)]) }.ToJsonString();

    private async Task<(HttpResponseMessage Response, bool Unchanged)> CreateAsync(
        TestAccount account,
        string callerToken,
        params string[] permissions
    )
    {
        var before = await DatabaseSnapshot.TakeAsync(factory.Services);
        using var caller = factory.ClientWithToken(callerToken);
        var response = await caller.PostAsync($"{account.AdminBase}/tokens", TestAccount.Body(CreateBody(permissions), "application/json"));
        var after = await DatabaseSnapshot.TakeAsync(factory.Services);
        return (response, before.SequenceEqual(after));
    }

    private static async Task AssertForbiddenAsync(HttpResponseMessage response, string? naming = null)
    {
        var body = await response.AssertStatusAsync(HttpStatusCode.Forbidden);
        Assert.False(body["success"]!.GetValue<bool>());
        Assert.Equal(9109, body["errors"]![0]!["code"]!.GetValue<int>());
        if (naming is not null)
        {
            Assert.Contains(naming, body["errors"]![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_account_settings_read_token_can_neither_issue_nor_list_nor_revoke_tokens()
    {
        var account = await factory.CreateAccountAsync();
        var reader = await factory.CreateTokenAsync(account.AccountId, [TokenPermissions.AccountSettingsRead]);

        var (created, unchanged) = await CreateAsync(
            account,
            reader,
            TokenPermissions.AccountSettingsWrite,
            TokenPermissions.ScimProvisioningEdit
        );
        await AssertForbiddenAsync(created);
        Assert.True(unchanged);

        using var client = factory.ClientWithToken(reader);
        await AssertForbiddenAsync(await client.GetAsync($"{account.AdminBase}/tokens"));
        await AssertForbiddenAsync(await client.DeleteAsync($"{account.AdminBase}/tokens/{account.ScimTokenId}"));
        Assert.Equal(HttpStatusCode.OK, (await account.GetAsync("/Users")).StatusCode);
    }

    [Theory]
    [InlineData(TokenPermissions.ScimProvisioningEdit)]
    [InlineData(TokenPermissions.AccountSettingsRead)]
    [InlineData(TokenPermissions.AccountSettingsWrite)]
    public async Task A_token_manager_cannot_issue_a_permission_it_does_not_hold(string permission)
    {
        var account = await factory.CreateAccountAsync();
        var manager = await factory.CreateTokenAsync(
            account.AccountId,
            [TokenPermissions.AccountApiTokensRead, TokenPermissions.AccountApiTokensWrite]
        );

        var (response, unchanged) = await CreateAsync(account, manager, TokenPermissions.AccountApiTokensRead, permission);

        await AssertForbiddenAsync(response, naming: permission);
        Assert.True(unchanged);
    }

    [Fact]
    public async Task A_token_issues_tokens_within_what_it_holds_and_they_work()
    {
        var account = await factory.CreateAccountAsync();
        var holder = await factory.CreateTokenAsync(
            account.AccountId,
            [TokenPermissions.ScimProvisioningEdit, TokenPermissions.AccountApiTokensWrite]
        );

        var (refused, unchanged) = await CreateAsync(
            account,
            holder,
            TokenPermissions.ScimProvisioningEdit,
            TokenPermissions.AccountSettingsWrite
        );
        await AssertForbiddenAsync(refused, naming: TokenPermissions.AccountSettingsWrite);
        Assert.True(unchanged);

        var (issued, _) = await CreateAsync(account, holder, TokenPermissions.ScimProvisioningEdit);
        var value = (await issued.AssertStatusAsync(HttpStatusCode.OK))["result"]!["value"]!.GetValue<string>();
        using var scim = factory.ClientWithToken(value);
        Assert.Equal(HttpStatusCode.OK, (await scim.GetAsync($"{account.ScimBase}/Users")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await scim.GetAsync($"{account.AdminBase}/tokens")).StatusCode);
    }

    [Fact]
    public async Task The_admin_token_carries_every_permission_and_can_issue_any_token()
    {
        var account = await factory.CreateAccountAsync();

        var (response, _) = await CreateAsync(account, account.AdminToken, [.. TokenPermissions.All]);

        var result = (await response.AssertStatusAsync(HttpStatusCode.OK))["result"]!;
        Assert.Equal(TokenPermissions.All, result["permissions"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(TokenPermissions.All, TokenPermissions.ForShorthand("admin"));
    }

    [Fact]
    public async Task A_token_manager_cannot_revoke_a_stronger_token_but_can_revoke_its_equals()
    {
        var account = await factory.CreateAccountAsync();
        var manager = await factory.CreateTokenAsync(
            account.AccountId,
            [TokenPermissions.AccountApiTokensRead, TokenPermissions.AccountApiTokensWrite]
        );
        using var client = factory.ClientWithToken(manager);
        var list = (await (await client.GetAsync($"{account.AdminBase}/tokens")).AssertStatusAsync(HttpStatusCode.OK))["result"]!.AsArray();
        var adminId = list.Single(t => t!["name"]!.GetValue<string>() == "test admin")!["id"]!.GetValue<string>();

        var before = await DatabaseSnapshot.TakeAsync(factory.Services);
        await AssertForbiddenAsync(
            await client.DeleteAsync($"{account.AdminBase}/tokens/{adminId}"),
            naming: TokenPermissions.AccountSettingsWrite
        );
        await AssertForbiddenAsync(await client.DeleteAsync($"{account.AdminBase}/tokens/{account.ScimTokenId}"));
        Assert.True(before.SequenceEqual(await DatabaseSnapshot.TakeAsync(factory.Services)));
        Assert.Equal(HttpStatusCode.OK, (await account.AdminGetAsync("/members")).StatusCode);

        var issued = (
            await (await CreateAsync(account, manager, TokenPermissions.AccountApiTokensRead)).Response.AssertStatusAsync(HttpStatusCode.OK)
        )["result"]!;
        await (await client.DeleteAsync($"{account.AdminBase}/tokens/{issued["id"]!.GetValue<string>()}")).AssertStatusAsync(
            HttpStatusCode.OK
        );
        using var revoked = factory.ClientWithToken(issued["value"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await revoked.GetAsync($"{account.AdminBase}/tokens")).StatusCode);
    }

    [Fact]
    public async Task A_token_is_read_back_without_its_value_and_verify_shows_its_permissions()
    {
        var account = await factory.CreateAccountAsync();

        var one = await (await account.AdminGetAsync($"/tokens/{account.ScimTokenId}")).AssertStatusAsync(HttpStatusCode.OK);
        var verify = await (await account.Scim.GetAsync($"{account.AdminBase}/tokens/verify")).AssertStatusAsync(HttpStatusCode.OK);
        var missing = await (await account.AdminGetAsync("/tokens/0123456789abcdef0123456789abcdef")).AssertStatusAsync(
            HttpStatusCode.NotFound
        );

        Assert.Equal(account.ScimTokenId, one["result"]!["id"]!.GetValue<string>());
        Assert.Null(one["result"]!["value"]);
        Assert.Equal(
            [TokenPermissions.ScimProvisioningEdit],
            verify["result"]!["permissions"]!.AsArray().Select(p => p!.GetValue<string>())
        );
        Assert.Equal(1003, missing["errors"]![0]!["code"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("scim", new[] { TokenPermissions.ScimProvisioningEdit })]
    [InlineData("read", new[] { TokenPermissions.AccountSettingsRead })]
    [InlineData("tokens", new[] { TokenPermissions.AccountApiTokensRead, TokenPermissions.AccountApiTokensWrite })]
    [InlineData(
        "account settings: read, Account API Tokens: Read",
        new[] { TokenPermissions.AccountSettingsRead, TokenPermissions.AccountApiTokensRead }
    )]
    public void Cli_permission_shorthands_name_exact_permissions(string shorthand, string[] expected) =>
        Assert.Equal(expected, TokenPermissions.ForShorthand(shorthand));

    [Theory]
    [InlineData("superuser")]
    [InlineData("SCIM Provisioning: Edit, Everything")]
    [InlineData(",")]
    public void An_unknown_cli_permission_is_refused(string shorthand) => Assert.Null(TokenPermissions.ForShorthand(shorthand));
}
