using System.Net;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Accounts;

/// <summary>A bootstrap Super Administrator with a full name, whose default is configurable.</summary>
public sealed class NamedBootstrapFactory : ScimApiFactory
{
    protected override string Profile => "Standard";

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [
            .. base.Settings(),
            new("Bootstrap:SuperAdministratorEmail", "ada@example.com"),
            new("Bootstrap:SuperAdministratorGivenName", "Ada"),
            new("Bootstrap:SuperAdministratorFamilyName", "Lovelace"),
        ];
}

/// <summary>What a newcomer sees on the first start on an empty database (SPEC §8, issue 13).</summary>
public sealed class FirstStartTests
{
    [Fact]
    public async Task A_first_start_on_an_empty_database_logs_no_warnings()
    {
        await using var factory = new StandardApiFactory();
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        Assert.True(factory.Logs.Warnings.Count == 0, string.Join('\n', factory.Logs.Warnings));
    }

    [Fact]
    public async Task The_bootstrap_super_administrator_has_the_configured_given_and_family_name()
    {
        await using var factory = new NamedBootstrapFactory();
        using var client = factory.CreateClient();
        var account = await factory.CreateAccountAsync();
        var defaultAccountId = await account.QueryAsync(db => Task.FromResult(db.Accounts.OrderBy(a => a.Created).First().Id));
        var token = await factory.CreateTokenAsync(defaultAccountId, [Domain.Tokens.TokenPermissions.ScimProvisioningEdit]);
        using var scim = factory.ClientWithToken(token);

        var list = await (await scim.GetAsync($"/client/v4/accounts/{defaultAccountId}/scim/v2/Users")).AssertStatusAsync(
            HttpStatusCode.OK
        );

        var first = list["Resources"]![0]!;
        Assert.Equal("ada@example.com", first["userName"]!.GetValue<string>());
        Assert.Equal("Ada", first["name"]!["givenName"]!.GetValue<string>());
        Assert.Equal("Lovelace", first["name"]!["familyName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_new_account_lists_a_super_administrator_with_a_full_name_first()
    {
        await using var factory = new CloudflareApiFactory();
        var account = await factory.CreateAccountAsync();

        var list = await (await account.GetAsync("/Users")).AssertStatusAsync(HttpStatusCode.OK);

        var first = list["Resources"]![0]!;
        Assert.False(string.IsNullOrEmpty(first["name"]?["givenName"]?.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(first["name"]?["familyName"]?.GetValue<string>()));
    }
}
