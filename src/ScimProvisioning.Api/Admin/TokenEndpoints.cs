using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Api.Auth;
using ScimProvisioning.Domain;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Persistence;
using ScimProvisioning.Domain.Tokens;

namespace ScimProvisioning.Api.Admin;

/// <summary>
/// Account API tokens: create (value shown once), list, get, revoke, verify. Managed only with the permissions of
/// their own (Account API Tokens: Read / Write, SPEC §6); a token issues and revokes only tokens whose permissions it
/// holds itself.
/// </summary>
public static class TokenEndpoints
{
    public sealed record CreateTokenRequest(string? Name, List<string>? Permissions, DateTime? ExpiresOn);

    /// <summary>A token as the API shows it: never its value, except in the answer to its creation.</summary>
    public sealed record TokenView(
        string Id,
        string Name,
        string Status,
        IReadOnlyList<string> Permissions,
        DateTime IssuedOn,
        DateTime? ExpiresOn
    );

    public sealed record CreatedTokenView(
        string Id,
        string Name,
        string Status,
        IReadOnlyList<string> Permissions,
        DateTime IssuedOn,
        DateTime? ExpiresOn,
        string Value
    );

    public sealed record TokenIdView(string Id);

    public sealed record VerifiedTokenView(string Id, string Status, IReadOnlyList<string> Permissions);

    public sealed record PermissionView(string Id, string Name);

    public static RouteGroupBuilder MapAdminTokens(this RouteGroupBuilder accounts)
    {
        var tokens = accounts.MapGroup("/tokens").WithTags("Account API tokens");
        tokens
            .MapPost("", CreateToken)
            .RequireAuthorization(Policies.TokensWrite)
            .WithName("CreateAccountToken")
            .WithSummary("Create a token with permissions the caller holds; its value is returned only here");
        tokens
            .MapGet("", ListTokens)
            .RequireAuthorization(Policies.TokensRead)
            .WithName("ListAccountTokens")
            .WithSummary("List tokens (never their values)");
        tokens
            .MapGet("/permission_groups", ListPermissions)
            .RequireAuthorization(Policies.TokensRead)
            .WithName("ListTokenPermissionGroups")
            .WithSummary("The permissions a token can carry");
        tokens
            .MapGet("/verify", VerifyToken)
            .RequireAuthorization(Policies.AnyAccountToken)
            .WithName("VerifyAccountToken")
            .WithSummary("Check the calling token (any valid token of the account)");
        tokens
            .MapGet("/{token_id}", GetToken)
            .RequireAuthorization(Policies.TokensRead)
            .WithName("GetAccountToken")
            .WithSummary("One token (never its value)");
        tokens
            .MapDelete("/{token_id}", RevokeToken)
            .RequireAuthorization(Policies.TokensWrite)
            .WithName("RevokeAccountToken")
            .WithSummary("Revoke a token whose permissions the caller holds; every instance refuses it within seconds");
        return tokens;
    }

    private static async Task<Results<Envelope<CreatedTokenView>, JsonHttpResult<CloudflareEnvelope<object>>>> CreateToken(
        string account_id,
        HttpContext http,
        TokenService tokens,
        CancellationToken cancellationToken
    )
    {
        CreateTokenRequest? request;
        try
        {
            // The shared reader: size limit (413), strict UTF-8 JSON without duplicate names (400).
            request = System.Text.Json.JsonSerializer.Deserialize<CreateTokenRequest>(
                await AdminRequests.ReadObjectAsync(http.Request),
                CloudflareEnvelope.JsonOptions
            );
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException)
        {
            return CloudflareResults.BadRequest(
                AdminErrorCodes.InvalidJson,
                "The request body does not fit {name, permissions[], expires_on?}."
            );
        }

        if (request is null || string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 120)
        {
            return CloudflareResults.BadRequest(AdminErrorCodes.InvalidValue, "A token needs a name of 1 to 120 characters.");
        }

        var issued = await tokens.CreateAsync(
            new Actor(http.User.TokenId()!),
            account_id,
            request.Name,
            request.Permissions ?? [TokenPermissions.ScimProvisioningEdit],
            request.ExpiresOn?.ToUniversalTime(),
            cancellationToken,
            issuerPermissions: http.User.Permissions()
        );
        var record = issued.Record;
        return CloudflareResults.Ok(
            new CreatedTokenView(record.Id, record.Name, "active", record.Permissions, record.Created, record.ExpiresOn, issued.Value)
        );
    }

    private static async Task<Envelope<List<TokenView>>> ListTokens(
        string account_id,
        ScimDbContext db,
        TimeProvider clock,
        CancellationToken cancellationToken
    )
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var list = await db
            .ApiTokens.AsNoTracking()
            .Where(t => t.AccountId == account_id)
            .OrderBy(t => t.Created)
            .ToListAsync(cancellationToken);
        var result = list.Select(t => View(t, now)).ToList();
        return CloudflareResults.Ok(result, new ResultInfo(1, result.Count, result.Count, result.Count, 1));
    }

    private static async Task<Results<Envelope<TokenView>, EnvelopeNotFound>> GetToken(
        string account_id,
        string token_id,
        ScimDbContext db,
        TimeProvider clock,
        CancellationToken cancellationToken
    )
    {
        var token = await db
            .ApiTokens.AsNoTracking()
            .SingleOrDefaultAsync(t => t.AccountId == account_id && t.Id == token_id, cancellationToken);
        if (token is null)
        {
            return CloudflareResults.NotFound("Token not found.");
        }

        return CloudflareResults.Ok(View(token, clock.GetUtcNow().UtcDateTime));
    }

    private static Envelope<List<PermissionView>> ListPermissions() =>
        CloudflareResults.Ok(TokenPermissions.All.Select(p => new PermissionView(p, p)).ToList());

    private static async Task<Envelope<TokenIdView>> RevokeToken(
        string account_id,
        string token_id,
        HttpContext http,
        TokenService tokens,
        CancellationToken cancellationToken
    )
    {
        var token = await tokens.RevokeAsync(
            new Actor(http.User.TokenId()!),
            account_id,
            token_id,
            http.User.Permissions(),
            cancellationToken
        );
        return CloudflareResults.Ok(new TokenIdView(token.Id));
    }

    private static Envelope<VerifiedTokenView> VerifyToken(HttpContext http) =>
        CloudflareResults.Ok(new VerifiedTokenView(http.User.TokenId()!, "active", http.User.Permissions()));

    private static TokenView View(ApiToken token, DateTime now) =>
        new(
            token.Id,
            token.Name,
            token.RevokedOn is not null ? "revoked"
                : token.IsUsableAt(now) ? "active"
                : "expired",
            token.Permissions,
            token.Created,
            token.ExpiresOn
        );
}
