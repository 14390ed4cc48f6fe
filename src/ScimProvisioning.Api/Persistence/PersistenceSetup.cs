using ScimProvisioning.Api.Configuration;
using ScimProvisioning.Api.Persistence.Postgres;
using ScimProvisioning.Api.Persistence.Sqlite;

namespace ScimProvisioning.Api.Persistence;

/// <summary>
/// The one place the database provider is chosen (<c>Database:Provider</c>). Each provider registers the pooled
/// DbContext and its implementations of the domain's persistence interfaces (<see cref="Domain.Persistence.IInsertUnits"/>,
/// <see cref="Domain.Persistence.IAccountLock"/>); nothing else asks which provider runs.
/// </summary>
public static class PersistenceSetup
{
    public static IServiceCollection AddScimPersistence(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var configured = configuration.GetConnectionString("Scim");
        if (IsPostgres(database.Provider))
        {
            return services.AddPostgresPersistence(configured, database);
        }

        if (!string.Equals(database.Provider, "Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Database:Provider '{database.Provider}' is not supported; use 'Sqlite' or 'Postgres'.");
        }

        return services.AddSqlitePersistence(configured, contentRoot, database);
    }

    public static bool IsPostgres(string? provider) =>
        string.Equals(provider, "Postgres", StringComparison.OrdinalIgnoreCase)
        || string.Equals(provider, "PostgreSQL", StringComparison.OrdinalIgnoreCase);
}
