using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Migrations.Sqlite;

/// <summary>Lets <c>dotnet ef migrations add … --project src/ScimProvisioning.Migrations.Sqlite</c> build the model.</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<ScimDbContext>
{
    public ScimDbContext CreateDbContext(string[] args) =>
        new(
            new DbContextOptionsBuilder<ScimDbContext>()
                .UseSqlite(
                    "Data Source=design-time.db",
                    sqlite => sqlite.MigrationsAssembly(typeof(DesignTimeDbContextFactory).Assembly.GetName().Name)
                )
                .Options
        );
}
