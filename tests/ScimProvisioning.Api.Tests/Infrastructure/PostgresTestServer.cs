using Npgsql;

namespace ScimProvisioning.Api.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL server for the tests, configured by environment: SCIM_TEST_POSTGRES is a connection string to a
/// server where the user may create databases; SCIM_TEST_PROVIDER=Postgres runs the whole suite on it. Each test
/// factory gets a database of its own (C.UTF-8, so ordering and case folding match SQLite's), dropped afterwards.
/// </summary>
public static class PostgresTestServer
{
    public static string? ConnectionString =>
        Environment.GetEnvironmentVariable("SCIM_TEST_POSTGRES") is { Length: > 0 } value ? value : null;

    public static bool Available => ConnectionString is not null;

    public static bool Selected =>
        Available
        && string.Equals(Environment.GetEnvironmentVariable("SCIM_TEST_PROVIDER"), "Postgres", StringComparison.OrdinalIgnoreCase);

    public const string SkipReason =
        "PostgreSQL is not configured: set SCIM_TEST_POSTGRES to a connection string (see README, 'Tests on PostgreSQL').";

    /// <summary>Creates a fresh database and returns a connection string to it.</summary>
    public static string CreateDatabase()
    {
        var name = "scim_test_" + Guid.NewGuid().ToString("N")[..16];
        using (var connection = new NpgsqlConnection(ConnectionString))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'";
            command.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    public static void DropDatabase(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        try
        {
            using var connection = new NpgsqlConnection(ConnectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)";
            command.ExecuteNonQuery();
        }
        catch (NpgsqlException) { }
    }
}
