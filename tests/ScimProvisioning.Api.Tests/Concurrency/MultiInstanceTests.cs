using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Concurrency;

/// <summary>
/// Two server processes on one PostgreSQL database, as behind a load balancer. Skipped when no PostgreSQL server is
/// configured (SCIM_TEST_POSTGRES).
/// </summary>
public sealed class MultiInstanceTests : IAsyncLifetime
{
    private readonly List<Process> _processes = [];
    private string? _database;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            try
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
            catch (InvalidOperationException) { }

            process.Dispose();
        }

        if (_database is not null)
        {
            PostgresTestServer.DropDatabase(_database);
        }

        return Task.CompletedTask;
    }

    private sealed record Instance(HttpClient Client, string BaseUrl);

    private async Task<(JsonNode Bootstrap, Instance A, Instance B)> StartTwoAsync()
    {
        _database = PostgresTestServer.CreateDatabase();
        var bootstrap = JsonNode.Parse(await RunVerbAsync("bootstrap", "--json"))!;
        return (bootstrap, await StartAsync(), await StartAsync());
    }

    private Dictionary<string, string> Environment() =>
        new()
        {
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Scim"] = _database!,
            ["Auth__SigningKey"] = ScimApiFactory.SigningKey,
            ["Scim__Profile"] = "Standard",
            ["RateLimit__Enabled"] = "false",
            ["Bootstrap__PrintTokensOnStartup"] = "false",
            // Users read by id or userName are kept for a minute: an answer that must show the other instance's write
            // shows it because that write's notification retired the copy.
            ["Database__ReadCacheSeconds"] = "60",
        };

    private Task<string> RunVerbAsync(params string[] args) => ServerProcesses.RunVerbAsync(Environment(), args);

    private async Task<Instance> StartAsync()
    {
        var (process, client) = await ServerProcesses.StartServerAsync(Environment());
        _processes.Add(process);
        return new Instance(client, client.BaseAddress!.ToString().TrimEnd('/'));
    }

    private static async Task<HttpResponseMessage> SendAsync(
        Instance instance,
        HttpMethod method,
        string path,
        string token,
        string? body = null
    )
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/scim+json");
        }

        return await instance.Client.SendAsync(request);
    }

    [SkippableFact]
    public async Task An_interleaved_replay_across_two_instances_ends_as_on_one()
    {
        Skip.IfNot(PostgresTestServer.Available, PostgresTestServer.SkipReason);
        var (bootstrap, a, b) = await StartTwoAsync();
        var account = bootstrap["accountId"]!.GetValue<string>();
        var token = bootstrap["scimToken"]!.GetValue<string>();
        var scim = $"/client/v4/accounts/{account}/scim/v2";
        var instances = new[] { a, b };
        var step = 0;
        Task<HttpResponseMessage> Next(HttpMethod method, string path, string? body = null) =>
            SendAsync(instances[step++ % 2], method, scim + path, token, body);

        var users = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var created = await Next(
                HttpMethod.Post,
                "/Users",
                $$"""{"userName":"replay{{i}}@example.com","emails":[{"value":"replay{{i}}@example.com","primary":true}]}"""
            );
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            users.Add(JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>());
        }

        Assert.Equal(HttpStatusCode.Conflict, (await Next(HttpMethod.Post, "/Users", """{"userName":"REPLAY0@example.com"}""")).StatusCode);
        var group = JsonNode.Parse(
            await (await Next(HttpMethod.Post, "/Groups", """{"displayName":"Replay"}""")).Content.ReadAsStringAsync()
        )!["id"]!.GetValue<string>();
        foreach (var user in users)
        {
            Assert.Equal(
                HttpStatusCode.NoContent,
                (
                    await Next(
                        HttpMethod.Patch,
                        $"/Groups/{group}",
                        $$"""{"Operations":[{"op":"add","path":"members","value":[{"value":"{{user}}"}]}]}"""
                    )
                ).StatusCode
            );
        }

        Assert.Equal(
            HttpStatusCode.NoContent,
            (
                await Next(
                    HttpMethod.Patch,
                    $"/Groups/{group}",
                    $$"""{"Operations":[{"op":"remove","path":"members[value eq \"{{users[0]}}\"]"}]}"""
                )
            ).StatusCode
        );
        Assert.Equal(
            HttpStatusCode.OK,
            (
                await Next(HttpMethod.Patch, $"/Users/{users[1]}", """{"Operations":[{"op":"replace","value":{"active":false}}]}""")
            ).StatusCode
        );

        // Both instances now answer the same: five members, user 1 inactive, seven users in all.
        foreach (var instance in instances)
        {
            var groupBody = JsonNode.Parse(
                await (await SendAsync(instance, HttpMethod.Get, $"{scim}/Groups/{group}", token)).Content.ReadAsStringAsync()
            )!;
            Assert.Equal(
                users.Skip(1).Order(StringComparer.Ordinal),
                groupBody["members"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()).Order(StringComparer.Ordinal)
            );
            var list = JsonNode.Parse(
                await (
                    await SendAsync(instance, HttpMethod.Get, $"{scim}/Users?filter=active%20eq%20false", token)
                ).Content.ReadAsStringAsync()
            )!;
            Assert.Equal(users[1], Assert.Single(list["Resources"]!.AsArray())!["id"]!.GetValue<string>());
            var all = JsonNode.Parse(
                await (await SendAsync(instance, HttpMethod.Get, $"{scim}/Users?count=0", token)).Content.ReadAsStringAsync()
            )!;
            Assert.Equal(7, all["totalResults"]!.GetValue<int>());
        }
    }

    [SkippableFact]
    public async Task A_token_revoked_through_one_instance_is_refused_by_the_other_within_five_seconds()
    {
        Skip.IfNot(PostgresTestServer.Available, PostgresTestServer.SkipReason);
        var (bootstrap, a, b) = await StartTwoAsync();
        var account = bootstrap["accountId"]!.GetValue<string>();
        var admin = bootstrap["adminToken"]!.GetValue<string>();
        var created = JsonNode.Parse(
            await (
                await SendAsync(a, HttpMethod.Post, $"/client/v4/accounts/{account}/tokens", admin, """{"name":"short-lived"}""")
            ).Content.ReadAsStringAsync()
        )!;
        var token = created["result"]!["value"]!.GetValue<string>();
        var tokenId = created["result"]!["id"]!.GetValue<string>();
        var users = $"/client/v4/accounts/{account}/scim/v2/Users";
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(b, HttpMethod.Get, users, token)).StatusCode);

        Assert.Equal(
            HttpStatusCode.OK,
            (await SendAsync(a, HttpMethod.Delete, $"/client/v4/accounts/{account}/tokens/{tokenId}", admin)).StatusCode
        );
        var clock = Stopwatch.StartNew();
        while ((await SendAsync(b, HttpMethod.Get, users, token)).StatusCode != HttpStatusCode.Unauthorized)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "instance B still accepted the revoked token after 5 seconds");
            await Task.Delay(100);
        }
    }

    [SkippableFact]
    public async Task A_user_changed_through_one_instance_is_read_as_changed_through_the_other()
    {
        Skip.IfNot(PostgresTestServer.Available, PostgresTestServer.SkipReason);
        var (bootstrap, a, b) = await StartTwoAsync();
        var account = bootstrap["accountId"]!.GetValue<string>();
        var token = bootstrap["scimToken"]!.GetValue<string>();
        var scim = $"/client/v4/accounts/{account}/scim/v2";
        var created = await SendAsync(
            a,
            HttpMethod.Post,
            $"{scim}/Users",
            token,
            """{"userName":"kept.on.b@example.com","title":"First"}"""
        );
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        var byId = $"{scim}/Users/{id}";
        var byName = $"{scim}/Users?filter=" + Uri.EscapeDataString("userName eq \"kept.on.b@example.com\"");

        async Task<(string? ById, string? ByName)> TitlesOnB()
        {
            var single = JsonNode.Parse(await (await SendAsync(b, HttpMethod.Get, byId, token)).Content.ReadAsStringAsync())!;
            var list = JsonNode.Parse(await (await SendAsync(b, HttpMethod.Get, byName, token)).Content.ReadAsStringAsync())!;
            return (single["title"]?.GetValue<string>(), list["Resources"]![0]!["title"]?.GetValue<string>());
        }

        // Instance B reads the user twice each way: the second answers come from its copies.
        Assert.Equal(("First", "First"), await TitlesOnB());
        Assert.Equal(("First", "First"), await TitlesOnB());

        var patched = await SendAsync(
            a,
            HttpMethod.Patch,
            byId,
            token,
            """{"Operations":[{"op":"replace","path":"title","value":"Second"}]}"""
        );
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var clock = Stopwatch.StartNew();
        while (await TitlesOnB() != ("Second", "Second"))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "instance B still answered its copy 5 s after A's commit");
            await Task.Delay(20);
        }
    }

    [SkippableFact]
    public async Task The_last_super_administrator_survives_conflicting_requests_on_different_instances()
    {
        Skip.IfNot(PostgresTestServer.Available, PostgresTestServer.SkipReason);
        var (bootstrap, a, b) = await StartTwoAsync();
        var account = bootstrap["accountId"]!.GetValue<string>();
        var scimToken = bootstrap["scimToken"]!.GetValue<string>();
        var scim = $"/client/v4/accounts/{account}/scim/v2";
        var owner = JsonNode.Parse(
            await (
                await SendAsync(a, HttpMethod.Get, $"{scim}/Users?filter=userName%20eq%20%22admin%40example.com%22", scimToken)
            ).Content.ReadAsStringAsync()
        )!["Resources"]![0]!["id"]!.GetValue<string>();

        for (var round = 0; round < 5; round++)
        {
            var deputy = JsonNode.Parse(
                await (
                    await SendAsync(a, HttpMethod.Post, $"{scim}/Users", scimToken, $$"""{"userName":"deputy{{round}}@example.com"}""")
                ).Content.ReadAsStringAsync()
            )!["id"]!.GetValue<string>();
            var members = JsonNode.Parse(
                await (
                    await SendAsync(a, HttpMethod.Get, $"/client/v4/accounts/{account}/members?per_page=50", scimToken)
                ).Content.ReadAsStringAsync()
            )!;
            var deputyMember = members["result"]!.AsArray().Single(m => m!["user"]!["id"]!.GetValue<string>() == deputy)![
                "id"
            ]!.GetValue<string>();
            using var grant = new HttpRequestMessage(HttpMethod.Put, $"/client/v4/accounts/{account}/members/{deputyMember}")
            {
                Content = new StringContent("""{"roles":["33666b9c79b9a5273fc7344ff42f953d"]}""", Encoding.UTF8, "application/json"),
            };
            grant.Headers.Authorization = new AuthenticationHeaderValue("Bearer", scimToken);
            Assert.Equal(HttpStatusCode.OK, (await a.Client.SendAsync(grant)).StatusCode);

            // Two Super Administrators; each instance deprovisions a different one at the same moment.
            var off = """{"Operations":[{"op":"replace","value":{"active":false}}]}""";
            var results = await Task.WhenAll(
                SendAsync(a, HttpMethod.Patch, $"{scim}/Users/{owner}", scimToken, off),
                SendAsync(b, HttpMethod.Patch, $"{scim}/Users/{deputy}", scimToken, off)
            );

            Assert.Single(results, r => r.StatusCode == HttpStatusCode.OK);
            Assert.Single(results, r => r.StatusCode == HttpStatusCode.Conflict);

            // Bring the account back to a single Super Administrator: the owner, active.
            if (results[0].StatusCode == HttpStatusCode.OK)
            {
                await SendAsync(
                    a,
                    HttpMethod.Patch,
                    $"{scim}/Users/{owner}",
                    scimToken,
                    """{"Operations":[{"op":"replace","value":{"active":true}}]}"""
                );
                var ownerMember = JsonNode.Parse(
                    await (
                        await SendAsync(a, HttpMethod.Get, $"/client/v4/accounts/{account}/members?per_page=50", scimToken)
                    ).Content.ReadAsStringAsync()
                )!["result"]!
                    .AsArray()
                    .Single(m => m!["user"]!["id"]!.GetValue<string>() == owner)!["id"]!.GetValue<string>();
                using var restore = new HttpRequestMessage(HttpMethod.Put, $"/client/v4/accounts/{account}/members/{ownerMember}")
                {
                    Content = new StringContent("""{"roles":["33666b9c79b9a5273fc7344ff42f953d"]}""", Encoding.UTF8, "application/json"),
                };
                restore.Headers.Authorization = new AuthenticationHeaderValue("Bearer", scimToken);
                Assert.Equal(HttpStatusCode.OK, (await a.Client.SendAsync(restore)).StatusCode);
            }

            Assert.Equal(HttpStatusCode.OK, (await SendAsync(b, HttpMethod.Patch, $"{scim}/Users/{deputy}", scimToken, off)).StatusCode);
        }
    }
}
