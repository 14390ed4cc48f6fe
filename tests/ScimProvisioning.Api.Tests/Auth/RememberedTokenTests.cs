using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ScimProvisioning.Api.Auth;
using ScimProvisioning.Api.Configuration;
using ScimProvisioning.Api.Tests.Infrastructure;
using ScimProvisioning.Domain.Tokens;

namespace ScimProvisioning.Api.Tests.Auth;

/// <summary>
/// A token JwtBearer validated once is recalled by its exact text on later requests (<c>OnMessageReceived</c>), which
/// skips the rest of JwtBearer's work: the recall must accept exactly what JwtBearer accepts, for no longer.
/// </summary>
public sealed class RememberedTokenTests(CloudflareApiFactory factory) : IClassFixture<CloudflareApiFactory>
{
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    // JsonWebTokenHandler checks lifetimes against the system clock; the handler's memory reads its own clock, which
    // starts at the same second and is moved by the tests.
    private readonly DateTimeOffset _start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    private (CachingJsonWebTokenHandler Handler, ManualClock Clock, TokenValidationParameters Parameters) Handler()
    {
        var clock = new ManualClock(_start);
        var keys = new SigningKeyProvider(Options.Create(new AuthOptions { SigningKey = ScimApiFactory.SigningKey }), null!, clock);
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = "scim-provisioning",
            ValidAudience = "scim-provisioning",
            IssuerSigningKey = keys.Key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ClockSkew = TimeSpan.Zero,
        };
        return (new CachingJsonWebTokenHandler(keys, clock), clock, parameters);
    }

    private string Mint(DateTimeOffset expires, string key = ScimApiFactory.SigningKey) =>
        new JsonWebTokenHandler().CreateToken(
            new SecurityTokenDescriptor
            {
                Issuer = "scim-provisioning",
                Audience = "scim-provisioning",
                Subject = new ClaimsIdentity([
                    new Claim("jti", "token-1"),
                    new Claim("account_id", "account-1"),
                    new Claim("perm", TokenPermissions.ScimProvisioningEdit),
                    new Claim("perm", TokenPermissions.AccountSettingsRead),
                ]),
                IssuedAt = _start.UtcDateTime.AddMinutes(-1),
                NotBefore = _start.UtcDateTime.AddMinutes(-1),
                Expires = expires.UtcDateTime,
                SigningCredentials = new SigningCredentials(
                    new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)),
                    SecurityAlgorithms.HmacSha256
                ),
            }
        );

    [Fact]
    public async Task A_validated_token_is_recalled_with_its_claims_read_once()
    {
        var (handler, _, parameters) = Handler();
        var token = Mint(_start.AddHours(1));
        Assert.False(handler.TryRecall(token, out _));

        var result = await handler.ValidateTokenAsync(token, parameters);

        Assert.True(result.IsValid);
        Assert.True(handler.TryRecall(token, out var identity));
        Assert.Same(result.ClaimsIdentity, identity);
        Assert.Same(identity, identity.Principal.Identity);
        Assert.Equal("token-1", identity.TokenId);
        Assert.Equal("account-1", identity.AccountId);
        Assert.Equal([TokenPermissions.ScimProvisioningEdit, TokenPermissions.AccountSettingsRead], identity.Permissions);
        Assert.Equal("token-1", identity.Principal.TokenId());
        Assert.Equal("account-1", identity.Principal.AccountId());
        // Only the exact text: not a prefix, not an extension.
        Assert.False(handler.TryRecall(token.AsSpan(0, token.Length - 1), out _));
        Assert.False(handler.TryRecall(token + "x", out _));
    }

    [Fact]
    public async Task A_token_is_recalled_until_its_expiry_and_for_at_most_the_remembering_time()
    {
        var (handler, clock, parameters) = Handler();
        var shortLived = Mint(_start.AddMinutes(2));
        var longLived = Mint(_start.AddHours(1));
        Assert.True((await handler.ValidateTokenAsync(shortLived, parameters)).IsValid);
        Assert.True((await handler.ValidateTokenAsync(longLived, parameters)).IsValid);

        clock.Now = _start.AddMinutes(2).AddSeconds(-1);
        Assert.True(handler.TryRecall(shortLived, out _));
        clock.Now = _start.AddMinutes(2);
        Assert.False(handler.TryRecall(shortLived, out _));
        Assert.True(handler.TryRecall(longLived, out _));

        clock.Now = _start + CachingJsonWebTokenHandler.Remember;
        Assert.False(handler.TryRecall(longLived, out _));
        // Validated again in full, it is remembered again.
        Assert.True((await handler.ValidateTokenAsync(longLived, parameters)).IsValid);
        Assert.True(handler.TryRecall(longLived, out _));
    }

    [Fact]
    public async Task An_invalid_token_is_never_remembered()
    {
        var (handler, _, parameters) = Handler();
        var forged = Mint(_start.AddHours(1), "a-completely-different-signing-key-of-enough-length!!");
        var expired = Mint(_start.AddSeconds(-1));

        Assert.False((await handler.ValidateTokenAsync(forged, parameters)).IsValid);
        Assert.False((await handler.ValidateTokenAsync(expired, parameters)).IsValid);

        Assert.False(handler.TryRecall(forged, out _));
        Assert.False(handler.TryRecall(expired, out _));
    }

    [Theory]
    [InlineData("Bearer {0}")]
    [InlineData("bearer {0}")]
    [InlineData("BEARER   {0}  ")]
    public async Task A_remembered_token_is_accepted_in_every_header_form_JwtBearer_accepts(string header)
    {
        var account = await factory.CreateAccountAsync();
        var token = await factory.CreateTokenAsync(account.AccountId, [TokenPermissions.ScimProvisioningEdit]);
        using var client = factory.CreateClient();
        for (var i = 0; i < 2; i++)
        {
            // The first request validates the token in full; the second recalls it.
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{account.ScimBase}/Users");
            request.Headers.TryAddWithoutValidation("Authorization", string.Format(header, token));
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
        }
    }

    [Theory]
    [InlineData("Basic {0}")]
    [InlineData("Bearer{0}")]
    [InlineData("{0}")]
    public async Task A_remembered_token_in_a_header_JwtBearer_refuses_is_refused(string header)
    {
        var account = await factory.CreateAccountAsync();
        var token = await factory.CreateTokenAsync(account.AccountId, [TokenPermissions.ScimProvisioningEdit]);
        Assert.Equal(HttpStatusCode.OK, (await factory.ClientWithToken(token).GetAsync($"{account.ScimBase}/Users")).StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"{account.ScimBase}/Users");
        request.Headers.TryAddWithoutValidation("Authorization", string.Format(header, token));
        await (await factory.CreateClient().SendAsync(request)).AssertScimErrorAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_remembered_token_sent_in_two_Authorization_headers_is_refused_as_JwtBearer_refuses_it()
    {
        var account = await factory.CreateAccountAsync();
        var token = await factory.CreateTokenAsync(account.AccountId, [TokenPermissions.ScimProvisioningEdit]);
        Assert.Equal(HttpStatusCode.OK, (await factory.ClientWithToken(token).GetAsync($"{account.ScimBase}/Users")).StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"{account.ScimBase}/Users");
        request.Headers.TryAddWithoutValidation("Authorization", ["Bearer " + token, "Bearer " + token]);
        await (await factory.CreateClient().SendAsync(request)).AssertScimErrorAsync(HttpStatusCode.Unauthorized);
    }
}
