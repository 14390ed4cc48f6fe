using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using ScimProvisioning.Api.Tests.Infrastructure;
using ScimProvisioning.Domain.Permissions;
using Xunit.Abstractions;

namespace ScimProvisioning.Api.Tests.Hardening;

/// <summary>
/// Issue 7's crash test: a real server process on SQLite takes IdP traffic and is killed with SIGKILL at a random
/// moment, several times; after the last restart every write that was answered 2xx must be there, and the
/// invariants must hold (unique userNames, group members that exist, a Super Administrator, an audit event for
/// every acknowledged write). SCIM_CRASH_SEED replays a run; the seed is printed.
/// </summary>
public sealed class CrashConsistencyTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "scim-crash-" + Guid.NewGuid().ToString("N"));
    private Process? _server;

    private string Database => Path.Combine(_directory, "scim.db");

    /// <summary>A user created by the traffic, and the highest title counter the server acknowledged for it.</summary>
    private sealed class TrackedUser(string id, string userName)
    {
        public string Id { get; } = id;
        public string UserName { get; } = userName;
        public int AcknowledgedTitle { get; set; } = -1;
        public int SentTitle { get; set; } = -1;
    }

    [Fact]
    public async Task Every_acknowledged_write_survives_repeated_sigkills()
    {
        var seed = int.TryParse(System.Environment.GetEnvironmentVariable("SCIM_CRASH_SEED"), out var s) ? s : System.Environment.TickCount;
        output.WriteLine($"SCIM_CRASH_SEED={seed}");
        var random = new Random(seed);
        Directory.CreateDirectory(_directory);
        var bootstrap = JsonNode.Parse(await RunVerbAsync("bootstrap", "--json"))!;
        var account = bootstrap["accountId"]!.GetValue<string>();
        var token = bootstrap["scimToken"]!.GetValue<string>();

        var users = new ConcurrentBag<TrackedUser>();
        var groups = new ConcurrentDictionary<string, ConcurrentBag<string>>();
        var acknowledgedWrites = 0;
        for (var round = 0; round < 4; round++)
        {
            var client = await StartAsync(token);
            var scim = $"/client/v4/accounts/{account}/scim/v2";
            using var stop = new CancellationTokenSource();
            var workers = Enumerable
                .Range(0, 6)
                .Select(worker =>
                    Task.Run(async () =>
                    {
                        var mine = new List<TrackedUser>();
                        for (var step = 0; !stop.IsCancellationRequested; step++)
                        {
                            try
                            {
                                if (mine.Count == 0 || step % 3 == 0)
                                {
                                    var userName = $"crash-{round}-{worker}-{step}@example.com";
                                    using var response = await SendAsync(
                                        client,
                                        HttpMethod.Post,
                                        $"{scim}/Users",
                                        $$"""{"userName":"{{userName}}","emails":[{"value":"{{userName}}","primary":true}],"active":true}"""
                                    );
                                    if (response.StatusCode == HttpStatusCode.Created)
                                    {
                                        var user = new TrackedUser(
                                            JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>(),
                                            userName
                                        );
                                        mine.Add(user);
                                        users.Add(user);
                                        Interlocked.Increment(ref acknowledgedWrites);
                                    }
                                }
                                else if (step % 3 == 1)
                                {
                                    var user = mine[step % mine.Count];
                                    var title = ++user.SentTitle;
                                    using var response = await SendAsync(
                                        client,
                                        HttpMethod.Patch,
                                        $"{scim}/Users/{user.Id}",
                                        $$"""
                                        {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace",
                                        "path":"title","value":"{{title}}"}]}
                                        """
                                    );
                                    if (response.IsSuccessStatusCode)
                                    {
                                        user.AcknowledgedTitle = Math.Max(user.AcknowledgedTitle, title);
                                        Interlocked.Increment(ref acknowledgedWrites);
                                    }
                                }
                                else
                                {
                                    var members = string.Join(",", mine.TakeLast(3).Select(u => $$"""{"value":"{{u.Id}}"}"""));
                                    using var response = await SendAsync(
                                        client,
                                        HttpMethod.Post,
                                        $"{scim}/Groups",
                                        $$"""{"displayName":"crash group {{round}}-{{worker}}-{{step}}","members":[{{members}}]}"""
                                    );
                                    if (response.StatusCode == HttpStatusCode.Created)
                                    {
                                        groups[JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>()] =
                                            new ConcurrentBag<string>(mine.TakeLast(3).Select(u => u.Id));
                                        Interlocked.Increment(ref acknowledgedWrites);
                                    }
                                }
                            }
                            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                            {
                                // The server died mid-request: this write was never acknowledged.
                            }
                        }
                    })
                )
                .ToList();

            // Kill at a random moment once the round's traffic is flowing (a slow start must not make a round empty).
            var startedWith = Volatile.Read(ref acknowledgedWrites);
            for (var waited = 0; Volatile.Read(ref acknowledgedWrites) < startedWith + 10 && waited < 30_000; waited += 20)
            {
                await Task.Delay(20);
            }

            await Task.Delay(random.Next(0, 800));
            _server!.Kill(); // SIGKILL: no shutdown, no flush
            await _server.WaitForExitAsync();
            stop.Cancel();
            await Task.WhenAll(workers);
            output.WriteLine(
                $"round {round}: killed after {users.Count} users, {groups.Count} groups, {acknowledgedWrites} acknowledged writes in all"
            );
        }

        Assert.True(users.Count > 20, $"the traffic should have created users before the kills; got {users.Count}");
        var final = await StartAsync(token);
        var api = $"/client/v4/accounts/{account}/scim/v2";
        foreach (var user in users)
        {
            using var response = await SendAsync(final, HttpMethod.Get, $"{api}/Users/{user.Id}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"acknowledged user {user.UserName} is missing after the crashes");
            var stored = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal(user.UserName, stored["userName"]!.GetValue<string>());
            if (user.AcknowledgedTitle >= 0)
            {
                // A PATCH in flight at the kill may have committed too: the stored title is the acknowledged one or later.
                Assert.InRange(
                    int.Parse(stored["title"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
                    user.AcknowledgedTitle,
                    user.SentTitle
                );
            }
        }

        foreach (var (groupId, memberIds) in groups)
        {
            using var response = await SendAsync(final, HttpMethod.Get, $"{api}/Groups/{groupId}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"acknowledged group {groupId} is missing after the crashes");
            var stored =
                JsonNode
                    .Parse(await response.Content.ReadAsStringAsync())!["members"]
                    ?.AsArray()
                    .Select(m => m!["value"]!.GetValue<string>())
                    .ToHashSet()
                ?? [];
            Assert.Subset(stored, memberIds.ToHashSet());
        }

        _server!.Kill();
        await _server.WaitForExitAsync();
        AssertInvariants(account, users.Select(u => u.Id).Concat(groups.Keys).ToList());
    }

    private void AssertInvariants(string account, IReadOnlyList<string> acknowledgedResources)
    {
        using var connection = new SqliteConnection($"Data Source={Database};Pooling=false");
        connection.Open();
        Assert.Equal("ok", Scalar(connection, "PRAGMA integrity_check"));
        Assert.Equal(
            0L,
            Scalar(connection, "SELECT COUNT(*) FROM (SELECT 1 FROM \"Users\" GROUP BY \"AccountId\", \"UserNameKey\" HAVING COUNT(*) > 1)")
        );
        Assert.Equal(
            0L,
            Scalar(
                connection,
                "SELECT COUNT(*) FROM \"UserGroupMembers\" m LEFT JOIN \"Users\" u ON u.\"Key\" = m.\"UserKey\" WHERE u.\"Key\" IS NULL"
            )
        );
        Assert.True(
            (long)
                Scalar(
                    connection,
                    $"SELECT COUNT(*) FROM \"Policies\" WHERE \"Access\" = 'Allow' AND \"PermissionGroupIds\" LIKE "
                        + $"'%{PermissionGroupCatalog.SuperAdministratorId}%' AND \"MemberId\" IS NOT NULL"
                )! >= 1,
            "the account must keep a Super Administrator"
        );

        var audited = new HashSet<string>(StringComparer.Ordinal);
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT \"ResourceId\" FROM \"AuditEvents\" WHERE \"AccountId\" = $account";
            command.Parameters.AddWithValue("$account", account);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (!reader.IsDBNull(0))
                {
                    audited.Add(reader.GetString(0));
                }
            }
        }

        Assert.All(acknowledgedResources, id => Assert.Contains(id, audited));
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private Dictionary<string, string> Environment() =>
        new()
        {
            ["Database__Provider"] = "Sqlite",
            ["ConnectionStrings__Scim"] = $"Data Source={Database}",
            ["Auth__SigningKey"] = ScimApiFactory.SigningKey,
            ["Scim__Profile"] = "Standard",
            ["RateLimit__Enabled"] = "false",
            ["Bootstrap__PrintTokensOnStartup"] = "false",
        };

    private Task<string> RunVerbAsync(params string[] args) => ServerProcesses.RunVerbAsync(Environment(), args);

    private async Task<HttpClient> StartAsync(string token)
    {
        (_server, var client) = await ServerProcesses.StartServerAsync(Environment());
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/scim+json");
        }

        return client.SendAsync(request);
    }

    public void Dispose()
    {
        try
        {
            if (_server is { HasExited: false })
            {
                _server.Kill();
                _server.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException) { }

        _server?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException) { }
    }
}
