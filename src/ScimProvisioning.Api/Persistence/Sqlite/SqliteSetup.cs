using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;
using ScimProvisioning.Api.Configuration;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Api.Persistence.Sqlite;

/// <summary>
/// SQLite (the default, embedded): pooled contexts that each keep one open connection (<see cref="SqliteSession"/>),
/// cached statements, one writer at a time (<see cref="SqliteWriteGate"/>), group commit for inserts.
/// </summary>
public static class SqliteSetup
{
    public const string DefaultConnectionString = "Data Source=data/scim.db";

    /// <summary>Pooled DbContexts kept for reuse, each holding one open connection.</summary>
    public const int SessionPoolSize = 32;

    public static IServiceCollection AddSqlitePersistence(
        this IServiceCollection services,
        string? configured,
        string contentRoot,
        DatabaseOptions database
    )
    {
        var connectionString = ConnectionString(configured, contentRoot);
        var synchronous = string.Equals(database.SqliteSynchronous, "Full", StringComparison.OrdinalIgnoreCase) ? "FULL" : "NORMAL";
        var statementCache = new SqliteStatementCache();
        var writeGate = new SqliteWriteGate();
#pragma warning disable EF1001 // Internal EF Core API, see SessionRelationalConnection.
        services.AddDbContextPool<ScimDbContext>(
            options =>
                (
                    (IDbContextOptionsBuilderInfrastructure)
                        options
                            .UseSqlite(connectionString, sqlite => sqlite.MigrationsAssembly("ScimProvisioning.Migrations.Sqlite"))
                            .ReplaceService<ISqliteRelationalConnection, SessionRelationalConnection>()
                            .AddInterceptors(statementCache, writeGate)
                ).AddOrUpdateExtension(new SqliteSessionOptions(synchronous)),
            poolSize: SessionPoolSize
        );
#pragma warning restore EF1001
        services.AddSingleton<IInsertUnits>(_ => new SqliteGroupCommit(connectionString, synchronous));
        services.AddSingleton<IAccountLock>(SqliteAccountLock.Instance);
        services.AddSingleton(
            new ResourceReadCache(SqliteChangeFeed.For(connectionString), database.ReadCacheSeconds, database.ReadCacheEntries)
        );
        return services;
    }

    /// <summary>
    /// Resolves a relative database file against the content root, creates its folder and turns foreign keys on.
    /// </summary>
    public static string ConnectionString(string? configured, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? DefaultConnectionString : configured);
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
