using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;
using ScimProvisioning.Api.Configuration;
using ScimProvisioning.Api.Persistence.Sqlite;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Api.Persistence;

public static class PersistenceSetup
{
    public const string DefaultSqliteConnectionString = "Data Source=data/scim.db";

    /// <summary>Pooled DbContexts kept for reuse on SQLite, each holding one open connection.</summary>
    public const int SqliteSessionPoolSize = 32;

    public static IServiceCollection AddScimPersistence(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var configured = configuration.GetConnectionString("Scim");
        if (IsPostgres(database.Provider))
        {
            if (string.IsNullOrWhiteSpace(configured))
            {
                throw new InvalidOperationException("Database:Provider=Postgres needs ConnectionStrings:Scim (for example \"Host=127.0.0.1;Database=scim;Username=scim;Password=…\").");
            }

            services.AddDbContextPool<ScimDbContext>(options => options
                .UseNpgsql(PostgresConnectionString(configured), npgsql => npgsql.MigrationsAssembly("ScimProvisioning.Migrations.Postgres")));
            services.AddSingleton<IInsertUnits>(TransactionalInserts.Instance);
            services.AddSingleton<IAccountLock>(Postgres.PostgresAccountLock.Instance);
            return services;
        }

        if (!string.Equals(database.Provider, "Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Database:Provider '{database.Provider}' is not supported; use 'Sqlite' or 'Postgres'.");
        }

        var connectionString = SqliteConnectionString(configured, contentRoot);
        var synchronous = string.Equals(database.SqliteSynchronous, "Full", StringComparison.OrdinalIgnoreCase) ? "FULL" : "NORMAL";
        var statementCache = new SqliteStatementCache();
        var writeGate = new SqliteWriteGate();
#pragma warning disable EF1001 // Internal EF Core API, see SessionRelationalConnection.
        services.AddDbContextPool<ScimDbContext>(options => ((IDbContextOptionsBuilderInfrastructure)options
                .UseSqlite(connectionString, sqlite => sqlite.MigrationsAssembly("ScimProvisioning.Migrations.Sqlite"))
                .ReplaceService<ISqliteRelationalConnection, SessionRelationalConnection>()
                .AddInterceptors(statementCache, writeGate))
            .AddOrUpdateExtension(new SqliteSessionOptions(synchronous)), poolSize: SqliteSessionPoolSize);
#pragma warning restore EF1001
        services.AddSingleton<IInsertUnits>(_ => new SqliteGroupCommit(connectionString, synchronous));
        services.AddSingleton<IAccountLock>(SqliteAccountLock.Instance);
        return services;
    }

    public static bool IsPostgres(string? provider) =>
        string.Equals(provider, "Postgres", StringComparison.OrdinalIgnoreCase) || string.Equals(provider, "PostgreSQL", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Npgsql prepares a statement on the server after it has run a few times on a connection, unless the
    /// connection string says otherwise: the SQL EF generates for the hot paths is the same on every request.
    /// </summary>
    public static string PostgresConnectionString(string configured)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(configured);
        if (!configured.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase) && !configured.Contains("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 128;
            builder.AutoPrepareMinUsages = 2;
        }

        return builder.ConnectionString;
    }

    /// <summary>
    /// Resolves a relative database file against the content root, creates its folder and turns foreign keys on.
    /// </summary>
    public static string SqliteConnectionString(string? configured, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? DefaultSqliteConnectionString : configured);
        if (builder.DataSource != ":memory:" && builder.Mode != SqliteOpenMode.Memory && !Path.IsPathRooted(builder.DataSource))
        {
            builder.DataSource = Path.GetFullPath(Path.Combine(contentRoot, builder.DataSource));
        }

        if (builder.Mode != SqliteOpenMode.Memory && builder.DataSource != ":memory:")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
        }

        // Connections are kept open by the pooled DbContexts (SqliteSession), which also switch foreign keys on once
        // per connection (here it would cost a PRAGMA on every open).
        builder.ForeignKeys = null;
        builder.Pooling = false;
        builder.DefaultTimeout = 30;
        return builder.ToString();
    }
}

