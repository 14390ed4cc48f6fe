using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Api.Persistence.Postgres;

/// <summary>PostgreSQL: a row lock on the account, held until the guarded change's transaction ends.</summary>
public sealed class PostgresAccountLock : IAccountLock
{
    public static PostgresAccountLock Instance { get; } = new();

    public async Task LockAsync(ScimDbContext db, string accountId, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM \"Accounts\" WHERE \"Id\" = {accountId} FOR UPDATE", cancellationToken);
}
