using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimProvisioning.Bench;

// A load generator for any SCIM 2.0 server: see docs/benchmarks.md.
if (args is ["serve-ceiling", var ceilingPort])
{
    // The trivial endpoint alone, for a load generator outside this process (bench/wrk.sh).
    await using var ceiling = Ceiling.Build($"http://127.0.0.1:{ceilingPort}");
    await ceiling.RunAsync();
    return 0;
}

var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(
        """
        usage: dotnet run -c Release --project bench/ScimProvisioning.Bench -- --url SCIM_BASE_URL --token TOKEN
               [--scenario NAME|all] [--quick] [--out results.json] [--server-pid PID] [--concurrency N] [--warmup N]
               [--small-url URL --small-token TOKEN]            (an account with ~1,000 users, for entra-match)
               [--group-100 ID --group-10k ID --group-100k ID]  (groups of those sizes, for group-patch/group-read)
        scenarios: provision, okta-import, entra-match, group-patch, group-read, entra-cycle, ceiling
        """
    );
    return 2;
}

var runner = new Runner(options);
var results = await runner.RunAsync();
var json = results.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
Console.WriteLine(json);
if (options.Out is not null)
{
    await File.WriteAllTextAsync(options.Out, json);
}

return results["scenarios"]!.AsArray().Any(s => s!["errors"]!.GetValue<int>() > 0) ? 1 : 0;

namespace ScimProvisioning.Bench
{
    internal sealed record BenchOptions(
        string Url,
        string Token,
        string Scenario,
        bool Quick,
        string? Out,
        int? ServerPid,
        int Concurrency,
        string? SmallUrl,
        string? SmallToken,
        string? Group100,
        string? Group10k,
        string? Group100k,
        int? Warmup
    )
    {
        public static BenchOptions? Parse(string[] args)
        {
            string? Get(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
            var url = Get("--url");
            var token = Get("--token");
            if (url is null || token is null)
            {
                return null;
            }

            return new BenchOptions(
                url.TrimEnd('/'),
                token,
                Get("--scenario") ?? "all",
                args.Contains("--quick"),
                Get("--out"),
                int.TryParse(Get("--server-pid"), CultureInfo.InvariantCulture, out var pid) ? pid : null,
                int.TryParse(Get("--concurrency"), CultureInfo.InvariantCulture, out var c) ? c : 16,
                Get("--small-url")?.TrimEnd('/'),
                Get("--small-token"),
                Get("--group-100"),
                Get("--group-10k"),
                Get("--group-100k"),
                int.TryParse(Get("--warmup"), CultureInfo.InvariantCulture, out var w) ? w : null
            );
        }
    }

    /// <summary>Latency samples of one measured step.</summary>
    internal sealed class Measurement(string name)
    {
        private readonly List<double> _latencies = [];
        private readonly Lock _gate = new();
        public string Name { get; } = name;
        public int Errors;
        public double Seconds;

        public void Add(double milliseconds)
        {
            lock (_gate)
            {
                _latencies.Add(milliseconds);
            }
        }

        public int Operations => _latencies.Count;

        public double Percentile(double p)
        {
            if (_latencies.Count == 0)
            {
                return 0;
            }

            var sorted = _latencies.Order().ToList();
            return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100 * sorted.Count) - 1)];
        }

        public JsonObject ToJson() =>
            new()
            {
                ["name"] = Name,
                ["operations"] = Operations,
                ["errors"] = Errors,
                ["seconds"] = Math.Round(Seconds, 3),
                ["throughput_per_s"] = Seconds > 0 ? Math.Round(Operations / Seconds, 1) : 0,
                ["p50_ms"] = Math.Round(Percentile(50), 3),
                ["p95_ms"] = Math.Round(Percentile(95), 3),
                ["p99_ms"] = Math.Round(Percentile(99), 3),
            };
    }

    internal sealed class Runner(BenchOptions options)
    {
        private readonly HttpClient _client = Client(options.Token);
        private readonly HttpClient? _small = options.SmallToken is null ? null : Client(options.SmallToken);
        private readonly List<Measurement> _measurements = [];
        private long _peakRssKb;

        private static HttpClient Client(string token)
        {
            var client = new HttpClient(
                new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = TimeSpan.FromMinutes(10) }
            )
            {
                Timeout = TimeSpan.FromMinutes(5),
            };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client;
        }

        private int Scale(int full, int quick) => options.Quick ? quick : full;

        public async Task<JsonObject> RunAsync()
        {
            using var sampler = new CancellationTokenSource();
            var sampling = SampleRssAsync(sampler.Token);
            var run =
                options.Scenario == "all"
                    ? ["provision", "okta-import", "entra-match", "group-patch", "group-read", "entra-cycle", "ceiling"]
                    : options.Scenario.Split(',');
            var warmup = options.Warmup ?? Scale(3_000, 1_000);
            if (warmup > 0)
            {
                await WarmUpAsync(warmup);
            }

            foreach (var scenario in run)
            {
                Console.Error.WriteLine($"scenario {scenario}…");
                await (
                    scenario switch
                    {
                        "provision" => ProvisionAsync(),
                        "okta-import" => OktaImportAsync(),
                        "entra-match" => EntraMatchAsync(),
                        "group-patch" => GroupPatchAsync(),
                        "group-read" => GroupReadAsync(),
                        "entra-cycle" => EntraCycleAsync(),
                        "ceiling" => CeilingAsync(),
                        _ => throw new ArgumentException($"unknown scenario {scenario}"),
                    }
                );
            }

            await sampler.CancelAsync();
            await sampling;
            var scenarios = new JsonArray(_measurements.Select(m => (JsonNode)m.ToJson()).ToArray());
            double? P50(string name) =>
                _measurements.FirstOrDefault(m => m.Name == name) is { Operations: > 0 } m ? m.Percentile(50) : null;
            double? Rate(string name) =>
                _measurements.FirstOrDefault(m => m.Name == name) is { Seconds: > 0 } m ? m.Operations / m.Seconds : null;
            double? Ratio(double? a, double? b) => a is null || b is null || b == 0 ? null : Math.Round(a.Value / b.Value, 3);
            return new JsonObject
            {
                ["url"] = options.Url,
                ["quick"] = options.Quick,
                ["concurrency"] = options.Concurrency,
                ["warmup_operations"] = options.Warmup ?? Scale(3_000, 1_000),
                ["machine"] = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}",
                ["scenarios"] = scenarios,
                ["ratios"] = new JsonObject
                {
                    ["group_patch_100k_vs_100"] = Ratio(P50("group-patch-100k"), P50("group-patch-100")),
                    ["okta_import_last_vs_first_page"] = Ratio(P50("okta-import-last-page"), P50("okta-import-first-page")),
                    ["entra_match_100k_vs_1k"] = Ratio(P50("entra-match-100k"), P50("entra-match-1k")),
                    ["get_user_vs_ceiling"] = Ratio(Rate("get-user"), Rate("ceiling")),
                },
                ["peak_rss_mb"] = options.ServerPid is null ? null : Math.Round(_peakRssKb / 1024.0, 1),
            };
        }

        private async Task SampleRssAsync(CancellationToken cancellationToken)
        {
            if (options.ServerPid is not { } pid)
            {
                return;
            }

            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    foreach (var line in await File.ReadAllLinesAsync($"/proc/{pid}/status", CancellationToken.None))
                    {
                        if (line.StartsWith("VmHWM:", StringComparison.Ordinal) || line.StartsWith("VmRSS:", StringComparison.Ordinal))
                        {
                            var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                            _peakRssKb = Math.Max(_peakRssKb, kb);
                        }
                    }
                }
                catch (IOException) { }

                try
                {
                    await Task.Delay(200, cancellationToken);
                }
                catch (TaskCanceledException) { }
            }
        }

        /// <summary>Runs <paramref name="count"/> operations with the configured concurrency, timing each.</summary>
        private async Task<Measurement> MeasureAsync(string name, int count, Func<int, Task<bool>> operation, int? concurrency = null)
        {
            var measurement = new Measurement(name);
            var next = -1;
            var clock = Stopwatch.StartNew();
            var workers = Enumerable
                .Range(0, Math.Min(count, concurrency ?? options.Concurrency))
                .Select(async _ =>
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < count)
                    {
                        var started = Stopwatch.GetTimestamp();
                        bool ok;
                        try
                        {
                            ok = await operation(i);
                        }
                        catch (HttpRequestException)
                        {
                            ok = false;
                        }

                        measurement.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                        if (!ok)
                        {
                            Interlocked.Increment(ref measurement.Errors);
                        }
                    }
                });
            await Task.WhenAll(workers);
            measurement.Seconds = clock.Elapsed.TotalSeconds;
            _measurements.Add(measurement);
            Console.Error.WriteLine(
                $"  {name}: {measurement.Operations} ops, {measurement.Operations / Math.Max(measurement.Seconds, 1e-9):F0}/s, p50 "
                    + $"{measurement.Percentile(50):F2} ms, errors {measurement.Errors}"
            );
            return measurement;
        }

        private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/scim+json");

        private static async Task<bool> Ok(Task<HttpResponseMessage> request)
        {
            using var response = await request;
            await response.Content.CopyToAsync(Stream.Null);
            return response.IsSuccessStatusCode;
        }

        private readonly string _run = Guid.NewGuid().ToString("N")[..8];

        /// <summary>
        /// Requests that are not measured, so the scenarios see a server that has been serving traffic (its code
        /// compiled and optimised, its caches filled) rather than one that has just started: creates, single reads,
        /// pages and lookups, like an IdP's first sync. <c>--warmup 0</c> measures a cold server.
        /// </summary>
        private async Task WarmUpAsync(int count)
        {
            Console.Error.WriteLine($"warm-up ({count} requests, not measured)…");
            var clock = Stopwatch.StartNew();
            var next = -1;
            var errors = 0;
            var ids = new System.Collections.Concurrent.ConcurrentQueue<string>();
            await Task.WhenAll(
                Enumerable
                    .Range(0, Math.Min(count, options.Concurrency))
                    .Select(async _ =>
                    {
                        int i;
                        while ((i = Interlocked.Increment(ref next)) < count)
                        {
                            try
                            {
                                if (i % 2 == 0 || !ids.TryPeek(out var id))
                                {
                                    using var created = await _client.PostAsync(
                                        $"{options.Url}/Users",
                                        Json(
                                            $$"""
                                            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
                                            "userName":"warmup-{{_run}}-{{i}}@bench.example",
                                             "name":{"givenName":"Warm","familyName":"Up {{i}}"},"emails":[{"primary":true,
                                             "value":"warmup-{{_run}}-{{i}}@bench.example","type":"work"}],"active":true}
                                            """
                                        )
                                    );
                                    if (created.IsSuccessStatusCode)
                                    {
                                        ids.Enqueue(JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>());
                                    }
                                    else
                                    {
                                        Interlocked.Increment(ref errors);
                                    }
                                }
                                else
                                {
                                    var ok = (i % 6) switch
                                    {
                                        1 => await Ok(_client.GetAsync($"{options.Url}/Users/{id}")),
                                        3 => await Ok(_client.GetAsync($"{options.Url}/Users?startIndex={i % 1000 * 10 + 1}&count=100")),
                                        _ => await Ok(
                                            _client.GetAsync(
                                                $"{options.Url}/Users?filter="
                                                    + Uri.EscapeDataString($"userName eq \"warmup-{_run}-0@bench.example\"")
                                            )
                                        ),
                                    };
                                    if (!ok)
                                    {
                                        Interlocked.Increment(ref errors);
                                    }
                                }
                            }
                            catch (HttpRequestException)
                            {
                                Interlocked.Increment(ref errors);
                            }
                        }
                    })
            );
            Console.Error.WriteLine($"  warm-up: {count} requests in {clock.Elapsed.TotalSeconds:F1} s, errors {errors}");
        }

        private Task ProvisionAsync() =>
            MeasureAsync(
                "provision",
                Scale(20_000, 3_000),
                i =>
                    Ok(
                        _client.PostAsync(
                            $"{options.Url}/Users",
                            Json(
                                $$"""
                                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"hire-{{_run}}-{{i}}@bench.example",
                                 "name":{"givenName":"New","familyName":"Hire {{i}}"},"emails":[{"primary":true,
                                 "value":"hire-{{_run}}-{{i}}@bench.example","type":"work"}],
                                 "externalId":"00u{{_run}}{{i}}","active":true}
                                """
                            )
                        )
                    )
            );

        private async Task OktaImportAsync()
        {
            using var first = await _client.GetAsync($"{options.Url}/Users?startIndex=1&count=100");
            var total = JsonNode.Parse(await first.Content.ReadAsStringAsync())!["totalResults"]!.GetValue<int>();
            var pages = (total + 99) / 100;
            // The whole walk, one client in order (as Okta does), then first and last pages measured on their own.
            await MeasureAsync(
                "okta-import-walk",
                options.Quick ? Math.Min(pages, 50) : pages,
                i => Ok(_client.GetAsync($"{options.Url}/Users?startIndex={i * 100 + 1}&count=100")),
                concurrency: 1
            );
            await MeasureAsync(
                "okta-import-first-page",
                Scale(200, 50),
                _ => Ok(_client.GetAsync($"{options.Url}/Users?startIndex=1&count=100")),
                concurrency: 1
            );
            var last = (pages - 1) * 100 + 1;
            await MeasureAsync(
                "okta-import-last-page",
                Scale(200, 50),
                _ => Ok(_client.GetAsync($"{options.Url}/Users?startIndex={last}&count=100")),
                concurrency: 1
            );
        }

        /// <summary>Entra's match: the userName upper-cased (it must match case-insensitively), URL-escaped.</summary>
        private static string MatchFilter(string userName) => Uri.EscapeDataString($"userName eq \"{userName.ToUpperInvariant()}\"");

        private async Task<List<string>> UserNamesAsync(HttpClient client, string url, int count)
        {
            using var response = await client.GetAsync($"{url}/Users?startIndex=1&count={Math.Min(count, 100)}&attributes=userName");
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            var total = body["totalResults"]!.GetValue<int>();
            var names = body["Resources"]!.AsArray().Select(r => r!["userName"]!.GetValue<string>()).ToList();
            // a spread of names across the whole account, not only the first page
            using var deep = await client.GetAsync($"{url}/Users?startIndex={Math.Max(1, total - 99)}&count=100&attributes=userName");
            names.AddRange(
                JsonNode.Parse(await deep.Content.ReadAsStringAsync())!["Resources"]!
                    .AsArray()
                    .Select(r => r!["userName"]!.GetValue<string>())
            );
            return names;
        }

        private async Task EntraMatchAsync()
        {
            var count = Scale(5_000, 1_000);
            if (_small is not null && options.SmallUrl is not null)
            {
                var smallNames = await UserNamesAsync(_small, options.SmallUrl, 100);
                await MeasureAsync(
                    "entra-match-1k",
                    count,
                    i => Ok(_small.GetAsync($"{options.SmallUrl}/Users?filter={MatchFilter(smallNames[i % smallNames.Count])}"))
                );
            }

            var names = await UserNamesAsync(_client, options.Url, 100);
            await MeasureAsync(
                "entra-match-100k",
                count,
                i => Ok(_client.GetAsync($"{options.Url}/Users?filter={MatchFilter(names[i % names.Count])}"))
            );
        }

        private async Task GroupPatchAsync()
        {
            using var fresh = await _client.PostAsync(
                $"{options.Url}/Users",
                Json(
                    $$"""
                    {"userName":"patcher-{{_run}}@bench.example","emails":[{"value":"patcher-{{_run}}@bench.example","primary":true}],
                    "active":true}
                    """
                )
            );
            var userId = JsonNode.Parse(await fresh.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
            foreach (var (label, group) in new[] { ("100", options.Group100), ("10k", options.Group10k), ("100k", options.Group100k) })
            {
                if (group is null)
                {
                    continue;
                }

                // add then remove the same member: the group's size stays as seeded
                await MeasureAsync(
                    $"group-patch-{label}",
                    Scale(400, 100),
                    i =>
                        Ok(
                            _client.PatchAsync(
                                $"{options.Url}/Groups/{group}",
                                Json(
                                    i % 2 == 0
                                        ? $$"""
                                        {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add",
                                        "path":"members","value":[{"value":"{{userId}}"}]}]}
                                        """
                                        : $$"""
                                        {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove",
                                        "path":"members[value eq \"{{userId}}\"]"}]}
                                        """
                                )
                            )
                        ),
                    concurrency: 1
                );
            }
        }

        private async Task GroupReadAsync()
        {
            var group = options.Group100k ?? options.Group10k ?? options.Group100;
            if (group is null)
            {
                return;
            }

            await MeasureAsync(
                "group-read-excluded-members",
                Scale(2_000, 300),
                _ => Ok(_client.GetAsync($"{options.Url}/Groups/{group}?excludedAttributes=members"))
            );
            await MeasureAsync("group-read-full", Scale(20, 5), _ => Ok(_client.GetAsync($"{options.Url}/Groups/{group}")), concurrency: 1);
        }

        private async Task EntraCycleAsync()
        {
            using var groupResponse = await _client.PostAsync($"{options.Url}/Groups", Json($$"""{"displayName":"cycle-{{_run}}"}"""));
            var group = JsonNode.Parse(await groupResponse.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
            var created = new System.Collections.Concurrent.ConcurrentBag<string>();
            await MeasureAsync(
                "entra-cycle",
                Scale(4_000, 800),
                async i =>
                {
                    var name = $"cycle-{_run}-{i / 4}@bench.example";
                    switch (i % 4)
                    {
                        case 0:
                            return await Ok(
                                _client.GetAsync($"{options.Url}/Users?filter={Uri.EscapeDataString($"userName eq \"{name}\"")}")
                            );
                        case 1:
                            using (
                                var response = await _client.PostAsync(
                                    $"{options.Url}/Users",
                                    Json(
                                        $$"""
                                        {"userName":"{{name}}","emails":[{"value":"{{name}}","primary":true,"type":"work"}],
                                        "active":true}
                                        """
                                    )
                                )
                            )
                            {
                                var body = await response.Content.ReadAsStringAsync();
                                if (response.IsSuccessStatusCode)
                                {
                                    created.Add(JsonNode.Parse(body)!["id"]!.GetValue<string>());
                                }

                                return response.IsSuccessStatusCode;
                            }

                        case 2 when created.IsEmpty:
                        case 3 when created.IsEmpty:
                            return await Ok(
                                _client.GetAsync($"{options.Url}/Users?filter={Uri.EscapeDataString($"userName eq \"{name}\"")}")
                            );
                        case 2:
                            return created.TryPeek(out var someone)
                                && await Ok(
                                    _client.PatchAsync(
                                        $"{options.Url}/Users/{someone}",
                                        Json(
                                            """
                                            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace",
                                            "path":"name.familyName","value":"Cycled"}]}
                                            """
                                        )
                                    )
                                );
                        default:
                            return created.TryPeek(out var member)
                                && await Ok(
                                    _client.PatchAsync(
                                        $"{options.Url}/Groups/{group}",
                                        Json(
                                            $$"""
                                            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add",
                                            "path":"members","value":[{"$ref":null,"value":"{{member}}"}]}]}
                                            """
                                        )
                                    )
                                );
                    }
                }
            );
        }

        private async Task CeilingAsync()
        {
            await using var app = Ceiling.Build("http://127.0.0.1:0");
            await app.StartAsync();
            var address = app.Urls.First();
            using var users = await _client.GetAsync($"{options.Url}/Users?startIndex=1&count=1");
            var id = JsonNode.Parse(await users.Content.ReadAsStringAsync())!["Resources"]![0]!["id"]!.GetValue<string>();
            var count = Scale(50_000, 10_000);
            await MeasureAsync("ceiling", count, _ => Ok(_client.GetAsync($"{address}/ping")));
            await MeasureAsync("get-user", count, _ => Ok(_client.GetAsync($"{options.Url}/Users/{id}")));
            await app.StopAsync();
        }
    }

    /// <summary>The machine's limit for one GET: a trivial JSON answer from Kestrel, with no work behind it.</summary>
    internal static class Ceiling
    {
        public static WebApplication Build(string url)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls(url);
            var app = builder.Build();
            app.MapGet(
                "/ping",
                () =>
                    Results.Text(
                        """{"id":"0123456789abcdef0123456789abcdef","userName":"ceiling@bench.example","active":true}""",
                        "application/scim+json"
                    )
            );
            return app;
        }
    }
}
