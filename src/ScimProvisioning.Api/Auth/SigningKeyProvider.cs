using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using ScimProvisioning.Api.Configuration;
using ScimProvisioning.Domain.Persistence;
using ScimProvisioning.Domain.Tokens;

namespace ScimProvisioning.Api.Auth;

/// <summary>
/// The key tokens are signed with: <c>Auth:SigningKey</c> when configured; otherwise a random key generated once and
/// kept in the database, so tokens survive restarts and every instance on the same database agrees. Never logged.
/// </summary>
public sealed class SigningKeyProvider(IOptions<AuthOptions> options, IServiceScopeFactory scopes, TimeProvider clock)
{
    private const string SecretName = "jwt-signing-key";
    private SymmetricSecurityKey? _key;
    private readonly Lock _gate = new();

    public SymmetricSecurityKey Key
    {
        get
        {
            if (_key is not null)
            {
                return _key;
            }

            lock (_gate)
            {
                return _key ??= new SymmetricSecurityKey(LoadKeyBytes()) { KeyId = "scim-provisioning" };
            }
        }
    }

    private byte[] LoadKeyBytes()
    {
        var configured = options.Value.SigningKey;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return ParseConfiguredKey(configured);
        }

        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ScimDbContext>();
        var stored = db.ServerSecrets.AsNoTracking().SingleOrDefault(s => s.Name == SecretName);
        if (stored is not null)
        {
            return Convert.FromBase64String(stored.Value);
        }

        var generated = RandomNumberGenerator.GetBytes(64);
        db.ServerSecrets.Add(
            new ServerSecret
            {
                Name = SecretName,
                Value = Convert.ToBase64String(generated),
                Created = clock.GetUtcNow().UtcDateTime,
            }
        );
        try
        {
            db.SaveChanges();
            return generated;
        }
        catch (DbUpdateException)
        {
            // Another instance generated it first: use theirs.
            db.ChangeTracker.Clear();
            return Convert.FromBase64String(db.ServerSecrets.AsNoTracking().Single(s => s.Name == SecretName).Value);
        }
    }

    public static byte[] ParseConfiguredKey(string configured)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(configured);
        }
        catch (FormatException)
        {
            bytes = Encoding.UTF8.GetBytes(configured);
        }

        if (bytes.Length < 32)
        {
            throw new InvalidOperationException("Auth:SigningKey must be at least 32 bytes (256 bits) long.");
        }

        return bytes;
    }
}
