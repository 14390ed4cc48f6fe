using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScimProvisioning.Api.Recording;
using ScimProvisioning.Api.Tests.Infrastructure;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Api.Tests.Recording;

public static class RecorderTestSupport
{
    /// <summary>Waits for the recorder to write what the account's requests enqueued, then lists the entries, oldest first.</summary>
    public static async Task<List<JsonObject>> LogAsync(this TestAccount account, string query = "")
    {
        await account.Factory.Services.GetRequiredService<ProvisioningRecorder>().FlushAsync();
        var response = await account.AdminGetAsync("/provisioning_log?per_page=1000" + query);
        var body = await response.AssertStatusAsync(System.Net.HttpStatusCode.OK);
        return body["result"]!.AsArray().Select(e => e!.AsObject()).Reverse().ToList();
    }

    public static async Task<JsonObject> EntryAsync(this TestAccount account, string id)
    {
        var response = await account.AdminGetAsync("/provisioning_log/" + id);
        return (await response.AssertStatusAsync(System.Net.HttpStatusCode.OK))["result"]!.AsObject();
    }

    public static async Task<string> ExportAsync(this TestAccount account, string query = "")
    {
        await account.Factory.Services.GetRequiredService<ProvisioningRecorder>().FlushAsync();
        var response = await account.AdminGetAsync("/provisioning_log/export" + query);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    public static string Verdict(this JsonObject entry) => entry["cloudflare"]!["verdict"]!.GetValue<string>();

    public static string Reasons(this JsonObject entry) => entry["cloudflare"]!["reasons"]!.ToJsonString();

    public static string Text(this JsonObject entry, string name) => entry[name]!.GetValue<string>();
}

public static class DatabaseRows
{
    /// <summary>Every column of every row of a table, as the database returns it, in one text.</summary>
    public static async Task<string> OfTableAsync(ScimDbContext db, string table)
    {
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"SELECT * FROM \"{table}\"";
        var text = new StringBuilder();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                text.Append(reader.GetName(i)).Append('=').Append(reader.GetValue(i)).Append('\u001f');
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}
