using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Telemetry;

/// <summary>
/// OTLP export from a real server process to a collector stand-in (OTLP over HTTP, protobuf): spans of the request and
/// of its database commands arrive, and metrics too; no token, password or filtered value is in what was exported.
/// </summary>
public sealed class TracingTests : IDisposable
{
    private readonly ProcessSandbox sandbox = new("tracing");

    /// <summary>Receives OTLP/HTTP posts and keeps each body by path (/v1/traces, /v1/metrics).</summary>
    private sealed class Collector : IDisposable
    {
        private readonly HttpListener listener = new();
        public ConcurrentQueue<(string Path, byte[] Body)> Received { get; } = new();
        public int Port { get; } = ServerProcesses.FreePort();

        public Collector()
        {
            listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            listener.Start();
            _ = Task.Run(async () =>
            {
                while (listener.IsListening)
                {
                    try
                    {
                        var context = await listener.GetContextAsync();
                        using var body = new MemoryStream();
                        await context.Request.InputStream.CopyToAsync(body);
                        Received.Enqueue((context.Request.Url!.AbsolutePath, body.ToArray()));
                        context.Response.StatusCode = 200;
                        context.Response.ContentType = "application/x-protobuf";
                        context.Response.Close();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                    {
                        return;
                    }
                }
            });
        }

        /// <summary>Everything exported to one path so far, as text (protobuf keeps strings as UTF-8 bytes).</summary>
        public string Text(string path) =>
            string.Join("\n", Received.Where(r => r.Path == path).Select(r => Encoding.UTF8.GetString(r.Body)));

        public void Dispose() => listener.Close();
    }

    [Fact]
    public async Task Requests_and_their_database_commands_are_exported_over_otlp_without_secrets()
    {
        using var collector = new Collector();
        var environment = sandbox.Environment(
            ("Scim__Profile", "Standard"),
            ("Telemetry__Otlp__Endpoint", $"http://127.0.0.1:{collector.Port}"),
            ("Telemetry__Otlp__Protocol", "http/protobuf"),
            ("Telemetry__ServiceName", "scim-under-test"),
            ("OTEL_BSP_SCHEDULE_DELAY", "100"),
            ("OTEL_METRIC_EXPORT_INTERVAL", "200")
        );
        var bootstrap = JsonNode.Parse(await ServerProcesses.RunVerbAsync(environment, "bootstrap", "--json"))!;
        var account = bootstrap["accountId"]!.GetValue<string>();
        var token = bootstrap["scimToken"]!.GetValue<string>();
        var (server, client) = await ServerProcesses.StartServerAsync(environment);
        sandbox.Track(server);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var scim = $"/client/v4/accounts/{account}/scim/v2";
        const string password = "Tr4ce-Secret-Pa55word!";
        var created = await client.PostAsync(
            scim + "/Users",
            new StringContent(
                $$"""{"userName":"traced.person@example.com","password":"{{password}}"}""",
                Encoding.UTF8,
                "application/scim+json"
            )
        );
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var filtered = await client.GetAsync(scim + "/Users?filter=userName%20eq%20%22traced.person%40example.com%22");
        Assert.Equal(HttpStatusCode.OK, filtered.StatusCode);

        for (
            var attempt = 0;
            attempt < 100
                && !(
                    collector.Text("/v1/traces").Contains("/Users", StringComparison.Ordinal)
                    && collector.Text("/v1/metrics").Contains("scim.operations", StringComparison.Ordinal)
                );
            attempt++
        )
        {
            await Task.Delay(100);
        }

        var traces = collector.Text("/v1/traces");
        Assert.Contains("scim-under-test", traces, StringComparison.Ordinal);
        Assert.Contains("/client/v4/accounts/{account_id}/scim/v2/Users", traces, StringComparison.Ordinal);
        Assert.Contains("sqlite", traces, StringComparison.Ordinal);
        Assert.Contains("INSERT", traces, StringComparison.Ordinal); // the database command's span, with its statement
        Assert.Contains("scim.operations", collector.Text("/v1/metrics"), StringComparison.Ordinal);
        var everything = traces + collector.Text("/v1/metrics") + collector.Text("/v1/logs");
        Assert.DoesNotContain(token, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(token[^20..], everything, StringComparison.Ordinal);
        Assert.DoesNotContain(password, everything, StringComparison.Ordinal);
        Assert.DoesNotContain("traced.person", everything, StringComparison.Ordinal);
    }

    public void Dispose() => sandbox.Dispose();
}
