using System.Net;
using ScimProvisioning.Api.Tests.Infrastructure;
using ScimProvisioning.Domain.Tokens;

namespace ScimProvisioning.Api.Tests.Auth;

/// <summary>
/// With <c>Auth:RevocationCacheSeconds</c> set (the default is 2; the other tests run with 0), a token's record is
/// remembered per instance for that long: a revocation must still take effect once it has passed.
/// </summary>
public sealed class RevocationCacheTests(RevocationCacheTests.RememberingFactory factory)
    : IClassFixture<RevocationCacheTests.RememberingFactory>
{
    public sealed class RememberingFactory : ScimApiFactory
    {
        protected override string Profile => "Standard";

        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
            base.Settings().Append(new("Auth:RevocationCacheSeconds", "1"));
    }

    [Fact]
    public async Task A_revoked_token_is_refused_once_its_remembered_record_has_expired()
    {
        var account = await factory.CreateAccountAsync();
        var token = await factory.CreateTokenAsync(account.AccountId, [TokenPermissions.ScimProvisioningEdit]);
        var client = factory.ClientWithToken(token);
        var verify = await (await client.GetAsync($"{account.AdminBase}/tokens/verify")).ReadJsonAsync();
        var tokenId = verify["result"]!["id"]!.GetValue<string>();
        await (await client.GetAsync($"{account.ScimBase}/Users")).AssertStatusAsync(HttpStatusCode.OK);
        var other = factory.ClientWithToken(await factory.CreateTokenAsync(account.AccountId, [TokenPermissions.ScimProvisioningEdit]));

        await (await account.Admin.DeleteAsync($"{account.AdminBase}/tokens/{tokenId}")).AssertStatusAsync(HttpStatusCode.OK);
        await Task.Delay(TimeSpan.FromSeconds(1.2));

        await (await client.GetAsync($"{account.ScimBase}/Users")).AssertScimErrorAsync(HttpStatusCode.Unauthorized);
        // Remembering one token's record says nothing about another's.
        await (await other.GetAsync($"{account.ScimBase}/Users")).AssertStatusAsync(HttpStatusCode.OK);
        await (await other.GetAsync($"{account.ScimBase}/Users")).AssertStatusAsync(HttpStatusCode.OK);
    }
}
