using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Events;

/// <summary>
/// Two server processes on one PostgreSQL database share the delivery work: every event arrives, once, in order.
/// Skipped when no PostgreSQL server is configured (SCIM_TEST_POSTGRES).
/// </summary>
public sealed class EventMultiInstanceTests : IAsyncLifetime
{
    private readonly List<Process> processes = [];
    private string? database;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        foreach (var process in processes)
        {
            try
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
            catch (InvalidOperationException) { }

            process.Dispose();
        }

        if (database is not null)
        {
            PostgresTestServer.DropDatabase(database);
        }

        return Task.CompletedTask;
    }

    private Dictionary<string, string> Environment() =>
        new()
        {
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Scim"] = database!,
            ["Auth__SigningKey"] = ScimApiFactory.SigningKey,
            ["Scim__Profile"] = "Standard",
            ["RateLimit__Enabled"] = "false",
            ["Bootstrap__PrintTokensOnStartup"] = "false",
            ["Events__AllowPrivateReceivers"] = "true",
            ["Events__PollIntervalMilliseconds"] = "50",
        };

    [SkippableFact]
    public async Task Two_instances_deliver_every_event_once_and_in_order()
    {
        Skip.IfNot(PostgresTestServer.Available, PostgresTestServer.SkipReason);
        database = PostgresTestServer.CreateDatabase();
        var bootstrap = JsonNode.Parse(await ServerProcesses.RunVerbAsync(Environment(), "bootstrap", "--json"))!;
        var account = bootstrap["accountId"]!.GetValue<string>();
        var clients = new List<HttpClient>();
        for (var i = 0; i < 2; i++)
        {
            var (process, client) = await ServerProcesses.StartServerAsync(Environment());
            processes.Add(process);
            clients.Add(client);
        }

        await using var receiver = await TestReceiver.StartAsync();
        using (var register = new HttpRequestMessage(HttpMethod.Post, $"/client/v4/accounts/{account}/events/receivers"))
        {
            register.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bootstrap["adminToken"]!.GetValue<string>());
            register.Content = new StringContent(
                $$"""{"name":"shared","kind":"push","url":"{{receiver.Url}}","secret":"shared-secret-0123456789-0123456789"}""",
                Encoding.UTF8,
                "application/json"
            );
            Assert.Equal(HttpStatusCode.OK, (await clients[0].SendAsync(register)).StatusCode);
        }

        var scimToken = new AuthenticationHeaderValue("Bearer", bootstrap["scimToken"]!.GetValue<string>());
        const int Users = 20;
        for (var i = 0; i < Users; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/client/v4/accounts/{account}/scim/v2/Users");
            request.Headers.Authorization = scimToken;
            request.Content = new StringContent(
                $$"""{"userName":"shared{{i}}@example.com","emails":[{"value":"shared{{i}}@example.com","primary":true}]}""",
                Encoding.UTF8,
                "application/scim+json"
            );
            Assert.Equal(HttpStatusCode.Created, (await clients[i % 2].SendAsync(request)).StatusCode);
        }

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (receiver.Requests.Count < Users * 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        await Task.Delay(1000); // a duplicate would arrive now
        var tokens = receiver.Requests.Select(r => new JsonWebToken(r.Body)).ToList();
        Assert.Equal(Users * 2, tokens.Count);
        Assert.Equal(tokens.Count, tokens.Select(t => t.Id).Distinct().Count());
        // In order: each user's create comes before its member event, and users in the order they were created.
        var order = tokens.Select(t => JsonNode.Parse(t.GetPayloadValue<object>("sub_id").ToString()!)!["id"]!.GetValue<string>()).ToList();
        var firstSeen = order.Distinct().ToList();
        Assert.Equal(Users, firstSeen.Count);
        for (var i = 0; i < order.Count; i += 2)
        {
            Assert.Equal(order[i], order[i + 1]);
        }
    }
}
