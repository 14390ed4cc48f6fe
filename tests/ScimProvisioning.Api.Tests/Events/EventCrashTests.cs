using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.IdentityModel.JsonWebTokens;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Events;

/// <summary>
/// The outbox across a SIGKILL: events pending when the server process is killed are delivered after the restart —
/// one for every committed change, none for a write that was refused and rolled back.
/// </summary>
public sealed class EventCrashTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "scim-event-crash-" + Guid.NewGuid().ToString("N"));
    private Process? server;

    private Dictionary<string, string> Environment() =>
        new()
        {
            ["Database__Provider"] = "Sqlite",
            ["ConnectionStrings__Scim"] = $"Data Source={Path.Combine(directory, "scim.db")}",
            ["Auth__SigningKey"] = ScimApiFactory.SigningKey,
            ["Scim__Profile"] = "Standard",
            ["RateLimit__Enabled"] = "false",
            ["Bootstrap__PrintTokensOnStartup"] = "false",
            ["Events__AllowPrivateReceivers"] = "true",
            ["Events__PollIntervalMilliseconds"] = "100",
            ["Events__InitialBackoffSeconds"] = "0.1",
            ["Events__MaxBackoffSeconds"] = "0.3",
            ["Events__MaxAttempts"] = "100000",
        };

    [Fact]
    public async Task Events_pending_at_a_sigkill_are_delivered_after_the_restart_and_none_of_a_rolled_back_write()
    {
        Directory.CreateDirectory(directory);
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Status = 503; // nothing is delivered before the kill
        var bootstrap = JsonNode.Parse(await ServerProcesses.RunVerbAsync(Environment(), "bootstrap", "--json"))!;
        var account = bootstrap["accountId"]!.GetValue<string>();
        (server, var client) = await ServerProcesses.StartServerAsync(Environment());
        var admin = new AuthenticationHeaderValue("Bearer", bootstrap["adminToken"]!.GetValue<string>());
        using (var register = new HttpRequestMessage(HttpMethod.Post, $"/client/v4/accounts/{account}/events/receivers"))
        {
            register.Headers.Authorization = admin;
            register.Content = new StringContent(
                $$"""{"name":"crash","kind":"push","url":"{{receiver.Url}}","secret":"crash-secret-0123456789-0123456789"}""",
                Encoding.UTF8,
                "application/json"
            );
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(register)).StatusCode);
        }

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bootstrap["scimToken"]!.GetValue<string>());
        var scim = $"/client/v4/accounts/{account}/scim/v2";
        var acknowledged = new List<string>();
        using var stop = new CancellationTokenSource();
        var traffic = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    var name = $"crash-{i}@example.com";
                    var body = $$"""{"userName":"{{name}}","emails":[{"value":"{{name}}","primary":true}]}""";
                    var response = await client.PostAsync(scim + "/Users", new StringContent(body, Encoding.UTF8, "application/scim+json"));
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        acknowledged.Add(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>());
                    }

                    // Refused by the CF-prefix rule: rolled back, so never announced.
                    await client.PostAsync(
                        scim + "/Groups",
                        new StringContent("""{"displayName":"CF crash"}""", Encoding.UTF8, "application/scim+json")
                    );
                }
                catch (HttpRequestException)
                {
                    return; // the server is gone
                }
            }
        });
        while (acknowledged.Count < 20)
        {
            await Task.Delay(20);
        }

        server.Kill(); // SIGKILL: no shutdown, no flush
        await server.WaitForExitAsync();
        await stop.CancelAsync();
        await traffic;

        receiver.Status = 202;
        var before = receiver.Requests.Count;
        (server, _) = await ServerProcesses.StartServerAsync(Environment());
        var committed = Users(account);
        Assert.Superset(acknowledged.ToHashSet(), committed.ToHashSet());
        var expected = committed.Count * 2; // create + member provisioned per user
        var deadline = DateTime.UtcNow.AddSeconds(60);
        Dictionary<string, JsonWebToken> delivered;
        do
        {
            await Task.Delay(200);
            delivered = receiver
                .Requests.Skip(before)
                .Select(r => new JsonWebToken(r.Body))
                .GroupBy(t => t.Id)
                .ToDictionary(g => g.Key, g => g.First());
        } while (delivered.Count < expected && DateTime.UtcNow < deadline);

        Assert.Equal(expected, delivered.Count);
        var announced = delivered
            .Values.Select(t => JsonNode.Parse(t.GetPayloadValue<object>("sub_id").ToString()!)!["id"]!.GetValue<string>())
            .ToHashSet();
        Assert.Equal(committed.ToHashSet(), announced); // every committed user, and nothing else (no group was committed)
    }

    private List<string> Users(string account)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(directory, "scim.db")};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT Id FROM Users WHERE AccountId = $a AND UserName LIKE 'crash-%'";
        command.Parameters.AddWithValue("$a", account);
        var ids = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    public void Dispose()
    {
        try
        {
            if (server is { HasExited: false })
            {
                server.Kill();
                server.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException) { }

        server?.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException) { }
    }
}
