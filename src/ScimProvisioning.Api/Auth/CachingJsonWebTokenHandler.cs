using System.Collections.Concurrent;
using System.Security.Claims;
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
/// current one. Revocation is not this memory's business: every request, remembered token or not, still asks
/// <see cref="TokenRevocationCheck"/>.
/// <para>
/// JwtBearer's <c>OnMessageReceived</c> asks <see cref="TryRecall"/> first (AuthSetup), so a remembered token skips
/// the rest of JwtBearer's per-request work too: a copy of its validation parameters, the validated-token context,
/// authentication properties with a formatted expiry, a substring of the header. The hits of one token share one
/// <see cref="ScimTokenIdentity"/>, which nothing changes: no claims transformation is registered
/// (AuthenticationTests checks it), and the authorization handlers only read.
/// </para>
/// </remarks>
internal sealed class CachingJsonWebTokenHandler : JsonWebTokenHandler
{
    /// <summary>How long a validated token is remembered at most.</summary>
    public static readonly TimeSpan Remember = TimeSpan.FromMinutes(5);

    /// <summary>Distinct tokens remembered at once; valid tokens only, so a flood of forged ones cannot fill it.</summary>
    public const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, Validated> _validated = new(StringComparer.Ordinal);

    // Looked up with the span of the Authorization header that holds the token: no substring per request.
    private readonly ConcurrentDictionary<string, Validated>.AlternateLookup<ReadOnlySpan<char>> _byText;

    private readonly SigningKeyProvider _keys;
    private readonly TimeProvider _clock;

    public CachingJsonWebTokenHandler(SigningKeyProvider keys, TimeProvider clock)
    {
        _keys = keys;
        _clock = clock;
        _byText = _validated.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The identity of a token validated before, if it is remembered, unexpired and checked with the current key.</summary>
    public bool TryRecall(ReadOnlySpan<char> token, out ScimTokenIdentity identity)
    {
        if (
            _byText.TryGetValue(token, out var remembered)
            && ReferenceEquals(remembered.Key, _keys.Key)
            && _clock.GetUtcNow() < remembered.Until
        )
        {
            identity = remembered.Identity;
            return true;
        }

        identity = null!;
        return false;
    }

    /// <summary>
    /// Validates in full and remembers a valid token. A remembered one never gets here: <see cref="TryRecall"/>, asked
    /// first with the same key and expiry checks, has already authenticated it.
    /// </summary>
    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var key = _keys.Key;
        var now = _clock.GetUtcNow();
        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result is { IsValid: true, ClaimsIdentity: { } identity, SecurityToken: JsonWebToken jwt })
        {
            var until = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
            if (now + Remember < until)
            {
                until = now + Remember;
            }

            var scim = new ScimTokenIdentity(identity);
            if (_validated.Count >= Capacity)
            {
                Forget(now);
            }

            _validated[token] = new Validated(key, scim, until);
            result.ClaimsIdentity = scim;
        }

        return result;
    }

    /// <summary>Drops what has expired; if every remembered token is still current, starts over.</summary>
    private void Forget(DateTimeOffset now)
    {
        foreach (var (token, remembered) in _validated)
        {
            if (now >= remembered.Until)
            {
                _validated.TryRemove(token, out _);
            }
        }

        if (_validated.Count >= Capacity)
        {
            _validated.Clear();
        }
    }

    private sealed record Validated(SecurityKey Key, ScimTokenIdentity Identity, DateTimeOffset Until);
}

/// <summary>
/// The claims of a validated token, with what every request asks of them read once: the token's id, its account and
/// its permissions. <see cref="AuthSetup.AccountId"/>, <see cref="AuthSetup.TokenId"/> and the authorization handler
/// read these instead of searching the claims (a predicate and an enumerator per search).
/// </summary>
public sealed class ScimTokenIdentity : ClaimsIdentity
{
    public ScimTokenIdentity(ClaimsIdentity validated)
        : base(validated)
    {
        TokenId = FindFirst(JwtRegisteredClaimNames.Jti)?.Value;
        AccountId = FindFirst(TokenService.AccountClaim)?.Value;
        Permissions = [.. FindAll(TokenService.PermissionClaim).Select(c => c.Value)];
        Principal = new ClaimsPrincipal(this);
    }

    private ScimTokenIdentity(ScimTokenIdentity other)
        : this((ClaimsIdentity)other) { }

    public string? TokenId { get; }

    public string? AccountId { get; }

    public IReadOnlyList<string> Permissions { get; }

    /// <summary>The one principal every request of this token is authenticated as.</summary>
    public ClaimsPrincipal Principal { get; }

    public override ClaimsIdentity Clone() => new ScimTokenIdentity(this);
}
