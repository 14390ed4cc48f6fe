using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ScimProvisioning.Api.Tests.Infrastructure;
using ScimProvisioning.Domain.Tokens;

namespace ScimProvisioning.Api.Tests.Hardening;

/// <summary>
/// Issue 7's hostile clients: every kind of bad credential is refused before a handler runs (the database does not
/// change), the server says nothing about itself, and no secret reaches the log.
/// </summary>
public sealed class HostileClientTests(CloudflareApiFactory factory) : IClassFixture<CloudflareApiFactory>
{
    private static string Jwt(
        string accountId,
        string? jti,
        SigningCredentials credentials,
        DateTime? notBefore = null,
        DateTime? expires = null,
        string issuer = "scim-provisioning",
        string audience = "scim-provisioning",
        IDictionary<string, object>? header = null
    ) =>
        new JsonWebTokenHandler().CreateToken(
            new SecurityTokenDescriptor
            {
                Issuer = issuer,
                Audience = audience,
                Subject = new ClaimsIdentity([
                    new Claim("jti", jti ?? Guid.NewGuid().ToString("N")),
                    new Claim("account_id", accountId),
                    new Claim("perm", TokenPermissions.ScimProvisioningEdit),
                ]),
                NotBefore = notBefore ?? DateTime.UtcNow.AddMinutes(-5),
                IssuedAt = (notBefore ?? DateTime.UtcNow.AddMinutes(-5)).AddMinutes(-1),
                Expires = expires ?? DateTime.UtcNow.AddHours(1),
                SigningCredentials = credentials,
                AdditionalHeaderClaims = header,
            }
        );

    private static SigningCredentials Hmac(string key, string algorithm = SecurityAlgorithms.HmacSha256) =>
        new(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), algorithm);

    private static string Unsigned(string accountId, string jti) =>
        Base64Url("""{"alg":"none","typ":"JWT"}""")
        + "."
        + Base64Url(
            $$"""
            {"jti":"{{jti}}","account_id":"{{accountId}}","perm":"{{TokenPermissions.ScimProvisioningEdit}}","iss":"scim-provisioning",
            "aud":"scim-provisioning","exp":{{DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()}}}
            """
        )
        + ".";

    private static string Base64Url(string text) => Base64UrlEncoder.Encode(text);

    public static TheoryData<string> BadCredentials() =>
        [
            "alg none",
            "alg none with signature",
            "signed with another key",
            "HS512 with the server key",
            "RS256 with a stranger's key",
            "HS256 with the RSA public key as secret",
            "kid pointing elsewhere",
            "jku header",
            "wrong issuer",
            "wrong audience",
            "expired",
            "not yet valid",
            "revoked",
            "no server record",
            "signature stripped",
            "payload tampered",
            "empty token",
            "garbage",
        ];

    [Theory]
    [MemberData(nameof(BadCredentials))]
    public async Task Bad_credentials_are_401_and_reach_no_handler(string kind)
    {
        var account = await factory.CreateAccountAsync();
        var jti = account.ScimTokenId;
        var good = Jwt(account.AccountId, jti, Hmac(ScimApiFactory.SigningKey));
        using var rsa = RSA.Create(2048);
        var token = kind switch
        {
            "alg none" => Unsigned(account.AccountId, jti),
            "alg none with signature" => Unsigned(account.AccountId, jti) + good.Split('.')[2],
            "signed with another key" => Jwt(account.AccountId, jti, Hmac("another-key-that-is-long-enough-for-hmac-sha256-000")),
            "HS512 with the server key" => Jwt(
                account.AccountId,
                jti,
                Hmac(ScimApiFactory.SigningKey + ScimApiFactory.SigningKey, SecurityAlgorithms.HmacSha512)
            ),
            "RS256 with a stranger's key" => Jwt(
                account.AccountId,
                jti,
                new SigningCredentials(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256)
            ),
            "HS256 with the RSA public key as secret" => Jwt(
                account.AccountId,
                jti,
                Hmac(Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo()))
            ),
            "kid pointing elsewhere" => Jwt(
                account.AccountId,
                jti,
                new SigningCredentials(
                    new SymmetricSecurityKey(Encoding.UTF8.GetBytes("another-key-that-is-long-enough-for-hmac-sha256-000"))
                    {
                        KeyId = "../../keys/server",
                    },
                    SecurityAlgorithms.HmacSha256
                )
            ),
            "jku header" => Jwt(
                account.AccountId,
                jti,
                Hmac("another-key-that-is-long-enough-for-hmac-sha256-000"),
                header: new Dictionary<string, object> { ["jku"] = "http://127.0.0.1:1/keys" }
            ),
            "wrong issuer" => Jwt(account.AccountId, jti, Hmac(ScimApiFactory.SigningKey), issuer: "someone-else"),
            "wrong audience" => Jwt(account.AccountId, jti, Hmac(ScimApiFactory.SigningKey), audience: "someone-else"),
            "expired" => Jwt(
                account.AccountId,
                jti,
                Hmac(ScimApiFactory.SigningKey),
                notBefore: DateTime.UtcNow.AddHours(-3),
                expires: DateTime.UtcNow.AddHours(-1)
            ),
            "not yet valid" => Jwt(
                account.AccountId,
                jti,
                Hmac(ScimApiFactory.SigningKey),
                notBefore: DateTime.UtcNow.AddHours(1),
                expires: DateTime.UtcNow.AddHours(2)
            ),
            "revoked" => await RevokedTokenAsync(account),
            "no server record" => Jwt(account.AccountId, null, Hmac(ScimApiFactory.SigningKey)),
            "signature stripped" => string.Join('.', good.Split('.')[..2]) + ".",
            "payload tampered" => TamperedPayload(good),
            "empty token" => "",
            "garbage" => "eyJ" + new string('A', 4000),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var before = await DatabaseSnapshot.TakeAsync(factory.Services);
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, account.ScimBase + "/Users")
        {
            Content = TestAccount.Body("""{"userName":"intruder@example.com"}""", "application/scim+json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        var response = await client.SendAsync(request);

        await response.AssertScimErrorAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(before, await DatabaseSnapshot.TakeAsync(factory.Services));
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Basic b3duZXI6cGFzc3dvcmQ=")]
    [InlineData("Token abc")]
    [InlineData("Bearer a.b")]
    [InlineData("Bearer a.b.c.d.e")]
    [InlineData("Bearer \t")]
    [InlineData("bearer-token")]
    [InlineData("Bearer ☃.☃.☃")]
    public async Task Malformed_authorization_headers_are_401(string header)
    {
        var account = await factory.CreateAccountAsync();
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, account.ScimBase + "/Users");
        request.Headers.TryAddWithoutValidation("Authorization", header);
        await (await client.SendAsync(request)).AssertScimErrorAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Two_authorization_headers_are_refused()
    {
        var account = await factory.CreateAccountAsync();
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, account.ScimBase + "/Users");
        request.Headers.TryAddWithoutValidation("Authorization", ["Bearer " + account.ScimToken, "Bearer " + account.ScimToken]);
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Another_accounts_valid_token_is_403_and_changes_nothing()
    {
        var mine = await factory.CreateAccountAsync();
        var theirs = await factory.CreateAccountAsync();
        var before = await DatabaseSnapshot.TakeAsync(factory.Services);
        using var client = factory.ClientWithToken(theirs.ScimToken);

        var response = await client.PostAsync(
            mine.ScimBase + "/Users",
            TestAccount.Body("""{"userName":"cross@example.com"}""", "application/scim+json")
        );

        await response.AssertScimErrorAsync(HttpStatusCode.Forbidden);
        Assert.Equal(before, await DatabaseSnapshot.TakeAsync(factory.Services));
    }

    [Fact]
    public async Task Responses_name_no_server_and_are_not_cached()
    {
        var account = await factory.CreateAccountAsync();
        foreach (
            var response in new[]
            {
                await account.GetAsync("/Users"),
                await account.GetAsync("/Users/0123456789abcdef0123456789abcdef"),
                await factory.CreateClient().GetAsync(account.ScimBase + "/Users"),
            }
        )
        {
            Assert.False(response.Headers.Contains("Server"));
            Assert.False(response.Headers.Contains("X-Powered-By"));
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.True(response.Headers.CacheControl?.NoStore, "authenticated answers must not be cached");
        }
    }

    [Fact]
    public async Task No_token_key_or_password_reaches_the_log()
    {
        var account = await factory.CreateAccountAsync();
        const string password = "Corr3ct-Horse-Battery-Staple!";
        var issued = await (
            await account.AdminPostAsync("/tokens", """{"name":"ci","permissions":["SCIM Provisioning: Edit"]}""")
        ).AssertStatusAsync(HttpStatusCode.OK);
        var newToken = issued["result"]!["value"]!.GetValue<string>();

        // An IdP's first sync: users with passwords (Okta sends them), a group push, updates, a deprovision, and
        // requests with bad and good tokens in between.
        var id = (
            await (
                await account.PostAsync(
                    "/Users",
                    $$"""
                    {"userName":"logged@example.com","password":"{{password}}","emails":[{"value":"logged@example.com","primary":true}]}
                    """
                )
            ).AssertStatusAsync(HttpStatusCode.Created)
        )["id"]!.GetValue<string>();
        await account.PutAsync($"/Users/{id}", $$"""{"userName":"logged@example.com","password":"{{password}}","active":true}""");
        await account.PatchOpsAsync($"/Users/{id}", $$"""[{"op":"replace","path":"password","value":"{{password}}"}]""");
        await account.PostAsync("/Groups", $$"""{"displayName":"Logged Group","members":[{"value":"{{id}}"}]}""");
        await account.PatchOpsAsync($"/Users/{id}", """[{"op":"replace","path":"active","value":false}]""");
        await factory.ClientWithToken(newToken + "x").GetAsync(account.ScimBase + "/Users");
        await factory
            .ClientWithToken(newToken)
            .GetAsync(account.ScimBase + "/Users?filter=" + Uri.EscapeDataString($"userName eq \"{password}\""));
        await account.PostAsync("/Users", "{\"userName\":\"" + password + "\",");

        var log = string.Join('\n', factory.Logs.Events);
        Assert.NotEmpty(factory.Logs.Events);
        foreach (var secret in new[] { account.ScimToken, account.AdminToken, newToken, ScimApiFactory.SigningKey, password })
        {
            Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Bearer ey", log, StringComparison.Ordinal);
    }

    private async Task<string> RevokedTokenAsync(TestAccount account)
    {
        var token = await factory.CreateTokenAsync(account.AccountId, [TokenPermissions.ScimProvisioningEdit]);
        var tokenId = new JsonWebToken(token).Id;
        await (await account.AdminDeleteAsync($"/tokens/{tokenId}")).AssertStatusAsync(HttpStatusCode.OK);
        return token;
    }

    private static string TamperedPayload(string token)
    {
        var parts = token.Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1]).Replace("SCIM Provisioning", "Account Settings", StringComparison.Ordinal);
        return parts[0] + "." + Base64UrlEncoder.Encode(payload) + "." + parts[2];
    }
}
