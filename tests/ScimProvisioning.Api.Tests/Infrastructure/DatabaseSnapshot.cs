using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Api.Tests.Infrastructure;

/// <summary>
/// Every row of every table of the server's database, as one fingerprint per table: two snapshots are equal only
/// when no byte of stored data changed (rows are compared as sorted text, so row order does not matter).
/// </summary>
public static class DatabaseSnapshot
{
    public static async Task<IReadOnlyDictionary<string, string>> TakeAsync(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ScimDbContext>();
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        var tables = await ColumnAsync(
            connection,
            db.Database.IsSqlite()
                ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                : "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        );

        var fingerprints = new SortedDictionary<string, string>(StringComparer.Ordinal);
        // The provisioning log records requests, refused ones included (RecorderTests assert what it holds).
        foreach (var table in tables.Where(t => t != "ProvisioningLog"))
        {
            var rows = new List<string>();
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\"";
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    var row = new StringBuilder();
                    for (var i = 0; i < reader.FieldCount; i++)
                    {
                        row.Append(reader.GetName(i)).Append('=').Append(Render(reader.GetValue(i))).Append('\u001f');
                    }

                    rows.Add(row.ToString());
                }
            }

            rows.Sort(StringComparer.Ordinal);
            var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001e', rows))));
            fingerprints[table] = $"{rows.Count} rows {hash[..16]}";
        }

        return fingerprints;
    }

    private static string Render(object value) =>
        value switch
        {
            DBNull => "<null>",
            byte[] bytes => Convert.ToHexString(bytes),
            DateTime time => time.ToString("O", CultureInfo.InvariantCulture),
            DateTimeOffset time => time.ToString("O", CultureInfo.InvariantCulture),
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? string.Empty,
        };

    private static async Task<List<string>> ColumnAsync(DbConnection connection, string sql)
    {
        var values = new List<string>();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
