using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Api.Persistence;

/// <summary>
/// Applies the migrations. The history table is created first (if missing), so a first start on an empty
/// PostgreSQL database does not log EF Core's failed probe of a table that does not exist yet as an error.
/// </summary>
public static class SchemaMigration
{
    public static async Task MigrateAsync(ScimDbContext db, CancellationToken cancellationToken = default)
    {
        await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
    }
}
