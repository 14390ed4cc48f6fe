using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Telemetry;

/// <summary>
/// <c>Logging:Format=json</c> on a real server process: every line it writes is one JSON object, request events carry
/// the trace, span and request ids, the startup banner's tokens are not printed, and no secret appears anywhere.
/// </summary>
public sealed class JsonLogTests : IDisposable
{
    private readonly ProcessSandbox sandbox = new("jsonlog");

    [Fact]
    public async Task Every_line_is_json_with_trace_and_request_ids_and_no_secret()
    {
        // Bootstrap:PrintTokensOnStartup keeps its default (true): JSON logs never print the tokens.
        var environment = sandbox.Environment(("Logging__Format", "json"), ("Bootstrap__PrintTokensOnStartup", null));
        var bootstrap = JsonNode.Parse(await ServerProcesses.RunVerbAsync(environment, "bootstrap", "--json"))!;
        var account = bootstrap["accountId"]!.GetValue<string>();
        var token = bootstrap["scimToken"]!.GetValue<string>();
        var output = new ConcurrentQueue<string>();
        var (server, client) = await ServerProcesses.StartServerAsync(environment, output);
        sandbox.Track(server);
        var scim = $"/client/v4/accounts/{account}/scim/v2";
        const string password = "Js0n-Log-Secret-Pa55!";
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var created = await client.PostAsync(
            scim + "/Users",
            new StringContent(
                $$"""
                {"userName":"logged@example.com","emails":[{"value":"logged@example.com","primary":true}],"password":"{{password}}"}
                """,
                Encoding.UTF8,
                "application/scim+json"
            )
        );
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var malformed = await client.PostAsync(
            scim + "/Users",
            new StringContent("""{"userName":""", Encoding.UTF8, "application/scim+json")
        );
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token[..^4] + "AAAA");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(scim + "/Users")).StatusCode);

        var lines = new List<string>();
        for (var attempt = 0; attempt < 50; attempt++)
        {
            lines = [.. output];
            if (lines.Count(l => l.Contains("\"RequestPath\":\"" + scim + "/Users\"", StringComparison.Ordinal)) >= 3)
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.NotEmpty(lines);
        var events = lines
            .Where(l => l.Length > 0)
            .Select(l => JsonNode.Parse(l) as JsonObject ?? throw new Xunit.Sdk.XunitException($"not JSON: {l}"))
            .ToList();
        Assert.All(events, e => Assert.NotNull(e["@t"]));
        var requests = events.Where(e => e["RequestPath"]?.GetValue<string>() == scim + "/Users").ToList();
        Assert.Equal(3, requests.Count);
        Assert.All(
            requests,
            e =>
            {
                Assert.Matches("^[0-9a-f]{32}$", e["@tr"]!.GetValue<string>());
                Assert.Matches("^[0-9a-f]{16}$", e["@sp"]!.GetValue<string>());
                Assert.False(string.IsNullOrEmpty(e["RequestId"]?.GetValue<string>()));
            }
        );
        Assert.Equal(3, requests.Select(e => e["@tr"]!.GetValue<string>()).Distinct().Count());
        Assert.Contains(events, e => e["ScimBaseUrl"]?.GetValue<string>()?.EndsWith(scim, StringComparison.Ordinal) == true);
        var text = string.Join("\n", lines);
        Assert.DoesNotMatch(new Regex(@"eyJ[A-Za-z0-9_-]{10,}\."), text); // no JWT at all: neither ours nor the startup tokens
        Assert.DoesNotContain(password, text, StringComparison.Ordinal);
        Assert.DoesNotContain(ScimApiFactory.SigningKey, text, StringComparison.Ordinal);
    }

    public void Dispose() => sandbox.Dispose();
}
