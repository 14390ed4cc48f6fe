using System.Net;
using ScimProvisioning.Api.Tests.Infrastructure;
using ScimProvisioning.Domain.Tokens;

namespace ScimProvisioning.Api.Tests.Auth;

public sealed class SigningKeyAndRateLimitTests
{
    /// <summary>A server with no configured signing key, over a given database file.</summary>
    private sealed class GeneratedKeyFactory(string database, params KeyValuePair<string, string?>[] extra) : ScimApiFactory
    {
        protected override string Profile => "Cloudflare";

        protected override bool UsePostgres => false; // a SQLite file of its own

        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
            base.Settings()
                .Where(s => s.Key != "Auth:SigningKey")
                .Select(s => s.Key == "ConnectionStrings:Scim" ? new KeyValuePair<string, string?>(s.Key, $"Data Source={database}") : s)
                .Append(new("Auth:SigningKey", ""))
                .Concat(extra);
    }

    [Fact]
    public async Task Without_a_configured_key_one_is_generated_once_and_tokens_survive_a_restart()
    {
        var database = Path.Combine(Path.GetTempPath(), $"scim-key-{Guid.NewGuid():N}.db");
        string accountId,
            token;
        await using (var first = new GeneratedKeyFactory(database))
        {
            var account = await first.CreateAccountAsync();
            (accountId, token) = (account.AccountId, account.ScimToken);
            Assert.Equal(HttpStatusCode.OK, (await account.GetAsync("/Users")).StatusCode);
        }

        await using var second = new GeneratedKeyFactory(database);
        var response = await second.ClientWithToken(token).GetAsync($"/client/v4/accounts/{accountId}/scim/v2/Users");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = await new TestAccount(second, accountId, token, "", token).QueryAsync(db => Task.FromResult(db.ServerSecrets.Count()));
        Assert.Equal(1, stored);
    }

    [Fact]
    public async Task Exceeding_the_rate_limit_is_429_with_cloudflare_headers_and_other_tokens_are_unaffected()
    {
        var database = Path.Combine(Path.GetTempPath(), $"scim-rate-{Guid.NewGuid():N}.db");
        await using var factory = new GeneratedKeyFactory(
            database,
            new("RateLimit:Enabled", "true"),
            new("RateLimit:PermitLimit", "3"),
            new("RateLimit:WindowSeconds", "60")
        );
        var account = await factory.CreateAccountAsync();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await account.GetAsync("/Users")).StatusCode);
        }

        var limited = await account.GetAsync("/Users");
        await limited.AssertScimErrorAsync(HttpStatusCode.TooManyRequests);
        Assert.True(int.Parse(limited.Headers.RetryAfter!.ToString(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal("3", limited.Headers.GetValues("x-ratelimit-limit").Single());
        Assert.Equal("0", limited.Headers.GetValues("x-ratelimit-remaining").Single());
        Assert.True(limited.Headers.Contains("x-ratelimit-reset"));

        var other = factory.ClientWithToken(await factory.CreateTokenAsync(account.AccountId, [TokenPermissions.ScimProvisioningEdit]));
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync($"{account.ScimBase}/Users")).StatusCode);
    }

    [Fact]
    public async Task A_limited_token_recovers_when_the_window_turns()
    {
        var database = Path.Combine(Path.GetTempPath(), $"scim-rate-{Guid.NewGuid():N}.db");
        await using var factory = new GeneratedKeyFactory(
            database,
            new("RateLimit:Enabled", "true"),
            new("RateLimit:PermitLimit", "2"),
            new("RateLimit:WindowSeconds", "1")
        );
        var account = await factory.CreateAccountAsync();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await account.GetAsync("/Users")).StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        var recovered = HttpStatusCode.TooManyRequests;
        for (var attempt = 0; attempt < 20 && recovered == HttpStatusCode.TooManyRequests; attempt++)
        {
            await Task.Delay(250);
            recovered = (await account.GetAsync("/Users")).StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, recovered);
    }
}
