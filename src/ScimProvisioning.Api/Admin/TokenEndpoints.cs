using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Api.Auth;
using ScimProvisioning.Domain;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Persistence;
using ScimProvisioning.Domain.Tokens;

namespace ScimProvisioning.Api.Admin;

/// <summary>Account API tokens: create (value shown once), list, revoke, verify. Admin tokens only, except verify.</summary>
public static class TokenEndpoints
{
    public sealed record CreateTokenRequest(string? Name, List<string>? Permissions, DateTime? ExpiresOn);

    public static RouteGroupBuilder MapAdminTokens(this RouteGroupBuilder accounts)
    {
        var tokens = accounts.MapGroup("/tokens").WithTags("Account API tokens");
        tokens.MapPost("", CreateToken).RequireAuthorization(Policies.AccountAdmin)
            .WithName("CreateAccountToken").WithSummary("Create a token; its value is returned only here")
            .Accepts<CreateTokenRequest>("application/json");
        tokens.MapGet("", ListTokens).RequireAuthorization(Policies.AccountAdmin)
            .WithName("ListAccountTokens").WithSummary("List tokens (never their values)");
        tokens.MapDelete("/{token_id}", RevokeToken).RequireAuthorization(Policies.AccountAdmin)
            .WithName("RevokeAccountToken").WithSummary("Revoke a token; every instance refuses it within seconds");
        tokens.MapGet("/verify", VerifyToken).RequireAuthorization(Policies.AccountRead)
            .WithName("VerifyAccountToken").WithSummary("Check the calling token");
        return tokens;
    }

    private static async Task<IResult> CreateToken(string account_id, HttpContext http, TokenService tokens, CancellationToken cancellationToken)
    {
        CreateTokenRequest? request;
        try
        {
            // The shared reader: size limit (413), strict UTF-8 JSON without duplicate names (400).
            request = System.Text.Json.JsonSerializer.Deserialize<CreateTokenRequest>(await AdminRequests.ReadObjectAsync(http.Request), CloudflareEnvelope.JsonOptions);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException)
        {
            return CloudflareResults.Error(StatusCodes.Status400BadRequest, 6003, "The request body is not valid JSON: {name, permissions[], expires_on?}.");
        }

        if (request is null || string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 120)
        {
            return CloudflareResults.Error(StatusCodes.Status400BadRequest, 6003, "A token needs a name of 1 to 120 characters.");
        }

        var issued = await tokens.CreateAsync(new Actor(http.User.TokenId()!), account_id, request.Name,
            request.Permissions ?? [TokenPermissions.ScimProvisioningEdit], request.ExpiresOn?.ToUniversalTime(), cancellationToken);
        return CloudflareResults.Ok(new
        {
            id = issued.Record.Id,
            name = issued.Record.Name,
            status = "active",
            permissions = issued.Record.Permissions,
            issued_on = issued.Record.Created,
            expires_on = issued.Record.ExpiresOn,
            value = issued.Value,
        });
    }

    private static async Task<IResult> ListTokens(string account_id, ScimDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var list = await db.ApiTokens.AsNoTracking().Where(t => t.AccountId == account_id).OrderBy(t => t.Created).ToListAsync(cancellationToken);
        var result = list.Select(t => new
        {
            id = t.Id,
            name = t.Name,
            status = t.RevokedOn is not null ? "revoked" : t.IsUsableAt(now) ? "active" : "expired",
            permissions = t.Permissions,
            issued_on = t.Created,
            expires_on = t.ExpiresOn,
        }).ToList();
        return CloudflareResults.Ok(result, new ResultInfo(1, result.Count, result.Count, result.Count, 1));
    }

    private static async Task<IResult> RevokeToken(string account_id, string token_id, HttpContext http, ScimDbContext db, AuditLog audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.AccountId == account_id && t.Id == token_id, cancellationToken);
        if (token is null)
        {
            return CloudflareResults.Error(StatusCodes.Status404NotFound, 1003, "Token not found.");
        }

        token.RevokedOn ??= clock.GetUtcNow().UtcDateTime;
        audit.Record(account_id, new Actor(http.User.TokenId()!), AuditActions.RevokeToken, "token", token.Id, AuditActions.Success, new { token.Name });
        await db.SaveChangesAsync(cancellationToken);
        return CloudflareResults.Ok(new { id = token.Id });
    }

    private static IResult VerifyToken(HttpContext http) =>
        CloudflareResults.Ok(new { id = http.User.TokenId(), status = "active" });
}
