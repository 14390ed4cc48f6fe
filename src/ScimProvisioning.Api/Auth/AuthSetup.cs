using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ScimProvisioning.Api.Admin;
using ScimProvisioning.Api.Configuration;
using ScimProvisioning.Domain.Persistence;
using ScimProvisioning.Domain.Tokens;

namespace ScimProvisioning.Api.Auth;

/// <summary>
/// The authorization policies endpoints ask for, after the permission lists of Cloudflare's OpenAPI
/// (<c>x-api-token-group</c>, SPEC §6). Each also requires the path's account to be the token's.
/// </summary>
public static class Policies
{
    /// <summary>SCIM reads: SCIM Provisioning, or Account Settings Read/Write.</summary>
    public const string ScimRead = nameof(ScimRead);

    /// <summary>SCIM writes: SCIM Provisioning or Account Settings Write.</summary>
    public const string ScimWrite = nameof(ScimWrite);

    /// <summary>Admin reads of members, roles, resource groups and user groups: SCIM Provisioning or Account Settings.</summary>
    public const string AccountRead = nameof(AccountRead);

    /// <summary>Admin writes of the same (the documented Super Administrator recovery uses the SCIM token).</summary>
    public const string AccountWrite = nameof(AccountWrite);

    /// <summary>The audit log: Account Settings Read or Write; a SCIM-only token is refused.</summary>
    public const string AuditRead = nameof(AuditRead);

    /// <summary>Registering event receivers and re-delivering: Account Settings Write only (events carry account data).</summary>
    public const string SettingsWrite = nameof(SettingsWrite);

    /// <summary>Listing and reading tokens: Account API Tokens Read or Write only.</summary>
    public const string TokensRead = nameof(TokensRead);

    /// <summary>Creating and revoking tokens: Account API Tokens Write only.</summary>
    public const string TokensWrite = nameof(TokensWrite);

    /// <summary>Any valid token of the path's account, whatever it carries (<c>/tokens/verify</c>).</summary>
    public const string AnyAccountToken = nameof(AnyAccountToken);

    /// <summary>Which permissions each policy accepts (one of them suffices).</summary>
    public static IReadOnlyDictionary<string, string[]> AcceptedPermissions { get; } =
        new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            [ScimRead] =
            [
                TokenPermissions.ScimProvisioningEdit,
                TokenPermissions.AccountSettingsRead,
                TokenPermissions.AccountSettingsWrite,
            ],
            [ScimWrite] = [TokenPermissions.ScimProvisioningEdit, TokenPermissions.AccountSettingsWrite],
            [AccountRead] =
            [
                TokenPermissions.ScimProvisioningEdit,
                TokenPermissions.AccountSettingsRead,
                TokenPermissions.AccountSettingsWrite,
            ],
            [AccountWrite] = [TokenPermissions.ScimProvisioningEdit, TokenPermissions.AccountSettingsWrite],
            [AuditRead] = [TokenPermissions.AccountSettingsRead, TokenPermissions.AccountSettingsWrite],
            [SettingsWrite] = [TokenPermissions.AccountSettingsWrite],
            [TokensRead] = [TokenPermissions.AccountApiTokensRead, TokenPermissions.AccountApiTokensWrite],
            [TokensWrite] = [TokenPermissions.AccountApiTokensWrite],
            [AnyAccountToken] = [.. TokenPermissions.All],
        };
}

public static class AuthSetup
{
    public static IServiceCollection AddScimAuth(this IServiceCollection services)
    {
        services.AddSingleton<SigningKeyProvider>();
        services.AddScoped<TokenService>();
        services.AddSingleton<TokenRevocationCheck>();
        services.AddSingleton<CachingJsonWebTokenHandler>();
        services.AddSingleton<IAuthorizationHandler, AccountAccessHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ErrorWritingAuthorizationResultHandler>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services
            .AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<SigningKeyProvider, IOptions<AuthOptions>, CachingJsonWebTokenHandler, TokenRevocationCheck>(
                (jwt, keys, auth, handler, revocation) =>
                {
                    jwt.MapInboundClaims = false;
                    handler.MapInboundClaims = false;
                    jwt.TokenHandlers.Clear();
                    jwt.TokenHandlers.Add(handler);
                    jwt.IncludeErrorDetails = false;
                    // Nothing reads the token back from the authentication properties; storing it cost a copy and a
                    // formatted expiry per request.
                    jwt.SaveToken = false;
                    jwt.TokenValidationParameters = new TokenValidationParameters
                    {
                        ValidIssuer = auth.Value.Issuer,
                        ValidAudience = auth.Value.Audience,
                        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                        IssuerSigningKeyResolver = (_, _, _, _) => [keys.Key],
                        RequireSignedTokens = true,
                        RequireExpirationTime = true,
                        ClockSkew = TimeSpan.FromSeconds(30),
                        NameClaimType = JwtRegisteredClaimNames.Jti,
                    };
                    jwt.Events = new JwtBearerEvents
                    {
                        // A token validated before is recalled by its exact text, and only its revocation is checked
                        // again; anything else goes on to JwtBearer's full validation (CachingJsonWebTokenHandler).
                        OnMessageReceived = context =>
                            handler.TryRecall(BearerToken(context.Request), out var remembered)
                                ? AuthenticateRemembered(context, remembered, revocation)
                                : Task.CompletedTask,
                        OnTokenValidated = async context =>
                        {
                            var principal = context.Principal!;
                            var usable = await revocation.IsUsableAsync(
                                principal.TokenId(),
                                principal.AccountId(),
                                context.HttpContext.RequestAborted
                            );
                            if (!usable)
                            {
                                context.Fail(Revoked);
                            }
                        },
                        OnChallenge = async context =>
                        {
                            context.HandleResponse();
                            context.Response.Headers.WWWAuthenticate = context.AuthenticateFailure is null
                                ? "Bearer"
                                : "Bearer error=\"invalid_token\"";
                            var detail = context.AuthenticateFailure is null
                                ? "Authentication required: send 'Authorization: Bearer <token>'."
                                : "The bearer token is invalid, expired or revoked.";
                            await ErrorResponses.WriteAsync(
                                context.HttpContext,
                                StatusCodes.Status401Unauthorized,
                                null,
                                detail,
                                cloudflareCode: AdminErrorCodes.Unauthenticated
                            );
                        },
                    };
                }
            );

        var authorization = services.AddAuthorizationBuilder();
        foreach (var (name, accepted) in Policies.AcceptedPermissions)
        {
            authorization.AddPolicy(name, p => p.AddRequirements(new AccountAccessRequirement(accepted)));
        }

        // The authorization services are stateless, but registered per use: the middleware resolved a new policy
        // evaluator, authorization service, handler provider, context factory and evaluator for every request.
        services.Replace(ServiceDescriptor.Singleton<IAuthorizationEvaluator, DefaultAuthorizationEvaluator>());
        services.Replace(ServiceDescriptor.Singleton<IAuthorizationHandlerContextFactory, DefaultAuthorizationHandlerContextFactory>());
        services.Replace(ServiceDescriptor.Singleton<IAuthorizationHandlerProvider, DefaultAuthorizationHandlerProvider>());
        services.Replace(ServiceDescriptor.Singleton<IAuthorizationService, DefaultAuthorizationService>());
        services.Replace(ServiceDescriptor.Singleton<IPolicyEvaluator, AccountPolicyEvaluator>());

        return services;
    }

    private const string Revoked = "The token has been revoked or has expired.";

    /// <summary>The token of an <c>Authorization: Bearer</c> header, as JwtBearer reads it (scheme in any case, trimmed).</summary>
    internal static ReadOnlySpan<char> BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization;
        const string Bearer = "Bearer ";
        return header.Count == 1 && header[0] is { } value && value.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase)
            ? value.AsSpan(Bearer.Length).Trim()
            : default;
    }

    private static async Task AuthenticateRemembered(
        MessageReceivedContext context,
        ScimTokenIdentity remembered,
        TokenRevocationCheck revocation
    )
    {
        if (await revocation.IsUsableAsync(remembered.TokenId, remembered.AccountId, context.HttpContext.RequestAborted))
        {
            context.Principal = remembered.Principal;
            context.Success();
        }
        else
        {
            context.Fail(Revoked);
        }
    }

    public static string? AccountId(this ClaimsPrincipal principal) =>
        principal.Identity is ScimTokenIdentity token ? token.AccountId : principal.FindFirstValue(TokenService.AccountClaim);

    public static string? TokenId(this ClaimsPrincipal principal) =>
        principal.Identity is ScimTokenIdentity token ? token.TokenId : principal.FindFirstValue(JwtRegisteredClaimNames.Jti);

    /// <summary>The permissions the calling token carries.</summary>
    public static IReadOnlyList<string> Permissions(this ClaimsPrincipal principal) =>
        principal.Identity is ScimTokenIdentity token
            ? token.Permissions
            : principal.FindAll(TokenService.PermissionClaim).Select(c => c.Value).ToList();
}

/// <summary>The token's account must be the one in the path, and the token must carry one of the accepted permissions.</summary>
public sealed record AccountAccessRequirement(params string[] AcceptedPermissions) : IAuthorizationRequirement;

internal sealed class AccountAccessHandler : AuthorizationHandler<AccountAccessRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, AccountAccessRequirement requirement)
    {
        if (Allows(context.User, context.Resource, requirement))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    public static bool Allows(ClaimsPrincipal user, object? resource, AccountAccessRequirement requirement) =>
        resource is HttpContext http
        && user.Identity?.IsAuthenticated == true
        && http.GetRouteValue("account_id") is string accountId
        && string.Equals(user.AccountId(), accountId, StringComparison.Ordinal)
        && HoldsAny(user, requirement.AcceptedPermissions);

    private static bool HoldsAny(ClaimsPrincipal user, string[] accepted)
    {
        if (user.Identity is ScimTokenIdentity token)
        {
            foreach (var permission in token.Permissions)
            {
                if (Array.IndexOf(accepted, permission) >= 0)
                {
                    return true;
                }
            }

            return false;
        }

        foreach (var claim in user.Claims)
        {
            if (claim.Type == TokenService.PermissionClaim && Array.IndexOf(accepted, claim.Value) >= 0)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// ASP.NET Core's policy evaluator, answering the policies of <see cref="Policies"/> (each one
/// <see cref="AccountAccessRequirement"/>) without the authorization service when the token passes: the service built a
/// handler context, asked for every handler and evaluated the result on every request, ~3 % of a
/// <c>GET /Users/{id}</c>'s CPU. Anything else, a refusal included, goes through the service as before.
/// </summary>
internal sealed class AccountPolicyEvaluator(IAuthorizationService authorization) : IPolicyEvaluator
{
    private static readonly Task<PolicyAuthorizationResult> Allowed = Task.FromResult(PolicyAuthorizationResult.Success());

    private readonly PolicyEvaluator _evaluator = new(authorization);

    public Task<AuthenticateResult> AuthenticateAsync(AuthorizationPolicy policy, HttpContext context) =>
        _evaluator.AuthenticateAsync(policy, context);

    public Task<PolicyAuthorizationResult> AuthorizeAsync(
        AuthorizationPolicy policy,
        AuthenticateResult authenticationResult,
        HttpContext context,
        object? resource
    ) =>
        policy.Requirements is [AccountAccessRequirement requirement]
        && authenticationResult.Succeeded
        && AccountAccessHandler.Allows(context.User, resource, requirement)
            ? Allowed
            : _evaluator.AuthorizeAsync(policy, authenticationResult, context, resource);
}

/// <summary>Writes 403 in the error format of the API that was called; a 403 never says whether the account exists.</summary>
internal sealed class ErrorWritingAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(
        RequestDelegate next,
        HttpContext context,
        AuthorizationPolicy policy,
        PolicyAuthorizationResult authorizeResult
    )
    {
        if (authorizeResult.Forbidden)
        {
            await ErrorResponses.WriteAsync(
                context,
                StatusCodes.Status403Forbidden,
                null,
                "The token is not allowed to perform this operation on this account.",
                cloudflareCode: AdminErrorCodes.Forbidden
            );
            return;
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}

/// <summary>
/// Revocation and expiry are checked against the token's database record, cached for a couple of seconds per
/// instance so a revocation reaches every instance within <c>Auth:RevocationCacheSeconds</c>.
/// </summary>
public sealed class TokenRevocationCheck(IServiceScopeFactory scopes, IOptions<AuthOptions> options, TimeProvider clock)
{
    /// <summary>Tokens remembered at most; only tokens whose signature validated get here, so these are issued tokens.</summary>
    public const int Capacity = 10_000;

    // Looked up on every authenticated request: a dictionary keyed by the token id itself, not a string built per request.
    private readonly ConcurrentDictionary<string, Remembered> _records = new(StringComparer.Ordinal);

    public async ValueTask<bool> IsUsableAsync(string? tokenId, string? accountId, CancellationToken cancellationToken)
    {
        if (tokenId is null || accountId is null)
        {
            return false;
        }

        var now = clock.GetUtcNow();
        var cacheFor = TimeSpan.FromSeconds(options.Value.RevocationCacheSeconds);
        ApiToken? record;
        if (cacheFor > TimeSpan.Zero && _records.TryGetValue(tokenId, out var remembered) && now < remembered.Until)
        {
            record = remembered.Token;
        }
        else
        {
            record = await LoadAsync(tokenId, cancellationToken);
            if (cacheFor > TimeSpan.Zero)
            {
                if (_records.Count >= Capacity)
                {
                    _records.Clear();
                }

                _records[tokenId] = new Remembered(record, now + cacheFor);
            }
        }

        return record is not null && record.AccountId == accountId && record.IsUsableAt(now.UtcDateTime);
    }

    private sealed record Remembered(ApiToken? Token, DateTimeOffset Until);

    private async Task<ApiToken?> LoadAsync(string tokenId, CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ScimDbContext>();
        return await db.ApiTokens.AsNoTracking().SingleOrDefaultAsync(t => t.Id == tokenId, cancellationToken);
    }
}
