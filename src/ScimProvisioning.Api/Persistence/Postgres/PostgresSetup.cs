using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Api.Configuration;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Api.Persistence.Postgres;

/// <summary>
/// PostgreSQL: pooled contexts over Npgsql, inserts in the request's transaction, a row lock per account, and users
/// kept in memory while the database's change notifications say nothing they are read from changed.
/// </summary>
public static class PostgresSetup
{
    public static IServiceCollection AddPostgresPersistence(this IServiceCollection services, string? configured, DatabaseOptions database)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            throw new InvalidOperationException(
                "Database:Provider=Postgres needs ConnectionStrings:Scim (for example "
                    + "\"Host=127.0.0.1;Database=scim;Username=scim;Password=…\")."
            );
        }

        services.AddDbContextPool<ScimDbContext>(options =>
            options.UseNpgsql(ConnectionString(configured), npgsql => npgsql.MigrationsAssembly("ScimProvisioning.Migrations.Postgres"))
        );
        services.AddSingleton<IInsertUnits>(TransactionalInserts.WithTreeStatements);
        services.AddSingleton<IAccountLock>(PostgresAccountLock.Instance);
        if (database.ReadCacheSeconds > 0 && database.ReadCacheEntries > 0)
        {
            // Listening starts with the server (ServiceSetup); a command-line verb never listens and keeps no copies.
            services.AddSingleton(services => new PostgresChangeFeed(
                configured,
                services.GetRequiredService<ILogger<PostgresChangeFeed>>()
            ));
            services.AddSingleton(services => new ResourceReadCache(
                services.GetRequiredService<PostgresChangeFeed>(),
                database.ReadCacheSeconds,
                database.ReadCacheEntries
            ));
        }
        else
        {
            services.AddSingleton(new ResourceReadCache(null, 0, 0));
        }

        return services;
    }

    /// <summary>
    /// Npgsql prepares a statement on the server after it has run a few times on a connection, unless the
    /// connection string says otherwise: the SQL EF generates for the hot paths is the same on every request.
    /// </summary>
    public static string ConnectionString(string configured)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(configured);
        if (
            !configured.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase)
            && !configured.Contains("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase)
        )
        {
            builder.MaxAutoPrepare = 128;
            builder.AutoPrepareMinUsages = 2;
        }

        // A pooled connection is reset (SET SESSION AUTHORIZATION DEFAULT; RESET ALL; … seven statements parsed by the
        // server) before its next use unless told otherwise. The server never changes a pooled session's state — no SET,
        // LISTEN (PostgresChangeFeed listens on a connection of its own), advisory lock or temporary table — so there is
        // nothing to reset.
        if (
            !configured.Contains("No Reset On Close", StringComparison.OrdinalIgnoreCase)
            && !configured.Contains("NoResetOnClose", StringComparison.OrdinalIgnoreCase)
        )
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }
}
