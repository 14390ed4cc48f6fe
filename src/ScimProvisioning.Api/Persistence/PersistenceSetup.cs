using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using ScimProvisioning.Api.Configuration;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Api.Persistence;

public static class PersistenceSetup
{
    public const string DefaultSqliteConnectionString = "Data Source=data/scim.db";

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

            services.AddDbContext<ScimDbContext>(options => options
                .UseNpgsql(configured, npgsql => npgsql.MigrationsAssembly("ScimProvisioning.Migrations.Postgres")));
            return services;
        }

        if (!string.Equals(database.Provider, "Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Database:Provider '{database.Provider}' is not supported; use 'Sqlite' or 'Postgres'.");
        }

        var connectionString = SqliteConnectionString(configured, contentRoot);
        services.AddDbContext<ScimDbContext>(options => options
            .UseSqlite(connectionString, sqlite => sqlite.MigrationsAssembly("ScimProvisioning.Migrations.Sqlite"))
            .AddInterceptors(new SqliteConnectionSetup(string.Equals(database.SqliteSynchronous, "Full", StringComparison.OrdinalIgnoreCase) ? "FULL" : "NORMAL")));
        return services;
    }

    public static bool IsPostgres(string? provider) =>
        string.Equals(provider, "Postgres", StringComparison.OrdinalIgnoreCase) || string.Equals(provider, "PostgreSQL", StringComparison.OrdinalIgnoreCase);

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

        builder.ForeignKeys = true;
        builder.Pooling = true;
        builder.DefaultTimeout = 30;
        return builder.ToString();
    }
}

/// <summary>
/// Per-connection SQLite set-up: WAL journal, a busy timeout so writers queue instead of failing, and a
/// Unicode-aware <c>lower()</c> so case-insensitive filters fold exactly like .NET's invariant culture.
/// </summary>
internal sealed class SqliteConnectionSetup(string synchronous) : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Configure(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Configure(connection);
        return Task.CompletedTask;
    }

    private void Configure(DbConnection connection)
    {
        if (connection is not SqliteConnection sqlite)
        {
            return;
        }

        sqlite.CreateFunction("lower", (string? value) => value?.ToLowerInvariant(), isDeterministic: true);
        using var command = sqlite.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON; PRAGMA synchronous=" + synchronous + ";";
        command.ExecuteNonQuery();
    }
}
