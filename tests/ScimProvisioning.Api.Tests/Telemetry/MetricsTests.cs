using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ScimProvisioning.Api.Recording;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Telemetry;

/// <summary>
/// The Prometheus scrape endpoint of a real server process: after the Okta and Entra sessions are replayed, the
/// operation counts by resource, method, outcome and IdP are exactly those of the recorded sessions.
/// </summary>
public sealed class MetricsTests : IDisposable
{
    private readonly ProcessSandbox sandbox = new("metrics");

    private Dictionary<string, string> Environment(int metricsPort) =>
        sandbox.Environment(
            ("Scim__Profile", "Standard"),
            ("Recorder__MaxWriterShare", "1"),
            ("Telemetry__Prometheus__Url", $"http://127.0.0.1:{metricsPort}")
        );

    private static string[] Fixture(string name) =>
        File.ReadAllLines(
            Path.Combine(RouteTable.RepositoryRoot(), "tests", "ScimProvisioning.Api.Tests", "Recording", "Sessions", name + ".jsonl")
        );

    private static string Series(string resource, string method, string outcome, string idp) => $"{resource} {method} {outcome} {idp}";

    [Fact]
    public async Task After_an_idp_replay_the_scrape_counts_each_operation_by_resource_method_outcome_and_idp()
    {
        var metricsPort = ServerProcesses.FreePort();
        var environment = Environment(metricsPort);
        var bootstrap = JsonNode.Parse(await ServerProcesses.RunVerbAsync(environment, "bootstrap", "--json"))!;
        var account = bootstrap["accountId"]!.GetValue<string>();
        var (server, client) = await ServerProcesses.StartServerAsync(environment);
        sandbox.Track(server);
        var scim = $"{client.BaseAddress}client/v4/accounts/{account}/scim/v2";
        var expected = new Dictionary<string, double>();
        foreach (var session in new[] { "okta", "entra" })
        {
            // One token per IdP, as in production: a request without clues takes its token's earlier IdP.
            var token = (
                await ServerProcesses.RunVerbAsync(environment, "tokens", "create", "--account", account, "--permission", "scim")
            ).Trim();
            using var idp = new HttpClient();
            idp.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var lines = Fixture(session);
            var output = new StringWriter();
            var result = await new SessionReplay(idp, scim).RunAsync(lines, output, default);
            Assert.True(result.Differences.Count == 0, output.ToString());
            foreach (var entry in lines.Select(l => JsonNode.Parse(l)!))
            {
                var key = Series(
                    entry["resource"]!.GetValue<string>(),
                    entry["method"]!.GetValue<string>(),
                    entry["outcome"]!.GetValue<string>(),
                    entry["idp"]!.GetValue<string>()
                );
                expected[key] = expected.GetValueOrDefault(key) + 1;
            }
        }

        // The guard refuses to deactivate the only Super Administrator.
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bootstrap["adminToken"]!.GetValue<string>());
        var owner = JsonNode.Parse(await client.GetStringAsync($"{scim}/Users?filter=userName%20eq%20%22admin%40example.com%22"))!;
        var ownerId = owner["Resources"]![0]!["id"]!.GetValue<string>();
        var refused = await client.PatchAsync(
            $"{scim}/Users/{ownerId}",
            new StringContent(
                """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations":[{"op":"replace","path":"active","value":false}]}
                """,
                Encoding.UTF8,
                "application/scim+json"
            )
        );
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        expected[Series("User", "GET", "success", "unknown")] = expected.GetValueOrDefault(Series("User", "GET", "success", "unknown")) + 1;
        expected[Series("User", "PATCH", "refused", "unknown")] =
            expected.GetValueOrDefault(Series("User", "PATCH", "refused", "unknown")) + 1;

        using var scraper = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
        var samples = new List<PrometheusSample>();
        Dictionary<string, double> counted = [];
        for (var attempt = 0; attempt < 100; attempt++)
        {
            // The recorder counts an operation as it builds the entry, a moment after the answer.
            samples = PrometheusSample.Parse(await scraper.GetStringAsync("/metrics"));
            counted = samples
                .Where(s => s.Name == "scim_operations_total")
                .ToDictionary(s => Series(s.Label_("resource"), s.Label_("method"), s.Label_("outcome"), s.Label_("idp")), s => s.Value);
            if (counted.Values.Sum() >= expected.Values.Sum())
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.Equal(expected.OrderBy(e => e.Key).ToList(), counted.OrderBy(e => e.Key).ToList());
        Assert.Contains(expected.Keys, k => k.EndsWith(" okta", StringComparison.Ordinal));
        Assert.Contains(expected.Keys, k => k.EndsWith(" entra", StringComparison.Ordinal));
        Assert.Equal(1, samples.Single(s => s.Name == "scim_guard_refusals_total").Value);
        Assert.Equal(1, samples.Single(s => s.Name == "scim_rule_refusals_total" && s.Label_("rule") == "lockout-guard").Value);
        Assert.Contains(
            samples,
            s =>
                s.Name == "http_server_request_duration_seconds_count"
                && s.Label_("http_route") == "/client/v4/accounts/{account_id}/scim/v2/Users/"
                && s.Label_("http_response_status_code") == "201"
                && s.Value >= 1
        );
        Assert.Equal(expected.Values.Sum(), samples.Single(s => s.Name == "scim_recorder_written_total").Value);
        Assert.Equal(0, samples.Single(s => s.Name == "scim_recorder_dropped_total").Value);
        Assert.Contains(samples, s => s.Name == "scim_recorder_queue_depth");
        Assert.Contains(samples, s => s.Name == "scim_events_pending");

        // Metrics only on their port; nothing else there.
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await scraper.GetAsync($"/client/v4/accounts/{account}/scim/v2/Users")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await scraper.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Without_configuration_no_metrics_endpoint_exists()
    {
        await using var factory = new StandardApiFactory();

        var response = await factory.CreateClient().GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("scim_", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private sealed class RateLimitedFactory : ScimApiFactory
    {
        protected override string Profile => "Standard";

        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
            base.Settings()
                .Where(s => s.Key != "RateLimit:Enabled")
                .Concat([new("RateLimit:Enabled", "true"), new("RateLimit:PermitLimit", "2"), new("RateLimit:WindowSeconds", "300")]);
    }

    [Fact]
    public async Task Rate_limit_refusals_are_counted()
    {
        await using var factory = new RateLimitedFactory();
        var account = await factory.CreateAccountAsync();
        var meters = factory.Services.GetRequiredService<IMeterFactory>();
        long refusals = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name == "scim.rate_limit.refusals")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref refusals, value));
        listener.Start();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await account.GetAsync("/Users")).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(2, Interlocked.Read(ref refusals));
    }

    public void Dispose() => sandbox.Dispose();
}
