using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ScimProvisioning.Api.Tests.Infrastructure;
using ScimProvisioning.Domain.Tokens;

namespace ScimProvisioning.Api.Tests.Auth;

/// <summary>SPEC §6: bearer tokens validated by JwtBearer, bound to one account, revocable, expiring.</summary>
public sealed class AuthenticationTests(CloudflareApiFactory factory) : IClassFixture<CloudflareApiFactory>
{
    private static string Mint(
        string accountId,
        string key,
        string issuer = "scim-provisioning",
        string audience = "scim-provisioning",
        DateTime? expires = null,
        string? jti = null
    )
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([
                new Claim("jti", jti ?? Guid.NewGuid().ToString("N")),
                new Claim("account_id", accountId),
                new Claim("perm", TokenPermissions.ScimProvisioningEdit),
            ]),
            Expires = expires ?? DateTime.UtcNow.AddHours(1),
            NotBefore = (expires ?? DateTime.UtcNow.AddHours(1)).AddHours(-2),
            IssuedAt = (expires ?? DateTime.UtcNow.AddHours(1)).AddHours(-2),
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)),
                SecurityAlgorithms.HmacSha256
            ),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    [Fact]
    public async Task Missing_token_is_401_with_bearer_challenge_and_scim_error()
    {
        var account = await factory.CreateAccountAsync();
        var response = await factory.CreateClient().GetAsync($"{account.ScimBase}/Users");

        await response.AssertScimErrorAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJhY2NvdW50X2lkIjoiYSJ9.")]
    [InlineData("")]
    public async Task Malformed_tokens_are_401(string token)
    {
        var account = await factory.CreateAccountAsync();
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{account.ScimBase}/Users");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);

        var response = await client.SendAsync(request);

        await response.AssertScimErrorAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Token_signed_with_another_key_is_401()
    {
        var account = await factory.CreateAccountAsync();
        var forged = Mint(account.AccountId, "a-completely-different-signing-key-of-enough-length!!");
        var response = await factory.ClientWithToken(forged).GetAsync($"{account.ScimBase}/Users");
        await response.AssertScimErrorAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Correctly_signed_token_without_a_server_record_is_401()
    {
        var account = await factory.CreateAccountAsync();
        var unknown = Mint(account.AccountId, ScimApiFactory.SigningKey);
        var response = await factory.ClientWithToken(unknown).GetAsync($"{account.ScimBase}/Users");
        await response.AssertScimErrorAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("other-issuer", "scim-provisioning")]
    [InlineData("scim-provisioning", "other-audience")]
    public async Task Wrong_issuer_or_audience_is_401(string issuer, string audience)
    {
        var account = await factory.CreateAccountAsync();
        var token = Mint(account.AccountId, ScimApiFactory.SigningKey, issuer, audience, jti: account.ScimTokenId);
        var response = await factory.ClientWithToken(token).GetAsync($"{account.ScimBase}/Users");
        await response.AssertScimErrorAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Expired_token_is_401()
    {
        var account = await factory.CreateAccountAsync();
        var token = await factory.CreateTokenAsync(
            account.AccountId,
            [TokenPermissions.ScimProvisioningEdit],
            DateTime.UtcNow.AddSeconds(2)
        );
        var client = factory.ClientWithToken(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"{account.ScimBase}/Users")).StatusCode);

        var expired = Mint(account.AccountId, ScimApiFactory.SigningKey, expires: DateTime.UtcNow.AddMinutes(-5), jti: account.ScimTokenId);
        await (await factory.ClientWithToken(expired).GetAsync($"{account.ScimBase}/Users")).AssertScimErrorAsync(
            HttpStatusCode.Unauthorized
        );
    }

    [Fact]
    public async Task A_token_accepted_before_is_still_matched_exactly()
    {
        // Validated tokens are remembered by their exact text (CachingJsonWebTokenHandler): a variant of one is not.
        var account = await factory.CreateAccountAsync();
        var token = await factory.CreateTokenAsync(account.AccountId, [TokenPermissions.ScimProvisioningEdit]);
        Assert.Equal(HttpStatusCode.OK, (await factory.ClientWithToken(token).GetAsync($"{account.ScimBase}/Users")).StatusCode);

        var parts = token.Split('.');
        var payload = Base64UrlEncoder
            .Decode(parts[1])
            .Replace(account.AccountId, (await factory.CreateAccountAsync()).AccountId, StringComparison.Ordinal);
        var otherAccount = $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
        var flipped = parts[2][0] == 'A' ? 'B' : 'A'; // the first character: all six of its bits are signature
        var badSignature = $"{parts[0]}.{parts[1]}.{flipped}{parts[2][1..]}";
        foreach (var variant in new[] { otherAccount, badSignature, token[..^1], token + "x" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{account.ScimBase}/Users");
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + variant);
            await (await factory.CreateClient().SendAsync(request)).AssertScimErrorAsync(HttpStatusCode.Unauthorized);
        }

        Assert.Equal(HttpStatusCode.OK, (await factory.ClientWithToken(token).GetAsync($"{account.ScimBase}/Users")).StatusCode);
    }

    [Fact]
    public void Remembered_tokens_share_their_claims_because_nothing_transforms_them()
    {
        // CachingJsonWebTokenHandler hands every request of a remembered token the same ClaimsIdentity. A claims
        // transformation (or anything else that adds claims to a principal) would change it for every later request.
        Assert.IsType<NoopClaimsTransformation>(factory.Services.GetRequiredService<IClaimsTransformation>());
    }

    [Fact]
    public async Task Revoked_token_is_refused_at_once()
    {
        var account = await factory.CreateAccountAsync();
        var token = await factory.CreateTokenAsync(account.AccountId, [TokenPermissions.ScimProvisioningEdit]);
        var client = factory.ClientWithToken(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"{account.ScimBase}/Users")).StatusCode);
        var verify = await (await client.GetAsync($"{account.AdminBase}/tokens/verify")).ReadJsonAsync();
        var tokenId = verify["result"]!["id"]!.GetValue<string>();

        var revoke = await account.Admin.DeleteAsync($"{account.AdminBase}/tokens/{tokenId}");
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        await (await client.GetAsync($"{account.ScimBase}/Users")).AssertScimErrorAsync(HttpStatusCode.Unauthorized);
        var list = await (await account.Admin.GetAsync($"{account.AdminBase}/tokens")).ReadJsonAsync();
        Assert.Contains(
            list["result"]!.AsArray(),
            t => t!["id"]!.GetValue<string>() == tokenId && t["status"]!.GetValue<string>() == "revoked"
        );
    }

    [Fact]
    public async Task Another_accounts_path_is_403_and_reveals_nothing()
    {
        var mine = await factory.CreateAccountAsync();
        var theirs = await factory.CreateAccountAsync();
        var theirUser = await theirs.CreateUserAsync("secret@example.com");

        var list = await mine.Scim.GetAsync($"{theirs.ScimBase}/Users");
        var one = await mine.Scim.GetAsync($"{theirs.ScimBase}/Users/{theirUser}");
        var nonexistent = await mine.Scim.GetAsync("/client/v4/accounts/00000000000000000000000000000000/scim/v2/Users");

        var a = await list.AssertScimErrorAsync(HttpStatusCode.Forbidden);
        var b = await one.AssertScimErrorAsync(HttpStatusCode.Forbidden);
        var c = await nonexistent.AssertScimErrorAsync(HttpStatusCode.Forbidden);
        Assert.Equal(a.ToJsonString(), c.ToJsonString());
        Assert.Equal(a.ToJsonString(), b.ToJsonString());
        Assert.DoesNotContain("secret", b.ToJsonString());
    }

    [Fact]
    public async Task Scim_token_cannot_use_admin_only_operations()
    {
        var account = await factory.CreateAccountAsync();
        var create = await account.Scim.PostAsync($"{account.AdminBase}/tokens", TestAccount.Body("""{"name":"x"}""", "application/json"));
        var list = await account.Scim.GetAsync($"{account.AdminBase}/tokens");

        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        var body = await list.ReadJsonAsync();
        Assert.False(body["success"]!.GetValue<bool>());
        Assert.Equal(9109, body["errors"]![0]!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Read_only_admin_token_cannot_write_scim()
    {
        var account = await factory.CreateAccountAsync();
        var reader = factory.ClientWithToken(await factory.CreateTokenAsync(account.AccountId, [TokenPermissions.AccountSettingsRead]));

        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"{account.ScimBase}/Users")).StatusCode);
        var write = await reader.PostAsync(
            $"{account.ScimBase}/Users",
            TestAccount.Body(
                """{"userName":"r@example.com","emails":[{"value":"r@example.com","primary":true}]}""",
                "application/scim+json"
            )
        );
        await write.AssertScimErrorAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Admin_token_creates_a_token_whose_value_works_once_shown()
    {
        var account = await factory.CreateAccountAsync();
        var created = await account.Admin.PostAsync(
            $"{account.AdminBase}/tokens",
            TestAccount.Body("""{"name":"okta connector","permissions":["SCIM Provisioning: Edit"]}""", "application/json")
        );
        var body = await created.AssertStatusAsync(HttpStatusCode.OK);
        var value = body["result"]!["value"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.OK, (await factory.ClientWithToken(value).GetAsync($"{account.ScimBase}/Users")).StatusCode);
        var list = await (await account.Admin.GetAsync($"{account.AdminBase}/tokens")).ReadJsonAsync();
        Assert.DoesNotContain(value, list.ToJsonString());
    }

    [Fact]
    public async Task Tokens_never_reach_the_audit_log()
    {
        var account = await factory.CreateAccountAsync();
        await account.CreateUserAsync("log@example.com");
        var summaries = await account.QueryAsync(db =>
            Task.FromResult(string.Join("|", db.AuditEvents.Select(e => e.Summary + e.ActorTokenId)))
        );
        Assert.DoesNotContain(account.ScimToken, summaries);
        Assert.DoesNotContain(account.AdminToken, summaries);
        Assert.DoesNotContain(ScimApiFactory.SigningKey, summaries);
    }

    [Fact]
    public async Task Health_endpoints_need_no_token()
    {
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }
}
