using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ScimProvisioning.Api.Configuration;
using ScimProvisioning.Domain;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Changes;
using ScimProvisioning.Domain.Persistence;
using ScimProvisioning.Domain.Tokens;

namespace ScimProvisioning.Api.Auth;

public sealed record IssuedToken(ApiToken Record, string Value);

/// <summary>Issues account tokens: a database record (id = jti) and the signed JWT, whose value is shown once.</summary>
public sealed class TokenService(
    ScimDbContext db,
    SigningKeyProvider keys,
    IOptions<AuthOptions> options,
    AuditLog audit,
    TimeProvider clock
)
{
    public const string AccountClaim = "account_id";
    public const string PermissionClaim = "perm";

    /// <summary>
    /// Issues a token. <paramref name="issuerPermissions"/> are those of the calling token: a token may only issue
    /// tokens whose permissions it holds itself (null: the server itself, as the CLI and bootstrap are).
    /// </summary>
    public async Task<IssuedToken> CreateAsync(
        Actor actor,
        string accountId,
        string name,
        IReadOnlyList<string> permissions,
        DateTime? expiresOn,
        CancellationToken cancellationToken,
        IReadOnlyCollection<string>? issuerPermissions = null
    )
    {
        if (!await db.Accounts.AnyAsync(a => a.Id == accountId, cancellationToken))
        {
            throw DomainException.NotFound($"Account '{accountId}' does not exist.");
        }

        var unknown = permissions.Except(TokenPermissions.All, StringComparer.Ordinal).ToList();
        if (permissions.Count == 0 || unknown.Count > 0)
        {
            throw new DomainException(
                DomainErrorKind.Invalid,
                $"Token permissions must be among: {string.Join(", ", TokenPermissions.All)}.",
                "permissions"
            );
        }

        if (issuerPermissions is not null)
        {
            RequireHeld(permissions, issuerPermissions, "issue");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (expiresOn is not null && expiresOn <= now)
        {
            throw new DomainException(DomainErrorKind.Invalid, "expires_on must be in the future.", "expires_on");
        }

        var record = new ApiToken
        {
            Id = Identifiers.NewTag(),
            AccountId = accountId,
            Name = name,
            Permissions = [.. permissions.Distinct(StringComparer.Ordinal)],
            Created = now,
            ExpiresOn = expiresOn,
        };
        db.ApiTokens.Add(record);
        audit.Record(
            new ChangeDescription(accountId, actor, AuditActions.CreateToken, "token", record.Id)
            {
                ResourceName = name,
                Details = new { permissions, expiresOn }, // the token's value is never part of it
            }
        );
        await db.SaveChangesAsync(cancellationToken);
        return new IssuedToken(record, Sign(record));
    }

    /// <summary>
    /// Revokes a token of the account; the caller must hold every permission of it, so a token manager cannot take
    /// away a credential stronger than itself (the bootstrap admin token, say). Revoking twice keeps the first time.
    /// </summary>
    public async Task<ApiToken> RevokeAsync(
        Actor actor,
        string accountId,
        string tokenId,
        IReadOnlyCollection<string> revokerPermissions,
        CancellationToken cancellationToken
    )
    {
        var token =
            await db.ApiTokens.SingleOrDefaultAsync(t => t.AccountId == accountId && t.Id == tokenId, cancellationToken)
            ?? throw DomainException.NotFound("Token not found.");
        RequireHeld(token.Permissions, revokerPermissions, "revoke");
        token.RevokedOn ??= clock.GetUtcNow().UtcDateTime;
        audit.Record(
            new ChangeDescription(accountId, actor, AuditActions.RevokeToken, "token", token.Id)
            {
                ResourceName = token.Name,
                Attributes = ["RevokedOn"],
            }
        );
        await db.SaveChangesAsync(cancellationToken);
        return token;
    }

    /// <summary>No token grants more than it holds: issuing and revoking need every permission of the token concerned.</summary>
    private static void RequireHeld(IEnumerable<string> permissions, IReadOnlyCollection<string> held, string verb)
    {
        if (TokenPermissions.NotHeld(permissions, held) is { Count: > 0 } notHeld)
        {
            throw new DomainException(
                DomainErrorKind.Forbidden,
                $"A token can only {verb} tokens whose permissions it holds itself; the calling token lacks: {string.Join(", ", notHeld)}.",
                "permissions"
            );
        }
    }

    public string Sign(ApiToken record)
    {
        var claims = new List<Claim> { new(JwtRegisteredClaimNames.Jti, record.Id), new(AccountClaim, record.AccountId) };
        claims.AddRange(record.Permissions.Select(p => new Claim(PermissionClaim, p)));
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = options.Value.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = record.Created,
            NotBefore = record.Created.AddSeconds(-5),
            // Non-expiring tokens (IdP connectors use long-lived secrets) get a far expiry; revocation is the control.
            Expires = record.ExpiresOn ?? record.Created.AddYears(10),
            SigningCredentials = new SigningCredentials(keys.Key, SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
