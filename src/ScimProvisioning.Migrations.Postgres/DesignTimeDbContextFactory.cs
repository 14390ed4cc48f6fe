using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Migrations.Postgres;

/// <summary>Lets <c>dotnet ef migrations add … --project src/ScimProvisioning.Migrations.Postgres</c> build the model (no server
/// needed).</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<ScimDbContext>
{
    public ScimDbContext CreateDbContext(string[] args) =>
        new(
            new DbContextOptionsBuilder<ScimDbContext>()
                .UseNpgsql(
                    "Host=127.0.0.1;Database=scim_design",
                    npgsql => npgsql.MigrationsAssembly(typeof(DesignTimeDbContextFactory).Assembly.GetName().Name)
                )
                .Options
        );
}
