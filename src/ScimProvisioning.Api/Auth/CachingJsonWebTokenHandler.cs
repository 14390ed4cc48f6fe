using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ScimProvisioning.Api.Auth;

/// <summary>
/// JwtBearer's token handler, remembering for a few minutes which exact tokens it has already found valid.
/// </summary>
/// <remarks>
/// An IdP sends the same bearer token on every request of a sync, and parsing it, checking its HMAC and building its
/// claims cost a quarter of a small request's CPU (a profile of POST /Users and GET /Users/{id}). A token that
/// validated is remembered, by its exact text, until the earlier of <see cref="Remember"/> and its expiry; anything
/// else (an unknown, tampered, expired or wrongly signed token) is validated in full every time, and nothing invalid
/// is ever stored. A remembered token is only accepted while the signing key it was checked with is still the
/// current one. Revocation is not this cache's business: JwtBearer's <c>OnTokenValidated</c> still asks
/// <see cref="TokenRevocationCheck"/> on every request. The hits of one token share one copy of its claims, which
/// nothing changes: no claims transformation is registered (AuthenticationTests checks it), and the authorization
/// handlers only read. Copying them per hit was the largest allocation of a <c>GET /Users/{id}</c> (~7 % of its bytes).
/// </remarks>
internal sealed class CachingJsonWebTokenHandler(SigningKeyProvider keys, TimeProvider clock) : JsonWebTokenHandler, IDisposable
{
    /// <summary>How long a validated token is remembered at most.</summary>
    public static readonly TimeSpan Remember = TimeSpan.FromMinutes(5);

    /// <summary>Distinct tokens remembered at once; valid tokens only, so a flood of forged ones cannot fill it.</summary>
    public const int Capacity = 10_000;

    private readonly MemoryCache _validated = new(new MemoryCacheOptions { SizeLimit = Capacity });

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var key = keys.Key;
        var now = clock.GetUtcNow();
        if (_validated.TryGetValue(token, out Validated? remembered) && ReferenceEquals(remembered!.Key, key) && now < remembered.Until)
        {
            return new TokenValidationResult
            {
                IsValid = true,
                ClaimsIdentity = remembered.Identity,
                SecurityToken = remembered.Token,
                TokenType = remembered.TokenType,
                Issuer = remembered.Issuer,
            };
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result is { IsValid: true, ClaimsIdentity: { } identity, SecurityToken: JsonWebToken jwt })
        {
            var until = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
            if (now + Remember < until)
            {
                until = now + Remember;
            }

            _validated.Set(
                token,
                new Validated(key, identity.Clone(), jwt, result.TokenType, result.Issuer, until),
                new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = until }
            );
        }

        return result;
    }

    public void Dispose() => _validated.Dispose();

    private sealed record Validated(
        SecurityKey Key,
        ClaimsIdentity Identity,
        JsonWebToken Token,
        string? TokenType,
        string? Issuer,
        DateTimeOffset Until
    );
}
